import type { CleanupRunProgress } from './cleanup-ports';

/**
 * How a redelivered message continues its run (pure: the caller reads the record and the inventory).
 *
 * The run's record holds the limit fixed before its first deletion, what ECR confirmed since, and the
 * digests of a BatchDeleteImage call whose answer was never recorded (the write after the call was
 * throttled, or Lambda timed out between the two). Those that the fresh inventory no longer lists were
 * deleted by that call (or by someone else meanwhile): either way they count against the run's limit,
 * so that the redelivery never deletes more than the limit allows (fail closed). Those still listed were
 * not deleted and are candidates again.
 */
export function settleInFlightDeletions(
  recorded: CleanupRunProgress,
  presentDigests: ReadonlySet<string>,
): CleanupRunProgress {
  const gone = recorded.inFlight.filter((deletion) => !presentDigests.has(deletion.imageDigest));
  return {
    ...recorded,
    imagesDeleted: recorded.imagesDeleted + gone.length,
    bytesReclaimed: recorded.bytesReclaimed + gone.reduce((sum, deletion) => sum + deletion.bytes, 0),
    inFlight: [],
  };
}

/**
 * What the run may still delete: its limit less what it deleted and what it found already gone (both
 * took room in the plan that derived the limit); null without a limit.
 */
export function remainingDeletions(progress: CleanupRunProgress): number | null {
  if (progress.deletionLimit === null) return null;
  return Math.max(0, progress.deletionLimit - progress.imagesDeleted - progress.imagesAlreadyGone);
}
