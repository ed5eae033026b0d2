import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import type { GovernanceDetail } from '../../../shared/events/governance';
import {
  CLEANUP_QUEUE_URL,
  CLEANUP_TEST_ENVIRONMENT,
  STATE_TABLE_NAME,
} from '../../support/cleanup-worker-environment';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { loadHandler } from '../../support/load-handler';
import { acceptPutEvents } from '../../support/put-events-stub';
import { acceptSendMessageBatch } from '../../support/send-message-batch-stub';
import { useFileStateTable } from '../../support/state-table';
import { KEEP_TWO_NEWEST, pushImage, sqsEvent } from './cleanup-worker-harness';

// Both handlers exactly as deployed (module-level wiring, middy, Powertools), with the bundled config
// swapped for the one below, the state table's client pointed at dynalite, ECR/ECS/Lambda served by the
// registry simulator, and SQS and EventBridge recorded. The policy counts images (no age), so that the
// handlers' real clock does not matter.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Worker = (event: unknown, context: Context) => Promise<SQSBatchResponse>;
const CONFIG = {
  cleanup: {
    dryRun: false,
    maxDeletionShare: 1,
    rules: [
      {
        repositories: ['team/**'],
        policy: KEEP_TWO_NEWEST,
      },
    ],
  },
};
let scheduleCleanup: (event: unknown, context: Context) => Promise<unknown>;
let worker: Worker;
// Both loaded once, in the file's registry (its SDK copies are the ones the simulator and stubs patch);
// a test may give another document to a cold start of its own.
beforeAll(() => {
  const options = { config: CONFIG, env: CLEANUP_TEST_ENVIRONMENT, moduleRegistry: 'test-file' } as const;
  scheduleCleanup = loadHandler('cleanupScheduler', options);
  worker = loadHandler('cleanupWorker', options);
});

useFileStateTable(STATE_TABLE_NAME);
let sim: RegistrySimulator;
let aws: InstalledSimulator;
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const published: PutEventsRequestEntry[] = [];

beforeEach(() => {
  sim = createRegistrySimulator();
  aws = sim.install();
  published.length = 0;
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(acceptSendMessageBatch);
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published));
});
afterEach(() => aws.restore());

const reports = () =>
  published
    .filter((entry) => entry.DetailType === 'Cleanup Report')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Cleanup Report'>);

describe('cleanupScheduler → cleanup queue → cleanupWorker', () => {
  it('cleans every covered repository once per run and leaves the others alone', async () => {
    for (const name of ['team/api', 'team/web', 'other/tools']) {
      sim.addRepository(name);
      for (let n = 0; n < 5; n++) pushImage(sim, name, `${name}-${n}`, { daysAgo: 10 - n, tags: [`b${n}`] });
    }

    await scheduleCleanup(loadEventFixture('aws.events', 'scheduled-event'), createLambdaContext());
    const bodies = sqs
      .commandCalls(SendMessageBatchCommand)
      .filter((call) => call.args[0].input.QueueUrl === CLEANUP_QUEUE_URL)
      .flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => entry.MessageBody as string));
    const response = await worker(sqsEvent(bodies), createLambdaContext('ecr-warden-test-cleanupWorker'));
    const redelivered = await worker(sqsEvent(bodies), createLambdaContext('ecr-warden-test-cleanupWorker'));

    expect(bodies.map((body) => JSON.parse(body).repositoryName)).toEqual(['team/api', 'team/web']);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(sim.repository('team/api').images.size).toBe(2);
    expect(sim.repository('team/web').images.size).toBe(2);
    expect(sim.repository('other/tools').images.size).toBe(5);
    expect(reports().map((report) => [report.repositoryName, report.imagesDeleted, report.dryRun])).toEqual([
      ['team/api', 3, false],
      ['team/web', 3, false],
    ]);
    expect(aws.calls.count('BatchDeleteImage')).toBe(2);
  });

  it('answers a batch with a malformed message with that message alone as a failure', async () => {
    const event = sqsEvent(['{"repositoryName": 42}']);

    const response = await worker(event, createLambdaContext('ecr-warden-test-cleanupWorker'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] });
    expect(published).toEqual([]);
  });
});

describe('cleanupWorker cold start', () => {
  it('refuses a config whose cleanup policy is invalid, naming the rule and the field', () => {
    const invalid = {
      cleanup: {
        rules: [
          { repositories: ['team/**'], policy: 'native' },
          {
            repositories: ['build/**'],
            policy: {
              rules: [
                {
                  rulePriority: 1,
                  selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 0 },
                  action: { type: 'expire' },
                },
              ],
            },
          },
        ],
      },
    };

    let thrown: unknown;
    try {
      loadHandler('cleanupWorker', { config: invalid });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toMatchObject({ name: 'ConfigError' });
    expect((thrown as Error).message).toMatch(
      /cleanup\.rules\[1\]\.policy\.rules\[0\]\.selection\.countNumber: /,
    );
  });
});
