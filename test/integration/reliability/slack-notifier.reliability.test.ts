import type { SQSBatchResponse } from 'aws-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { describeScenarios } from '../../reliability/describe-scenarios';
import { awsError } from '../../reliability/invalid-event';
import { createLambdaContext } from '../../support/lambda-context';
import { loadHandler } from '../../support/load-handler';
import { useFileStateTable } from '../../support/state-table';
import { fifoBatch, governanceEnvelope } from '../notifier/notifier-harness';

// The handler as deployed, with one route to a local Slack receiver; SSM and the state table's client are
// mocked per cold start (the state table itself is dynalite).
const CONFIG = {
  notifications: {
    routes: [
      { name: 'platform', webhookParameter: '/ecr-warden/slack/platform' },
      // Vulnerability Alerts only: the other scenarios' Tag Moved events never reach it.
      {
        name: 'security',
        webhookParameter: '/ecr-warden/slack/security',
        detailTypes: ['Vulnerability Alert'],
      },
    ],
  },
};
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

const WEBHOOK = '/services/T0001/B0004/reliabilitySecret';
const SECURITY_WEBHOOK = '/services/T0001/B0005/securitySecret';
const DEAD_LETTER_QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-notifications-dlq.fifo';
const WEBHOOKS: Record<string, string> = {
  '/ecr-warden/slack/platform': WEBHOOK,
  '/ecr-warden/slack/security': SECURITY_WEBHOOK,
};

type Handler = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;
interface Environment {
  handler: Handler;
  ssm: AwsClientStub<import('@aws-sdk/client-ssm').SSMClient>;
  ssmSdk: typeof import('@aws-sdk/client-ssm');
  state: ReturnType<typeof mockClient>;
  PutCommand: typeof import('@aws-sdk/lib-dynamodb').PutCommand;
  /** What the environment's logger was asked to log at error level. */
  errors: jest.SpyInstance;
  /** The environment's SQS client: where parked messages are sent (the notifications DLQ). */
  sqs: AwsClientStub<import('@aws-sdk/client-sqs').SQSClient>;
  SendMessageCommand: typeof import('@aws-sdk/client-sqs').SendMessageCommand;
}

let receiver: SlackReceiver;
const table = useFileStateTable();
const context = () => createLambdaContext('ecr-warden-test-slackNotifier');

/**
 * A new execution environment: the handler module and its clients loaded afresh (a fresh pacer, an empty
 * webhook cache), SSM answering the webhook URL, the state table's client passing calls through to dynalite.
 */
function coldStart(): Environment {
  let loaded: Omit<Environment, 'handler'> | undefined;
  const handler = loadHandler<Handler>('slackNotifier', {
    config: CONFIG,
    beforeLoad: () => {
      const ssmSdk = require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm');
      const ssm = mockClient(ssmSdk.SSMClient);
      ssm.on(ssmSdk.GetParameterCommand).callsFake((input: { Name: string }) => ({
        Parameter: { Name: input.Name, Type: 'SecureString', Value: receiver.url(WEBHOOKS[input.Name]) },
      }));
      const { stateDocumentClient } = require('../../../shared/aws/dynamodb-client');
      const state = mockClient(stateDocumentClient);
      state.send.callThrough();
      const { PutCommand } = require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb');
      const { logger } = require('../../../shared/logger') as typeof import('../../../shared/logger');
      const errors = jest.spyOn(logger, 'error');
      const sqsSdk = require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
      const sqs = mockClient(sqsSdk.SQSClient);
      sqs.on(sqsSdk.SendMessageCommand).resolves({ MessageId: 'parked-1' });
      loaded = { ssm, ssmSdk, state, PutCommand, errors, sqs, SendMessageCommand: sqsSdk.SendMessageCommand };
    },
  });
  if (loaded === undefined) throw new Error('the environment of functions/slack-notifier was not prepared');
  return { handler, ...loaded };
}

