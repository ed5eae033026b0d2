import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OrganizationConfig } from '../config/schema-organization';
import type { GovernanceEventSink } from '../events/governance';
import type { TargetMessage } from '../events/target-message';
import type { StructuredLogger } from '../logger';
import { createAccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import {
  type AccountUnreachableReporter,
  createAccountUnreachableReporter,
} from '../organization/account-unreachable';
import type { RunOnceGuard } from '../state/run-once';
import type { IdempotencyScope } from '../state/state-keys';
import { createMemberAccountAccess, type MemberAccountAccess } from './member-account-access';
import type { QueueSender } from './sqs-batch-sender';
import { createTargetQueue } from './target-queue';

/**
 * What a detector with scheduled work per account × region needs as an Organizations hub (issue 15):
 * its target queue, its Account Unreachable reports, and the member-role access of each invocation.
 */
export interface HubWork {
  /** Account Unreachable, once per run, target and work (run-once records of the function's scope). */
  unreachable: AccountUnreachableReporter;
  /** The function's target queue; undefined without `organization` (no queue is deployed then). */
  targetQueue: QueueSender<TargetMessage> | undefined;
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
  return {
    unreachable: createAccountUnreachableReporter({
      guard: settings.once,
      publisher: settings.publisher,
      metrics: createAccountReachabilityMetrics(),
      logger: settings.logger,
      scope: settings.scope,
      hubRegion: settings.hubRegion,
    }),
    targetQueue:
      settings.targetQueueUrl === undefined
        ? undefined
        : createTargetQueue({
            queueUrl: settings.targetQueueUrl,
            ...(settings.sqs === undefined ? {} : { client: settings.sqs }),
          }),
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
