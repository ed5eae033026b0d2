import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import type { Baseline } from '../immutability/check-baselines';
import type { DriftLedgerPort, DriftRecord, StoredTagHead, TagLedgerPort } from '../immutability/ports';
import { StateVersionConflictError } from '../state/state-errors';
import { driftLedger, type LedgerLocation, type StateKey, tagLedger } from '../state/state-keys';
import type { StateItem, StateStore } from './state-store';

/**
 * The repository guard's two ledgers in the state table (key layouts in shared/state/state-keys.ts).
 *
 * Tag ledger: one head item per tag (where it points now), written with optimistic concurrency
 * (`putVersioned`), so that concurrent or replayed PUSH events settle one at a time; and one history
 * item per observation after the seed, written only if absent. Nothing expires: the ledger is the
 * audit trail.
 *
 * Drift ledger: one item per reported drift (repository × baseline).
 *
 * Both are made for one account and region: `at` names them when they are not the deployment's own
 * (an Organizations hub's member account or another governed region), undefined for its own.
 */

/** Heads seeded at once: conditional puts, one per tag. */
const SEED_CONCURRENCY = 16;

type HeadFields = {
  tag: string;
  /** How the head was first learnt: from DescribeImages when the repository was seeded. */
  source?: 'seed';
  digest: string;
  observedAt: string;
  pushedAt?: string;
  previousDigest?: string;
  alert?: 'pending' | 'sent';
};

type HeadItem = StateItem & HeadFields & { version: number };

export function createTagLedgerStore(store: StateStore, at?: LedgerLocation): TagLedgerPort {
  const toHead = (item: HeadItem): StoredTagHead => ({
    digest: item.digest,
    observedAt: item.observedAt,
    version: item.version,
    ...(item.pushedAt === undefined ? {} : { pushedAt: item.pushedAt }),
    ...(item.previousDigest === undefined ? {} : { previousDigest: item.previousDigest }),
    ...(item.alert === undefined ? {} : { alert: item.alert }),
  });

  async function putHead(item: StateKey & HeadFields, expectedVersion: number | undefined) {
    try {
      return await store.putVersioned(item, expectedVersion);
    } catch (error) {
      if (error instanceof StateVersionConflictError) return undefined;
      throw error;
    }
  }

  return {
    async readHead(repositoryName, tag) {
      const item = await store.get<HeadItem>(tagLedger.head(repositoryName, tag, at), {
        consistentRead: true,
      });
      return item === undefined ? undefined : toHead(item);
    },

    async isSeeded(repositoryName) {
      return (await store.get(tagLedger.seeded(repositoryName, at), { consistentRead: true })) !== undefined;
    },

    async seed(repositoryName, heads, observedAt) {
      const written = await mapWithConcurrency(heads, SEED_CONCURRENCY, async (head) => {
        const version = await putHead(
          {
            ...tagLedger.head(repositoryName, head.tag, at),
            tag: head.tag,
            digest: head.digest,
            observedAt,
            pushedAt: head.pushedAt,
            source: 'seed',
          },
          undefined,
        );
        // undefined: a push wrote this tag's head first, and it is newer. The seeded head is the start
        // of the tag's story: history items record what is observed after it (one write a tag, not two).
        return version !== undefined;
      });
      await store.put({ ...tagLedger.seeded(repositoryName, at), seededAt: observedAt, tags: heads.length });
      return written.filter(Boolean).length;
    },

    async writeHead(repositoryName, tag, head, expectedVersion) {
      return putHead({ ...tagLedger.head(repositoryName, tag, at), tag, ...head }, expectedVersion);
    },

    async markAlertSent(repositoryName, tag, version) {
      const key = tagLedger.head(repositoryName, tag, at);
      const item = await store.get<HeadItem>(key, { consistentRead: true });
      // A newer head replaced this one meanwhile: its own alert state is its own business.
      if (item === undefined || item.version !== version || item.alert !== 'pending') return;
      await putHead(
        {
          pk: item.pk,
          sk: item.sk,
          tag: item.tag,
          digest: item.digest,
          observedAt: item.observedAt,
          ...(item.pushedAt === undefined ? {} : { pushedAt: item.pushedAt }),
          ...(item.previousDigest === undefined ? {} : { previousDigest: item.previousDigest }),
          alert: 'sent',
        },
        version,
      );
    },

    async recordHistory(repositoryName, tag, entry) {
      await store.putIfAbsent({
        ...tagLedger.key(repositoryName, tag, new Date(entry.observedAt), at),
        digest: entry.digest,
        observedAt: entry.observedAt,
        source: entry.source,
        ...(entry.eventId === undefined ? {} : { eventId: entry.eventId }),
      });
    },
  };
}

type DriftItem = StateItem & DriftRecord;

export function createDriftLedgerStore(store: StateStore, at?: LedgerLocation): DriftLedgerPort {
  return {
    async read(repositoryName) {
      const items = await store.query<DriftItem>({
        pk: driftLedger.partition(repositoryName, at),
        consistentRead: true,
      });
      return items.map(({ baseline, expected, actual, remediation, reportedAt, pendingEvent }) => ({
        baseline,
        expected,
        actual,
        remediation,
        reportedAt,
        ...(typeof pendingEvent === 'string' ? { pendingEvent } : {}),
      }));
    },

    async write(repositoryName, record) {
      await store.put({ ...driftLedger.key(repositoryName, record.baseline, at), ...record });
    },

    async remove(repositoryName, baseline: Baseline) {
      await store.delete(driftLedger.key(repositoryName, baseline, at));
    },
  };
}
