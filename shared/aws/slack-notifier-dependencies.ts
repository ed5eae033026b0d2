import { EnvironmentError } from '../config/environment';
import type { EcrWardenConfig } from '../config/schema';
import type { StructuredLogger } from '../logger';
import { createNotificationMetrics } from '../metrics/notification-metrics';
import { createGovernanceNotifier, type NotificationAccounts } from '../notify/governance-notifier';
import type { NotificationBatchDependencies } from '../notify/process-notification-batch';
import { type GovernedDirectory, loadGovernedDirectory } from './governed-directory';
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
  /** The config's `organization` (issue 15): routes by account, messages naming accounts. */
  organization?: Pick<EcrWardenConfig, 'organization'>;
  /** Where the function runs (DEPLOYMENT_ACCOUNT_ID is needed for an OU listing). */
  location?: { DEPLOYMENT_ACCOUNT_ID?: string | undefined; AWS_REGION?: string | undefined };
}): NotificationBatchDependencies {
  const parking = createNotificationParking({ queueUrl: settings.deadLetterQueueUrl });
  const accounts =
    settings.organization?.organization === undefined
      ? undefined
      : notificationAccounts(settings.organization, settings.location ?? {});
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
 * The hub's governed accounts for routing: the listed accounts need no call; an OU config lists them
 * with Organizations (governed-directory.ts; its reader caches the listing for 15 minutes).
 */
export function notificationAccounts(
  config: Pick<EcrWardenConfig, 'organization'>,
  location: { DEPLOYMENT_ACCOUNT_ID?: string | undefined; AWS_REGION?: string | undefined },
  load: (
    config: Pick<EcrWardenConfig, 'organization'>,
    location: { DEPLOYMENT_ACCOUNT_ID: string; AWS_REGION: string },
  ) => Promise<GovernedDirectory> = loadGovernedDirectory,
): NotificationAccounts {
  const account = location.DEPLOYMENT_ACCOUNT_ID;
  if (config.organization?.organizationalUnits !== undefined && account === undefined) {
    throw new EnvironmentError([
      { variable: 'DEPLOYMENT_ACCOUNT_ID', message: 'is not set (routes of an OU config list its accounts)' },
    ]);
  }
  const where = {
    DEPLOYMENT_ACCOUNT_ID: account ?? '000000000000',
    AWS_REGION: location.AWS_REGION ?? 'us-east-1',
  };
  return {
    async lookUp(accountId) {
      const { directory } = await load(config, where);
      return directory.get(accountId);
    },
  };
}
