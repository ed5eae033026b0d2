import { EcrWardenError } from '../errors';
import type { ImageDetail } from '../inventory/image-details';
import type { Workloads } from './workload-images';

/**
 * What a cleanup run needs from AWS, as ports: implemented in shared/aws/ (ECR, ECS, Lambda, the
 * state table) and replaced in tests. Nothing here imports an SDK.
 */

/** A repository as the cleanup queue names it: `registryId` addresses another account's registry. */
export interface RepositoryRef {
  repositoryName: string;
  registryId?: string | undefined;
}

export interface RepositoryImageSource {
  /**
   * Every image of the repository in every storage class (DescribeImages, `imageStatus: ANY`), with
   * the pull times as they are before anything else reads the repository. Throws
   * RepositoryNotFoundError when the repository does not exist.
   */
  listImages(repository: RepositoryRef): Promise<ImageDetail[]>;
  /** The manifests of these images (BatchGetImage), by digest; images that are gone are left out. */
  readManifests(repository: RepositoryRef, digests: readonly string[]): Promise<Map<string, string>>;
  /** The repository's own lifecycle policy text; undefined when it has none. */
  readLifecyclePolicy(repository: RepositoryRef): Promise<string | undefined>;
}

export interface ImageDeleteFailure {
  imageDigest: string;
  failureCode: string;
  failureReason: string;
}

export interface ImageDeleteResult {
  /** Digests ECR deleted. */
  deleted: string[];
  /** One per digest ECR refused; a digest in neither list is reported as a failure by the caller. */
  failures: ImageDeleteFailure[];
}

export interface ImageDeleter {
  /** One BatchDeleteImage call, by digest: at most 100 digests. */
  deleteImages(repository: RepositoryRef, digests: readonly string[]): Promise<ImageDeleteResult>;
}

/** What UpdateImageStorageClass did with one image. */
export type ImageArchiveResult =
  | { archived: true; imageStatus: string }
  | { archived: false; failureCode: string; failureReason: string };

export interface ImageArchiver {
  /**
   * One UpdateImageStorageClass call (STANDARD → ARCHIVE), by digest. The refusals that concern this
   * image (ImageStorageClassUpdateNotSupportedException, ImageNotFoundException) come back as a result;
   * anything else (throttling past the SDK's retries, a server error) throws.
   */
  archiveImage(repository: RepositoryRef, imageDigest: string): Promise<ImageArchiveResult>;
}

export interface WorkloadSource {
  /** The ECS tasks, services and task definitions and the Lambda function versions and aliases. */
  readWorkloads(): Promise<Workloads>;
}

/** Grace-period marks (cleanup.gracePeriodDays): digest → when it was first found eligible. */
export interface GraceMarkStore {
  read(repositoryName: string): Promise<Map<string, number>>;
  /** Marks the digests at `markedAt` (epoch ms); the marks expire at `expiresAt` (epoch ms). */
  mark(
    repositoryName: string,
    digests: readonly string[],
    markedAt: number,
    expiresAt: number,
  ): Promise<void>;
  unmark(repositoryName: string, digests: readonly string[]): Promise<void>;
}

/** An image sent in a BatchDeleteImage call whose answer the run has not recorded yet. */
export interface InFlightDeletion {
  imageDigest: string;
  bytes: number;
}

/**
 * What one run has done to one repository so far: a redelivered message resumes from it. The record is
 * created (conditionally, once per run and repository) before the run's first BatchDeleteImage call,
 * with the limit and the inventory size it was derived from, so that no redelivery re-derives the limit
 * from a repository that earlier deliveries already made smaller.
 */
export interface CleanupRunProgress {
  /** The run's deletion limit when it started (the caps apply to the run, not to each attempt). */
  deletionLimit: number | null;
  /** Images in the repository when the run derived its limit; null in records written before it was kept. */
  imagesInventoried: number | null;
  imagesDeleted: number;
  bytesReclaimed: number;
  imagesAlreadyGone: number;
  /**
   * Sent to BatchDeleteImage, answer not recorded yet (a throttled write after the call, or a Lambda
   * timeout between the two). A redelivery counts those that are gone as deleted by the run.
   */
  inFlight: readonly InFlightDeletion[];
}

export interface CleanupRunProgressStore {
  read(runId: string, repositoryName: string): Promise<CleanupRunProgress | undefined>;
  /**
   * Creates the run's record before its first deletion, only if there is none (attribute_not_exists).
   * Returns false when a record exists already; throws when the write fails (then nothing is deleted).
   */
  start(runId: string, repositoryName: string, progress: CleanupRunProgress): Promise<boolean>;
  write(runId: string, repositoryName: string, progress: CleanupRunProgress): Promise<void>;
}

/** The repository was deleted (RepositoryNotFoundException): nothing to clean, not a failure. */
export class RepositoryNotFoundError extends EcrWardenError {
  override name = 'RepositoryNotFoundError';

  constructor(
    readonly repositoryName: string,
    options?: ErrorOptions,
  ) {
    super(`repository ${repositoryName} does not exist`, options);
  }
}

/** What one repository's cleanup reports as metrics (CloudWatch EMF in Lambda: shared/metrics/cleanup-metrics.ts). */
export interface CleanupMetrics {
  repositoryCleaned(figures: {
    dryRun: boolean;
    imagesDeleted: number;
    bytesReclaimed: number;
    imagesFailed: number;
    /** The images the run found in the repository (the denominator of DeletionShare). */
    imagesEvaluated: number;
  }): void;
  /** A repository held because in-use sources could not be read: how many failed. */
  inUseSourceFailures(figures: { dryRun: boolean; failures: number }): void;
}
