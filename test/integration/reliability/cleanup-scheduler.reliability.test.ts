import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { describeScenarios } from '../../reliability/describe-scenarios';
import { expectRejectedAsInvalid } from '../../reliability/invalid-event';
import { CLEANUP_TEST_ENVIRONMENT } from '../../support/cleanup-worker-environment';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { loadHandler } from '../../support/load-handler';
import { acceptSendMessageBatch } from '../../support/send-message-batch-stub';

// The handler as deployed, on a config with one cleanup rule; ECR is the registry simulator, SQS a stub.

jest.mock('../../../shared/aws/ecr-client', () =>
  require('../../reliability/standard-retry').ecrClientModule(),
);

type Event = Record<string, unknown>;
let invoke: (event: unknown, context: unknown) => Promise<unknown>;
beforeAll(() => {
  invoke = loadHandler('cleanupScheduler', {
    config: {
      cleanup: { rules: [{ repositories: ['team/**'], policy: 'native' }] },
    },
    env: CLEANUP_TEST_ENVIRONMENT,
    moduleRegistry: 'test-file',
  });
});
const sqs = mockClient(SQSClient);
let sim: RegistrySimulator;
let aws: InstalledSimulator;
const sent: SendMessageBatchRequestEntry[] = [];

const scheduledEvent = () => loadEventFixture<Event>('aws.events', 'scheduled-event');
const queuedRepositories = () =>
  sent.map((entry) => JSON.parse(entry.MessageBody ?? '{}').repositoryName).sort();
const accept = (input: { Entries: SendMessageBatchRequestEntry[] }) => {
  sent.push(...input.Entries);
  return acceptSendMessageBatch(input);
};

beforeEach(() => {
  // The SDK's backoff is random × base × 2^attempt: no waiting in tests.
  jest.spyOn(Math, 'random').mockReturnValue(0);
  sim = createRegistrySimulator();
  aws = sim.install();
  for (const name of ['team/api', 'team/web', 'other/tools']) sim.addRepository(name);
  sent.length = 0;
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(accept);
});
afterEach(() => {
  aws.restore();
  jest.restoreAllMocks();
});

const rejectsAsInvalid = (event: unknown, pattern: RegExp) =>
  expectRejectedAsInvalid(
    invoke(event, createLambdaContext()),
    pattern,
    { aws, mocks: [sqs] },
    { bounded: false },
  );

describeScenarios('cleanupScheduler', {
  'missing-detail': async () => {
    const event = scheduledEvent();
    delete event.detail;

    await rejectsAsInvalid(event, /detail/);
  },
  'wrong-types': async () => {
    const event = {
      ...scheduledEvent(),
      time: 42,
      resources: 'arn:aws:events:us-east-1:123456789012:rule/x',
    };

    await rejectsAsInvalid(event, /time: .*; resources: /);
  },
  'unknown-detail-type': async () => {
    const event = { ...scheduledEvent(), 'detail-type': 'Object Created', source: 'aws.s3' };

    await rejectsAsInvalid(event, /detail-type.*source|source.*detail-type/);
  },
  'huge-payload': async () => {
    const event = { ...scheduledEvent(), detail: 'x'.repeat(1_000_000) };

    const error = await rejectsAsInvalid(event, /detail/);

    expect(error.message.length).toBeLessThan(1_000);
  },
  'ecr-throttled': async () => {
    aws.faults.throttle({ api: 'DescribeRepositories', times: 2 });

    await invoke(scheduledEvent(), createLambdaContext());

    expect(aws.calls.count('DescribeRepositories', { outcome: 'ThrottlingException' })).toBe(2);
    expect(queuedRepositories()).toEqual(['team/api', 'team/web']);
  },
  'ecr-5xx': async () => {
    aws.faults.serverError({ api: 'DescribeRepositories' });

    await expect(invoke(scheduledEvent(), createLambdaContext())).rejects.toMatchObject({
      name: 'ServerException',
    });

    expect(aws.calls.count('DescribeRepositories')).toBe(8);
    expect(sqs.calls()).toHaveLength(0);
  },
  'sqs-entries-throttled': async () => {
    let refusals = 2;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      if (refusals-- > 0) {
        return {
          Successful: [],
          Failed: input.Entries.map(({ Id }) => ({ Id, Code: 'ThrottlingException', SenderFault: false })),
        };
      }
      return accept(input);
    });

    await invoke(scheduledEvent(), createLambdaContext());

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(queuedRepositories()).toEqual(['team/api', 'team/web']);
  },
  'sqs-5xx-resume': async () => {
    const attempts: string[][] = [];
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      attempts.push(input.Entries.map((entry) => entry.MessageBody ?? ''));
      if (attempts.length === 1)
        throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalError' });
      return accept(input);
    });
    const event = scheduledEvent();

    await expect(invoke(event, createLambdaContext())).rejects.toMatchObject({ name: 'QueueSendError' });
    await invoke(event, createLambdaContext());

    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toEqual(attempts[0]);
    expect(queuedRepositories()).toEqual(['team/api', 'team/web']);
  },
});
