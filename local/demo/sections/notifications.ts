import type { SQSEvent } from 'aws-lambda';
import { processNotificationBatch } from '../../../functions/batch/notification-batch';
import { createIdempotencyGuard } from '../../../shared/aws/idempotency';
import { createSlackDeliveryLedger } from '../../../shared/aws/slack-delivery-ledger';
import { notificationAccounts } from '../../../shared/aws/slack-notifier-accounts';
import { createSlackWebhookClient } from '../../../shared/aws/slack-webhook-client';
import { createStateStore } from '../../../shared/aws/state-store';
import { createWebhookUrlStore } from '../../../shared/aws/webhook-url-store';
import { loadBundledConfig } from '../../../shared/config/bundled-config';
import { logger } from '../../../shared/logger';
import { createNotificationMetrics } from '../../../shared/metrics/notification-metrics';
import { createGovernanceNotifier } from '../../../shared/notify/governance-notifier';
import type { Clock } from '../../../shared/notify/webhook-pacer';
import { demoLambdaContext } from '../lambda-invocation';
import type { DemoWorld } from '../world';
import type { DemoSection } from './section';

// SQS FIFO delivers at most 10 messages a batch to the function.
const BATCH_SIZE = 10;

/**
 * Every governance event the earlier sections published, delivered as the deployed system delivers
 * it: EventBridge envelope → FIFO queue → slackNotifier's batch processing → routes → SSM webhook URL
 * → the Slack receiver on loopback, with idempotency records in the state table. The notifier is
 * built as functions/slack-notifier.ts builds it, with one difference: its pacer runs on a virtual
 * clock, so that the demo does not wait a second between two messages to the same channel.
 *
 * The demo deployment is an Organizations hub: the `payments` route takes the events about the
 * payments-prod account (`accounts: [payments-prod]`), every message names its account, and the
 * Account Unreachable reports of legacy-sandbox reach the catch-all route like any event.
 */
export const notificationsSection: DemoSection = {
  title: 'Slack notifications (delivered to the local Slack receiver)',
  async run(world) {
    const config = loadBundledConfig();
    for (const route of config.notifications.routes) {
      world.setParameter(
        route.webhookParameter,
        world.slack.url(`/services/T0DEMO/B0${route.name.toUpperCase()}/demo`),
      );
    }
    const clock = virtualClock(world.asOf.getTime());
    const notifier = createGovernanceNotifier({
      routes: config.notifications.routes,
      ...(config.organization === undefined
        ? {}
        : {
            accounts: notificationAccounts(config, {
              DEPLOYMENT_ACCOUNT_ID: world.account,
              AWS_REGION: world.region,
            }),
          }),
      webhookUrls: createWebhookUrlStore(),
      slack: createSlackWebhookClient({ clock }),
      ledger: createSlackDeliveryLedger({
        guard: createIdempotencyGuard({ store: createStateStore({ tableName: world.stateTableName }) }),
      }),
      metrics: createNotificationMetrics(),
      logger,
    });

    const envelopes = world.governanceEvents.map((entry, index) => ({
      version: '0',
      id: `demo-event-${index + 1}`,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: world.account,
      time: world.asOf.toISOString(),
      region: world.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail ?? '{}'),
    }));
    let failed = 0;
    for (let start = 0; start < envelopes.length; start += BATCH_SIZE) {
      const response = await processNotificationBatch(
        sqsBatch(envelopes.slice(start, start + BATCH_SIZE), world),
        demoLambdaContext('slackNotifier', { memoryLimitInMB: '256', remainingMs: 120_000 }),
        {
          notifier,
          logger,
          clock,
        },
      );
      failed += response.batchItemFailures.length;
    }

    const posts = world.slack.posts();
    const lines = [
      `${envelopes.length} governance events, ${posts.length} Slack messages, ${failed} failed deliveries`,
    ];
    for (const post of posts) {
      const channel = /\/B0([A-Z]+)\//.exec(post.path)?.[1]?.toLowerCase() ?? post.path;
      const body = post.body as { text?: string } | undefined;
      lines.push(`#${channel}: ${body?.text ?? '(no text)'}`);
    }
    return {
      lines,
      json: {
        events: envelopes.length,
        failed,
        messages: posts.map((post) => ({ path: post.path, body: post.body })),
      },
    };
  },
};

function virtualClock(start: number): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: async (milliseconds) => {
      now += milliseconds;
    },
  };
}

function sqsBatch(envelopes: unknown[], world: DemoWorld): SQSEvent {
  return {
    Records: envelopes.map((envelope, index) => ({
      messageId: `demo-message-${(envelope as { id: string }).id}`,
      receiptHandle: `demo-receipt-${index}`,
      body: JSON.stringify(envelope),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(world.asOf.getTime()),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: String(world.asOf.getTime()),
        MessageGroupId: 'governance-notifications',
        SequenceNumber: String(index + 1),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${world.region}:${world.account}:ecr-warden-demo-notifications.fifo`,
      awsRegion: world.region,
    })),
  };
}
