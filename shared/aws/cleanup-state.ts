import type {
  CleanupRunProgress,
  CleanupRunProgressStore,
  GraceMarkStore,
  InFlightDeletion,
} from '../cleanup/cleanup-ports';
import { cleanupMarks, cleanupRuns, decodeKeyPart } from '../state/state-keys';
import type { StateItem, StateStore } from './state-store';

/**
 * The cleanup worker's items in the state table (key layouts in shared/state/state-keys.ts):
 *
 * - grace-period marks, `CLEANUP#<repositoryName>` / `<imageDigest>`: when the image was first found
 *   eligible. One Query reads a repository's marks; BatchWriteItem writes and removes them, 25 a call.
 * - run progress, `CLEANUP_RUN#<runId>` / `<repositoryName>`: the run's deletion limit, created once
 *   (PutItem with attribute_not_exists) before its first BatchDeleteImage call, with the inventory size
 *   it came from; then what the run deleted so far, written before every call (the digests in flight)
 *   and after it (what ECR confirmed), so that a redelivered message keeps to the run's caps and
 *   reports the whole run. Expires after 14 days, SQS's longest retention: no
 *   delivery of the message can come later.
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-architecture.html
 */
const RUN_PROGRESS_TTL_SECONDS = 14 * 86_400;

interface MarkItem extends StateItem {
  markedAt: number;
}

interface ProgressItem extends StateItem {
  deletionLimit: number | null;
  /** Absent in records written before the limit record kept it. */
  imagesInventoried?: number | null;
  imagesDeleted: number;
  bytesReclaimed: number;
  imagesAlreadyGone: number;
  inFlight?: InFlightDeletion[];
}

export function createGraceMarkStore(store: StateStore): GraceMarkStore {
  return {
    async read(repositoryName) {
      const marks = new Map<string, number>();
      const items = await store.query<MarkItem>({
        pk: cleanupMarks.partition(repositoryName),
        consistentRead: true,
      });
      for (const item of items) marks.set(decodeKeyPart(item.sk), item.markedAt);
      return marks;
    },
    async mark(repositoryName, digests, markedAt, expiresAt) {
      await store.batchPut(
        digests.map((digest) => ({
          ...cleanupMarks.key(repositoryName, digest),
          markedAt,
          expiresAt: Math.ceil(expiresAt / 1000),
        })),
      );
    },
    async unmark(repositoryName, digests) {
      await store.batchDelete(digests.map((digest) => cleanupMarks.key(repositoryName, digest)));
    },
  };
}

export function createCleanupRunProgressStore(
  store: StateStore,
  now: () => number = Date.now,
): CleanupRunProgressStore {
  const itemOf = (runId: string, repositoryName: string, progress: CleanupRunProgress): ProgressItem => ({
    ...cleanupRuns.key(runId, repositoryName),
    ...progress,
    inFlight: progress.inFlight.map(({ imageDigest, bytes }) => ({ imageDigest, bytes })),
    expiresAt: Math.floor(now() / 1000) + RUN_PROGRESS_TTL_SECONDS,
  });
  return {
    async read(runId, repositoryName) {
      const item = await store.get<ProgressItem>(cleanupRuns.key(runId, repositoryName), {
        consistentRead: true,
      });
      if (item === undefined) return undefined;
      const progress: CleanupRunProgress = {
        deletionLimit: item.deletionLimit ?? null,
        imagesInventoried: item.imagesInventoried ?? null,
        imagesDeleted: item.imagesDeleted,
        bytesReclaimed: item.bytesReclaimed,
        imagesAlreadyGone: item.imagesAlreadyGone,
        inFlight: item.inFlight ?? [],
      };
      return progress;
    },
    async start(runId, repositoryName, progress) {
      return store.putIfAbsent(itemOf(runId, repositoryName, progress));
    },
    async write(runId, repositoryName, progress) {
      await store.put(itemOf(runId, repositoryName, progress));
    },
  };
}
