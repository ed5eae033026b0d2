import { ECRClient } from '@aws-sdk/client-ecr';
import type { OrganizationConfig } from '../config/schema-organization';
import type { StructuredLogger } from '../logger';
import { type GovernedDirectory, loadGovernedDirectory } from './governed-directory';
import type { MemberAccountAccess } from './member-account-access';
import { createHubWork, type HubWork, openMemberAccess } from './organization-hub';
import type { RegionalEcrClients } from './regional-ecr-clients';
import type { ReplicationAccountPorts, ReplicationAuditDependencies } from './replication-audit-dependencies';
import { createReplicationRegistryReaders } from './replication-registry';
import { createReplicationRemediator } from './replication-remediator';

/**
 * The replication audit as an Organizations hub (issue 15): what replicationAudit adds when the config
 * has `organization`. Loaded by the handler only then, and bundled only then
 * (ECR_WARDEN_BUNDLE_ORGANIZATION): the STS, SQS and Organizations clients stay out of a
 * single-account deployment's bundle.
 */
export interface ReplicationAuditHub extends HubWork {
  /** The governed accounts and regions (listed, or from Organizations: cached 15 minutes). */
  governed(): Promise<GovernedDirectory>;
  /** The member-role access of one invocation: one AssumeRole per account, never kept across invocations. */
  openAccess(): MemberAccountAccess;
  /**
   * The audit's reads and writes in one governed account: one ECR client per region of that account
   * with the member role's session (the hub's own account: the function's own clients).
   */
  inAccount(access: MemberAccountAccess, account: string): ReplicationAccountPorts;
}

export function createReplicationAuditHub(settings: {
  organization: OrganizationConfig;
  /** The deployment's own account and region. */
  hub: { account: string; region: string };
  targetQueueUrl: string | undefined;
  dependencies: ReplicationAuditDependencies;
  logger: StructuredLogger;
}): ReplicationAuditHub {
  const { hub, dependencies, organization } = settings;
  return {
    ...createHubWork({
      once: dependencies.once,
      publisher: dependencies.publisher,
      logger: settings.logger,
      // The function's one idempotency scope (its role may write only there): `replication-failure#account-unreachable#…`.
      scope: 'replication-failure',
      hubRegion: hub.region,
      targetQueueUrl: settings.targetQueueUrl,
    }),
    governed: () =>
      loadGovernedDirectory({ organization }, { DEPLOYMENT_ACCOUNT_ID: hub.account, AWS_REGION: hub.region }),
    openAccess: () => openMemberAccess(organization, hub, 'replicationAudit') as MemberAccountAccess,
    inAccount(access, account) {
      if (account === hub.account) return dependencies;
      const clients: RegionalEcrClients = {
        clientFor: (region) => access.client(ECRClient, account, region),
      };
      return {
        readerFor: createReplicationRegistryReaders(clients),
        remediator: createReplicationRemediator(clients),
      };
    },
  };
}
