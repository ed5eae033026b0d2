import type { EcrWardenConfig } from '../config/schema';
import type { StructuredLogger } from '../logger';
import { createNotificationMetrics } from '../metrics/notification-metrics';
import { createGovernanceNotifier, type NotificationAccounts } from '../notify/governance-notifier';
import type { NotificationBatchDependencies } from '../notify/process-notification-batch';
import { createIdempotencyGuard } from './idempotency';
import { createNotificationParking } from './notification-parking';
import { createSlackDeliveryLedger } from './slack-delivery-ledger';
import { type NotifierLocation, requireHubAccount } from './slack-notifier-location';
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
  /** The config's `organization` (issue 15): routes by account, messages naming accounts. */
  organization?: Pick<EcrWardenConfig, 'organization'>;
  /** Where the function runs (DEPLOYMENT_ACCOUNT_ID is needed for an OU listing). */
  location?: NotifierLocation;
}): NotificationBatchDependencies {
  const parking = createNotificationParking({ queueUrl: settings.deadLetterQueueUrl });
  const accounts =
    settings.organization?.organization === undefined
      ? undefined
      : lazyNotificationAccounts(settings.organization, settings.location ?? {});
  const notifier = createGovernanceNotifier({
    routes: settings.routes,
    ...(accounts === undefined ? {} : { accounts }),
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

/**
 * The directory, loaded on first use and only bundled when the config has `organization`
 * (shared/bundle-flags.d.ts): a single-account notifier carries none of it. A missing
 * DEPLOYMENT_ACCOUNT_ID of an OU config fails the cold start, naming it.
 */
function lazyNotificationAccounts(
  config: Pick<EcrWardenConfig, 'organization'>,
  location: NotifierLocation,
): NotificationAccounts {
  requireHubAccount(config, location);
  let loaded: Promise<NotificationAccounts> | undefined;
  return {
    async lookUp(accountId) {
      if (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION) {
        loaded ??= import('./slack-notifier-accounts').then((module) =>
          module.notificationAccounts(config, location),
        );
        return (await loaded).lookUp(accountId);
      }
      throw new Error('this bundle was packaged without the organization section');
    },
  };
}