beforeAll(async () => {
  receiver = await startSlackReceiver();
  Object.assign(process.env, {
    POWERTOOLS_SERVICE_NAME: 'ecr-warden',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_NAMESPACE: 'ecr-warden',
    POWERTOOLS_METRICS_DISABLED: 'true',
    STATE_TABLE_NAME: table.tableName,
    NOTIFICATION_DEAD_LETTER_QUEUE_URL: DEAD_LETTER_QUEUE_URL,
  });
});
afterAll(async () => {
  await receiver.close();
  delete process.env.STATE_TABLE_NAME;
  delete process.env.NOTIFICATION_DEAD_LETTER_QUEUE_URL;
});
beforeEach(() => {
  // Backoff between Slack attempts is random × base × 2^n: no waiting in tests.
  jest.spyOn(Math, 'random').mockReturnValue(0);
  receiver.reset();
});
afterEach(() => jest.restoreAllMocks());

/** The problems of the malformed messages the environment logged. */
const problemsLogged = (errors: jest.SpyInstance): string[] =>
  errors.mock.calls.flatMap(
    ([, context]) => (context as { error?: { problems?: string[] } } | undefined)?.error?.problems ?? [],
  );

const posts = (path = WEBHOOK) =>
  receiver.posts(path).filter((post) => post.response?.status === 200 && post.response.body === 'ok');
/** The same batch on its next receive: SQS counts every receive of every message in it. */
const receivedAgain = (event: ReturnType<typeof fifoBatch>) => ({
  Records: event.Records.map((record) => ({
    ...record,
    attributes: {
      ...record.attributes,
      ApproximateReceiveCount: String(Number(record.attributes.ApproximateReceiveCount) + 1),
    },
  })),
});
const ids = (event: { Records: { messageId: string }[] }) =>
  event.Records.map((record) => ({ itemIdentifier: record.messageId }));

