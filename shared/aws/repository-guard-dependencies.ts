import type { GovernanceEventSink } from '../events/governance';
import type { DigestUsagePort, DriftLedgerPort, RegistryPort, TagLedgerPort } from '../immutability/ports';
import type { InUseIndexReader } from '../inuse/in-use-index';
import type { StructuredLogger } from '../logger';
import {
  createRepositoryGuardMetrics,
  type RepositoryGuardMetrics,
} from '../metrics/repository-guard-metrics';
import type { RunOnceGuard } from '../state/run-once';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import { createInUseIndexReader } from './in-use-index-store';
import { createDriftLedgerStore, createTagLedgerStore } from './repository-guard-ledgers';
import { createRepositoryGuardRegistry } from './repository-guard-registry';
import { createStateStore, type StateStore } from './state-store';
import { createWorkloadDigestUsage } from './workload-digest-usage';

/** What the guard reads and writes for the repositories of one account × region. */
export interface RepositoryGuardLocationPorts {
  registry: RegistryPort;
  tagLedger: TagLedgerPort;
  driftLedger: DriftLedgerPort;
  usage: DigestUsagePort;
}

/** What tagImmutability (the repository guard) reaches AWS and the state table through. */
export interface RepositoryGuardDependencies {
  registry: RegistryPort;
  tagLedger: TagLedgerPort;
  driftLedger: DriftLedgerPort;
  publisher: GovernanceEventSink;
  metrics: RepositoryGuardMetrics;
  /** CloudTrail records and schedule runs are handled once per event id. */
  once: RunOnceGuard;
  /** The in-use lookup of an account and region, made on first use and kept (it caches for a minute). */
  usageFor(account: string, region: string): DigestUsagePort;
  /** The state table and the in-use index, for an Organizations hub's ledgers of other places. */
  store: StateStore;
  inUseIndex: InUseIndexReader;
}

/** The repository guard's adapters, wired once per execution environment (functions/tag-immutability.ts). */
export function createRepositoryGuardDependencies(settings: {
  eventBusName: string;
  stateTableName: string;
  logger: StructuredLogger;
}): RepositoryGuardDependencies {
  const store = createStateStore({ tableName: settings.stateTableName });
  const usageByLocation = new Map<string, DigestUsagePort>();
  // Where a moved tag's previous image runs, as the cleanup worker last saw it (read only).
  const inUseIndex = createInUseIndexReader(store, { logger: settings.logger });
  return {
    registry: createRepositoryGuardRegistry(),
    tagLedger: createTagLedgerStore(store),
    driftLedger: createDriftLedgerStore(store),
    publisher: createGovernancePublisher({ eventBusName: settings.eventBusName }),
    metrics: createRepositoryGuardMetrics(),
    once: createIdempotencyGuard({ store }),
    store,
    inUseIndex,
    usageFor(account, region) {
      const key = `${account}/${region}`;
      let usage = usageByLocation.get(key);
      if (usage === undefined) {
        usage = createWorkloadDigestUsage({ account, region, logger: settings.logger, inUseIndex });
        usageByLocation.set(key, usage);
      }
      return usage;
    },
  };
}
