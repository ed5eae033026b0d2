import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { createIdempotencyGuard } from '../../../shared/aws/idempotency';
import { SLACK_DELIVERY_IDEMPOTENCY } from '../../../shared/aws/slack-delivery-ledger';
import { createStateStore } from '../../../shared/aws/state-store';
import { deliveryKey } from '../../../shared/notify/governance-notifier';
import { idempotencyRecords } from '../../../shared/state/state-keys';
import { manyAlertedFindings } from '../../support/fixtures';
import { useStateTable } from '../../support/state-table';
import {
  createNotifierHarness,
  createVirtualClock,
  failedIds,
  fifoBatch,
  type GovernanceEnvelope,
  governanceEnvelope,
  logsAsText,
  type NotifierHarnessOptions,
} from './notifier-harness';

const table = useStateTable();
const ssm = mockClient(SSMClient);

// One webhook per channel. The last path segment is the webhook's secret.
const SECURITY = '/services/T0001/B0001/securitySecret1';
const PAYMENTS = '/services/T0001/B0002/paymentsSecret2';
const PLATFORM = '/services/T0001/B0003/platformSecret3';
const PARAMETERS: Record<string, string> = {
  '/ecr-warden/slack/security': SECURITY,
  '/ecr-warden/slack/payments': PAYMENTS,
  '/ecr-warden/slack/platform': PLATFORM,
};

let receiver: SlackReceiver;

beforeAll(async () => {
  receiver = await startSlackReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
  ssm.reset();
  // GetParameter as SSM answers it: the decrypted SecureString, or ParameterNotFound.
  ssm.on(GetParameterCommand).callsFake((input: { Name: string; WithDecryption?: boolean }) => {
    const path = PARAMETERS[input.Name];
    if (path === undefined) {
      throw new ParameterNotFound({ message: `Parameter ${input.Name} not found.`, $metadata: {} });
    }
    return {
      Parameter: {
        Name: input.Name,
        Type: 'SecureString',
        Value: input.WithDecryption === true ? receiver.url(path) : 'AQICAHh-ciphertext',
        Version: 1,
      },
    };
  });
});

const SECURITY_ROUTE = {
  name: 'security',
  webhookParameter: '/ecr-warden/slack/security',
  detailTypes: ['Vulnerability Alert', 'Tag Moved'],
  minSeverity: 'critical',
};
const PAYMENTS_ROUTE = {
  name: 'payments',
  webhookParameter: '/ecr-warden/slack/payments',
  repositories: ['payments/**'],
  minSeverity: 'warning',
};
const PLATFORM_ROUTE = { name: 'platform', webhookParameter: '/ecr-warden/slack/platform' };

function harness(options: Partial<NotifierHarnessOptions> & { routes: unknown[] }) {
  return createNotifierHarness({
    clock: createVirtualClock().clock,
    tableName: table.tableName,
    documentClient: table.documentClient,
    ...options,
  });
}

/** The texts Slack received on a webhook, in the order received. */
const textsAt = (path: string) =>
  receiver.posts(path).map((post) => (post.body as { text?: string } | undefined)?.text ?? '');

/** The batch as SQS hands it over on its `receiveCount`-th receive. */
function withReceiveCount(batch: SQSEvent, receiveCount: number): SQSEvent {
  return {
    Records: batch.Records.map((record) => ({
      ...record,
      attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) },
    })),
  };
}

/** A Vulnerability Alert about `repositoryName` at `severity`, with its own summary. */
function vulnerabilityAlert(
  summary: string,
  change: (envelope: GovernanceEnvelope) => void = () => undefined,
) {
  return governanceEnvelope('vulnerability-alert', (envelope) => {
    envelope.detail.summary = summary;
    change(envelope);
  });
}

