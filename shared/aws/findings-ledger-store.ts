import type { LedgerEntry } from '../findings/findings-ledger';
import type { FindingsLedger } from '../findings/record-image-findings';
import { StateVersionConflictError } from '../state/state-errors';
import {
  decodeKeyPart,
  findingsLedger,
  findingsRepositories,
  KEY_SEPARATOR,
  type RegistryPlace,
  splitKey,
} from '../state/state-keys';
import { expiresAfter, type StateItem, type StateStore } from './state-store';

/**
 * The findings ledger on the state table (layout in shared/state/state-keys.ts):
 * `FINDINGS#<repositoryName>` / `<imageDigest>#<vulnerabilityId>`, one item per finding, written with
 * optimistic concurrency (the store's `version`), so that two deliveries racing on the same finding
 * never both win: the loser re-reads and re-decides (see shared/findings/record-image-findings.ts).
 * `FINDINGS_REPOSITORIES` / `<repositoryName>` lists the partitions the daily digest reads.
 *
 * Under an Organizations hub, `place` names a registry other than the deployment's own (another
 * account, or another region): its keys name the account and region (shared/state/state-keys.ts), the
 * deployment's own keep today's.
 *
 * Closed findings expire 30 days after closing (TTL), as Amazon Inspector deletes closed findings after
 * 30 days; open ones stay until they close, so that a finding that is still open never alerts twice.
 * https://docs.aws.amazon.com/inspector/latest/user/findings-understanding.html
 */
export const CLOSED_FINDING_RETENTION_SECONDS = 30 * 86_400;

interface LedgerItem extends StateItem {
  entry: Omit<LedgerEntry, 'version'>;
  version?: number;
}

export function createFindingsLedgerStore(store: StateStore, place?: RegistryPlace): FindingsLedger {
  const registered = new Set<string>();

  function toEntry(item: LedgerItem): LedgerEntry {
    return item.version === undefined ? { ...item.entry } : { ...item.entry, version: item.version };
  }

  return {
    async readImage(repositoryName, imageDigest) {
      const items = await store.query<LedgerItem>({
        pk: findingsLedger.partition(repositoryName, place),
        skPrefix: findingsLedger.imagePrefix(imageDigest),
        consistentRead: true,
      });
      return items.map(toEntry);
    },

    async write(entry) {
      const { version, ...stored } = entry;
      const item: LedgerItem = {
        ...findingsLedger.key(entry.repositoryName, entry.imageDigest, entry.vulnerabilityId, place),
        entry: stored,
      };
      if (entry.state === 'CLOSED' && entry.closedAt !== undefined) {
        item.expiresAt = expiresAfter(CLOSED_FINDING_RETENTION_SECONDS, new Date(entry.closedAt));
      }
      try {
        await store.putVersioned(item, version);
        return true;
      } catch (error) {
        if (error instanceof StateVersionConflictError) return false;
        throw error;
      }
    },

    async registerRepository(repositoryName) {
      if (registered.has(repositoryName)) return;
      await store.putIfAbsent({ ...findingsRepositories.key(repositoryName, place), repositoryName });
      registered.add(repositoryName);
    },

    async listRepositories() {
      if (place !== undefined) {
        const items = await store.query({
          pk: findingsRepositories.partition,
          skPrefix: findingsRepositories.placePrefix(place),
        });
        return items.flatMap((item) => splitKey(item.sk).slice(2));
      }
      // The deployment's own repositories: the keys without a place (a `#` separates a place's parts).
      const items = await store.query({ pk: findingsRepositories.partition });
      return items.filter((item) => !item.sk.includes(KEY_SEPARATOR)).map((item) => decodeKeyPart(item.sk));
    },

    async readRepository(repositoryName) {
      const items = await store.query<LedgerItem>({ pk: findingsLedger.partition(repositoryName, place) });
      return items.map(toEntry);
    },
  };
}
