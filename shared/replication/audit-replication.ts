import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';
import type { StructuredLogger } from '../logger';
import { compareReplica, findMissingImages } from './compare-replica';
import type { RegionalRegistryReader, RegistryReaderFactory, RepositoryListing } from './registry-reader';
import {
  type AuditResult,
  hasProblems,
  type ImageReplicationStatus,
  type ImageView,
  type NotAudited,
  type ReplicaComparison,
  type RepositoryState,
  type ScanningView,
} from './replication-model';
import { planAuditScope } from './replication-scope';

export interface AuditSettings {
  /** The destination regions the audit may read; undefined: every destination of the rules. */
  destinationRegions?: readonly string[] | undefined;
  repositoryPrefixes: readonly string[];
  /** ISO 8601 per destination region. */
  ruleCreatedAt: Readonly<Record<string, string>>;
  inFlightMinutes: number;
  lagWindowHours: number;
  statusChecksPerRepository: number;
}

export interface AuditReplicationInput {
  /** The account whose registries are audited; by default the source registry's (DescribeRegistry). */
  account?: string | undefined;
  sourceRegion: string;
  settings: AuditSettings;
  now: Date;
  /**
   * Milliseconds left to start auditing another repository (Lambda's remaining time less what publishing
   * the report needs). At 0 the audit stops and reports what it covered.
   */
  timeLeft?: () => number;
}

export interface AuditReplicationDependencies {
  readerFor: RegistryReaderFactory;
  /** Repositories audited at once (each reads the source and its destinations in parallel). */
  concurrency?: number;
  log?: Pick<StructuredLogger, 'warn'>;
}

/** The source registry could not be read at all: the run fails, so that Lambda retries it. */
export class ReplicationAuditError extends EcrWardenError {
  override name = 'ReplicationAuditError';
}

export const DEFAULT_AUDIT_CONCURRENCY = 8;
/** After this many failed repositories in a row, a destination region counts as unreachable. */
const REGION_FAILURE_LIMIT = 3;

interface DestinationState {
  region: string;
  registryId: string;
  reader: RegionalRegistryReader;
  listings: Map<string, RepositoryListing>;
  scanType: string;
  frequencies: Map<string, string>;
  consecutiveFailures: number;
  down: string | undefined;
  /** Repositories that replicate here but were not compared (region down, reads failed). */
  notAudited: number;
}

/**
 * The scheduled audit: reads the registry's replication rules, and for every repository a rule selects
 * (within the function's scope), compares the source with each destination. A destination that cannot
 * be reached is reported and skipped, and the rest of the audit completes. Reads only.
 *
 * Calls, for R repositories and D destination regions (the pagination minimum): DescribeRegistry once;
 * per region DescribeRepositories (1,000 a page), GetRegistryScanningConfiguration once and
 * BatchGetRepositoryScanningConfiguration (25 names a call); per repository and region DescribeImages
 * (1,000 a page), GetLifecyclePolicy and GetRepositoryPolicy; and DescribeImageReplicationStatus only for
 * images missing from a destination (at most statusChecksPerRepository per repository).
 */
