import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import { createStateTable, deleteStateTable } from '../../../local/state-table';
import { createCleanupWorkerDependencies } from '../../../shared/aws/cleanup-worker-dependencies';
import { stateDocumentClient } from '../../../shared/aws/dynamodb-client';
import type { CleanupRequest } from '../../../shared/cleanup/cleanup-request';
import { parseConfig } from '../../../shared/config/load-config';
import { logger } from '../../../shared/logger';
import { CLEANUP_METRICS, createCleanupMetrics } from '../../../shared/metrics/cleanup-metrics';
import { describeScenarios } from '../../reliability/describe-scenarios';
import { useHandlerWorld } from '../../reliability/handler-world';
import {
  CLEANUP_TEST_ENVIRONMENT,
  EVENT_BUS_NAME,
  STATE_TABLE_NAME,
} from '../../support/cleanup-worker-environment';
import { createLambdaContext } from '../../support/lambda-context';
import { expireAnyPushedRule } from '../../support/lifecycle-policies';
import { loadHandler } from '../../support/load-handler';
import { acceptPutEvents } from '../../support/put-events-stub';
import { createTestDynamoDbClient } from '../../support/state-table';
import { cleanupRequest, KEEP_TWO_NEWEST, pushImage, sqsEvent } from '../cleanup/cleanup-worker-harness';

// The handler as deployed: a rule that keeps the 2 newest images of team/**, not a dry run; ECR, ECS and
// Lambda are the registry simulator (standard retry), the state table dynalite, EventBridge a stub.
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

const world = useHandlerWorld();
const { eventBridge, published } = world;
type Worker = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;
let worker: Worker;
const context = () => createLambdaContext('ecr-warden-test-cleanupWorker');
let dynamodb: DynamoDBClient;
let run = 0;

beforeAll(async () => {
  worker = loadHandler<Worker>('cleanupWorker', {
    config: {
      cleanup: {
        dryRun: false,
        maxDeletionShare: 1,
        protect: { taskDefinitionRevisions: 0 },
        rules: [
          {
            repositories: ['team/**'],
            policy: KEEP_TWO_NEWEST,
          },
        ],
      },
    },
    env: CLEANUP_TEST_ENVIRONMENT,
    moduleRegistry: 'test-file',
  });
  dynamodb = createTestDynamoDbClient();
  await createStateTable(dynamodb, STATE_TABLE_NAME);
});
afterAll(async () => {
  await deleteStateTable(dynamodb, STATE_TABLE_NAME);
  dynamodb.destroy();
});
beforeEach(() => {
  jest.spyOn(logger, 'error');
  run += 1;
});

