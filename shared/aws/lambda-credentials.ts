import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The credential provider of the Lambda bundles: at package time scripts/esbuild-plugins.cjs puts this
 * module in place of `@aws-sdk/credential-provider-node`, the default chain every SDK client imports.
 *
 * Lambda gives a function its execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN ("Defined runtime environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * and the environment is the first link of the default chain, so on Lambda the chain always stops there.
 * Its other links (shared config files, SSO, web identity, process, IMDS: about 100 KB of every bundle,
 * the STS and SSO clients included) can never answer on Lambda. The CLI, which runs with a person's
 * profile or SSO session, keeps the full chain.
 */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> {
  return fromEnv(init);
}
