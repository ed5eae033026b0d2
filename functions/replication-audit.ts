import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createReplicationAuditDependencies } from '../shared/aws/replication-audit-dependencies';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { readReplicationAuditEnvironment } from '../shared/config/replication-audit-environment';
import {
  assertReplicationActionGoverned,
  parseReplicationActionEvent,
  REPLICATION_ACTION_DETAIL_TYPE,
} from '../shared/events/ecr-replication-action';
import { EventValidationError } from '../shared/events/event-validation-error';
import { assertGoverned, envelopeClaims, ownScope } from '../shared/events/governed-scope';
import { parseScheduledEvent } from '../shared/events/scheduled-event';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import {
  handleReplicationAction,
  type ReplicationActionOutcome,
} from '../shared/replication/replication-action';
import { runScheduledAudit } from '../shared/replication/scheduled-audit';

// Cold start: a missing variable or an invalid bundled config fails the init phase with its name or path.
const environment = readReplicationAuditEnvironment();
const config = loadBundledConfig().replication;
// The source registry this deployment governs. Replication events may come from the destination regions
// too (forwarded there by examples/replication/forward-replication-events.yml); nothing else.
const scope = ownScope({ account: environment.DEPLOYMENT_ACCOUNT_ID, region: environment.AWS_REGION });

const dependencies = createReplicationAuditDependencies({
  eventBusName: environment.EVENT_BUS_NAME,
  stateTableName: environment.STATE_TABLE_NAME,
});

// The audit stops starting repositories this long before Lambda's limit, to remediate and publish.
const REPORT_MARGIN_MS = 90_000;

export interface ScheduledAuditSummary {
  repositoriesAudited: number;
  clean: boolean;
  problemCounts: Record<string, number>;
}

/**
 * replicationAudit, on two kinds of events (serverless.yml):
 * - "ECR Replication Action" (aws.ecr, default bus, emitted in the destination region): a FAILED result
 *   becomes a "Replication Failure" alert at once; a SUCCESS records the replication lag metric.
 * - "Scheduled Event" (replication.schedule): the audit of every replicated repository, remediation when
 *   replication.remediate asks for it, and one "Replication Audit Report".
 * Any other event, and a malformed one, fails with an EventValidationError; an event of an account or
 * region outside the governed scope with an UngovernedEventError. Every failure is logged and rethrown
 * so that Lambda's retries and then the on-failure queue see it.
 */
async function replicationAudit(
  event: unknown,
  context: Context,
): Promise<ReplicationActionOutcome | ScheduledAuditSummary> {
  try {
    const eventId = typeof event === 'object' && event !== null ? Reflect.get(event, 'id') : undefined;
    const detailType =
      typeof event === 'object' && event !== null ? Reflect.get(event, 'detail-type') : undefined;
    if (detailType === REPLICATION_ACTION_DETAIL_TYPE) {
      const action = parseReplicationActionEvent(event);
      assertReplicationActionGoverned(action, scope, config.destinationRegions);
      logger.appendKeys({
        repositoryName: action.detail['repository-name'],
        imageDigest: action.detail['image-digest'],
        destinationRegion: action.region,
      });
      const outcome = await handleReplicationAction(action, {
        // The governed source registry (assertReplicationActionGoverned: the event's source is this one).
        account: environment.DEPLOYMENT_ACCOUNT_ID,
        region: environment.AWS_REGION,
        ...dependencies,
        log: logger,
      });
      logger.info('replication action handled', { ...outcome });
      return outcome;
    }
    if (detailType !== 'Scheduled Event') {
      throw new EventValidationError('replicationAudit', typeof eventId === 'string' ? eventId : undefined, [
        `detail-type ${JSON.stringify(detailType ?? null)} is neither "${REPLICATION_ACTION_DETAIL_TYPE}" nor "Scheduled Event"`,
      ]);
    }
    const scheduled = parseScheduledEvent(event);
    assertGoverned(scope, { kind: 'Scheduled Event', id: scheduled.id }, envelopeClaims(scheduled));
    logger.appendKeys({ runId: scheduled.id });
    const { report } = await runScheduledAudit(
      {
        account: environment.DEPLOYMENT_ACCOUNT_ID,
        sourceRegion: environment.AWS_REGION,
        // The event's time, not the clock: a retried run judges "in flight" as the first attempt did.
        now: new Date(scheduled.time),
        settings: config,
        timeLeft: () => context.getRemainingTimeInMillis() - REPORT_MARGIN_MS,
      },
      { ...dependencies, log: logger },
    );
    const summary = {
      repositoriesAudited: report.repositoriesAudited,
      clean: report.clean,
      problemCounts: { ...report.problemCounts },
    };
    logger.info('replication audit published', { ...summary, summary: report.summary });
    return summary;
  } catch (error) {
    logger.error('replication audit failed', error as Error);
    throw error;
  }
}

export const handler = middy(replicationAudit).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