/** team/api with 5 images: the rule deletes the 3 oldest. Returns a request of a fresh run. */
function repositoryWithFiveImages(): CleanupRequest {
  world.sim.addRepository('team/api');
  for (let n = 0; n < 5; n++)
    pushImage(world.sim, 'team/api', `api-${n}`, { daysAgo: 10 - n, tags: [`b${n}`] });
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

/** Polls (between I/O turns) until `done` holds; fails after 5 s. */
async function waitFor(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const reports = () => published.filter((entry) => entry.DetailType === 'Cleanup Report');
const imagesLeft = () => world.sim.repository('team/api').images.size;
const deletedDigests = () =>
  world.aws.mocks.ecr
    .commandCalls(require('@aws-sdk/client-ecr').BatchDeleteImageCommand)
    .flatMap((call) => (call.args[0].input as { imageIds: { imageDigest: string }[] }).imageIds)
    .map((id) => id.imageDigest);

// ── The run's caps under faults (issue 12, item 1) ──────────────────────────────────────────────────
// The same worker, wired as functions/cleanup-worker.ts wires it (same clients: the simulator and
// dynalite), with the share cap on: every image of capped/app is expired, maxDeletionShare 0.5.
const CAPPED = parseConfig({
  cleanup: {
    dryRun: false,
    maxDeletionShare: 0.5,
    protect: { taskDefinitionRevisions: 0 },
    rules: [
      {
        repositories: ['capped/**'],
        policy: {
          rules: [expireAnyPushedRule(1, 1)],
        },
      },
    ],
  },
}).cleanup;
const CAPPED_IMAGES = 300;
const CAP = CAPPED_IMAGES * 0.5;

/** The metric values the worker emitted, by name (the real EMF adapter over a recording Metrics). */
const emitted = new Map<string, number[]>();
const recordingMetrics = {
  singleMetric: () => ({
    addDimension() {},
    addMetric(name: string, _unit: string, value: number) {
      emitted.set(name, [...(emitted.get(name) ?? []), value]);
    },
  }),
} as unknown as Metrics;

/** Worker invocations of capped/app; `minutesLater` moves the worker's clock (a claim lapses after 16). */
function cappedWorker() {
  let offsetMs = 0;
  const dependencies = {
    ...createCleanupWorkerDependencies({
      cleanup: CAPPED,
      eventBusName: EVENT_BUS_NAME,
      tableName: STATE_TABLE_NAME,
      logger,
      now: () => world.sim.clock.nowMs() + offsetMs,
    }),
    metrics: createCleanupMetrics(recordingMetrics),
  };
  world.sim.addRepository('capped/app');
  for (let n = 0; n < CAPPED_IMAGES; n++)
    pushImage(world.sim, 'capped/app', `capped-${n}`, { daysAgo: 400 - n });
  const request = cleanupRequest('capped/app', `10000000-0000-4000-8000-${String(run).padStart(12, '0')}`);
  emitted.clear();
  return {
    deliver: () => processCleanupBatch(sqsEvent([request]), context(), dependencies),
    minutesLater(minutes: number) {
      offsetMs += minutes * 60_000;
    },
  };
}

/**
 * Faults the first write of the run's progress record (a PutItem on a `CLEANUP_RUN#` key) for which
 * `when(BatchDeleteImage calls so far)` holds: throttled (what the code sees once the SDK's retries are
 * spent) or never answered (Lambda timed out while it was in flight). Every other call goes to dynalite.
 */
function faultRunProgressWrite(when: (deleteCalls: number) => boolean, fault: 'throttled' | 'timed-out') {
  let injected = false;
  const real = (world.state.send as unknown as { wrappedMethod: (command: PutCommand) => Promise<unknown> })
    .wrappedMethod;
  world.state.on(PutCommand).callsFake(async (input: PutCommand['input']) => {
    const runRecord = String(input.Item?.pk).startsWith('CLEANUP_RUN#');
    if (!injected && runRecord && when(world.aws.calls.count('BatchDeleteImage'))) {
      injected = true;
      if (fault === 'timed-out') return new Promise(() => {});
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ThrottlingException',
      });
    }
    return real.call(stateDocumentClient, new PutCommand(input));
  });
}

const cappedLeft = () => world.sim.repository('capped/app').images.size;
const cappedReport = () =>
  JSON.parse(
    published.find((entry) => entry.DetailType === 'Cleanup Report' && entry.Detail?.includes('capped/app'))
      ?.Detail ?? '{}',
  );