describe('slackNotifier routing', () => {
  it('posts an event to every route whose detail-type, repository glob and minimum severity match', async () => {
    const notifier = harness({ routes: [SECURITY_ROUTE, PAYMENTS_ROUTE, PLATFORM_ROUTE] });
    const critical = vulnerabilityAlert('critical CVE in payments/api');
    const warning = vulnerabilityAlert('high CVE in payments/api', (e) => {
      e.detail.severity = 'warning';
    });
    const elsewhere = governanceEnvelope('tag-moved', (e) => {
      e.detail.repositoryName = 'team-b/web';
      e.detail.summary = 'tag moved in team-b/web';
      e.detail.severity = 'info';
    });

    const response = await notifier.run(fifoBatch([critical, warning, elsewhere]));

    expect(failedIds(response)).toEqual([]);
    expect(textsAt(SECURITY)).toEqual([expect.stringContaining('critical CVE in payments/api')]);
    expect(textsAt(PAYMENTS)).toEqual([
      expect.stringContaining('critical CVE in payments/api'),
      expect.stringContaining('high CVE in payments/api'),
    ]);
    expect(textsAt(PLATFORM)).toEqual([
      expect.stringContaining('critical CVE'),
      expect.stringContaining('high CVE'),
      expect.stringContaining('tag moved in team-b/web'),
    ]);
    expect(notifier.counts.filter((c) => c.metric === 'NotificationsDelivered')).toHaveLength(6);
  });

  it('acknowledges an event no route matches, counts it by detail-type and posts nothing', async () => {
    const notifier = harness({ routes: [SECURITY_ROUTE, PAYMENTS_ROUTE] });
    const moved = governanceEnvelope('tag-moved', (e) => {
      e.detail.repositoryName = 'team-b/web';
      e.detail.severity = 'warning';
    });

    const response = await notifier.run(fifoBatch([moved]));

    expect(failedIds(response)).toEqual([]);
    expect(receiver.posts()).toEqual([]);
    expect(notifier.counts).toEqual([{ metric: 'UnroutedGovernanceEvents', dimension: 'Tag Moved' }]);
    expect(notifier.logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'governance event matched no notification route',
        attributes: expect.objectContaining({ eventId: moved.id, detailType: 'Tag Moved' }),
      }),
    );
  });
});