export async function auditReplication(
  input: AuditReplicationInput,
  dependencies: AuditReplicationDependencies,
): Promise<AuditResult> {
  const { settings } = input;
  const now = input.now.getTime();
  const windows = {
    now,
    inFlightMs: settings.inFlightMinutes * 60_000,
    lagWindowMs: settings.lagWindowHours * 3_600_000,
  };
  const timeLeft = input.timeLeft ?? (() => Number.POSITIVE_INFINITY);
  const source = dependencies.readerFor(input.sourceRegion);

  const registry = await source.describeRegistry();
  const rules = registry.rules;
  const account = input.account ?? registry.registryId;
  const sourceListings = new Map((await source.listRepositories()).map((r) => [r.repositoryName, r]));
  const scope = planAuditScope({
    account,
    sourceRegion: input.sourceRegion,
    rules,
    repositoryNames: [...sourceListings.keys()],
    destinationRegions: settings.destinationRegions,
    repositoryPrefixes: settings.repositoryPrefixes,
  });
  const notAudited: NotAudited[] = [...scope.notAudited];
  const repositoriesPerRegion = new Map<string, string[]>();
  for (const repository of scope.repositories) {
    for (const region of repository.destinationRegions) {
      repositoriesPerRegion.set(region, [
        ...(repositoriesPerRegion.get(region) ?? []),
        repository.repositoryName,
      ]);
    }
  }

  const destinations = new Map<string, DestinationState>();
  const unreachable = new Map<string, string>();
  await Promise.all(
    scope.destinations.map(async (destination) => {
      const reader = dependencies.readerFor(destination.region);
      const names = repositoriesPerRegion.get(destination.region) ?? [];
      try {
        const listings = new Map((await reader.listRepositories()).map((r) => [r.repositoryName, r]));
        const scanType = await reader.registryScanType();
        const frequencies = await reader.scanFrequencies(names.filter((name) => listings.has(name)));
        destinations.set(destination.region, {
          region: destination.region,
          registryId: destination.registryId,
          reader,
          listings,
          scanType,
          frequencies,
          consecutiveFailures: 0,
          down: undefined,
          notAudited: 0,
        });
      } catch (error) {
        const reason = describeFailure(error);
        dependencies.log?.warn('replication destination unreachable', { region: destination.region, reason });
        unreachable.set(destination.region, reason);
        notAudited.push({
          kind: 'unreachable',
          destinationRegion: destination.region,
          registryId: destination.registryId,
          repositories: names.length,
          reason: `${destination.region} unreachable: ${reason}`,
        });
      }
    }),
  );

  const sourceScanType = await source.registryScanType();
  const sourceFrequencies = await source.scanFrequencies(scope.repositories.map((r) => r.repositoryName));
  const scanningOf = (scanType: string, frequency: string | undefined): ScanningView | undefined =>
    frequency === undefined ? undefined : { scanType, frequency };

  const comparisons: ReplicaComparison[] = [];
  let audited = 0;
  let pairsAudited = 0;
  let inFlight = 0;
  let stoppedEarly = false;
  let notStarted = 0;
  const sourceFailures = new Map<string, number>();
  let worstLag: AuditResult['worstLag'];

  await mapWithConcurrency(
    scope.repositories,
    dependencies.concurrency ?? DEFAULT_AUDIT_CONCURRENCY,
    async (item) => {
      const { repositoryName } = item;
      if (stoppedEarly || timeLeft() <= 0) {
        stoppedEarly = true;
        notStarted += 1;
        return;
      }
      const listing = sourceListings.get(repositoryName);
      if (listing === undefined) return;

      let sourceState: RepositoryState;
      try {
        const [images, lifecyclePolicyText, repositoryPolicyText] = await Promise.all([
          source.listImages(repositoryName),
          source.lifecyclePolicyText(repositoryName),
          source.repositoryPolicyText(repositoryName),
        ]);
        if (images === undefined) return; // deleted since it was listed
        sourceState = {
          createdAt: listing.createdAt,
          images,
          settings: {
            ...settingsOf(listing),
            scanning: scanningOf(sourceScanType, sourceFrequencies.get(repositoryName)),
            lifecyclePolicyText,
            repositoryPolicyText,
          },
        };
      } catch (error) {
        const reason = describeFailure(error);
        dependencies.log?.warn('replication audit could not read a source repository', {
          repositoryName,
          reason,
        });
        sourceFailures.set(reason, (sourceFailures.get(reason) ?? 0) + 1);
        return;
      }

      const replicas = new Map<string, RepositoryState | undefined>();
      await Promise.all(
        item.destinationRegions.map(async (region) => {
          const destination = destinations.get(region);
          if (destination === undefined) return; // unreachable from the start: already reported
          if (destination.down !== undefined) {
            destination.notAudited += 1;
            return;
          }
          const replicaListing = destination.listings.get(repositoryName);
          if (replicaListing === undefined) {
            replicas.set(region, undefined);
            return;
          }
          try {
            const [images, lifecyclePolicyText, repositoryPolicyText] = await Promise.all([
              destination.reader.listImages(repositoryName),
              destination.reader.lifecyclePolicyText(repositoryName),
              destination.reader.repositoryPolicyText(repositoryName),
            ]);
            destination.consecutiveFailures = 0;
            replicas.set(
              region,
              images === undefined
                ? undefined
                : {
                    createdAt: replicaListing.createdAt,
                    images,
                    settings: {
                      ...settingsOf(replicaListing),
                      scanning: scanningOf(destination.scanType, destination.frequencies.get(repositoryName)),
                      lifecyclePolicyText,
                      repositoryPolicyText,
                    },
                  },
            );
          } catch (error) {
            const reason = describeFailure(error);
            destination.notAudited += 1;
            destination.consecutiveFailures += 1;
            dependencies.log?.warn('replication audit could not read a replica', {
              repositoryName,
              region,
              reason,
            });
            if (destination.consecutiveFailures >= REGION_FAILURE_LIMIT && destination.down === undefined) {
              destination.down = reason;
            }
          }
        }),
      );

      const statuses = await readStatuses(
        source,
        repositoryName,
        missingAnywhere(sourceState.images, replicas, windows),
        settings.statusChecksPerRepository,
        dependencies.log,
      );
      if (statuses.gone.size > 0) {
        sourceState = {
          ...sourceState,
          images: sourceState.images.filter((i) => !statuses.gone.has(i.digest)),
        };
      }

      for (const [region, replica] of replicas) {
        const destination = destinations.get(region);
        if (destination === undefined) continue;
        const ruleCreatedAt = settings.ruleCreatedAt[region];
        const comparison = compareReplica({
          repositoryName,
          sourceRegion: input.sourceRegion,
          destination: { region, registryId: destination.registryId },
          source: sourceState,
          replica,
          statuses: statuses.byDigest,
          ruleCreatedAt: ruleCreatedAt === undefined ? undefined : Date.parse(ruleCreatedAt),
          windows,
        });
        pairsAudited += 1;
        inFlight += comparison.inFlight;
        const lag = comparison.worstLag;
        if (lag !== undefined && (worstLag === undefined || lag.seconds > worstLag.seconds)) {
          worstLag = { ...lag, repositoryName, destinationRegion: region };
        }
        if (hasProblems(comparison)) comparisons.push(comparison);
      }
      audited += 1;
    },
  );

  for (const destination of destinations.values()) {
    if (destination.down !== undefined) unreachable.set(destination.region, destination.down);
    if (destination.notAudited === 0) continue;
    notAudited.push({
      kind: destination.down === undefined ? 'read-failures' : 'unreachable',
      destinationRegion: destination.region,
      registryId: destination.registryId,
      repositories: destination.notAudited,
      reason:
        destination.down === undefined
          ? `reads in ${destination.region} failed for ${destination.notAudited} repositories`
          : `${destination.region} became unreachable during the audit: ${destination.down}`,
    });
  }
  for (const [reason, repositories] of sourceFailures) {
    notAudited.push({
      kind: 'read-failures',
      repositories,
      reason: `reading the source repository failed: ${reason}`,
    });
  }
  if (stoppedEarly) {
    notAudited.push({
      kind: 'time-limit',
      repositories: notStarted,
      reason: 'the audit stopped before the Lambda time limit; these repositories were not audited this run',
    });
  }
  if (audited === 0 && sourceFailures.size > 0) {
    throw new ReplicationAuditError(
      `no repository of ${input.sourceRegion} could be read: ${[...sourceFailures.keys()].join('; ')}`,
    );
  }

  return {
    account,
    sourceRegion: input.sourceRegion,
    ruleCount: rules.length,
    destinationRegions: [...destinations.keys()].sort(),
    repositoriesSelected: scope.selected,
    repositoriesAudited: audited,
    pairsAudited,
    comparisons: comparisons.sort(
      (a, b) =>
        a.repositoryName.localeCompare(b.repositoryName) ||
        a.destination.region.localeCompare(b.destination.region),
    ),
    unreachableRegions: [...unreachable.keys()].sort(),
    notAudited,
    inFlight,
    worstLag,
    stoppedEarly,
  };
}

