// First, for its effect: the handler reads its environment when it is loaded, as at a Lambda cold start.
import '../../support/cleanup-worker-environment';
import '../../reliability/quiet-metrics';

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/cleanup-worker';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { createStateTable, deleteStateTable } from '../../../local/state-table';
import { stateDocumentClient } from '../../../shared/aws/dynamodb-client';
import type { CleanupRequest } from '../../../shared/cleanup/cleanup-request';
import { logger } from '../../../shared/logger';
import { describeScenarios } from '../../reliability/describe-scenarios';
import { STATE_TABLE_NAME } from '../../support/cleanup-worker-environment';
import { createLambdaContext } from '../../support/lambda-context';
import { acceptPutEvents } from '../../support/put-events-stub';
import { createTestDynamoDbClient } from '../../support/state-table';
import { cleanupRequest, pushImage, sqsEvent } from '../cleanup/cleanup-worker-harness';

// The handler as deployed: a rule that keeps the 2 newest images of team/**, not a dry run; ECR, ECS and
// Lambda are the registry simulator (standard retry), the state table dynalite, EventBridge a stub.
jest.mock('../../../shared/config/bundled-config', () => ({
  loadBundledConfig: () =>
    require('../../../shared/config/load-config').parseConfig({
      cleanup: {
        dryRun: false,
        maxDeletionShare: 1,
        protect: { taskDefinitionRevisions: 0 },
        rules: [
          {
            repositories: ['team/**'],
            policy: {
              rules: [
                {
                  rulePriority: 1,
                  selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 },
                  action: { type: 'expire' },
                },
              ],
            },
          },
        ],
      },
    }),
}));
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);
jest.mock('../../../shared/aws/ecr-client', () =>
  require('../../reliability/standard-retry').ecrClientModule(),
);
jest.mock('../../../shared/aws/ecs-client', () =>
  require('../../reliability/standard-retry').ecsClientModule(),
);
jest.mock('../../../shared/aws/lambda-client', () =>
  require('../../reliability/standard-retry').lambdaClientModule(),
);

type Worker = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;
const worker = handler as unknown as Worker;
const context = () => createLambdaContext('ecr-warden-test-cleanupWorker');
const eventBridge = mockClient(EventBridgeClient);
const state = mockClient(stateDocumentClient);
const published: PutEventsRequestEntry[] = [];
let dynamodb: DynamoDBClient;
let sim: RegistrySimulator;
let aws: InstalledSimulator;
let run = 0;

beforeAll(async () => {
  dynamodb = createTestDynamoDbClient();
  await createStateTable(dynamodb, STATE_TABLE_NAME);
});
afterAll(async () => {
  await deleteStateTable(dynamodb, STATE_TABLE_NAME);
  dynamodb.destroy();
});
beforeEach(() => {
  jest.spyOn(Math, 'random').mockReturnValue(0);
  jest.spyOn(logger, 'error');
  sim = createRegistrySimulator();
  aws = sim.install();
  published.length = 0;
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published));
  state.reset();
  state.send.callThrough();
  run += 1;
});
afterEach(() => {
  aws.restore();
  jest.restoreAllMocks();
});

/** team/api with 5 images: the rule deletes the 3 oldest. Returns a request of a fresh run. */
function repositoryWithFiveImages(): CleanupRequest {
  sim.addRepository('team/api');
  for (let n = 0; n < 5; n++) pushImage(sim, 'team/api', `api-${n}`, { daysAgo: 10 - n, tags: [`b${n}`] });
  return cleanupRequest('team/api', `00000000-0000-4000-8000-${String(run).padStart(12, '0')}`);
}

/** The next `count` PutEvents calls fail as a whole, as after the SDK's own retries; later ones succeed. */
function failNextCalls(count: number) {
  let failures = count;
  const accept = acceptPutEvents(published);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    if (failures-- > 0) throw Object.assign(new Error('internal failure'), { name: 'InternalException' });
    return accept(input);
  });
}

/** The problems the worker logged for a malformed message. */
const loggedProblems = (): string[] =>
  (
    jest.mocked(logger.error).mock.calls.find(([message]) => message === 'malformed cleanup request')?.[1] as
      | { problems?: string[] }
      | undefined
  )?.problems ?? [];

