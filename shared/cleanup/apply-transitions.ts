import type { ImageArchiveResult, ImageDeleteFailure } from './cleanup-ports';

/**
 * Applies a plan's archive transitions (STANDARD → ARCHIVE), one UpdateImageStorageClass call each.
 *
 * ECR: "If an image is referenced by a manifest list, it cannot be expired or archived without the
 * manifest list being deleted or archived first"
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html); the call then fails
 * with ImageStorageClassUpdateNotSupportedException
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html). So:
 * indexes go first, as deletions do, and an image that an index lists is sent only once every index
 * listing it is archived (before this run, or by it). One whose index stays in standard storage (not
 * planned, or its archive failed) is not sent: it is reported as skipped, naming that index.
 *
 * Refusals of one image (ImageStorageClassUpdateNotSupportedException, ImageNotFoundException) are
 * reported and the rest goes on; any other error (throttling past the SDK's retries) stops the run.
 */
export interface TransitionRequest {
  imageDigest: string;
  bytes: number;
  /** The indexes that list this image. */
  listedBy: readonly string[];
}

export interface TransitionOutcome {
  archived: string[];
  bytesArchived: number;
  failures: ImageDeleteFailure[];
  /** Not sent: an index that lists it is not archived. */
  skipped: { imageDigest: string; dependsOn: string }[];
  calls: number;
}

/**
 * `archiveImage` undefined is a dry run: the same order and skips, no call, every image sent counted
 * as archived (what a real run would do now).
 */
export async function applyTransitions(
  requests: readonly TransitionRequest[],
  archiveImage: ((imageDigest: string) => Promise<ImageArchiveResult>) | undefined,
  options: { archivedBefore: ReadonlySet<string> },
): Promise<TransitionOutcome> {
  const outcome: TransitionOutcome = { archived: [], bytesArchived: 0, failures: [], skipped: [], calls: 0 };
  const archived = new Set(options.archivedBefore);
  for (const request of indexesFirst(requests)) {
    const activeIndex = request.listedBy.find((index) => !archived.has(index));
    if (activeIndex !== undefined) {
      outcome.skipped.push({ imageDigest: request.imageDigest, dependsOn: activeIndex });
      continue;
    }
    let result: ImageArchiveResult = { archived: true, imageStatus: 'ARCHIVED' };
    if (archiveImage !== undefined) {
      result = await archiveImage(request.imageDigest);
      outcome.calls++;
    }
    if (result.archived) {
      archived.add(request.imageDigest);
      outcome.archived.push(request.imageDigest);
      outcome.bytesArchived += request.bytes;
    } else {
      outcome.failures.push({
        imageDigest: request.imageDigest,
        failureCode: result.failureCode,
        failureReason: result.failureReason,
      });
    }
  }
  return outcome;
}

/** Images no index lists (top-level images and indexes) before those an index lists; stable otherwise. */
function indexesFirst(requests: readonly TransitionRequest[]): TransitionRequest[] {
  return [
    ...requests.filter((request) => request.listedBy.length === 0),
    ...requests.filter((request) => request.listedBy.length > 0),
  ];
}
