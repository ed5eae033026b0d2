import { CliError } from './errors';
import type { LiveCredentials } from './member-account';

/**
 * What the live commands (no --snapshot) share: the `--region` option, the SDK client settings and the
 * one-line errors. Live means the user's credentials and region (the SDK's default chain: environment,
 * profile, SSO, instance role; `--region` wins over AWS_REGION and the profile's region) and read-only
 * calls only. Nothing here loads the AWS SDK, so that offline commands never pay for it.
 */

/** An AWS region name: us-east-1, eu-central-2, us-gov-west-1. */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The region a live command reads (from --region, or the environment), refused unless it looks like one. */
export function checkRegionOption(region: string): string {
  if (!AWS_REGION.test(region)) {
    throw new CliError(`--region: "${region}" is not an AWS region such as us-east-1`);
  }
  return region;
}

/**
 * The SDK warns on stderr, once, that its 2027 releases need Node 22: noise in a one-line-error CLI (as
 * in the demo bundle). Set the variable to false to see it. Call before the SDK is loaded.
 */
export function silenceSdkNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/**
 * Client settings of a live read: the SDK's adaptive retry, so that a large registry backs off instead
 * of failing on throttling; with `credentials`, a member account's session (--account/--role,
 * ./member-account.ts), else the SDK's default chain.
 */
export function liveClientConfig(region: string | undefined, credentials?: LiveCredentials) {
  return {
    ...(region === undefined ? {} : { region }),
    ...(credentials === undefined ? {} : { credentials }),
    retryMode: 'adaptive',
    maxAttempts: 8,
  };
}

/** The region a client resolved (--region, the environment or the profile), or a one-line error. */
export async function resolveClientRegion(client: {
  config: { region: () => Promise<string> };
}): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new CliError('no AWS region: pass --region or set AWS_REGION (or a region in your AWS profile)');
  }
}

/** An AWS failure as one line: which API refused, and why. Anything else passes through. */
export function describeAwsFailure(error: unknown): unknown {
  if (error instanceof CliError || !(error instanceof Error)) return error;
  if (error.name === 'CredentialsProviderError') {
    return new CliError(`no AWS credentials: ${error.message.split('\n')[0]}`);
  }
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  if (metadata !== undefined) {
    return new CliError(`AWS refused a read-only call (${error.name}): ${error.message.split('\n')[0]}`);
  }
  return error;
}