const reports = () => published.filter((entry) => entry.DetailType === 'Cleanup Report');
const imagesLeft = () => sim.repository('team/api').images.size;
const deletedDigests = () =>
  aws.mocks.ecr
    .commandCalls(require('@aws-sdk/client-ecr').BatchDeleteImageCommand)
    .flatMap((call) => (call.args[0].input as { imageIds: { imageDigest: string }[] }).imageIds)
    .map((id) => id.imageDigest);

describeScenarios('cleanupWorker', {
  'malformed-body': async () => {
    const request = repositoryWithFiveImages();
    const event = sqsEvent(['{"repositoryName": ', request]);

    const response = await worker(event, context());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(logger.error).toHaveBeenCalledWith(
      'malformed cleanup request',
      expect.objectContaining({ problems: expect.any(Array) }),
    );
    expect(imagesLeft()).toBe(2);
    expect(reports()).toHaveLength(1);
  },
  'wrong-types': async () => {
    const event = sqsEvent([
      JSON.stringify({ ...cleanupRequest('team/api'), repositoryName: 42, runId: [] }),
    ]);

    const response = await worker(event, context());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(loggedProblems()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^repositoryName/), expect.stringMatching(/^runId/)]),
    );
    expect(aws.calls.count()).toBe(0);
    expect(published).toEqual([]);
  },
  'not-sqs': async () => {
    const event = {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      detail: {},
    };

    const invocation = worker(event, context());

    await expect(invocation).rejects.toThrow('Unexpected batch type');
    expect(aws.calls.count()).toBe(0);
  },
  'huge-payload': async () => {
    const event = sqsEvent([
      JSON.stringify({ ...cleanupRequest('team/api'), repositoryName: 'x'.repeat(1_000_000) }),
    ]);

    const response = await worker(event, context());

    expect(response.batchItemFailures).toHaveLength(1);
    expect(loggedProblems()).toEqual([expect.stringMatching(/repositoryName/)]);
    expect(loggedProblems().join(' ').length).toBeLessThan(1_000);
    expect(aws.calls.count()).toBe(0);
  },
  'ecr-throttled': async () => {
    const request = repositoryWithFiveImages();
    aws.faults.throttle({ service: 'ecr', api: ['DescribeImages', 'BatchDeleteImage'], times: 4 });

    const response = await worker(sqsEvent([request]), context());

    expect(response.batchItemFailures).toEqual([]);
    expect(aws.calls.count(undefined, { outcome: 'ThrottlingException' })).toBe(4);
    expect(imagesLeft()).toBe(2);
    expect(new Set(deletedDigests()).size).toBe(deletedDigests().length);
  },
  'ecs-unavailable': async () => {
    const request = repositoryWithFiveImages();
    aws.faults.unavailable({ service: 'ecs' });

    const response = await worker(sqsEvent([request]), context());

    expect(response.batchItemFailures).toHaveLength(1);
    expect(aws.calls.count('BatchDeleteImage')).toBe(0);
    expect(imagesLeft()).toBe(5);
    expect(reports()).toEqual([]);
  },
  'publish-fails-resume': async () => {
    const request = repositoryWithFiveImages();
    failNextCalls(1);

    const first = await worker(sqsEvent([request]), context());
    const redelivered = await worker(sqsEvent([request]), context());

    expect(first.batchItemFailures).toHaveLength(1);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(imagesLeft()).toBe(2);
    expect(deletedDigests()).toHaveLength(3);
    expect(JSON.parse(reports()[0]?.Detail ?? '{}')).toMatchObject({
      imagesDeleted: 3,
      notes: expect.arrayContaining([expect.stringContaining('resumed after an interrupted attempt')]),
    });
  },
  'dynamodb-throttled': async () => {
    const request = repositoryWithFiveImages();
    state.on(PutCommand).rejectsOnce(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ThrottlingException',
      }),
    );

    const first = await worker(sqsEvent([request]), context());
    const readsBeforeRedelivery = aws.calls.count();
    const redelivered = await worker(sqsEvent([request]), context());

    expect(first.batchItemFailures).toHaveLength(1);
    expect(readsBeforeRedelivery).toBe(0);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(deletedDigests()).toHaveLength(3);
    expect(reports()).toHaveLength(1);
  },
  'duplicate-delivery': async () => {
    const request = repositoryWithFiveImages();
    await worker(sqsEvent([request]), context());
    aws.calls.reset();

    const again = await worker(sqsEvent([request]), context());

    expect(again.batchItemFailures).toEqual([]);
    expect(aws.calls.count()).toBe(0);
    expect(reports()).toHaveLength(1);
  },
});
