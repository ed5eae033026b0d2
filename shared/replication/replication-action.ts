import type { ReplicationActionEvent } from '../events/ecr-replication-action';
import type { GovernanceEventSink } from '../events/governance';
import { type GovernanceEvent, repositoryConsoleUrl } from '../events/governance';
import type { StructuredLogger } from '../logger';
import type { RunOnceGuard, RunOnceOptions } from '../state/run-once';
import { idempotencyKey } from '../state/state-keys';
import { describeFailure } from './audit-replication';
import { shortDigest } from './audit-report';
import type { RegistryReaderFactory } from './registry-reader';

/** Where lag and failure counts go (CloudWatch through EMF in Lambda: shared/metrics/replication-metrics.ts). */
export interface ReplicationMetrics {
  /** Seconds from the source push to the replication event, per destination region, at the event's time. */
  lag(destinationRegion: string, seconds: number, at: Date): void;
  failure(destinationRegion: string): void;
}

/**
 * Errors that say the source image cannot be read and never will be in this invocation: the role may
 * not read the repository, or (an Organizations hub) the member role of the source account cannot be
 * assumed (shared/aws/member-account-access.ts: MemberAccountUnreachableError from a check, its
 * WorkloadRoleNotAssumableError from a client's credentials).
 */
const SOURCE_UNREADABLE_ERRORS = new Set([
  'AccessDeniedException',
  'MemberAccountUnreachableError',
  'WorkloadRoleNotAssumableError',
]);

/**
 * A failure alert is published once per event id: EventBridge may deliver an event twice, and Lambda
 * retries a failed asynchronous invocation twice within hours. The record outlives both; a claim
 * outlives the function's timeout (900 s), so a live invocation never loses it.
 */
export const FAILURE_ALERT_ONCE: RunOnceOptions = {
  ttlSeconds: 2 * 24 * 3600,
  inProgressTimeoutSeconds: 960,
};

export interface ReplicationActionDependencies {
  /**
   * The source registry this function may read: the account and region it runs in, or in an
   * Organizations hub the governed account the event comes from and its source region.
   */
  account: string;
  region: string;
  /** The account's alias, when the hub knows one: the alert carries it. */
  accountAlias?: string | undefined;
  readerFor: RegistryReaderFactory;
  publisher: GovernanceEventSink;
  metrics: ReplicationMetrics;
  once?: RunOnceGuard;
  log?: Pick<StructuredLogger, 'warn'>;
}

export type ReplicationActionOutcome =
  | { outcome: 'lag-recorded'; destinationRegion: string; seconds: number }
  | { outcome: 'lag-unknown'; reason: string }
  | { outcome: 'failure-published'; failureCode: string | undefined }
  | { outcome: 'duplicate' };

/**
 * One "ECR Replication Action" event (see shared/events/ecr-replication-action.ts):
 *
 * - FAILED: a "Replication Failure" governance event at once, with the failure code that the source's
 *   DescribeImageReplicationStatus gives for this destination (best effort: the alert does not wait
 *   for, or fail on, that lookup). Published once per event id when a guard is given, so that a
 *   redelivered event or a retried invocation does not alert twice.
 * - SUCCESS: the replication lag, the event's time minus the source image's push time
 *   (DescribeImages in the source region), as a metric per destination region.
 */
export async function handleReplicationAction(
  event: ReplicationActionEvent,
  dependencies: ReplicationActionDependencies,
): Promise<ReplicationActionOutcome> {
  const detail = event.detail;
  const repositoryName = detail['repository-name'];
  const imageDigest = detail['image-digest'];
  const sourceRegion = detail['source-region'];
  const sourceAccount = detail['source-account'];
  const destinationRegion = event.region;
  const readable = sourceAccount === dependencies.account && sourceRegion === dependencies.region;

  if (detail.result === 'FAILED') {
    dependencies.metrics.failure(destinationRegion);
    const failureCode = readable
      ? await lookUpFailureCode(event, dependencies).catch((error: unknown) => {
          dependencies.log?.warn('replication failure code unavailable', { reason: describeFailure(error) });
          return undefined;
        })
      : undefined;
    const tag = detail['image-tag'];
    const alert: GovernanceEvent = {
      detailType: 'Replication Failure',
      detail: {
        schemaVersion: 1,
        account: event.account,
        ...(dependencies.accountAlias === undefined ? {} : { accountAlias: dependencies.accountAlias }),
        region: destinationRegion,
        repositoryName,
        severity: 'critical',
        summary: `${repositoryName}: replication of ${tag ?? shortDigest(imageDigest)} from ${sourceRegion} to ${destinationRegion} failed${failureCode === undefined ? '' : ` (${failureCode})`}`,
        consoleUrl: repositoryConsoleUrl({
          account: sourceAccount,
          region: sourceRegion,
          repositoryName,
          imageDigest,
        }),
        imageDigest,
        ...(tag === undefined ? {} : { imageTag: tag }),
        sourceRegion,
        sourceAccount,
        destinationRegion,
        ...(failureCode === undefined ? {} : { failureCode }),
      },
    };
    const publish = () => dependencies.publisher.publish([alert]);
    if (dependencies.once === undefined) {
      await publish();
    } else if (
      (
        await dependencies.once.runOnce(
          idempotencyKey('replication-failure', event.id),
          FAILURE_ALERT_ONCE,
          publish,
        )
      ).status === 'duplicate'
    ) {
      return { outcome: 'duplicate' };
    }
    return { outcome: 'failure-published', failureCode };
  }

  if (!readable) {
    return {
      outcome: 'lag-unknown',
      reason: `the source registry ${sourceAccount} in ${sourceRegion} is not this deployment's (${dependencies.account} in ${dependencies.region}): its push time cannot be read`,
    };
  }
  let pushedAt: Date | undefined;
  try {
    pushedAt = await dependencies.readerFor(sourceRegion).imagePushedAt(repositoryName, imageDigest);
  } catch (error) {
    // A repository outside replication.repositoryPrefixes: the role may not read it; or, in an
    // Organizations hub, the member role of the source account cannot be assumed. Retrying cannot
    // help, so the event is not failed; other errors are (Lambda retries them).
    const name = (error as { name?: string }).name ?? '';
    if (!SOURCE_UNREADABLE_ERRORS.has(name)) throw error;
    return {
      outcome: 'lag-unknown',
      reason:
        name === 'AccessDeniedException'
          ? `reading the source image was denied (${describeFailure(error)})`
          : `the member role of ${sourceAccount} cannot be assumed (${describeFailure(error)})`,
    };
  }
  if (pushedAt === undefined) {
    return { outcome: 'lag-unknown', reason: `the image is no longer in ${sourceRegion}` };
  }
  const at = new Date(event.time);
  // EventBridge's `time` has a resolution of one second and clocks differ slightly: never below zero.
  const seconds = Math.max(0, (at.getTime() - pushedAt.getTime()) / 1000);
  dependencies.metrics.lag(destinationRegion, seconds, at);
  return { outcome: 'lag-recorded', destinationRegion, seconds };
}

async function lookUpFailureCode(
  event: ReplicationActionEvent,
  dependencies: ReplicationActionDependencies,
): Promise<string | undefined> {
  const statuses = await dependencies
    .readerFor(event.detail['source-region'])
    .imageReplicationStatuses(event.detail['repository-name'], event.detail['image-digest']);
  return statuses?.find((s) => s.region === event.region && s.registryId === event.account)?.failureCode;
}