describe('slackNotifier delivery', () => {
  it('delivers an alert about 500 findings as one message that Slack accepts', async () => {
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const alert = vulnerabilityAlert('500 findings in payments/api', (e) => {
      e.detail.findings = manyAlertedFindings(500);
      e.detail.findingCount = 500;
      e.detail.severityCounts = { CRITICAL: 20, HIGH: 480 };
    });

    const response = await notifier.run(fifoBatch([alert]));

    expect(failedIds(response)).toEqual([]);
    const [post, ...others] = receiver.posts(PLATFORM);
    expect(others).toEqual([]);
    expect(post?.rejection).toBeUndefined();
    expect(post?.response?.status).toBe(200);
    expect(JSON.stringify(post?.body)).toMatch(/and \d+ more/);
  });

  it('waits at least the Retry-After that Slack sends with a 429, then delivers', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'rate-limited', retryAfterSeconds: 1 }]);
    // The real clock: the wait is measured between the two requests Slack received.
    const notifier = harness({ routes: [PLATFORM_ROUTE], clock: undefined });

    const response = await notifier.run(fifoBatch([vulnerabilityAlert('rate limited once')]));

    expect(failedIds(response)).toEqual([]);
    const [limited, delivered] = receiver.posts(PLATFORM);
    expect([limited?.response?.status, delivered?.response?.status]).toEqual([429, 200]);
    const waitedMs = (delivered?.receivedAt.getTime() ?? 0) - (limited?.receivedAt.getTime() ?? 0);
    expect(waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(notifier.counts).toContainEqual({ metric: 'SlackRateLimited', dimension: 'platform' });
  });

  it('retries a Slack 5xx with backoff and delivers', async () => {
    receiver.respondWith(PLATFORM, [
      { type: 'server-error', status: 503 },
      { type: 'server-error', status: 500 },
    ]);
    const virtual = createVirtualClock();
    const notifier = harness({ routes: [PLATFORM_ROUTE], clock: virtual.clock });

    const response = await notifier.run(fifoBatch([vulnerabilityAlert('after two 5xx')]));

    expect(failedIds(response)).toEqual([]);
    expect(receiver.posts(PLATFORM).map((post) => post.response?.status)).toEqual([503, 500, 200]);
    // Exponential: up to 500 ms, then up to 1 s (the harness draws the top of each range).
    const retries = notifier.logs.filter((log) => log.message === 'Slack post failed; retrying');
    expect(retries.map((log) => [log.attributes.problem, log.attributes.delayMs])).toEqual([
      ['HTTP 503', 500],
      ['HTTP 500', 1_000],
    ]);
    // The pacer's 1 s between posts to the webhook still holds between attempts.
    expect(virtual.sleeps.reduce((total, ms) => total + ms, 0)).toBeGreaterThanOrEqual(2_000);
  });

  it('fails the message when Slack never answers: every attempt times out', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'no-response' }, { type: 'no-response' }]);
    const notifier = harness({
      routes: [PLATFORM_ROUTE],
      slack: { requestTimeoutMs: 200, maxAttempts: 2 },
    });
    const batch = fifoBatch([vulnerabilityAlert('Slack is silent')]);

    const response = await notifier.run(batch);

    expect(failedIds(response)).toEqual([batch.Records[0]?.messageId]);
    expect(receiver.posts(PLATFORM)).toHaveLength(2);
    const failure = notifier.logs.find((log) => log.level === 'error');
    expect(String(failure?.attributes.error)).toContain(
      'SlackUnavailableError: Slack did not accept the post to /ecr-warden/slack/platform in 2 attempts: no answer within 200 ms',
    );
    expect(notifier.counts).toEqual([{ metric: 'NotificationsFailed', dimension: 'platform' }]);
  });

  it('fails the message at once rather than wait for a Retry-After beyond the time the invocation has left', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'rate-limited', retryAfterSeconds: 60 }]);
    const virtual = createVirtualClock();
    const notifier = harness({ routes: [PLATFORM_ROUTE], clock: virtual.clock });
    const batch = fifoBatch([vulnerabilityAlert('would wait a minute')]);

    const response = await notifier.run(batch, 30_000);

    expect(failedIds(response)).toEqual([batch.Records[0]?.messageId]);
    expect(receiver.posts(PLATFORM)).toHaveLength(1);
    expect(virtual.sleeps).toEqual([]);
    const failure = notifier.logs.find((log) => log.level === 'error');
    expect(failure?.attributes.error).toMatchObject({
      name: 'NotificationDeadlineError',
      message: expect.stringContaining(
        'Slack asked to retry the post to /ecr-warden/slack/platform after 60 s',
      ),
    });
  });

  it('does not retry a post that Slack refuses with a 4xx: records the rejection, names Slack error code and acknowledges the message', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'error', status: 404, body: 'no_service' }]);
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const batch = fifoBatch([vulnerabilityAlert('revoked webhook')]);

    const response = await notifier.run(batch);

    expect(failedIds(response)).toEqual([]);
    expect(receiver.posts(PLATFORM)).toHaveLength(1);
    const failure = notifier.logs.find((log) => log.level === 'error');
    expect(failure?.message).toBe('Slack rejected the notification for good; recorded and not retried');
    expect(failure?.attributes).toMatchObject({ route: 'platform', status: 404, slackError: 'no_service' });
    expect(String(failure?.attributes.error)).toContain(
      'SlackRejectedError: Slack refused the post to /ecr-warden/slack/platform: HTTP 404 no_service',
    );
    expect(notifier.counts).toEqual([{ metric: 'NotificationsRejected', dimension: 'platform' }]);
  });

  it('treats a 200 whose body is not ok as a rejection, never as delivered', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'error', status: 200, body: 'invalid_payload' }]);
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const batch = fifoBatch([vulnerabilityAlert('accepted in name only')]);

    await notifier.run(batch);

    expect(receiver.posts(PLATFORM).map((post) => post.response?.status)).toEqual([200]);
    expect(notifier.counts).toEqual([{ metric: 'NotificationsRejected', dimension: 'platform' }]);
    const failure = notifier.logs.find((log) => log.level === 'error');
    expect(failure?.attributes).toMatchObject({ status: 200, slackError: 'invalid_payload' });
    expect(notifier.logs.map((log) => log.message)).not.toContain('notification posted');
  });

  it.each([
    [404, 'no_service'],
    [403, 'invalid_token'],
    [410, 'channel_is_archived'],
  ])(
    'lets nine messages behind an event that Slack rejects with %i %s go on to every route',
    async (status, body) => {
      receiver.respondWith(SECURITY, [{ type: 'error', status, body }]);
      const notifier = harness({ routes: [SECURITY_ROUTE, PLATFORM_ROUTE] });
      // The first alert is critical (security and platform), the nine behind it only platform's.
      const batch = fifoBatch([
        vulnerabilityAlert('broken route ahead'),
        ...Array.from({ length: 9 }, (_, n) =>
          vulnerabilityAlert(`behind it ${n + 1}`, (e) => {
            e.detail.severity = 'warning';
          }),
        ),
      ]);

      const response = await notifier.run(batch);

      expect(failedIds(response)).toEqual([]);
      expect(textsAt(SECURITY)).toEqual([expect.stringContaining('broken route ahead')]);
      expect(textsAt(PLATFORM)).toHaveLength(10);
      expect(notifier.counts.filter((count) => count.metric === 'NotificationsRejected')).toEqual([
        { metric: 'NotificationsRejected', dimension: 'security' },
      ]);
    },
  );

  it('posts an alert whose console link points off AWS without the button, and logs why', async () => {
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const batch = fifoBatch([
      vulnerabilityAlert('phishing button', (e) => {
        e.detail.consoleUrl = 'https://console-aws.evil.example/ecr';
      }),
    ]);

    const response = await notifier.run(batch);

    expect(failedIds(response)).toEqual([]);
    expect(receiver.posts(PLATFORM)[0]?.rawBody).not.toContain('evil.example');
    expect(notifier.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'link left out of the notification: not a safe URL',
        attributes: expect.objectContaining({
          field: 'consoleUrl',
          reason: 'host console-aws.evil.example is not an AWS console host',
        }),
      }),
    );
  });

  it('names the missing SSM parameter and fails the message', async () => {
    const missing = { name: 'audit', webhookParameter: '/ecr-warden/slack/audit' };
    const notifier = harness({ routes: [missing] });
    const batch = fifoBatch([vulnerabilityAlert('nowhere to go')]);

    const response = await notifier.run(batch);

    expect(failedIds(response)).toEqual([batch.Records[0]?.messageId]);
    const failure = notifier.logs.find((log) => log.level === 'error');
    expect(failure?.attributes).toMatchObject({
      route: 'audit',
      webhookParameter: '/ecr-warden/slack/audit',
    });
    expect(String(failure?.attributes.error)).toContain(
      'WebhookParameterNotFoundError: SSM parameter /ecr-warden/slack/audit does not exist',
    );
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/ecr-warden/slack/audit',
      WithDecryption: true,
    });
  });

  it('never logs a webhook URL, whether Slack answers, fails or stays silent', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'server-error' }, { type: 'no-response' }]);
    receiver.respondWith(SECURITY, [{ type: 'error', status: 400, body: 'invalid_blocks' }]);
    const notifier = harness({
      routes: [SECURITY_ROUTE, PAYMENTS_ROUTE, PLATFORM_ROUTE],
      slack: { requestTimeoutMs: 200, maxAttempts: 2 },
    });

    await notifier.run(fifoBatch([vulnerabilityAlert('secrets stay secret')]));

    expect(receiver.posts()).toHaveLength(4);
    const logged = logsAsText(notifier.logs);
    expect(logged).toContain('SlackRejectedError');
    expect(logged).toContain('SlackUnavailableError');
    for (const secret of ['securitySecret1', 'paymentsSecret2', 'platformSecret3', receiver.origin]) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('slackNotifier idempotency', () => {
  it('posts an event delivered twice only once per route', async () => {
    const notifier = harness({ routes: [SECURITY_ROUTE, PLATFORM_ROUTE] });
    const alert = vulnerabilityAlert('delivered twice');

    const first = await notifier.run(fifoBatch([alert]));
    const second = await notifier.run(fifoBatch([alert]));

    expect([failedIds(first), failedIds(second)]).toEqual([[], []]);
    expect(textsAt(SECURITY)).toHaveLength(1);
    expect(textsAt(PLATFORM)).toHaveLength(1);
    expect(
      notifier.logs.filter((log) => log.message === 'notification already posted by an earlier delivery'),
    ).toHaveLength(2);
  });

  it('reads a delivery record of an earlier release (result "posted") as posted: no second post', async () => {
    const alert = vulnerabilityAlert('posted by the previous release');
    const guard = createIdempotencyGuard({
      store: createStateStore({ tableName: table.tableName, client: table.documentClient }),
    });
    await guard.runOnce(
      deliveryKey('platform', alert.id),
      SLACK_DELIVERY_IDEMPOTENCY,
      async () => undefined,
      () => 'posted',
    );
    const notifier = harness({ routes: [PLATFORM_ROUTE] });

    const response = await notifier.run(fifoBatch([alert]));

    expect(failedIds(response)).toEqual([]);
    expect(receiver.posts(PLATFORM)).toEqual([]);
    expect(notifier.logs.map((log) => log.message)).toContain(
      'notification already posted by an earlier delivery',
    );
  });

  it('posts only to the route that failed when the message comes back', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'server-error', status: 503 }]);
    const notifier = harness({ routes: [SECURITY_ROUTE, PLATFORM_ROUTE], slack: { maxAttempts: 1 } });
    const alert = vulnerabilityAlert('platform was down');

    const first = await notifier.run(fifoBatch([alert]));
    const redelivery = await notifier.run(fifoBatch([alert]));

    expect(failedIds(first)).toHaveLength(1);
    expect(failedIds(redelivery)).toEqual([]);
    expect(receiver.posts(SECURITY).map((post) => post.response?.status)).toEqual([200]);
    expect(receiver.posts(PLATFORM).map((post) => post.response?.status)).toEqual([503, 200]);
  });
});

