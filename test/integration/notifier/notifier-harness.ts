import { randomUUID } from 'node:crypto';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { FetchFunction } from '@slack/webhook';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processNotificationBatch } from '../../../functions/batch/notification-batch';
import { createIdempotencyGuard } from '../../../shared/aws/idempotency';
import { createSlackDeliveryLedger } from '../../../shared/aws/slack-delivery-ledger';
import { notificationAccounts } from '../../../shared/aws/slack-notifier-accounts';
import {
  createSlackWebhookClient,
  type SlackWebhookClientSettings,
} from '../../../shared/aws/slack-webhook-client';
import { createStateStore } from '../../../shared/aws/state-store';
import { createWebhookUrlStore } from '../../../shared/aws/webhook-url-store';
import { parseConfig } from '../../../shared/config/load-config';
import type { NotificationRouteConfig } from '../../../shared/config/schema';
import type { StructuredLogger } from '../../../shared/logger';
import {
  createGovernanceNotifier,
  type NotificationMetrics,
} from '../../../shared/notify/governance-notifier';
import type { NotificationParking } from '../../../shared/notify/process-notification-batch';
import { type Clock, createWebhookPacer, systemClock } from '../../../shared/notify/webhook-pacer';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';

/**
 * The notifier as slackNotifier wires it (shared/notify + the shared/aws adapters, Powertools' FIFO batch
 * processor), with test doubles only where the tests need them: SSM answers from the file's
 * `mockClient(SSMClient)`, the clock may be virtual, metrics and logs are recorded. Slack is a real
 * HTTP receiver and the idempotency records live in a dynalite table.
 */

/** A governance event envelope from test/events/ecr-warden, with a fresh event id. */
export function governanceEnvelope(
  name: string,
  change: (envelope: GovernanceEnvelope) => void = () => undefined,
): GovernanceEnvelope {
  const envelope = loadEventFixture<GovernanceEnvelope>('ecr-warden', name);
  envelope.id = randomUUID();
  change(envelope);
  return envelope;
}

export interface GovernanceEnvelope {
  id: string;
  'detail-type': string;
  source: string;
  detail: Record<string, unknown> & { summary: string; severity: string; repositoryName?: string };
  [key: string]: unknown;
}

let sequence = 0;

/**
 * An SQS FIFO batch as Lambda delivers it (test/events/aws.sqs/fifo-governance-event.json), one record per
 * body, in order, each with its own message id and a growing sequence number. A body given as an object
 * is serialised; a string is sent as it is (to test malformed bodies).
 */
export function fifoBatch(bodies: readonly (GovernanceEnvelope | string)[]): SQSEvent {
  const template = loadEventFixture<SQSEvent>('aws.sqs', 'fifo-governance-event').Records[0] as SQSRecord;
  return {
    Records: bodies.map((body) => {
      sequence += 1;
      return {
        ...template,
        messageId: randomUUID(),
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ...template.attributes,
          SequenceNumber: String(18889442931203837184n + BigInt(sequence)),
        },
      };
    }),
  };
}

/** A clock whose sleep returns at once and moves time forward: waits cost nothing, and are recorded. */
export function createVirtualClock(start = Date.parse('2026-11-01T06:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    async sleep(milliseconds) {
      sleeps.push(milliseconds);
      now += Math.max(0, milliseconds);
    },
  };
  return { clock, sleeps };
}

export interface RecordedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

export function createRecordingLogger() {
  const logs: RecordedLog[] = [];
  const logger: StructuredLogger = {
    debug: (message, ...attributes) =>
      logs.push({ level: 'debug', message, attributes: Object.assign({}, ...attributes) }),
    info: (message, ...attributes) =>
      logs.push({ level: 'info', message, attributes: Object.assign({}, ...attributes) }),
    warn: (message, ...attributes) =>
      logs.push({ level: 'warn', message, attributes: Object.assign({}, ...attributes) }),
    error: (message, ...attributes) =>
      logs.push({ level: 'error', message, attributes: Object.assign({}, ...attributes) }),
  };
  return { logger, logs };
}

