import { ECRClient } from '@aws-sdk/client-ecr';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GovernanceEventSink } from '../events/governance';
import type { StructuredLogger } from '../logger';
import { createReplicationMetrics } from '../metrics/replication-metrics';
import type { RegistryReaderFactory, ReplicationRemediator } from '../replication/registry-reader';
import type { ReplicationMetrics } from '../replication/replication-action';
import type { RunOnceGuard } from '../state/run-once';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import type { MemberAccountAccess } from './member-account-access';
import { createHubWork, type HubWork } from './organization-hub';
import type { RegionalEcrClients } from './regional-ecr-clients';
import { createReplicationRegistryReaders } from './replication-registry';
import { createReplicationRemediator } from './replication-remediator';
import { createStateStore } from './state-store';

/** The reads and writes of the replication audit in one account (every region). */
export interface ReplicationAccountPorts {
  readerFor: RegistryReaderFactory;
  remediator: ReplicationRemediator;
}

/** What replicationAudit's two event kinds (replication action, scheduled audit) reach AWS through. */
export interface ReplicationAuditDependencies extends ReplicationAccountPorts, HubWork {
  publisher: GovernanceEventSink;
  metrics: ReplicationMetrics;
  /** Failure alerts are published once per event id (idempotency records on the state table). */
  once: RunOnceGuard;
  /**
   * An Organizations hub's reads and writes in one governed account, through the invocation's member
   * access (shared/aws/member-account-access.ts): one ECR client per region of that account, the
   * member role's session (the hub's own account: the function's own credentials, its own clients).
   */
  inAccount(access: MemberAccountAccess, account: string): ReplicationAccountPorts;
}

/** replicationAudit's adapters, wired once per execution environment (functions/replication-audit.ts). */
export function createReplicationAuditDependencies(settings: {
  eventBusName: string;
  stateTableName: string;
  logger: StructuredLogger;
  /** The deployment's own account and region. */
  hub: { account: string; region: string };
  targetQueueUrl?: string | undefined;
  sqs?: SQSClient;
}): ReplicationAuditDependencies {
  const publisher = createGovernancePublisher({ eventBusName: settings.eventBusName });
  const once = createIdempotencyGuard({ store: createStateStore({ tableName: settings.stateTableName }) });
  const own: ReplicationAccountPorts = {
    readerFor: createReplicationRegistryReaders(),
    remediator: createReplicationRemediator(),
  };
  return {
    ...own,
    publisher,
    metrics: createReplicationMetrics(),
    once,
    inAccount(access, account) {
      if (account === settings.hub.account) return own;
      const clients: RegionalEcrClients = {
        clientFor: (region) => access.client(ECRClient, account, region),
      };
      return {
        readerFor: createReplicationRegistryReaders(clients),
        remediator: createReplicationRemediator(clients),
      };
    },
    ...createHubWork({
      once,
      publisher,
      logger: settings.logger,
      // The function's one idempotency scope (its role may write only there): `replication-failure#account-unreachable#…`.
      scope: 'replication-failure',
      hubRegion: settings.hub.region,
      targetQueueUrl: settings.targetQueueUrl,
      sqs: settings.sqs,
    }),
  };
}