describe('slackNotifier permanent rejections', () => {
  it('never retries a route Slack rejected for good when the message comes back for another route', async () => {
    receiver.respondWith(SECURITY, [{ type: 'error', status: 410, body: 'channel_is_archived' }]);
    receiver.respondWith(PLATFORM, [{ type: 'server-error', status: 503 }]);
    const notifier = harness({ routes: [SECURITY_ROUTE, PLATFORM_ROUTE], slack: { maxAttempts: 1 } });
    const alert = vulnerabilityAlert('archived channel and a flaky one');

    const first = await notifier.run(fifoBatch([alert]));
    const redelivery = await notifier.run(fifoBatch([alert]));

    expect(failedIds(first)).toHaveLength(1);
    expect(failedIds(redelivery)).toEqual([]);
    expect(receiver.posts(SECURITY).map((post) => post.response?.status)).toEqual([410]);
    expect(receiver.posts(PLATFORM).map((post) => post.response?.status)).toEqual([503, 200]);
    expect(notifier.logs).toContainEqual(
      expect.objectContaining({
        message: 'notification rejected for good at an earlier delivery; not retried',
        attributes: expect.objectContaining({
          route: 'security',
          status: 410,
          slackError: 'channel_is_archived',
        }),
      }),
    );
  });

  it('records the rejection on the delivery record of the (event, route), with status and Slack error', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'error', status: 403, body: 'invalid_token' }]);
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const alert = vulnerabilityAlert('revoked token');

    await notifier.run(fifoBatch([alert]));

    const record = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: idempotencyRecords.key(deliveryKey('platform', alert.id)),
      }),
    );
    expect(record.Item).toMatchObject({
      status: 'COMPLETED',
      result: { outcome: 'rejected', status: 403, slackError: 'invalid_token' },
    });
  });
});

