import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createCleanupSchedulerDependencies } from '../shared/aws/cleanup-scheduler-dependencies';
import { type CleanupScheduleSummary, scheduleCleanup } from '../shared/cleanup/schedule-cleanup';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { readCleanupSchedulerEnvironment } from '../shared/config/environment';
import { parseScheduledEvent } from '../shared/events/scheduled-event';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';

// Cold start: a missing environment variable or an invalid bundled config fails the init phase with a
// message that names the variable or the config path, before any event is accepted.
const environment = readCleanupSchedulerEnvironment();
const config = loadBundledConfig();
const dependencies = createCleanupSchedulerDependencies({ queueUrl: environment.CLEANUP_QUEUE_URL });

/**
 * Runs on the `cleanup.schedule` of ecr-warden.yml: queues one cleanup request per repository that a
 * cleanup rule covers. A failure is logged and rethrown so that Lambda's asynchronous retries and then
 * the on-failure destination (the scheduler's failure queue) see it.
 */
async function scheduleCleanupRun(event: unknown): Promise<CleanupScheduleSummary> {
  try {
    const scheduled = parseScheduledEvent(event);
    logger.appendKeys({ runId: scheduled.id });
    const summary = await scheduleCleanup({ runId: scheduled.id, rules: config.cleanup.rules }, dependencies);
    logger.info('cleanup scheduled', { ...summary, dryRun: config.cleanup.dryRun });
    return summary;
  } catch (error) {
    logger.error('cleanup scheduling failed', error as Error);
    throw error;
  }
}

export const handler = middy(scheduleCleanupRun).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
