import { createHash } from 'node:crypto';
import { MS_PER_DAY } from '../model/clock';
import { MEDIA_TYPES, manifestDigest } from '../model/manifest';
import type { RepositoryState } from '../model/repository';
import { createSeededRandom, deriveSeed } from '../model/seeded-random';
import { World } from '../model/world';
import type { RegistrySimulator } from '../simulator';

/**
 * Builders of large registries for tests and benchmarks: thousands of repositories, or ECR's quota
 * of 100,000 images in one repository, in well under a second. Images are written straight into the
 * model (no PutImage checks); each has a real manifest whose sha256 is its digest.
 */
type Target = RegistrySimulator | World;

const worldOf = (target: Target): World => (target instanceof World ? target : target.world);

export interface GenerateImagesOptions {
  repositoryName: string;
  count: number;
  region?: string;
  accountId?: string;
  /** Share of images that get a tag `<tagPrefix><n>` (default 0.5); the newest also gets `latest`. */
  taggedShare?: number;
  tagPrefix?: string;
  /** Share of images in ARCHIVED storage (default 0). */
  archivedShare?: number;
  /** Push time of the first image (default: `count` intervals before the clock's now). */
  start?: Date | string;
  /** Time between two pushes (default 1 hour). */
  intervalMs?: number;
  /** Seed of the generator (default: the world's seed). */
  seed?: number;
}

/** Fills a repository (created with default settings if missing) with `count` single-platform images. */
export function generateImages(
  target: Target,
  options: GenerateImagesOptions,
): { repository: RepositoryState; digests: string[] } {
  const world = worldOf(target);
  const region = options.region ?? (target instanceof World ? 'us-east-1' : target.region);
  const accountId = options.accountId ?? world.defaultAccountId;
  const registry = world.registry(accountId, region);
  const repository =
    registry.repositories.get(options.repositoryName) ??
    registry.createRepository(options.repositoryName, {}, world.clock.nowMs());
  if (repository.images.size + options.count > world.maxImagesPerRepository) {
    throw new RangeError(
      `${options.repositoryName}: ${repository.images.size + options.count} images exceed the quota of ${world.maxImagesPerRepository}`,
    );
  }
  const random = createSeededRandom(
    deriveSeed(options.seed ?? world.seed, `images/${region}/${options.repositoryName}`),
  );
  const interval = options.intervalMs ?? 3_600_000;
  const start =
    options.start === undefined
      ? world.clock.nowMs() - options.count * interval
      : new Date(options.start).getTime();
  const taggedShare = options.taggedShare ?? 0.5;
  const archivedShare = options.archivedShare ?? 0;
  const tagPrefix = options.tagPrefix ?? 'build-';
  // Blob digests need only be distinct and well-formed: a per-repository prefix and a counter.
  const prefix = createHash('sha256')
    .update(`${region}/${options.repositoryName}/${repository.images.size}`)
    .digest('hex')
    .slice(0, 16);
  const blob = (n: number) => `sha256:${prefix}${n.toString(16).padStart(48, '0')}`;
  const digests: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const size = 20_000_000 + Math.floor(random() * 180_000_000);
    const manifest = `{"schemaVersion":2,"mediaType":"${MEDIA_TYPES.ociManifest}","config":{"mediaType":"${MEDIA_TYPES.ociConfig}","digest":"${blob(2 * i)}","size":1472},"layers":[{"mediaType":"${MEDIA_TYPES.ociLayer}","digest":"${blob(2 * i + 1)}","size":${size}}]}`;
    const pushedAt = start + i * interval;
    const archived = random() < archivedShare;
    const tagged = random() < taggedShare;
    const pulled = random() < 0.3;
    const image = repository.insertImage({
      digest: manifestDigest(manifest),
      manifest,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: MEDIA_TYPES.ociConfig,
      sizeBytes: size,
      pushedAt,
      lastPulledAt: pulled ? pushedAt + Math.floor(random() * 30 * MS_PER_DAY) : undefined,
      status: archived ? 'ARCHIVED' : 'ACTIVE',
      lastArchivedAt: archived ? pushedAt + 90 * MS_PER_DAY : undefined,
      tags: tagged ? [`${tagPrefix}${i}`] : [],
    });
    digests.push(image.digest);
  }
  const newest = digests[digests.length - 1];
  if (newest !== undefined && taggedShare > 0 && repository.digestForTag('latest') === undefined) {
    repository.setTag('latest', newest);
  }
  return { repository, digests };
}

export interface GenerateRepositoriesOptions {
  count: number;
  /** Names are `<prefix>-<n>` (zero-padded), default `service`. */
  prefix?: string;
  region?: string;
  accountId?: string;
  /** Images per repository (default 0). */
  imagesPerRepository?: number;
}

/** Creates `count` repositories (mixed settings: every 4th immutable, every 3rd KMS). */
export function generateRepositories(
  target: Target,
  options: GenerateRepositoriesOptions,
): RepositoryState[] {
  const world = worldOf(target);
  const region = options.region ?? (target instanceof World ? 'us-east-1' : target.region);
  const accountId = options.accountId ?? world.defaultAccountId;
  const registry = world.registry(accountId, region);
  const width = String(options.count - 1).length;
  const repositories: RepositoryState[] = [];
  for (let n = 0; n < options.count; n++) {
    const name = `${options.prefix ?? 'service'}-${String(n).padStart(width, '0')}`;
    const repository = registry.createRepository(
      name,
      {
        imageTagMutability: n % 4 === 0 ? 'IMMUTABLE' : 'MUTABLE',
        encryptionType: n % 3 === 0 ? 'KMS' : 'AES256',
      },
      world.clock.nowMs(),
    );
    if ((options.imagesPerRepository ?? 0) > 0) {
      generateImages(world, {
        repositoryName: name,
        count: options.imagesPerRepository ?? 0,
        region,
        accountId,
      });
    }
    repositories.push(repository);
  }
  return repositories;
}