describe('slackNotifier FIFO batches', () => {
  it('fails a malformed message with a clear error, after the ones before it and with the ones behind it', async () => {
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const malformed = vulnerabilityAlert('bad severity', (e) => {
      e.detail.severity = 'urgent';
    });
    const batch = fifoBatch([vulnerabilityAlert('first'), malformed, vulnerabilityAlert('third')]);
    const [first, bad, third] = batch.Records.map((record) => record.messageId);

    const response = await notifier.run(batch);

    // FIFO: the message behind the malformed one returns too, unprocessed, so that order holds.
    expect(failedIds(response)).toEqual([bad, third]);
    expect(textsAt(PLATFORM)).toEqual([expect.stringContaining('first')]);
    const failure = notifier.logs.find((log) => log.level === 'error');
    expect(failure?.attributes.messageId).toBe(bad);
    expect(failure?.attributes.error).toMatchObject({
      name: 'MalformedGovernanceMessageError',
      message: expect.stringContaining(
        `malformed governance event ${malformed.id} in queue message ${bad}: detail.severity:`,
      ),
    });
    expect(notifier.counts).toContainEqual({ metric: 'NotificationsFailed', dimension: '(malformed)' });
    expect(notifier.logs).toContainEqual(
      expect.objectContaining({
        message: 'notification batch handled',
        attributes: expect.objectContaining({
          failed: 1,
          returnedToKeepOrder: 1,
          returnedMessageIds: [third],
        }),
      }),
    );
    expect(first).toBeDefined();
  });

  it('fails a body that is not JSON, or not from ecr-warden, without any delivery attempt', async () => {
    const notifier = harness({ routes: [PLATFORM_ROUTE] });
    const foreign = vulnerabilityAlert('from someone else', (e) => {
      e.source = 'aws.ecr';
    });

    const notJson = await notifier.run(fifoBatch(['{"detail-type": ']));
    const notOurs = await notifier.run(fifoBatch([foreign]));

    expect([failedIds(notJson), failedIds(notOurs)].map((ids) => ids.length)).toEqual([1, 1]);
    expect(receiver.posts()).toEqual([]);
    const errors = notifier.logs
      .filter((log) => log.level === 'error')
      .map((log) => String(log.attributes.error));
    expect(errors[0]).toContain('body: is not JSON');
    expect(errors[1]).toContain('source: must be "ecr-warden"');
  });

  it('parks a message that fails again at its second receive, not at its first, and goes on behind it', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'server-error' }, { type: 'server-error' }]);
    const parked: string[] = [];
    const notifier = harness({
      routes: [PLATFORM_ROUTE],
      slack: { maxAttempts: 1 },
      parking: { park: async (message) => void parked.push(message.messageId) },
    });
    const batch = fifoBatch([vulnerabilityAlert('slack is down'), vulnerabilityAlert('behind it')]);
    const [head, behind] = batch.Records.map((record) => record.messageId);

    const first = await notifier.run(batch);
    const second = await notifier.run(withReceiveCount(batch, 2));

    expect(failedIds(first)).toEqual([head, behind]);
    expect(failedIds(second)).toEqual([]);
    expect(parked).toEqual([head]);
    expect(textsAt(PLATFORM)).toEqual([
      expect.stringContaining('slack is down'),
      expect.stringContaining('slack is down'),
      expect.stringContaining('behind it'),
    ]);
  });

  it('keeps a message in the queue when parking it fails: nothing is acknowledged that is not parked', async () => {
    receiver.respondWith(PLATFORM, [{ type: 'server-error' }]);
    const notifier = harness({
      routes: [PLATFORM_ROUTE],
      slack: { maxAttempts: 1 },
      parking: {
        park: async () => {
          throw new Error('SendMessage throttled');
        },
      },
    });
    const batch = withReceiveCount(fifoBatch([vulnerabilityAlert('cannot park')]), 2);

    const response = await notifier.run(batch);

    expect(failedIds(response)).toEqual([batch.Records[0]?.messageId]);
    expect(notifier.logs.map((log) => log.message)).toContain(
      'could not park the failing notification; it returns to the queue',
    );
  });

  it('delivers a burst of 30 events to one webhook in order, at least 1 s apart', async () => {
    const virtual = createVirtualClock();
    const requestTimes: number[] = [];
    const notifier = harness({
      routes: [PLATFORM_ROUTE],
      clock: virtual.clock,
      onRequest: (time) => requestTimes.push(time),
    });
    const events = Array.from({ length: 30 }, (_, n) => vulnerabilityAlert(`burst event ${n + 1}`));

    // A FIFO queue hands Lambda at most 10 messages a batch: three invocations, one after the other.
    for (let start = 0; start < 30; start += 10) {
      const response = await notifier.run(fifoBatch(events.slice(start, start + 10)));
      expect(failedIds(response)).toEqual([]);
    }

    expect(textsAt(PLATFORM).map((text) => /burst event (\d+)/.exec(text)?.[1])).toEqual(
      Array.from({ length: 30 }, (_, n) => String(n + 1)),
    );
    const gaps = requestTimes.slice(1).map((time, index) => time - (requestTimes[index] ?? 0));
    expect(gaps).toHaveLength(29);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
  });

  it('paces real posts to one webhook about 1 s apart', async () => {
    const notifier = harness({ routes: [PLATFORM_ROUTE], clock: undefined });

    await notifier.run(
      fifoBatch([vulnerabilityAlert('one'), vulnerabilityAlert('two'), vulnerabilityAlert('three')]),
    );

    const times = receiver.posts(PLATFORM).map((post) => post.receivedAt.getTime());
    expect(times).toHaveLength(3);
    // Received times: network jitter may shave a few milliseconds off the pacer's 1 s.
    for (let index = 1; index < times.length; index += 1) {
      expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(950);
    }
  }, 10_000);
});

