import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { OrganizationConfig } from '../config/schema-organization';
import { EcrWardenError } from '../errors';
import type { StructuredLogger } from '../logger';
import type { GovernedAccount } from '../organization/governed-accounts';
import { runGovernedTargetWork } from '../organization/governed-target-work';
import { type GovernedDirectory, loadGovernedDirectory } from './governed-directory';
import type { MemberAccountAccess } from './member-account-access';
import { createHubWork, type HubWork, openMemberAccess } from './organization-hub';
import type {
  RepositoryGuardDependencies,
  RepositoryGuardLocationPorts,
} from './repository-guard-dependencies';
import { createDriftLedgerStore, createTagLedgerStore } from './repository-guard-ledgers';
import { createRepositoryGuardRegistry } from './repository-guard-registry';
import { createWorkloadDigestUsage } from './workload-digest-usage';

/**
 * The repository guard as an Organizations hub (issue 15): what tagImmutability adds when the config
 * has `organization`. Loaded by the handler only then, and bundled only then
 * (ECR_WARDEN_BUNDLE_ORGANIZATION): the STS (member sessions), SQS (target queue) and Organizations
 * (OU listing) clients stay out of a single-account deployment's bundle.
 */
export interface RepositoryGuardHub extends HubWork {
  /** The governed accounts and regions (listed, or from Organizations: cached 15 minutes). */
  governed(): Promise<GovernedDirectory>;
  /** The member-role access of one invocation: one AssumeRole per account, never kept across invocations. */
  openAccess(): MemberAccountAccess;
  /**
   * The guard's ports for one governed account × region: ECR, ECS and Lambda there with the member
   * role's session (the hub's own account with the function's own credentials), the ledgers keyed by
   * the location (shared/state/state-keys.ts). The hub's own account in its own region gets exactly
   * the single-account ports, so that its ledgers keep their keys.
   */
  portsAt(access: MemberAccountAccess, account: string, region: string): RepositoryGuardLocationPorts;
  /**
   * A member account's event whose member role cannot be assumed: one Account Unreachable (work
   * `event`, once per event id), then a MemberAccountEventError, so that Lambda's retries and the
   * on-failure queue keep the event: nothing was checked.
   */
  checkEventAccount(
    access: MemberAccountAccess,
    account: GovernedAccount,
    region: string,
    eventId: string,
  ): Promise<void>;
}

/** An event of a member account the hub cannot act in (Account Unreachable was reported). */
export class MemberAccountEventError extends EcrWardenError {
  override name = 'MemberAccountEventError';

  constructor(account: string, reason: string) {
    super(`the event of ${account} was not handled: ${reason}`);
  }
}

export function createRepositoryGuardHub(settings: {
  organization: OrganizationConfig;
  /** The deployment's own account and region. */
  hub: { account: string; region: string };
  targetQueueUrl: string | undefined;
  dependencies: RepositoryGuardDependencies;
  logger: StructuredLogger;
}): RepositoryGuardHub {
  const { hub, dependencies, organization } = settings;
  const work = createHubWork({
    once: dependencies.once,
    publisher: dependencies.publisher,
    logger: settings.logger,
    scope: 'repository-guard',
    hubRegion: hub.region,
    targetQueueUrl: settings.targetQueueUrl,
  });
  return {
    ...work,
    governed: () =>
      loadGovernedDirectory({ organization }, { DEPLOYMENT_ACCOUNT_ID: hub.account, AWS_REGION: hub.region }),
    openAccess: () => openMemberAccess(organization, hub, 'tagImmutability') as MemberAccountAccess,
    portsAt(access, account, region) {
      if (account === hub.account && region === hub.region) {
        return { ...dependencies, usage: dependencies.usageFor(account, region) };
      }
      const at = { account, region };
      return {
        registry: createRepositoryGuardRegistry(access.client(ECRClient, account, region)),
        tagLedger: createTagLedgerStore(dependencies.store, at),
        driftLedger: createDriftLedgerStore(dependencies.store, at),
        // Made per invocation, as the member session is: its one-minute cache never outlives it.
        usage: createWorkloadDigestUsage({
          account,
          region,
          logger: settings.logger,
          inUseIndex: dependencies.inUseIndex,
          ecs: access.client(ECSClient, account, region),
          lambda: access.client(LambdaClient, account, region),
        }),
      };
    },
    async checkEventAccount(access, account, region, eventId) {
      const outcome = await runGovernedTargetWork(
        {
          message: {
            schemaVersion: 1,
            work: 'repository-guard',
            account: account.id,
            region,
            runId: eventId,
          },
          account,
        },
        { access, reporter: { report: (target) => work.unreachable.report({ ...target, work: 'event' }) } },
        { firstAction: 'sts:AssumeRole', run: async () => undefined },
      );
      if (outcome.status === 'unreachable') throw new MemberAccountEventError(account.id, outcome.reason);
    },
  };
}
