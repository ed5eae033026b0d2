import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSlackNotifierDependencies } from '../shared/aws/slack-notifier-dependencies';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { readSlackNotifierEnvironment } from '../shared/config/environment';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import { processNotificationBatch } from './batch/notification-batch';

// Cold start: a missing STATE_TABLE_NAME or NOTIFICATION_DEAD_LETTER_QUEUE_URL, or an invalid bundled config
// (notifications.routes included) fails the init phase with a message naming the variable or the config path.
const environment = readSlackNotifierEnvironment();
const config = loadBundledConfig();
const dependencies = createSlackNotifierDependencies({
  routes: config.notifications.routes,
  stateTableName: environment.STATE_TABLE_NAME,
  deadLetterQueueUrl: environment.NOTIFICATION_DEAD_LETTER_QUEUE_URL,
  logger,
  // Under an Organizations hub (issue 15), routes match accounts and messages name them.
  ...(config.organization === undefined ? {} : { organization: config, location: environment }),
});

/**
 * Reads the notification queue (SQS FIFO, one message group, ReportBatchItemFailures): every governance
 * event published on the ecr-warden bus becomes a Slack message in the channels its routes name. Failed
 * messages, and those behind them in the batch, are reported as batch item failures and come back; a
 * message that fails again at its second receive is parked in the dead-letter queue (the queue's own
 * redrive after 5 receives stays the backstop). See ./batch/notification-batch.ts.
 */
async function notifySlack(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return processNotificationBatch(event, context, dependencies);
}

export const handler = middy(notifySlack).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.sqsBatch, resetKeys: true }),
);
