import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import { useRegistrySimulator } from '../../support/registry-simulator';
import { useFileStateTable } from '../../support/state-table';
import { HUB_ORGANIZATION, MEMBER, REGION, TARGET_QUEUE_URL, UNREACHABLE } from './findings-harness';

// The scanFindings handler as deployed for an Organizations hub: its schedule queues the digest's
// targets on TARGET_QUEUE_URL, and the same function, from that queue (its second event source), sends
// each account's digest, reporting batch item failures for the messages it cannot handle.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
let handler: Handler;
const table = useFileStateTable();

beforeAll(() => {
  handler = loadHandler<Handler>('scanFindings', {
    config: { organization: HUB_ORGANIZATION },
    env: { ...LAMBDA_TEST_ENVIRONMENT, STATE_TABLE_NAME: table.tableName, TARGET_QUEUE_URL },
    moduleRegistry: 'test-file',
  });
});
useRegistrySimulator(() => undefined);
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: '' })),
    Failed: [],
  }));
});

const published = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

function targetRecord(messageId: string, body: string) {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1780300800000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1780300800000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:ecr-warden-test-scan-findings-targets`,
    awsRegion: REGION,
  };
}

const target = (account: string) =>
  JSON.stringify({ schemaVersion: 1, work: 'vulnerability-digest', account, region: REGION, runId: 'run-1' });

describe('scanFindings handler as an Organizations hub', () => {
  it('refuses to start without its target queue, naming the variable', () => {
    expect(() =>
      loadHandler<Handler>('scanFindings', {
        config: { organization: HUB_ORGANIZATION },
        env: { ...LAMBDA_TEST_ENVIRONMENT, STATE_TABLE_NAME: table.tableName, TARGET_QUEUE_URL: undefined },
      }),
    ).toThrow(
      'TARGET_QUEUE_URL is not set: an organization hub queues its scheduled work per account and region',
    );
  });

  it('queues one digest target per governed account and region on its schedule', async () => {
    const outcome = await handler(
      {
        version: '0',
        id: 'run-1',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: '2026-06-01T08:00:00Z',
        region: REGION,
        resources: [`arn:aws:events:${REGION}:123456789012:rule/ecr-warden-test-digest`],
        detail: {},
      },
      createLambdaContext('ecr-warden-test-scanFindings'),
    );

    expect(outcome).toEqual({ action: 'digest-targets', targets: 3 });
    const sent = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(TARGET_QUEUE_URL);
    expect(sent.map((entry) => JSON.parse(entry.MessageBody ?? '{}').account)).toEqual([
      '123456789012',
      MEMBER,
      UNREACHABLE,
    ]);
    expect(published()).toHaveLength(0);
  });

  it('sends the digest of each target message and fails only the message it cannot read', async () => {
    const response = await handler(
      {
        Records: [
          targetRecord('m-hub', target('123456789012')),
          targetRecord('m-bad', '{"schemaVersion":1}'),
          targetRecord('m-unreachable', target(UNREACHABLE)),
        ],
      },
      createLambdaContext('ecr-warden-test-scanFindings'),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(published().map((entry) => [entry.DetailType, JSON.parse(entry.Detail ?? '{}').account])).toEqual([
      ['Vulnerability Digest', '123456789012'],
      ['Account Unreachable', UNREACHABLE],
    ]);
  });
});
