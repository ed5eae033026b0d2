import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { createLambdaContext } from '../../support/lambda-context';
import { loadHandler } from '../../support/load-handler';
import { useFileStateTable } from '../../support/state-table';
import { fifoBatch, governanceEnvelope } from './notifier-harness';

// The handler exactly as deployed (module-level wiring, middy, Powertools), with the bundled config
// swapped for one route, the state table's client pointed at dynalite, and SSM mocked.
const CONFIG = {
  notifications: { routes: [{ name: 'platform', webhookParameter: '/ecr-warden/slack/platform' }] },
};
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

const WEBHOOK = '/services/T0001/B0003/platformSecret3';

type Handler = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;

let receiver: SlackReceiver;
const table = useFileStateTable(`ecr-warden-test-${process.pid}-notifier-handler-state`);

/**
 * Loads the handler module afresh, as a new execution environment's init phase does. The SDK is loaded
 * afresh with it, so SSM is mocked on that copy: GetParameter answers the webhook URL.
 */
function coldStart(
  env: Record<string, string | undefined> = {},
  config: Record<string, unknown> = CONFIG,
): {
  handler: Handler;
  ssm: ReturnType<typeof mockClient>;
} {
  let ssm: ReturnType<typeof mockClient> | undefined;
  const handler = loadHandler<Handler>('slackNotifier', {
    config,
    env,
    beforeLoad: () => {
      const sdk = require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm');
      ssm = mockClient(sdk.SSMClient);
      ssm.on(sdk.GetParameterCommand, { Name: '/ecr-warden/slack/platform', WithDecryption: true }).resolves({
        Parameter: { Name: '/ecr-warden/slack/platform', Type: 'SecureString', Value: receiver.url(WEBHOOK) },
      });
    },
  });
  if (ssm === undefined) throw new Error('SSM was not mocked');
  return { handler, ssm };
}

beforeAll(async () => {
  receiver = await startSlackReceiver();
  process.env.POWERTOOLS_SERVICE_NAME = 'ecr-warden';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'ecr-warden';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.STATE_TABLE_NAME = table.tableName;
  process.env.NOTIFICATION_DEAD_LETTER_QUEUE_URL =
    'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-notifications-dlq.fifo';
});
afterAll(async () => {
  await receiver.close();
  delete process.env.STATE_TABLE_NAME;
  delete process.env.NOTIFICATION_DEAD_LETTER_QUEUE_URL;
});
beforeEach(() => {
  receiver.reset();
});

describe('slackNotifier handler', () => {
  it('posts the batch to Slack and answers with no batch item failures', async () => {
    const { handler } = coldStart();
    const event = fifoBatch([governanceEnvelope('tag-moved'), governanceEnvelope('cleanup-report')]);

    const response = await handler(event, createLambdaContext('ecr-warden-test-slackNotifier'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(receiver.posts(WEBHOOK).map((post) => post.response?.status)).toEqual([200, 200]);
  });

  it('reads the webhook URL once per execution environment and serves later invocations from its cache', async () => {
    const { handler, ssm } = coldStart();

    await handler(fifoBatch([governanceEnvelope('tag-moved')]), createLambdaContext());
    await handler(fifoBatch([governanceEnvelope('tag-moved')]), createLambdaContext());

    expect(ssm.calls().map((call) => call.args[0].input)).toEqual([
      { Name: '/ecr-warden/slack/platform', WithDecryption: true },
    ]);
    expect(
      receiver
        .posts(WEBHOOK)
        .slice(-2)
        .map((post) => post.response?.status),
    ).toEqual([200, 200]);
  });

  it('fails at cold start, naming the variable, when STATE_TABLE_NAME is not set', () => {
    expect(() => coldStart({ STATE_TABLE_NAME: undefined })).toThrow(
      'invalid Lambda environment: STATE_TABLE_NAME is not set',
    );
  });

  it('fails at cold start, naming the variable, when NOTIFICATION_DEAD_LETTER_QUEUE_URL is not set', () => {
    expect(() => coldStart({ NOTIFICATION_DEAD_LETTER_QUEUE_URL: undefined })).toThrow(
      'invalid Lambda environment: NOTIFICATION_DEAD_LETTER_QUEUE_URL is not set',
    );
  });
});

describe('slackNotifier handler of an Organizations hub', () => {
  const organization = {
    accounts: ['123456789012', '333333333333'],
    regions: ['us-east-1'],
    accountAliases: { '333333333333': 'payments-prod' },
  };

  it('names the member account of each message by its alias', async () => {
    const { handler } = coldStart({}, { ...CONFIG, organization });
    const event = fifoBatch([
      governanceEnvelope('tag-moved', (envelope) => {
        envelope.detail.account = '333333333333';
      }),
    ]);

    const response = await handler(event, createLambdaContext('ecr-warden-test-slackNotifier'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect((receiver.posts(WEBHOOK)[0]?.body as { text?: string } | undefined)?.text).toMatch(
      /^[A-Z]+ Tag Moved \(payments-prod, us-east-1\): /,
    );
  });

  it('refuses to start an OU config without DEPLOYMENT_ACCOUNT_ID, naming it', () => {
    expect(() =>
      coldStart(
        { DEPLOYMENT_ACCOUNT_ID: undefined },
        {
          ...CONFIG,
          organization: {
            organizationalUnits: ['ou-ab12-workload1'],
            regions: ['us-east-1'],
            organizationId: 'o-ecrwarden01',
          },
        },
      ),
    ).toThrow('DEPLOYMENT_ACCOUNT_ID is not set (routes of an OU config list its accounts)');
  });
});
