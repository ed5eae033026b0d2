import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OrganizationConfig } from '../config/schema-organization';
import { EcrWardenError } from '../errors';
import type { GovernanceEventSink } from '../events/governance';
import type { TargetWork } from '../events/target-message';
import type { StructuredLogger } from '../logger';
import { createAccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import {
  type AccountUnreachableReporter,
  createAccountUnreachableReporter,
} from '../organization/account-unreachable';
import type { GovernedTarget } from '../organization/governed-accounts';
import type { RunOnceGuard } from '../state/run-once';
import type { IdempotencyScope } from '../state/state-keys';
import { createMemberAccountAccess, type MemberAccountAccess } from './member-account-access';
import { createTargetQueue, queueTargets } from './target-queue';

/**
 * What a detector with scheduled work per account × region needs as an Organizations hub (issue 15):
 * its target queue, its Account Unreachable reports, and the member-role access of each invocation.
 */
export interface HubWork {
  /** Account Unreachable, once per run, target and work (run-once records of the function's scope). */
  unreachable: AccountUnreachableReporter;
  /**
   * Queues one target message per target of the run on the function's target queue (rejects naming
   * what could not be queued, or when the function has no queue: TARGET_QUEUE_URL unset).
   */
  queueTargets(
    work: TargetWork,
    targets: readonly GovernedTarget[],
    runId: string,
  ): Promise<{ targetsQueued: number }>;
}

export function createHubWork(settings: {
  once: RunOnceGuard;
  publisher: GovernanceEventSink;
  logger: StructuredLogger;
  /** The function's own idempotency scope: its role may write only there (shared/state/state-access.ts). */
  scope: IdempotencyScope;
  hubRegion: string;
  targetQueueUrl?: string | undefined;
  sqs?: SQSClient | undefined;
}): HubWork {
  const queue =
    settings.targetQueueUrl === undefined
      ? undefined
      : createTargetQueue({
          queueUrl: settings.targetQueueUrl,
          ...(settings.sqs === undefined ? {} : { client: settings.sqs }),
        });
  return {
    unreachable: createAccountUnreachableReporter({
      guard: settings.once,
      publisher: settings.publisher,
      metrics: createAccountReachabilityMetrics(),
      logger: settings.logger,
      scope: settings.scope,
      hubRegion: settings.hubRegion,
    }),
    queueTargets: async (work, targets, runId) => {
      if (queue === undefined) throw new EcrWardenError('no target queue: TARGET_QUEUE_URL is not set');
      return queueTargets(queue, work, targets, runId);
    },
  };
}

/**
 * The member-role access of one invocation: one AssumeRole per account for the invocation, never kept
 * across invocations (issue 15); undefined without `organization` (the function's own account only).
 */
export function openMemberAccess(
  organization: OrganizationConfig | undefined,
  hub: { account: string; region: string },
  functionName: string,
): MemberAccountAccess | undefined {
  if (organization === undefined) return undefined;
  return createMemberAccountAccess({
    hubAccount: hub.account,
    hubRegion: hub.region,
    memberRoleName: organization.memberRoleName,
    functionName,
  });
}