function settingsOf(listing: RepositoryListing) {
  return {
    tagMutability: listing.tagMutability,
    exclusionFilters: listing.exclusionFilters,
    encryptionType: listing.encryptionType,
  };
}

/** Source images missing from at least one replica that was read (a missing replica: every image). */
function missingAnywhere(
  images: readonly ImageView[],
  replicas: ReadonlyMap<string, RepositoryState | undefined>,
  windows: { now: number; inFlightMs: number },
): ImageView[] {
  const missing = new Map<string, ImageView>();
  for (const replica of replicas.values()) {
    for (const image of findMissingImages(images, replica?.images, windows).missing) {
      missing.set(image.digest, image);
    }
  }
  return [...missing.values()];
}

/**
 * DescribeImageReplicationStatus for the missing images, newest first (the ones most likely to be a
 * live problem rather than pre-rule history), at most `budget` calls. One call answers for every
 * destination of the image.
 */
async function readStatuses(
  source: RegionalRegistryReader,
  repositoryName: string,
  missing: readonly ImageView[],
  budget: number,
  log: Pick<StructuredLogger, 'warn'> | undefined,
): Promise<{ byDigest: Map<string, ImageReplicationStatus[]>; gone: Set<string> }> {
  const byDigest = new Map<string, ImageReplicationStatus[]>();
  const gone = new Set<string>();
  const wanted = [...missing].sort((a, b) => b.pushedAt - a.pushedAt).slice(0, budget);
  for (const image of wanted) {
    try {
      const statuses = await source.imageReplicationStatuses(repositoryName, image.digest);
      if (statuses === undefined) gone.add(image.digest);
      else byDigest.set(image.digest, statuses);
    } catch (error) {
      // Without its status the image is classified by dates, as beyond the budget.
      log?.warn('replication status unavailable', {
        repositoryName,
        imageDigest: image.digest,
        reason: describeFailure(error),
      });
    }
  }
  return { byDigest, gone };
}

/** The error's AWS name (or network code), with the attempts the SDK made. */
export function describeFailure(error: unknown): string {
  const e = error as { name?: string; code?: string; $metadata?: { attempts?: number } };
  const name = e.code !== undefined && /^E[A-Z]+$/.test(e.code) ? e.code : (e.name ?? 'Error');
  const attempts = e.$metadata?.attempts;
  return attempts !== undefined && attempts > 1 ? `${name} after ${attempts} attempts` : name;
}
