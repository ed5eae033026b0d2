import { DescribeRepositoriesCommand, ECRClient, type Repository } from '@aws-sdk/client-ecr';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createCleanupRequestQueue } from '../../shared/aws/cleanup-queue';
import { createRepositoryCatalog } from '../../shared/aws/repository-catalog';
import { CleanupSchedulingError, scheduleCleanup } from '../../shared/cleanup/schedule-cleanup';
import { EventValidationError } from '../../shared/events/event-validation-error';
import { CLEANUP_QUEUE_URL, CLEANUP_TEST_ENVIRONMENT } from '../support/cleanup-worker-environment';
import { loadEventFixture } from '../support/fixtures';
import { createLambdaContext } from '../support/lambda-context';
import { loadHandler } from '../support/load-handler';
import { acceptSendMessageBatch, partlySentBatch } from '../support/send-message-batch-stub';

const ecr = mockClient(ECRClient);
const sqs = mockClient(SQSClient);

// The handler as deployed, with this configuration instead of the bundled example file.
// biome-ignore lint/suspicious/noExplicitAny: each test states the summary it expects
let handler: (event: unknown, context: unknown) => Promise<any>;
beforeAll(() => {
  handler = loadHandler('cleanupScheduler', {
    config: {
      cleanup: {
        rules: [
          { repositories: ['team-a/**', '!team-a/base-images'], policy: 'native' },
          { repositories: ['**/*-cache'], policy: 'native' },
        ],
      },
    },
    env: CLEANUP_TEST_ENVIRONMENT,
    moduleRegistry: 'test-file',
  });
});

const ACCOUNT = '123456789012';
const RUN_ID = '89d1a02d-5ec7-412e-82f5-13505f849b41';

function repository(repositoryName: string): Repository {
  return {
    repositoryName,
    repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${repositoryName}`,
    registryId: ACCOUNT,
    repositoryUri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${repositoryName}`,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    imageTagMutability: 'MUTABLE',
  };
}

/**
 * Serves `repositories` in pages of `pageSize`, honouring nextToken as DescribeRepositories does.
 * Returns the requests as they were when sent (the SDK paginator reuses one input object).
 */
function serveRepositories(repositories: Repository[], pageSize = 1000) {
  const requests: { maxResults?: number; nextToken?: string }[] = [];
  ecr.on(DescribeRepositoriesCommand).callsFake((input: { maxResults?: number; nextToken?: string }) => {
    requests.push({ ...input });
    const start = input.nextToken === undefined ? 0 : Number(input.nextToken);
    const end = start + pageSize;
    return {
      repositories: repositories.slice(start, end),
      nextToken: end < repositories.length ? String(end) : undefined,
    };
  });
  return requests;
}

function acceptAllMessages() {
  sqs.on(SendMessageBatchCommand).callsFake(acceptSendMessageBatch);
}

const queuedMessages = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.MessageBody ?? 'null'));

const scheduledEvent = () => loadEventFixture('aws.events', 'scheduled-event');

beforeEach(() => {
  ecr.reset();
  sqs.reset();
});

