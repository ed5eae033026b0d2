import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import type { RepositoryImageSource, WorkloadSource } from './cleanup-ports';
import { readRepositoryInventory } from './repository-inventory';
import { SNAPSHOT_VERSION } from './snapshot';

/**
 * A live snapshot of a registry: the snapshot contract (shared/cleanup/snapshot.ts,
 * examples/snapshot/README.md) filled from the same adapters cleanupWorker uses, read-only:
 * DescribeRegistry, DescribeRepositories, then per repository DescribeImages (imageStatus ANY),
 * BatchGetImage on its indexes and GetLifecyclePolicy, and the in-use picture from ECS and Lambda.
 *
 * `ecr-warden snapshot` writes all of it; `ecr-warden cleanup plan` without `--snapshot` takes one of
 * the repositories its rules cover only, and reads lifecycle policies only where a rule says `native`.
 *
 * Reading an index manifest records a pull on it, as any pull does (lastRecordedPullTime); a
 * snapshot records the pull times from before those reads.
 */
export interface RegistryReader {
  /** The registry's account id (DescribeRegistry). */
  registryId(): Promise<string>;
  /** describe-repositories entries, a page at a time. */
  listRepositories(): AsyncIterable<readonly { repositoryName?: string | undefined }[]>;
}

export interface SnapshotProgress {
  /** Repositories to read, known once all are listed. */
  start(total: number): void;
  /** One more repository read. */
  tick(repositoryName: string): void;
  done(): void;
}

export interface TakeSnapshotOptions {
  region: string;
  /** When the snapshot is taken, epoch ms. */
  now: number;
  /** Only these repositories (default: all). */
  include?: (repositoryName: string) => boolean;
  /** Read the lifecycle policy of these repositories (default: all included ones). */
  readLifecyclePolicy?: (repositoryName: string) => boolean;
  /** Repositories read at once (default 4). */
  concurrency?: number;
  progress?: SnapshotProgress;
}

/** A snapshot document as JSON values (Dates as ISO 8601 strings): what `ecr-warden snapshot` writes. */
export type SnapshotJson = Record<string, unknown> & { repositories: unknown[] };

export async function takeSnapshot(
  ports: { registry: RegistryReader; images: RepositoryImageSource; workloads: WorkloadSource },
  options: TakeSnapshotOptions,
): Promise<SnapshotJson> {
  const account = await ports.registry.registryId();
  const entries: { repositoryName: string }[] = [];
  for await (const page of ports.registry.listRepositories()) {
    for (const entry of page) {
      const name = entry.repositoryName;
      if (name !== undefined && (options.include?.(name) ?? true))
        entries.push(entry as { repositoryName: string });
    }
  }
  options.progress?.start(entries.length);
  const repositories = await mapWithConcurrency(entries, options.concurrency ?? 4, async (entry) => {
    const { repositoryName } = entry;
    const inventory = await readRepositoryInventory(ports.images, { repositoryName });
    const policyText =
      (options.readLifecyclePolicy?.(repositoryName) ?? true)
        ? await ports.images.readLifecyclePolicy({ repositoryName })
        : undefined;
    options.progress?.tick(repositoryName);
    return {
      repository: entry,
      ...(policyText === undefined ? {} : { lifecyclePolicyText: policyText }),
      images: inventory.details,
      manifests: Object.fromEntries(inventory.manifests),
    };
  });
  const workloads = await ports.workloads.readWorkloads();
  options.progress?.done();
  // Through JSON: Dates become the ISO 8601 strings the AWS CLI prints, and the result is exactly what
  // a file holds.
  return JSON.parse(
    JSON.stringify({
      snapshotVersion: SNAPSHOT_VERSION,
      account,
      region: options.region,
      takenAt: new Date(options.now).toISOString(),
      repositories,
      ecs: workloads.ecs,
      lambda: workloads.lambda,
    }),
  ) as SnapshotJson;
}
