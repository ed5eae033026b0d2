import { ECRClient } from '@aws-sdk/client-ecr';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import type {
  MemberRegistries,
  OrganizationCleanupScheduleDependencies,
} from '../cleanup/schedule-organization-cleanup';
import type { StructuredLogger } from '../logger';
import { createAccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import { createAccountUnreachableReporter } from '../organization/account-unreachable';
import { createCleanupRequestQueue } from './cleanup-queue';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import { createMemberAccountAccess } from './member-account-access';
import { memberAccountUnreachableCause } from './member-reachability';
import { createRepositoryCatalog } from './repository-catalog';
import { createStateStore, type StateStoreSettings } from './state-store';

export interface OrganizationCleanupSchedulerSettings {
  queueUrl: string;
  eventBusName: string;
  tableName: string;
  /** The hub: DEPLOYMENT_ACCOUNT_ID and AWS_REGION. */
  hubAccount: string;
  hubRegion: string;
  /** organization.memberRoleName. */
  memberRoleName: string;
  logger: StructuredLogger;
  now?: () => number;
  sts?: STSClient;
  sqs?: SQSClient;
  eventBridge?: EventBridgeClient;
  stateClient?: StateStoreSettings['client'];
  /** Targets listed at once (default: scheduleOrganizationCleanup's). */
  concurrency?: number;
}

/**
 * cleanupScheduler's adapters in an Organizations hub (issue 15): the queue, the Account Unreachable
 * reporter (run-once records of its own scope on the state table, the ecr-warden bus, the
 * AccountsUnreachable metric), and, per invocation, the member registries: one member-role session
 * per account (createMemberAccountAccess), one ECR client per account × region.
 */
export function createOrganizationCleanupSchedulerDependencies(
  settings: OrganizationCleanupSchedulerSettings,
): OrganizationCleanupScheduleDependencies {
  const now = settings.now ?? Date.now;
  const store = createStateStore({
    tableName: settings.tableName,
    now: () => new Date(now()),
    ...(settings.stateClient === undefined ? {} : { client: settings.stateClient }),
  });
  return {
    openMemberRegistries: () => createMemberRegistries(settings),
    queue: createCleanupRequestQueue({
      queueUrl: settings.queueUrl,
      ...(settings.sqs === undefined ? {} : { client: settings.sqs }),
    }),
    unreachable: createAccountUnreachableReporter({
      guard: createIdempotencyGuard({ store, now: () => new Date(now()) }),
      publisher: createGovernancePublisher({
        eventBusName: settings.eventBusName,
        ...(settings.eventBridge === undefined ? {} : { client: settings.eventBridge }),
      }),
      metrics: createAccountReachabilityMetrics(),
      logger: settings.logger,
      scope: 'cleanup-schedule',
      hubRegion: settings.hubRegion,
    }),
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
  };
}

/** The member registries of one scheduler invocation (the benchmark builds them alone too). */
export function createMemberRegistries(
  settings: Pick<
    OrganizationCleanupSchedulerSettings,
    'hubAccount' | 'hubRegion' | 'memberRoleName' | 'sts' | 'now'
  >,
): MemberRegistries {
  // Per invocation, never per cold start: a session must not outlive the run that assumed it.
  const access = createMemberAccountAccess({
    hubAccount: settings.hubAccount,
    hubRegion: settings.hubRegion,
    memberRoleName: settings.memberRoleName,
    functionName: 'cleanupScheduler',
    ...(settings.sts === undefined ? {} : { sts: settings.sts }),
    ...(settings.now === undefined ? {} : { now: settings.now }),
  });
  return {
    reach: (account) => memberAccountUnreachableCause(access, account.id),
    roleArn: (account) => access.roleArn(account),
    repositories: (account, region) => createRepositoryCatalog(access.client(ECRClient, account, region)),
    assumeRoleCalls: () => access.assumeRoleCalls,
  };
}
