/**
 * esbuild `define`s that leave out of the Lambda bundles the in-use readers the config does not use
 * (`custom.esbuild.define` in serverless.yml, from deploy/resolve-variables.cjs). The SDK clients of
 * EKS, STS, Batch, App Runner, S3 and Inspector add ~540 KB minified together, almost doubling the
 * cleanup worker: a deployment pays only for the sources it reads.
 *
 * Each reader is loaded behind
 * `if (typeof ECR_WARDEN_BUNDLE_<SOURCE> === 'undefined' || ECR_WARDEN_BUNDLE_<SOURCE>) await import(...)`
 * (shared/aws/in-use-source-readers.ts): esbuild replaces the name with `false`, folds the condition
 * and drops the import. Outside a Lambda bundle (the CLI, the tests) the name is undefined and every
 * reader is there.
 */
export const BUNDLE_FLAGS = {
  kubernetes: 'ECR_WARDEN_BUNDLE_KUBERNETES',
  workloadAccounts: 'ECR_WARDEN_BUNDLE_WORKLOAD_ACCOUNTS',
  batch: 'ECR_WARDEN_BUNDLE_BATCH',
  appRunner: 'ECR_WARDEN_BUNDLE_APP_RUNNER',
  external: 'ECR_WARDEN_BUNDLE_EXTERNAL',
  inspector: 'ECR_WARDEN_BUNDLE_INSPECTOR',
} as const;

export type BundledSource = keyof typeof BUNDLE_FLAGS;

/** The parts of `cleanup.protect` that decide which readers a bundle holds. */
export interface BundleInput {
  kubernetes?: { clusters: 'all' | readonly string[] } | undefined;
  /** With the clusters read in each workload account (through its reader role). */
  workloadAccounts: readonly {
    account: string;
    kubernetesClusters?: 'all' | readonly string[] | undefined;
  }[];
  batch: boolean;
  appRunner: boolean;
  external: readonly unknown[];
  inspectorInUseDays?: number | undefined;
}

/** Which readers a deployment with this `cleanup.protect` calls. */
export function bundledSources(protect: BundleInput): Record<BundledSource, boolean> {
  const hasClusters = (clusters: 'all' | readonly string[] | undefined) =>
    clusters === 'all' || (clusters !== undefined && clusters.length > 0);
  return {
    kubernetes:
      hasClusters(protect.kubernetes?.clusters) ||
      protect.workloadAccounts.some((entry) => hasClusters(entry.kubernetesClusters)),
    workloadAccounts: protect.workloadAccounts.length > 0,
    batch: protect.batch,
    appRunner: protect.appRunner,
    external: protect.external.length > 0,
    inspector: protect.inspectorInUseDays !== undefined,
  };
}

/** `{ ECR_WARDEN_BUNDLE_KUBERNETES: 'false', ... }`: esbuild's define values are JS expressions. */
export function bundleDefines(protect: BundleInput): Record<string, string> {
  const sources = bundledSources(protect);
  return Object.fromEntries(
    (Object.keys(BUNDLE_FLAGS) as BundledSource[]).map((source) => [
      BUNDLE_FLAGS[source],
      String(sources[source]),
    ]),
  );
}

/**
 * Issue 15: the Organizations hub's code (member sessions on STS, the target queues on SQS) stays out of
 * the bundles of a deployment without an `organization` section (shared/bundle-flags.d.ts).
 */
export const ORGANIZATION_BUNDLE_FLAG = 'ECR_WARDEN_BUNDLE_ORGANIZATION';

export function organizationBundleDefines(config: { organization?: unknown }): Record<string, string> {
  return { [ORGANIZATION_BUNDLE_FLAG]: String(config.organization !== undefined) };
}
