import type { InUseReason } from '../cleanup/cleanup-reasons';
import type { RepositoryLocation } from '../cleanup/image-reference';
import { IN_USE_INDEX_TTL_DAYS, type InUseIndexReader, type InUseIndexWriter } from '../inuse/in-use-index';
import { type RunningIn, type RunningPlace, runningInOf, whereItRuns } from '../inuse/where-it-runs';
import type { StructuredLogger } from '../logger';
import { inUseIndex } from '../state/state-keys';
import { expiresAfter, type StateItem, type StateStore } from './state-store';

/**
 * The in-use index on the state table (shared/inuse/in-use-index.ts): one item per in-use digest of a
 * repository, `INUSE#<registryId>#<region>#<repositoryName>` / `<imageDigest>` (shared/state/state-keys.ts),
 * holding its places (capped, as events carry them), the summary line and `recordedAt`, with the TTL
 * attribute set IN_USE_INDEX_TTL_DAYS later. Writes are BatchWriteItem calls of 25, unprocessed items
 * retried (StateStore.batchPut).
 */

interface InUseIndexItem extends StateItem {
  imageDigest: string;
  summary: string;
  places: RunningPlace[];
  placeCount: number;
  /** ISO 8601: when the cleanup worker's plan saw the picture. */
  recordedAt: string;
}

const TTL_SECONDS = IN_USE_INDEX_TTL_DAYS * 86_400;

export function createInUseIndexWriter(store: StateStore): InUseIndexWriter {
  return {
    async recordInUse(location, inUse, now) {
      const recordedAt = now.toISOString();
      const expiresAt = expiresAfter(TTL_SECONDS, now);
      const items: InUseIndexItem[] = [...inUse].map(([imageDigest, reasons]) =>
        toItem(location, imageDigest, reasons, recordedAt, expiresAt),
      );
      // The digests recorded before and no longer in use: their records would claim places the
      // picture no longer shows. Only those older than this picture (a later plan wins).
      const stale = (await store.query<InUseIndexItem>({ pk: inUseIndex.partition(location) })).filter(
        (item) => !inUse.has(item.imageDigest) && item.recordedAt < recordedAt,
      );
      if (items.length > 0) await store.batchPut(items);
      if (stale.length > 0) await store.batchDelete(stale.map(({ pk, sk }) => ({ pk, sk })));
    },
  };
}

/**
 * A lookup that fails (throttled, AccessDenied) is "not known": the alert or the Tag Moved event goes
 * out without where the image runs, and a warning says why; it never fails the event.
 */
export function createInUseIndexReader(
  store: StateStore,
  settings: { logger: Pick<StructuredLogger, 'warn'> },
): InUseIndexReader {
  const notKnown = (location: RepositoryLocation, error: unknown) => {
    settings.logger.warn('in-use index lookup failed: where the image runs is not known', {
      repositoryName: location.repositoryName,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  };
  return {
    async lookUpInUse(location, imageDigest) {
      try {
        const item = await store.get<InUseIndexItem>(inUseIndex.key(location, imageDigest));
        return item === undefined ? undefined : toRunningIn(item);
      } catch (error) {
        notKnown(location, error);
        return undefined;
      }
    },
    async lookUpRepository(location) {
      try {
        const items = await store.query<InUseIndexItem>({ pk: inUseIndex.partition(location) });
        return new Map(items.map((item) => [item.imageDigest, toRunningIn(item)]));
      } catch (error) {
        notKnown(location, error);
        return new Map();
      }
    },
  };
}

function toItem(
  location: RepositoryLocation,
  imageDigest: string,
  reasons: readonly InUseReason[],
  recordedAt: string,
  expiresAt: number,
): InUseIndexItem {
  // The places an event would carry, not every pod: the item stays far below DynamoDB's 400 KB.
  const picture = runningInOf(whereItRuns(reasons), recordedAt);
  return {
    ...inUseIndex.key(location, imageDigest),
    imageDigest,
    summary: picture.summary,
    places: picture.places,
    placeCount: picture.placeCount,
    recordedAt,
    expiresAt,
  };
}

function toRunningIn(item: InUseIndexItem): RunningIn {
  return {
    summary: item.summary,
    places: item.places,
    placeCount: item.placeCount,
    asOf: item.recordedAt,
  };
}
