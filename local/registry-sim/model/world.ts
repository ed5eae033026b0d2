import { SimulatedClock } from './clock';
import { EcsState } from './ecs';
import { EksState } from './eks';
import { LambdaState } from './lambda';
import { RegistryState } from './registry';
import type { PutImageResult, ReplicationStatusRecord, RepositoryState } from './repository';
import { createSeededRandom, deriveSeed, type RandomSource } from './seeded-random';
import { SimulatedServiceError } from './simulated-error';
import { WorkloadServices } from './workload-services';

export interface WorldOptions {
  /** The simulated "now" (default 2026-11-01T00:00:00Z); the clock moves only when told to. */
  asOf?: Date | string | number;
  /** Seeds every random choice (ids, fault injection), so that runs repeat (default 1). */
  seed?: number;
  /** The account callers belong to (default 123456789012). */
  accountId?: string;
  /** ECR's images-per-repository quota (default 100,000). */
  maxImagesPerRepository?: number;
  /** BatchGetImage updates lastRecordedPullTime, as ECR does (default true). */
  recordPulls?: boolean;
}

/** A replication failure a test plants: pushes matching it end FAILED and do not reach the destination. */
export interface ReplicationFailure {
  destinationRegion?: string;
  destinationAccountId?: string;
  repositoryPrefix?: string;
  failureCode?: string;
}

export interface PushInput {
  manifest: string;
  mediaType?: string | undefined;
  tag?: string | undefined;
  digest?: string | undefined;
}

export interface PushResult extends PutImageResult {
  repository: RepositoryState;
  replications: ReplicationStatusRecord[];
}

export const DEFAULT_AS_OF = '2026-11-01T00:00:00Z';
export const DEFAULT_ACCOUNT_ID = '123456789012';
// "Images per repository: 100,000" (adjustable). ecr-warden's AWS-FACTS sheet, ECR service quotas.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
export const DEFAULT_MAX_IMAGES_PER_REPOSITORY = 100_000;

const ECR_IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * The whole simulated world: one ECR registry, one ECS and one Lambda per account and region
 * (created on first use), a clock and a seed. Pure data and rules; no SDK.
 */
export class World {
  readonly clock: SimulatedClock;
  readonly defaultAccountId: string;
  readonly seed: number;
  maxImagesPerRepository: number;
  recordPulls: boolean;
  readonly replicationFailures: ReplicationFailure[] = [];
  private readonly registryMap = new Map<string, RegistryState>();
  private readonly ecsMap = new Map<string, EcsState>();
  private readonly lambdaMap = new Map<string, LambdaState>();
  /** STS, S3, Batch, App Runner, Inspector (./workload-services.ts). */
  readonly services: WorkloadServices;
  private readonly eksMap = new Map<string, EksState>();

  constructor(options: WorldOptions = {}) {
    this.clock = new SimulatedClock(options.asOf ?? DEFAULT_AS_OF);
    this.seed = options.seed ?? 1;
    this.defaultAccountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.maxImagesPerRepository = options.maxImagesPerRepository ?? DEFAULT_MAX_IMAGES_PER_REPOSITORY;
    this.recordPulls = options.recordPulls ?? true;
    this.services = new WorkloadServices(this.defaultAccountId, (stream) => this.random(stream));
  }

  random(stream: string): RandomSource {
    return createSeededRandom(deriveSeed(this.seed, stream));
  }

  registry(accountId: string, region: string): RegistryState {
    const key = `${accountId}/${region}`;
    let registry = this.registryMap.get(key);
    if (registry === undefined) {
      registry = new RegistryState(accountId, region);
      this.registryMap.set(key, registry);
    }
    return registry;
  }

  registries(): RegistryState[] {
    return [...this.registryMap.values()];
  }

  ecs(accountId: string, region: string): EcsState {
    const key = `${accountId}/${region}`;
    let state = this.ecsMap.get(key);
    if (state === undefined) {
      state = new EcsState(accountId, region, this.random(`ecs/${key}`));
      this.ecsMap.set(key, state);
    }
    return state;
  }

  ecsStates(): EcsState[] {
    return [...this.ecsMap.values()];
  }

