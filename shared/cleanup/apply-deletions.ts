import type { ImageDeleteFailure, ImageDeleteResult } from './cleanup-ports';

/**
 * Applies a plan's deletions: BatchDeleteImage calls of at most 100 digests, in the plan's order
 * (indexes before their children, subjects before their referrers), so that n deletions take
 * ceil(n/100) calls when nothing fails. Each response is read image by image:
 *
 * - deleted: done;
 * - `ImageNotFound`: already gone (deleted by someone else, or by an earlier delivery of the same
 *   message): counted as done, never retried;
 * - `ImageReferencedByManifestList`: an index still lists it. When its index was in the same call,
 *   ECR may have checked the child before removing the index: it is retried in a later call, once
 *   every call of the round is done, as long as the round deleted something (at most `maxRounds`
 *   rounds). If it still fails, an index that is not in the plan lists it (one pushed since the
 *   inventory, say), and ECR is right to refuse: reported.
 * - any other code: reported.
 *
 * An image whose planned parent (the index that lists it, or the subject it refers to) was not
 * deleted is not sent at all: a child of a surviving index would only be refused, and a referrer of a
 * surviving image is a signature or SBOM that image still needs. Images waiting on a retried parent
 * wait with it. (Within one call ECR decides alone: a referrer and its subject sent together both go
 * unless the subject fails, in which case the referrer may already be gone. The subject stays
 * eligible and goes on the next run.)
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
 */
export interface DeletionRequest {
  imageDigest: string;
  bytes: number;
  /** Planned deletions this one depends on: the indexes that list it and the subject it refers to. */
  dependsOn: readonly string[];
}

export interface DeletionOutcome {
  deleted: string[];
  bytesDeleted: number;
  alreadyGone: string[];
  failures: ImageDeleteFailure[];
  /** Not sent because what it depends on was not deleted. */
  skipped: { imageDigest: string; dependsOn: string }[];
  calls: number;
}

export interface ApplyDeletionsOptions {
  batchSize?: number;
  maxRounds?: number;
  /**
   * Called before every call with the images it sends and the totals so far (the run's progress
   * record): when it throws, the call is not sent.
   */
  beforeCall?: (batch: readonly DeletionRequest[], outcome: Readonly<DeletionOutcome>) => Promise<void>;
  /** Called after every call with the totals so far (the run's progress record). */
  afterCall?: (outcome: Readonly<DeletionOutcome>) => Promise<void>;
}

const NOT_FOUND = 'ImageNotFound';
const REFERENCED_BY_INDEX = 'ImageReferencedByManifestList';

export async function applyDeletions(
  requests: readonly DeletionRequest[],
  deleteBatch: (digests: string[]) => Promise<ImageDeleteResult>,
  options: ApplyDeletionsOptions = {},
): Promise<DeletionOutcome> {
  const batchSize = options.batchSize ?? 100;
  const maxRounds = options.maxRounds ?? 3;
  const outcome: DeletionOutcome = {
    deleted: [],
    bytesDeleted: 0,
    alreadyGone: [],
    failures: [],
    skipped: [],
    calls: 0,
  };
  // Digests that will not be deleted this run: what depends on them is not sent.
  const survivors = new Set<string>();
  let pending = [...requests];

  for (let round = 1; pending.length > 0; round++) {
    const lastRound = round >= maxRounds;
    const retry: DeletionRequest[] = [];
    const waiting = new Set<string>();
    // Refused with ImageReferencedByManifestList this round, with ECR's failure.
    const refused = new Map<string, ImageDeleteFailure>();
    let deletedThisRound = 0;

    let index = 0;
    while (index < pending.length) {
      const batch: DeletionRequest[] = [];
      while (batch.length < batchSize && index < pending.length) {
        const request = pending[index++] as DeletionRequest;
        const blocker = request.dependsOn.find((digest) => survivors.has(digest));
        if (blocker !== undefined) {
          outcome.skipped.push({ imageDigest: request.imageDigest, dependsOn: blocker });
          survivors.add(request.imageDigest);
        } else if (request.dependsOn.some((digest) => waiting.has(digest))) {
          retry.push(request);
          waiting.add(request.imageDigest);
        } else {
          batch.push(request);
        }
      }
      if (batch.length === 0) continue;

      await options.beforeCall?.(batch, outcome);
      const result = await deleteBatch(batch.map((request) => request.imageDigest));
      outcome.calls++;
      const deleted = new Set(result.deleted);
      const failures = new Map(result.failures.map((failure) => [failure.imageDigest, failure]));
      for (const request of batch) {
        const digest = request.imageDigest;
        const failure = failures.get(digest);
        if (deleted.has(digest) && failure === undefined) {
          outcome.deleted.push(digest);
          outcome.bytesDeleted += request.bytes;
          deletedThisRound++;
        } else if (failure?.failureCode === NOT_FOUND) {
          outcome.alreadyGone.push(digest);
        } else if (failure?.failureCode === REFERENCED_BY_INDEX && !lastRound) {
          retry.push(request);
          waiting.add(digest);
          refused.set(digest, failure);
        } else {
          outcome.failures.push(
            failure ?? {
              imageDigest: digest,
              failureCode: 'NoResult',
              failureReason: 'BatchDeleteImage reported neither a deletion nor a failure for this image',
            },
          );
          survivors.add(digest);
        }
      }
      await options.afterCall?.(outcome);
    }

    if (retry.length > 0 && deletedThisRound === 0) {
      // Nothing was deleted this round, so no index went away: retrying cannot help.
      for (const request of retry) {
        const failure = refused.get(request.imageDigest);
        if (failure !== undefined) outcome.failures.push(failure);
        else {
          const blocker = request.dependsOn.find((digest) => waiting.has(digest)) as string;
          outcome.skipped.push({ imageDigest: request.imageDigest, dependsOn: blocker });
        }
        survivors.add(request.imageDigest);
      }
      break;
    }
    pending = retry;
  }
  return outcome;
}
