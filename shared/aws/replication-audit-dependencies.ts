import type { GovernanceEventSink } from '../events/governance';
import { createReplicationMetrics } from '../metrics/replication-metrics';
import type { RegistryReaderFactory, ReplicationRemediator } from '../replication/registry-reader';
import type { ReplicationMetrics } from '../replication/replication-action';
import type { RunOnceGuard } from '../state/run-once';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import { createReplicationRegistryReaders } from './replication-registry';
import { createReplicationRemediator } from './replication-remediator';
import { createStateStore } from './state-store';

/** The reads and writes of the replication audit in one account (every region). */
export interface ReplicationAccountPorts {
  /** One ECR client per region, made on first use. */
  readerFor: RegistryReaderFactory;
  remediator: ReplicationRemediator;
}

/** What replicationAudit's two event kinds (replication action, scheduled audit) reach AWS through. */
export interface ReplicationAuditDependencies extends ReplicationAccountPorts {
  publisher: GovernanceEventSink;
  metrics: ReplicationMetrics;
  /** Failure alerts are published once per event id (idempotency records on the state table). */
  once: RunOnceGuard;
}

/** replicationAudit's adapters, wired once per execution environment (functions/replication-audit.ts). */
export function createReplicationAuditDependencies(settings: {
  eventBusName: string;
  stateTableName: string;
}): ReplicationAuditDependencies {
  return {
    readerFor: createReplicationRegistryReaders(),
    remediator: createReplicationRemediator(),
    publisher: createGovernancePublisher({ eventBusName: settings.eventBusName }),
    metrics: createReplicationMetrics(),
    once: createIdempotencyGuard({ store: createStateStore({ tableName: settings.stateTableName }) }),
  };
}