describe('slackNotifier under an Organizations hub', () => {
  const ORGANIZATION = {
    accounts: ['123456789012', '333333333333', '444444444444'],
    regions: ['us-east-1'],
    accountAliases: { '333333333333': 'payments-prod', '444444444444': 'legacy-sandbox' },
  };
  const PAYMENTS_ACCOUNT_ROUTE = {
    name: 'payments',
    webhookParameter: '/ecr-warden/slack/payments',
    accounts: ['payments-prod'],
  };
  const inAccount = (account: string, summary: string) =>
    vulnerabilityAlert(summary, (e) => {
      e.detail.account = account;
    });

  it("posts a member account's events to the route naming its alias, each message naming the account", async () => {
    const notifier = harness({
      routes: [PAYMENTS_ACCOUNT_ROUTE, PLATFORM_ROUTE],
      organization: ORGANIZATION,
    });

    const response = await notifier.run(
      fifoBatch([
        inAccount('333333333333', 'critical CVE in payments-prod'),
        inAccount('123456789012', 'critical CVE in the hub'),
        governanceEnvelope('account-unreachable'),
      ]),
    );

    expect(failedIds(response)).toEqual([]);
    expect(textsAt(PAYMENTS)).toEqual([
      'CRITICAL Vulnerability Alert (payments-prod, us-east-1): critical CVE in payments-prod',
    ]);
    expect(textsAt(PLATFORM)).toEqual([
      'CRITICAL Vulnerability Alert (payments-prod, us-east-1): critical CVE in payments-prod',
      // No alias known for the hub: its id.
      'CRITICAL Vulnerability Alert (123456789012, us-east-1): critical CVE in the hub',
      expect.stringMatching(/^WARNING Account Unreachable \(legacy-sandbox, eu-west-1\): /),
    ]);
    const body = receiver.posts(PAYMENTS)[0]?.body as { blocks: { text?: { text: string } }[] } | undefined;
    const header = body?.blocks[0];
    expect(header?.text?.text).toBe('Vulnerability Alert: payments/api (payments-prod, us-east-1)');
  });

  it('without an organization section, a route naming an account matches its id only, and texts are as before', async () => {
    const notifier = harness({
      routes: [{ ...PAYMENTS_ACCOUNT_ROUTE, accounts: ['333333333333'] }, PLATFORM_ROUTE],
    });

    await notifier.run(fifoBatch([inAccount('333333333333', 'in 333'), inAccount('123456789012', 'in 123')]));

    expect(textsAt(PAYMENTS)).toEqual(['CRITICAL Vulnerability Alert: in 333']);
    expect(textsAt(PLATFORM)).toEqual([
      'CRITICAL Vulnerability Alert: in 333',
      'CRITICAL Vulnerability Alert: in 123',
    ]);
  });
});
