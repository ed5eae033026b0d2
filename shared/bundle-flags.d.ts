/**
 * Which optional in-use readers a Lambda bundle holds: esbuild replaces each name with `true` or
 * `false` from the config at package time (deploy/bundle-defines.ts). Outside a bundle (the CLI, the
 * tests, the demo) they are undefined, and code tests `typeof NAME === 'undefined' || NAME`.
 */
declare const ECR_WARDEN_BUNDLE_KUBERNETES: boolean | undefined;
declare const ECR_WARDEN_BUNDLE_WORKLOAD_ACCOUNTS: boolean | undefined;
declare const ECR_WARDEN_BUNDLE_BATCH: boolean | undefined;
declare const ECR_WARDEN_BUNDLE_APP_RUNNER: boolean | undefined;
declare const ECR_WARDEN_BUNDLE_EXTERNAL: boolean | undefined;
declare const ECR_WARDEN_BUNDLE_INSPECTOR: boolean | undefined;
/**
 * Whether the config has an `organization` section (issue 15): the hub's member sessions (STS), target
 * queue (SQS) and Organizations listing stay out of a single-account deployment's bundles.
 */
declare const ECR_WARDEN_BUNDLE_ORGANIZATION: boolean | undefined;
