import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createCleanupWorkerDependencies } from '../shared/aws/cleanup-worker-dependencies';
import { loadBundledConfig } from '../shared/config/bundled-config';
import {
  readCleanupWorkerEnvironment,
  readOrganizationCleanupWorkerEnvironment,
} from '../shared/config/environment';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import { processCleanupBatch } from './batch/cleanup-batch';

// Cold start: a missing environment variable or an invalid bundled config (an invalid cleanup policy
// included, named by its rule) fails the init phase before any message is accepted.
const environment = readCleanupWorkerEnvironment();
const config = loadBundledConfig();
// An Organizations hub (issue 15): requests of governed member accounts are acted on there.
const hub = config.organization === undefined ? undefined : readOrganizationCleanupWorkerEnvironment();
const dependencies = createCleanupWorkerDependencies({
  cleanup: config.cleanup,
  eventBusName: environment.EVENT_BUS_NAME,
  tableName: environment.STATE_TABLE_NAME,
  logger,
  ...(config.organization === undefined || hub === undefined
    ? {}
    : {
        organization: {
          config: config.organization,
          hubAccount: hub.DEPLOYMENT_ACCOUNT_ID,
          hubRegion: hub.AWS_REGION,
        },
      }),
});

/**
 * Reads the cleanup queue (one message per repository, sent by cleanupScheduler): per repository, the
 * inventory, the policy, the in-use picture (read once per invocation), the plan, then the deletions
 * (none in a dry run, the default) and a `Cleanup Report` event. Failed messages are reported as batch
 * item failures and come back alone. See ./batch/cleanup-batch.ts and shared/cleanup/process-cleanup-batch.ts.
 */
async function cleanRepositories(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return processCleanupBatch(event, context, dependencies);
}

export const handler = middy(cleanRepositories).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.sqsBatch, resetKeys: true }),
);