  lambda(accountId: string, region: string): LambdaState {
    const key = `${accountId}/${region}`;
    let state = this.lambdaMap.get(key);
    if (state === undefined) {
      state = new LambdaState(accountId, region, this.random(`lambda/${key}`));
      this.lambdaMap.set(key, state);
    }
    return state;
  }

  lambdaStates(): LambdaState[] {
    return [...this.lambdaMap.values()];
  }

  /** Every account and region's EKS that has clusters, in account/region order. */
  eksStates(): EksState[] {
    return [...this.eksMap.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, state]) => state)
      .filter((state) => state.clusterNames().length > 0);
  }

  eks(accountId: string, region: string): EksState {
    const key = `${accountId}/${region}`;
    let state = this.eksMap.get(key);
    if (state === undefined) {
      state = new EksState(accountId, region, this.random(`eks/${key}`));
      this.eksMap.set(key, state);
    }
    return state;
  }

  /** PutImage in a registry, then replication to every destination a registry rule names. */
  pushImage(accountId: string, region: string, repositoryName: string, input: PushInput): PushResult {
    const registry = this.registry(accountId, region);
    const repository = registry.repository(repositoryName);
    const result = repository.putImage({
      ...input,
      now: this.clock.nowMs(),
      maxImages: this.maxImagesPerRepository,
    });
    const replications = this.replicate(registry, repository, result, input);
    return { ...result, repository, replications };
  }

  /**
   * Cross-region (or cross-account) replication of one push. ECR replicates pushes made after a rule
   * exists to each destination, creating the repository there with default settings when missing:
   * repository settings and policies are not replicated, and a replicated image is not replicated
   * again. Deletions are not replicated.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
   */
  private replicate(
    source: RegistryState,
    repository: RepositoryState,
    result: PutImageResult,
    input: PushInput,
  ): ReplicationStatusRecord[] {
    const records: ReplicationStatusRecord[] = [];
    for (const destination of source.replicationDestinationsFor(repository.name)) {
      const planted = this.replicationFailures.find(
        (f) =>
          (f.destinationRegion === undefined || f.destinationRegion === destination.region) &&
          (f.destinationAccountId === undefined || f.destinationAccountId === destination.registryId) &&
          (f.repositoryPrefix === undefined || repository.name.startsWith(f.repositoryPrefix)),
      );
      let record: ReplicationStatusRecord;
      if (planted !== undefined) {
        record = {
          ...destination,
          status: 'FAILED',
          failureCode: planted.failureCode ?? 'REPLICATION_FAILED',
        };
      } else {
        record = { ...destination, status: 'COMPLETE' };
        const target = this.registry(destination.registryId, destination.region);
        const copy =
          target.repositories.get(repository.name) ??
          target.createRepository(repository.name, {}, this.clock.nowMs());
        try {
          copy.putImage({
            manifest: result.image.manifest,
            mediaType: result.image.mediaType,
            tag: input.tag,
            now: this.clock.nowMs(),
            maxImages: this.maxImagesPerRepository,
          });
        } catch (error) {
          if (!(error instanceof SimulatedServiceError)) throw error;
          if (error.code !== 'ImageAlreadyExistsException') {
            record = { ...destination, status: 'FAILED', failureCode: error.code };
          }
        }
      }
      const others = (result.image.replication ?? []).filter(
        (r) => r.region !== destination.region || r.registryId !== destination.registryId,
      );
      result.image.replication = [...others, record];
      records.push(record);
    }
    return records;
  }

  /**
   * The digest an image reference stands for in the simulated ECR (`<account>.dkr.ecr.<region>.
   * amazonaws.com/<repo>[:tag][@digest]`), as ECS and Lambda resolve it when they start or deploy;
   * undefined for images elsewhere or missing.
   */
  resolveImageUri(uri: string): string | undefined {
    const match = ECR_IMAGE_URI.exec(uri);
    if (match === null) return undefined;
    const [, accountId = '', region = '', repositoryName = '', tag, digest] = match;
    const repository = this.registry(accountId, region).repositories.get(repositoryName);
    if (repository === undefined) return undefined;
    if (digest !== undefined) return repository.images.has(digest) ? digest : undefined;
    return repository.digestForTag(tag ?? 'latest');
  }
}