/** Deleted in all, reported and DeletionShare: all three say the run kept to its cap of the original 300. */
function expectCapKept() {
  expect(CAPPED_IMAGES - cappedLeft()).toBe(CAP);
  expect(new Set(deletedDigests()).size).toBe(deletedDigests().length);
  expect(cappedReport()).toMatchObject({
    imagesEvaluated: CAPPED_IMAGES,
    imagesDeleted: CAP,
    deletionLimit: CAP,
    deletionCapReached: true,
  });
  expect(emitted.get(CLEANUP_METRICS.deletionShare)).toEqual([50]);
  expect(emitted.get(CLEANUP_METRICS.imagesDeleted)).toEqual([CAP]);
}

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
    expect(world.aws.calls.count()).toBe(0);
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
    expect(world.aws.calls.count()).toBe(0);
  },
  'huge-payload': async () => {
    const event = sqsEvent([
      JSON.stringify({ ...cleanupRequest('team/api'), repositoryName: 'x'.repeat(1_000_000) }),
    ]);

    const response = await worker(event, context());

    expect(response.batchItemFailures).toHaveLength(1);
    expect(loggedProblems()).toEqual([expect.stringMatching(/repositoryName/)]);
    expect(loggedProblems().join(' ').length).toBeLessThan(1_000);
    expect(world.aws.calls.count()).toBe(0);
  },
  'ecr-throttled': async () => {
    const request = repositoryWithFiveImages();
    world.aws.faults.throttle({ service: 'ecr', api: ['DescribeImages', 'BatchDeleteImage'], times: 4 });

    const response = await worker(sqsEvent([request]), context());

    expect(response.batchItemFailures).toEqual([]);
    expect(world.aws.calls.count(undefined, { outcome: 'ThrottlingException' })).toBe(4);
    expect(imagesLeft()).toBe(2);
    expect(new Set(deletedDigests()).size).toBe(deletedDigests().length);
  },
  'ecs-unavailable': async () => {
    const request = repositoryWithFiveImages();
    world.aws.faults.unavailable({ service: 'ecs' });

    const response = await worker(sqsEvent([request]), context());

    // Held, not failed: the report names the sources, InUseSourceFailures counts them, the next run retries.
    expect(response.batchItemFailures).toEqual([]);
    expect(world.aws.calls.count('BatchDeleteImage')).toBe(0);
    expect(imagesLeft()).toBe(5);
    const [report] = reports().map((entry) => JSON.parse(entry.Detail ?? '{}'));
    expect(report).toMatchObject({ held: true, imagesDeleted: 0, severity: 'warning' });
    expect(report.inUseSourceFailures).toEqual([
      expect.objectContaining({
        source: expect.stringMatching(/^ecs:/),
        reason: expect.stringMatching(/^ServiceUnavailableException/),
      }),
      expect.objectContaining({ source: expect.stringMatching(/^lambda:/) }),
    ]);
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
    world.state.on(PutCommand).rejectsOnce(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ThrottlingException',
      }),
    );

    const first = await worker(sqsEvent([request]), context());
    const readsBeforeRedelivery = world.aws.calls.count();
    const redelivered = await worker(sqsEvent([request]), context());

    expect(first.batchItemFailures).toHaveLength(1);
    expect(readsBeforeRedelivery).toBe(0);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(deletedDigests()).toHaveLength(3);
    expect(reports()).toHaveLength(1);
  },
  'cap-progress-throttled': async () => {
    const worker = cappedWorker();
    faultRunProgressWrite((deleteCalls) => deleteCalls === 1, 'throttled');

    const first = await worker.deliver();
    const deletedByFirst = CAPPED_IMAGES - cappedLeft();
    const redelivered = await worker.deliver();

    expect(first.batchItemFailures).toHaveLength(1);
    expect(deletedByFirst).toBe(100);
    expect(redelivered.batchItemFailures).toEqual([]);
    expectCapKept();
  },
  'cap-timeout-after-delete': async () => {
    const worker = cappedWorker();
    faultRunProgressWrite((deleteCalls) => deleteCalls === 1, 'timed-out');

    // The invocation never ends (Lambda killed it): its claim on the message lapses after 16 minutes.
    void worker.deliver();
    await waitFor(() => world.aws.calls.count('BatchDeleteImage') === 1);
    const deletedByFirst = CAPPED_IMAGES - cappedLeft();
    worker.minutesLater(17);
    const redelivered = await worker.deliver();

    expect(deletedByFirst).toBe(100);
    expect(redelivered.batchItemFailures).toEqual([]);
    expectCapKept();
  },
  'cap-limit-write-fails': async () => {
    const worker = cappedWorker();
    faultRunProgressWrite((deleteCalls) => deleteCalls === 0, 'throttled');

    const first = await worker.deliver();
    const deletesByFirst = world.aws.calls.count('BatchDeleteImage');
    const redelivered = await worker.deliver();

    expect(first.batchItemFailures).toHaveLength(1);
    expect(deletesByFirst).toBe(0);
    expect(redelivered.batchItemFailures).toEqual([]);
    expectCapKept();
  },
  'duplicate-delivery': async () => {
    const request = repositoryWithFiveImages();
    await worker(sqsEvent([request]), context());
    world.aws.calls.reset();

    const again = await worker(sqsEvent([request]), context());

    expect(again.batchItemFailures).toEqual([]);
    expect(world.aws.calls.count()).toBe(0);
    expect(reports()).toHaveLength(1);
  },
});