export function createRecordingMetrics() {
  const counts: { metric: string; dimension: string }[] = [];
  const metrics: NotificationMetrics = {
    delivered: (route) => counts.push({ metric: 'NotificationsDelivered', dimension: route }),
    failed: (route) => counts.push({ metric: 'NotificationsFailed', dimension: route }),
    rejected: (route) => counts.push({ metric: 'NotificationsRejected', dimension: route }),
    unrouted: (detailType) => counts.push({ metric: 'UnroutedGovernanceEvents', dimension: detailType }),
    rateLimited: (route) => counts.push({ metric: 'SlackRateLimited', dimension: route }),
  };
  return { metrics, counts };
}

/** Every log line as text, errors with their names, messages and causes: to look for secrets in. */
export function logsAsText(logs: readonly RecordedLog[]): string {
  return JSON.stringify(logs, (_key, value) =>
    value instanceof Error
      ? { name: value.name, message: value.message, stack: value.stack, cause: value.cause }
      : value,
  );
}

export interface NotifierHarnessOptions {
  /** Routes as written in ecr-warden.yml (validated by the real schema). */
  routes: unknown[];
  tableName: string;
  documentClient: Parameters<typeof createStateStore>[0]['client'];
  clock?: Clock;
  slack?: Omit<SlackWebhookClientSettings, 'clock' | 'pacer'>;
  /** Records the clock time of every HTTP request the Slack client makes. */
  onRequest?: (time: number) => void;
  /** Where failing messages are parked (none: left to the queue's redrive). */
  parking?: NotificationParking;
  /** An `organization` section as written in ecr-warden.yml: the notifier of an Organizations hub. */
  organization?: unknown;
}

export function createNotifierHarness(options: NotifierHarnessOptions) {
  const config = parseConfig({
    notifications: { routes: options.routes },
    ...(options.organization === undefined ? {} : { organization: options.organization }),
  });
  const routes: NotificationRouteConfig[] = config.notifications.routes;
  const clock = options.clock ?? systemClock;
  const { logger, logs } = createRecordingLogger();
  const { metrics, counts } = createRecordingMetrics();
  const fetchWithLog: FetchFunction = (url, init) => {
    options.onRequest?.(clock.now());
    return globalThis.fetch(url, init);
  };
  const notifier = createGovernanceNotifier({
    routes,
    ...(config.organization === undefined
      ? {}
      : {
          accounts: notificationAccounts(config, {
            DEPLOYMENT_ACCOUNT_ID: '123456789012',
            AWS_REGION: 'us-east-1',
          }),
        }),
    // A new provider (and cache) per harness; the SSM client's send is the file's mockClient(SSMClient).
    webhookUrls: createWebhookUrlStore({
      provider: new SSMProvider({
        awsSdkV3Client: new SSMClient({
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDTESTECRWARDEN', secretAccessKey: 'test-secret' },
        }),
      }),
    }),
    slack: createSlackWebhookClient({
      requestTimeoutMs: 2_000,
      backoff: { random: () => 1 },
      ...options.slack,
      clock,
      pacer: createWebhookPacer({ clock }),
      fetch: fetchWithLog,
    }),
    ledger: createSlackDeliveryLedger({
      guard: createIdempotencyGuard({
        store: createStateStore({ tableName: options.tableName, client: options.documentClient }),
      }),
    }),
    metrics,
    logger,
  });

  return {
    logs,
    counts,
    /** One invocation of slackNotifier on `event`, with `remainingMs` before the Lambda timeout. */
    run(event: SQSEvent, remainingMs = 120_000): Promise<SQSBatchResponse> {
      const context = {
        ...createLambdaContext('ecr-warden-test-slackNotifier'),
        getRemainingTimeInMillis: () => remainingMs,
      };
      return processNotificationBatch(event, context, {
        notifier,
        logger,
        clock,
        ...(options.parking === undefined ? {} : { parking: options.parking }),
      });
    },
  };
}

/** The message ids a batch response reports as failed. */
export const failedIds = (response: SQSBatchResponse): string[] =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);
