import type { EcrWardenConfig } from '../config/schema';
import type { StructuredLogger } from '../logger';
import { createNotificationMetrics } from '../metrics/notification-metrics';
import { createGovernanceNotifier } from '../notify/governance-notifier';
import type { NotificationBatchDependencies } from '../notify/process-notification-batch';
import { createIdempotencyGuard } from './idempotency';
import { createNotificationParking } from './notification-parking';
import { createSlackDeliveryLedger } from './slack-delivery-ledger';
import { createSlackWebhookClient } from './slack-webhook-client';
import { createStateStore } from './state-store';
import { createWebhookUrlStore } from './webhook-url-store';

/**
 * slackNotifier's adapters, wired once per execution environment (functions/slack-notifier.ts): the
 * webhook URL cache and the per-webhook pacer outlive the invocation, so a warm environment keeps to
 * Slack's rate across batches without reading SSM again.
 */
export function createSlackNotifierDependencies(settings: {
  routes: EcrWardenConfig['notifications']['routes'];
  stateTableName: string;
  deadLetterQueueUrl: string;
  logger: StructuredLogger;
}): NotificationBatchDependencies {
  const parking = createNotificationParking({ queueUrl: settings.deadLetterQueueUrl });
  const notifier = createGovernanceNotifier({
    routes: settings.routes,
    webhookUrls: createWebhookUrlStore(),
    slack: createSlackWebhookClient(),
    ledger: createSlackDeliveryLedger({
      guard: createIdempotencyGuard({ store: createStateStore({ tableName: settings.stateTableName }) }),
    }),
    metrics: createNotificationMetrics(),
    logger: settings.logger,
  });
  return { notifier, logger: settings.logger, parking };
}
