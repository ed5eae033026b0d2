import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { type ImageDetail, toEpochMillis } from '../inventory/image-details';
import { type RegionalRegistryReader, toReplicationRuleViews } from '../replication/registry-reader';
import { destinationsOf } from '../replication/replication-scope';
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
  /** DescribeRegistry: the registry's account id and its replication configuration. */
  describeRegistry(): Promise<{ registryId: string; replicationConfiguration?: unknown }>;
  /** describe-repositories entries, a page at a time. */
  listRepositories(): AsyncIterable<readonly { repositoryName?: string | undefined }[]>;
  /** GetRegistryScanningConfiguration `scanningConfiguration`. */
  registryScanningConfiguration(): Promise<unknown>;
}

/**
 * What `repositories audit` and `replication audit` read besides the cleanup's reads (the replication
 * audit's reader, shared/replication/registry-reader.ts, answers them live).
 */
export type RegistrySettingsReader = Pick<
  RegionalRegistryReader,
  'repositoryPolicyText' | 'scanFrequencies' | 'imageReplicationStatuses'
>;

/** One region's reads. */
export interface RegionPorts {
  registry: RegistryReader;
  images: RepositoryImageSource;
  /** When given, the snapshot records the registry settings the audits read (`ecr-warden snapshot`). */
  settings?: RegistrySettingsReader;
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

/**
 * Replication statuses recorded per repository, newest missing images first: ten times the audit's
 * default budget (replication.statusChecksPerRepository, 100), one DescribeImageReplicationStatus each.
 */
export const SNAPSHOT_REPLICATION_STATUSES_PER_REPOSITORY = 1000;

/** The snapshot's in-use fields beside its own account's `ecs` and `lambda` (shared/inuse/snapshot-sources.ts). */
export interface OtherInUseSnapshotFields {
  kubernetes: unknown[];
  workloadAccounts: unknown[];
  external: unknown[];
  /** Each present only when the config reads that source. */
  batch?: unknown;
  appRunner?: unknown;
  inspector?: unknown;
}

/** A snapshot document as JSON values (Dates as ISO 8601 strings): what `ecr-warden snapshot` writes. */
export type SnapshotJson = Record<string, unknown> & { repositories: unknown[] };

interface RegionJson {
  region: string;
  replicationConfiguration?: unknown;
  registryScanningConfiguration?: unknown;
  repositories: RepositoryJson[];
}

/** A repository entry before the JSON round trip: images as the SDK gives them (Dates). */
interface RepositoryJson {
  repository: { repositoryName: string };
  lifecyclePolicyText?: string;
  images: readonly ImageDetail[];
  manifests: Record<string, string>;
  repositoryPolicyText?: string | null;
  scanningConfiguration?: { scanFrequency: string };
  replicationStatuses?: Record<string, unknown[]>;
}

/**
 * The snapshot of `options.region`; with `ports.settings`, also the registry settings the audits read
 * and, through `otherRegion`, every other region of this account that a replication rule names as a
 * destination, with the replication status of each source image missing from a destination.
 */
export async function takeSnapshot(
  ports: RegionPorts & {
    workloads: WorkloadSource;
    otherRegion?: (region: string) => RegionPorts;
    /**
     * The other in-use sources the config names, as the snapshot's `kubernetes`, `workloadAccounts`,
     * `external`, `batch`, `appRunner` and `inspector` fields (shared/inuse/capture-snapshot-sources.ts); they throw when one cannot be
     * read, so that a snapshot never silently lacks one. Without it the fields are left out.
     */
    otherInUseSources?: (local: { account: string; region: string }) => Promise<OtherInUseSnapshotFields>;
  },
  options: TakeSnapshotOptions,
): Promise<SnapshotJson> {
  const { registryId: account, ...main } = await takeRegion(ports, options);
  const regions: RegionJson[] = [];
  if (ports.settings !== undefined && ports.otherRegion !== undefined) {
    const destinations = new Set(
      toReplicationRuleViews(main.replicationConfiguration as ReplicationConfigurationJson)
        .flatMap((rule) => rule.destinations)
        .filter((destination) => destination.registryId === account && destination.region !== options.region)
        .map((destination) => destination.region),
    );
    // The progress bar follows the main region only.
    const { progress: _progress, ...quiet } = options;
    for (const region of [...destinations].sort()) {
      const { registryId: _account, ...taken } = await takeRegion(ports.otherRegion(region), {
        ...quiet,
        region,
      });
      regions.push(taken);
    }
    const all = [main, ...regions];
    for (const source of all) {
      const reader = source === main ? ports.settings : ports.otherRegion(source.region).settings;
      if (reader !== undefined) await recordReplicationStatuses(reader, account, source, all);
    }
  }
  const workloads = await ports.workloads.readWorkloads();
  const others = await ports.otherInUseSources?.({ account, region: options.region });
  options.progress?.done();
  // Through JSON: Dates become the ISO 8601 strings the AWS CLI prints, and the result is exactly what
  // a file holds.
  return JSON.parse(
    JSON.stringify({
      snapshotVersion: SNAPSHOT_VERSION,
      account,
      region: options.region,
      takenAt: new Date(options.now).toISOString(),
      repositories: main.repositories,
      ...(main.replicationConfiguration === undefined
        ? {}
        : { replicationConfiguration: main.replicationConfiguration }),
      ...(main.registryScanningConfiguration === undefined
        ? {}
        : { registryScanningConfiguration: main.registryScanningConfiguration }),
      ...(regions.length === 0 ? {} : { regions }),
      ecs: workloads.ecs,
      lambda: workloads.lambda,
      ...(others === undefined
        ? {}
        : {
            kubernetes: others.kubernetes,
            workloadAccounts: others.workloadAccounts,
            external: others.external,
            // JSON.stringify leaves out the undefined ones: the sources the config does not read.
            batch: others.batch,
            appRunner: others.appRunner,
            inspector: others.inspector,
          }),
    }),
  ) as SnapshotJson;
}

async function takeRegion(
  ports: RegionPorts,
  options: TakeSnapshotOptions,
): Promise<RegionJson & { registryId: string }> {
  const registry = await ports.registry.describeRegistry();
  const entries: { repositoryName: string }[] = [];
  for await (const page of ports.registry.listRepositories()) {
    for (const entry of page) {
      const name = entry.repositoryName;
      if (name !== undefined && (options.include?.(name) ?? true))
        entries.push(entry as { repositoryName: string });
    }
  }
  options.progress?.start(entries.length);
  const { settings } = ports;
  const frequencies =
    settings === undefined ? undefined : await settings.scanFrequencies(entries.map((e) => e.repositoryName));
  const repositories = await mapWithConcurrency(entries, options.concurrency ?? 4, async (entry) => {
    const { repositoryName } = entry;
    const inventory = await readRepositoryInventory(ports.images, { repositoryName });
    const policyText =
      (options.readLifecyclePolicy?.(repositoryName) ?? true)
        ? await ports.images.readLifecyclePolicy({ repositoryName })
        : undefined;
    const repository: RepositoryJson = {
      repository: entry,
      ...(policyText === undefined ? {} : { lifecyclePolicyText: policyText }),
      images: inventory.details,
      manifests: Object.fromEntries(inventory.manifests),
    };
    if (settings !== undefined) {
      repository.repositoryPolicyText = (await settings.repositoryPolicyText(repositoryName)) ?? null;
      const frequency = frequencies?.get(repositoryName);
      if (frequency !== undefined) repository.scanningConfiguration = { scanFrequency: frequency };
    }
    options.progress?.tick(repositoryName);
    return repository;
  });
  const taken: RegionJson & { registryId: string } = {
    registryId: registry.registryId,
    region: options.region,
    repositories,
  };
  if (settings !== undefined) {
    taken.replicationConfiguration = registry.replicationConfiguration ?? { rules: [] };
    taken.registryScanningConfiguration = await ports.registry.registryScanningConfiguration();
  }
  return taken;
}

/**
 * DescribeImageReplicationStatus of the images of `source` that a same-account destination in the
 * snapshot lacks (a destination without the repository lacks them all): what the replication audit asks
 * for the images it finds missing. Newest first, at most SNAPSHOT_REPLICATION_STATUSES_PER_REPOSITORY.
 */
async function recordReplicationStatuses(
  reader: RegistrySettingsReader,
  account: string,
  source: RegionJson,
  regions: readonly RegionJson[],
): Promise<void> {
  const rules = toReplicationRuleViews(source.replicationConfiguration as ReplicationConfigurationJson);
  if (rules.length === 0) return;
  const byRegion = new Map(regions.map((region) => [region.region, region]));
  for (const repository of source.repositories) {
    const name = repository.repository.repositoryName;
    const replicas = destinationsOf(rules, name)
      .filter((destination) => destination.registryId === account)
      .flatMap((destination) => {
        const region = byRegion.get(destination.region);
        return region === undefined || region === source ? [] : [region];
      })
      .map((region) => {
        const replica = region.repositories.find((entry) => entry.repository.repositoryName === name);
        return new Set(replica?.images.map((image) => image.imageDigest));
      });
    const missing = repository.images
      .filter((image) => replicas.some((digests) => !digests.has(image.imageDigest)))
      .sort((a, b) => pushedAtOf(b) - pushedAtOf(a))
      .slice(0, SNAPSHOT_REPLICATION_STATUSES_PER_REPOSITORY);
    if (missing.length === 0) continue;
    const statuses: Record<string, unknown[]> = {};
    for (const image of missing) {
      const digest = image.imageDigest;
      const found = await reader.imageReplicationStatuses(name, digest);
      if (found !== undefined) statuses[digest] = found;
    }
    repository.replicationStatuses = statuses;
  }
}

type ReplicationConfigurationJson = Parameters<typeof toReplicationRuleViews>[0];

const pushedAtOf = (image: ImageDetail) => toEpochMillis(image.imagePushedAt, 'imagePushedAt');
