import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createIdempotencyGuard } from '../shared/aws/idempotency';
import { createNotificationMetrics } from '../shared/aws/notification-metrics';
import { createSlackDeliveryLedger } from '../shared/aws/slack-delivery-ledger';
import { createSlackWebhookClient } from '../shared/aws/slack-webhook-client';
import { createStateStore } from '../shared/aws/state-store';
import { createWebhookUrlStore } from '../shared/aws/webhook-url-store';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { readStateTableEnvironment } from '../shared/config/environment';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import { createGovernanceNotifier } from '../shared/notify/governance-notifier';
import { processNotificationBatch } from '../shared/notify/process-notification-batch';

// Cold start: a missing STATE_TABLE_NAME or an invalid bundled config (notifications.routes included)
// fails the init phase with a message naming the variable or the config path.
const environment = readStateTableEnvironment();
const config = loadBundledConfig();

// Created once per execution environment: the webhook URL cache and the per-webhook pacer outlive the
// invocation, so a warm environment keeps to Slack's rate across batches without reading SSM again.
const notifier = createGovernanceNotifier({
  routes: config.notifications.routes,
  webhookUrls: createWebhookUrlStore(),
  slack: createSlackWebhookClient(),
  ledger: createSlackDeliveryLedger({
    guard: createIdempotencyGuard({ store: createStateStore({ tableName: environment.STATE_TABLE_NAME }) }),
  }),
  metrics: createNotificationMetrics(),
  logger,
});

/**
 * Reads the notification queue (SQS FIFO, one message group, ReportBatchItemFailures): every governance
 * event published on the ecr-warden bus becomes a Slack message in the channels its routes name. Failed
 * messages, and those behind them in the batch, are reported as batch item failures and come back; the
 * queue moves a message to its dead-letter queue after 5 receives. See
 * shared/notify/process-notification-batch.ts.
 */
async function notifySlack(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return processNotificationBatch(event, context, { notifier, logger });
}

export const handler = middy(notifySlack).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.sqsBatch, resetKeys: true }),
);