describe('cleanupScheduler handler', () => {
  it('lists repositories across 3 pages and queues one message per repository a rule covers', async () => {
    const describeRequests = serveRepositories(
      ['team-a/api', 'team-b/api', 'team-a/base-images', 'npm-cache', 'team-c/jobs/pip-cache', 'legacy'].map(
        repository,
      ),
      2,
    );
    acceptAllMessages();

    const summary = await handler(scheduledEvent(), createLambdaContext());

    expect(describeRequests).toEqual([
      { maxResults: 1000 },
      { maxResults: 1000, nextToken: '2' },
      { maxResults: 1000, nextToken: '4' },
    ]);
    expect(queuedMessages()).toEqual([
      {
        schemaVersion: 1,
        repositoryName: 'team-a/api',
        repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-a/api`,
        registryId: ACCOUNT,
        runId: RUN_ID,
      },
      expect.objectContaining({ repositoryName: 'npm-cache', runId: RUN_ID }),
      expect.objectContaining({ repositoryName: 'team-c/jobs/pip-cache', runId: RUN_ID }),
    ]);
    const batches = sqs.commandCalls(SendMessageBatchCommand);
    // every() holds on an empty list: the requests above must have gone out in batches at all.
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((call) => call.args[0].input.QueueUrl === CLEANUP_QUEUE_URL)).toBe(true);
    expect(summary).toEqual({
      runId: RUN_ID,
      pagesListed: 3,
      repositoriesListed: 6,
      repositoriesSelected: 3,
      requestsQueued: 3,
    });
  });

  it('queues 25 covered repositories in 3 SendMessageBatch calls of at most 10 messages', async () => {
    serveRepositories(Array.from({ length: 25 }, (_, n) => repository(`team-a/service-${n}`)));
    acceptAllMessages();

    await handler(scheduledEvent(), createLambdaContext());

    const batchSizes = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.length);
    expect(batchSizes).toEqual([10, 10, 5]);
    expect(new Set(queuedMessages().map((message) => message.repositoryName)).size).toBe(25);
  });

  it('schedules a registry of 10,000 repositories in one invocation: 10 pages, 1,000 batches', async () => {
    serveRepositories(Array.from({ length: 10_000 }, (_, n) => repository(`team-a/service-${n}`)));
    acceptAllMessages();

    const summary = await handler(scheduledEvent(), createLambdaContext());

    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(10);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1_000);
    expect(summary).toMatchObject({ pagesListed: 10, repositoriesSelected: 10_000, requestsQueued: 10_000 });
  });

  it('sends nothing when no repository is covered', async () => {
    serveRepositories(['team-b/api', 'legacy'].map(repository));

    const summary = await handler(scheduledEvent(), createLambdaContext());

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(summary.repositoriesSelected).toBe(0);
  });

  it('fails the invocation with a CleanupSchedulingError naming a repository SQS would not accept', async () => {
    serveRepositories(['team-a/api', 'team-a/web'].map(repository));
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: '1', Code: 'InvalidMessageContents', Message: 'bad character', SenderFault: true }],
    });

    const invocation = handler(scheduledEvent(), createLambdaContext());

    await expect(invocation).rejects.toThrow(CleanupSchedulingError);
    await expect(invocation).rejects.toThrow(
      `1 cleanup request(s) of run ${RUN_ID} could not be queued: team-a/web (InvalidMessageContents: bad character)`,
    );
  });

  it('rejects an event that is not a Scheduled Event before calling AWS', async () => {
    const event = scheduledEvent();
    event.source = 'aws.ecr';

    await expect(handler(event, createLambdaContext())).rejects.toThrow(EventValidationError);
    expect(ecr.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('fails at cold start, naming the variable, when CLEANUP_QUEUE_URL is not set', () => {
    expect(() =>
      loadHandler('cleanupScheduler', { config: {}, env: { CLEANUP_QUEUE_URL: undefined } }),
    ).toThrow('invalid Lambda environment: CLEANUP_QUEUE_URL is not set');
  });

  it('needs the state table and the bus at cold start in an Organizations hub (Account Unreachable, once per run)', () => {
    const hub = { organization: { accounts: [ACCOUNT, '333333333333'], regions: ['us-east-1'] } };

    expect(() =>
      loadHandler('cleanupScheduler', {
        config: hub,
        env: { ...CLEANUP_TEST_ENVIRONMENT, STATE_TABLE_NAME: undefined, EVENT_BUS_NAME: undefined },
      }),
    ).toThrow('invalid Lambda environment: EVENT_BUS_NAME is not set; STATE_TABLE_NAME is not set');
    expect(() =>
      loadHandler('cleanupScheduler', {
        config: {},
        env: { ...CLEANUP_TEST_ENVIRONMENT, STATE_TABLE_NAME: undefined, EVENT_BUS_NAME: undefined },
      }),
    ).not.toThrow();
  });
});

describe('scheduleCleanup with the ECR and SQS adapters', () => {
  const noWait = { sleep: async () => undefined, random: () => 0.5 };
  const rules = [{ repositories: ['team-a/**'] }];

  it('retries a partially failed batch and succeeds', async () => {
    serveRepositories(['team-a/api', 'team-a/web', 'team-a/jobs'].map(repository));
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce(partlySentBatch(['0'], { 1: 'InternalError', 2: 'InternalError' }))
      .resolves(partlySentBatch(['1', '2'], {}));

    const summary = await scheduleCleanup(
      { runId: RUN_ID, rules },
      {
        repositories: createRepositoryCatalog(),
        queue: createCleanupRequestQueue({ queueUrl: CLEANUP_QUEUE_URL, options: noWait }),
      },
    );

    expect(summary.requestsQueued).toBe(3);
    const retried = sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries ?? [];
    expect(retried.map((entry) => JSON.parse(entry.MessageBody ?? 'null').repositoryName)).toEqual([
      'team-a/web',
      'team-a/jobs',
    ]);
  });

  it('fails with a CleanupSchedulingError when a batch keeps failing, after scheduling the other pages', async () => {
    serveRepositories(['team-a/api', 'team-a/web', 'team-a/jobs'].map(repository), 1);
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
      const [entry] = input.Entries;
      return entry && JSON.parse(entry.MessageBody).repositoryName === 'team-a/web'
        ? {
            Successful: [],
            Failed: [{ Id: entry.Id, Code: 'InternalError', Message: 'down', SenderFault: false }],
          }
        : {
            Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: Id, MD5OfMessageBody: 'x' })),
            Failed: [],
          };
    });

    const scheduling = scheduleCleanup(
      { runId: RUN_ID, rules },
      {
        repositories: createRepositoryCatalog(),
        queue: createCleanupRequestQueue({ queueUrl: CLEANUP_QUEUE_URL, options: noWait }),
      },
    );

    await expect(scheduling).rejects.toThrow(CleanupSchedulingError);
    await expect(scheduling).rejects.toMatchObject({
      runId: RUN_ID,
      undelivered: [
        expect.objectContaining({
          code: 'InternalError',
          message: expect.objectContaining({ repositoryName: 'team-a/web' }),
        }),
      ],
    });
    const sentRepositories = queuedMessages().map((message) => message.repositoryName);
    expect(sentRepositories.filter((name) => name === 'team-a/web')).toHaveLength(5);
    expect(sentRepositories).toContain('team-a/jobs');
  });

  it('does not list repositories when the configuration has no cleanup rule', async () => {
    const summary = await scheduleCleanup(
      { runId: RUN_ID, rules: [] },
      {
        repositories: createRepositoryCatalog(),
        queue: createCleanupRequestQueue({ queueUrl: CLEANUP_QUEUE_URL, options: noWait }),
      },
    );

    expect(ecr.calls()).toHaveLength(0);
    expect(summary.repositoriesListed).toBe(0);
  });
});