describeScenarios('slackNotifier', {
  'malformed-body': async () => {
    const { handler, errors } = coldStart();
    const event = fifoBatch(['{"detail-type": ', governanceEnvelope('tag-moved')]);

    const response = await handler(event, context());

    expect(response.batchItemFailures).toEqual(ids(event));
    expect(problemsLogged(errors)).toEqual([expect.stringMatching(/JSON/)]);
    expect(receiver.posts(WEBHOOK)).toEqual([]);
  },
  'wrong-types': async () => {
    const { handler, errors } = coldStart();
    const event = fifoBatch([
      governanceEnvelope('tag-moved', (envelope) => {
        envelope.detail.severity = 'urgent';
        (envelope.detail as Record<string, unknown>).summary = 42;
      }),
    ]);

    const response = await handler(event, context());

    expect(response.batchItemFailures).toEqual(ids(event));
    expect(problemsLogged(errors)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^detail\.severity/),
        expect.stringMatching(/^detail\.summary/),
      ]),
    );
    expect(receiver.posts(WEBHOOK)).toEqual([]);
  },
  'unknown-detail-type': async () => {
    const { handler, errors } = coldStart();
    const event = fifoBatch([
      governanceEnvelope('tag-moved', (envelope) => {
        envelope['detail-type'] = 'Tag Renamed';
      }),
    ]);

    const response = await handler(event, context());

    expect(response.batchItemFailures).toEqual(ids(event));
    expect(problemsLogged(errors)).toEqual([
      expect.stringMatching(/^detail-type: "Tag Renamed" is not one of/),
    ]);
    expect(receiver.posts(WEBHOOK)).toEqual([]);
  },
  'huge-payload': async () => {
    const { handler, errors } = coldStart();
    const event = fifoBatch([
      governanceEnvelope('tag-moved', (envelope) => {
        envelope.detail.summary = 'x'.repeat(1_000_000);
      }),
    ]);

    const response = await handler(event, context());

    expect(response.batchItemFailures).toEqual(ids(event));
    expect(problemsLogged(errors)).toEqual([expect.stringMatching(/^detail\.summary: Too big/)]);
    expect(problemsLogged(errors).join(' ').length).toBeLessThan(1_000);
    expect(receiver.posts(WEBHOOK)).toEqual([]);
  },
  'ssm-throttled': async () => {
    const first = coldStart();
    first.ssm.on(first.ssmSdk.GetParameterCommand).rejects(awsError('ThrottlingException'));
    const event = fifoBatch([governanceEnvelope('tag-moved')]);

    const failed = await first.handler(event, context());
    const redelivered = await coldStart().handler(event, context());

    expect(failed.batchItemFailures).toEqual(ids(event));
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(posts()).toHaveLength(1);
  },
  'slack-5xx': async () => {
    receiver.respondWith(WEBHOOK, [
      { type: 'server-error' },
      { type: 'server-error' },
      { type: 'server-error' },
      { type: 'server-error' },
    ]);
    const event = fifoBatch([governanceEnvelope('tag-moved')]);

    const failed = await coldStart().handler(event, context());
    const redelivered = await coldStart().handler(event, context());

    expect(failed.batchItemFailures).toEqual(ids(event));
    expect(receiver.posts(WEBHOOK).map((post) => post.response?.status)).toEqual([500, 500, 500, 500, 200]);
    expect(redelivered.batchItemFailures).toEqual([]);
  },
  'slack-down-parked': async () => {
    // Slack answers 500 to the first message's 4 attempts on each of two receives, then recovers.
    receiver.respondWith(
      WEBHOOK,
      Array.from({ length: 8 }, () => ({ type: 'server-error' }) as const),
    );
    const event = fifoBatch([1, 2, 3].map(() => governanceEnvelope('tag-moved')));
    const [head] = event.Records;

    const firstReceive = await coldStart().handler(event, context());
    const second = coldStart();
    const secondReceive = await second.handler(receivedAgain(event), context());

    expect(firstReceive.batchItemFailures).toEqual(ids(event));
    expect(secondReceive.batchItemFailures).toEqual([]);
    expect(second.sqs.commandCalls(second.SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        QueueUrl: DEAD_LETTER_QUEUE_URL,
        MessageBody: head?.body,
        MessageGroupId: 'governance-notifications',
        MessageDeduplicationId: head?.messageId,
      }),
    ]);
    expect(posts()).toHaveLength(2);
    expect(receiver.posts(WEBHOOK).map((post) => post.response?.status)).toEqual([
      ...Array.from({ length: 8 }, () => 500),
      200,
      200,
    ]);
  },
  'dynamodb-throttled': async () => {
    const first = coldStart();
    first.state.on(first.PutCommand).rejects(awsError('ThrottlingException'));
    const event = fifoBatch([governanceEnvelope('tag-moved')]);

    const failed = await first.handler(event, context());
    const postsBeforeRedelivery = receiver.posts(WEBHOOK).length;
    const redelivered = await coldStart().handler(event, context());

    expect(failed.batchItemFailures).toEqual(ids(event));
    expect(postsBeforeRedelivery).toBe(0);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(posts()).toHaveLength(1);
  },
  'broken-route': async () => {
    receiver.respondWith(
      SECURITY_WEBHOOK,
      Array.from({ length: 10 }, () => ({ type: 'error', status: 404, body: 'no_service' }) as const),
    );
    const event = fifoBatch(Array.from({ length: 10 }, () => governanceEnvelope('vulnerability-alert')));

    const first = await coldStart().handler(event, context());
    const redelivered = await coldStart().handler(event, context());

    expect(first.batchItemFailures).toEqual([]);
    expect(posts(WEBHOOK)).toHaveLength(10);
    expect(receiver.posts(SECURITY_WEBHOOK).map((post) => post.response?.status)).toEqual(
      Array.from({ length: 10 }, () => 404),
    );
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(receiver.posts()).toHaveLength(20);
  },
  'slack-200-not-ok': async () => {
    receiver.respondWith(WEBHOOK, [{ type: 'error', status: 200, body: 'invalid_payload' }]);
    const { handler, errors } = coldStart();
    const event = fifoBatch([governanceEnvelope('tag-moved')]);

    const response = await handler(event, context());

    expect(response.batchItemFailures).toEqual([]);
    expect(posts()).toEqual([]);
    expect(errors).toHaveBeenCalledWith(
      'Slack rejected the notification for good; recorded and not retried',
      expect.objectContaining({ route: 'platform', status: 200, slackError: 'invalid_payload' }),
    );
  },
  'duplicate-delivery': async () => {
    const event = fifoBatch([governanceEnvelope('tag-moved')]);
    await coldStart().handler(event, context());

    const again = await coldStart().handler(event, context());

    expect(again.batchItemFailures).toEqual([]);
    expect(posts()).toHaveLength(1);
  },
});
