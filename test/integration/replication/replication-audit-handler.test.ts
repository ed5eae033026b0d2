import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import {
  createRegistrySimulator,
  type InstalledSimulator,
  type RegistrySimulator,
} from '../../../local/registry-sim';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import { replicationAuditReportDetail, replicationFailureDetail } from '../../../shared/events/governance';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import { useFileStateTable } from '../../support/state-table';

// The handler as deployed, with the demo's replication settings in place of the bundled example, and
// its state table client pointed at dynalite.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Event = Record<string, unknown> & { id: string; detail: Record<string, unknown> };
// biome-ignore lint/suspicious/noExplicitAny: each test states the result it expects
type Handler = (event: unknown, context: unknown) => Promise<any>;

const table = useFileStateTable();
let handler: Handler;
beforeAll(() => {
  handler = loadHandler<Handler>('replicationAudit', {
    config: {
      replication: {
        destinationRegions: ['us-west-2'],
        repositoryPrefixes: ['payments/', 'web/'],
        remediate: { dryRun: true },
      },
    },
    env: {
      ...LAMBDA_TEST_ENVIRONMENT,
      // The metrics are part of what is checked: EMF lines on stdout.
      POWERTOOLS_METRICS_DISABLED: undefined,
      STATE_TABLE_NAME: table.tableName,
      AWS_ACCESS_KEY_ID: 'AKIDTESTECRWARDEN',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
    },
    moduleRegistry: 'test-file',
  });
});
let sim: RegistrySimulator;
let aws: InstalledSimulator;
let eventBridge: AwsClientStub<EventBridgeClient>;
const context = () => createLambdaContext('ecr-warden-test-replicationAudit');

const published = (): PutEventsRequestEntry[] =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const detailsOf = (detailType: string) =>
  published()
    .filter((entry) => entry.DetailType === detailType)
    .map((entry) => JSON.parse(entry.Detail ?? '{}'));

beforeEach(() => {
  sim = createRegistrySimulator();
  sim.loadSample();
  aws = sim.install();
  eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `event-${index}` })),
  }));
  jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  jest.useRealTimers();
  aws.restore();
  eventBridge.restore();
  jest.restoreAllMocks();
});

describe('replicationAudit handler: the schedule', () => {
  it('publishes one Replication Audit Report of the sample registry on the ecr-warden bus', async () => {
    const summary = await handler(
      loadEventFixture('aws.events', 'replication-audit-scheduled-event'),
      context(),
    );

    const entries = published();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: LAMBDA_TEST_ENVIRONMENT.EVENT_BUS_NAME,
      Source: 'ecr-warden',
      DetailType: 'Replication Audit Report',
    });
    const report = replicationAuditReportDetail.parse(JSON.parse(entries[0]?.Detail ?? '{}'));
    expect(report).toMatchObject({
      severity: 'critical',
      clean: false,
      repositoriesAudited: 4,
      destinationRegions: ['us-west-2'],
      problemCounts: {
        'missing-pre-rule-image': 6,
        'missing-image': 1,
        'replication-failed': 1,
        'digest-mismatch': 1,
        'settings-drift': 12,
      },
    });
    expect(summary).toEqual({ repositoriesAudited: 4, clean: false, problemCounts: report.problemCounts });
  });

  it('remediates in dry run only: the report says what it would do and nothing is written', async () => {
    await handler(loadEventFixture('aws.events', 'replication-audit-scheduled-event'), context());

    const [report] = detailsOf('Replication Audit Report');
    expect(report.remediation.dryRun).toBe(true);
    expect(report.remediation.actions).toContainEqual(
      expect.objectContaining({
        action: 'start-backfill',
        destinationRegion: 'us-west-2',
        outcome: 'would-apply',
      }),
    );
    for (const api of ['PutImageTagMutability', 'PutLifecyclePolicy', 'SetRepositoryPolicy']) {
      expect(aws.calls.count(api)).toBe(0);
    }
  });

  it('rejects an event that is neither a replication action nor a scheduled event', async () => {
    const event = { ...loadEventFixture('aws.events', 'scheduled-event'), 'detail-type': 'ECR Image Action' };

    await expect(handler(event, context())).rejects.toThrow(
      /malformed replicationAudit event 89d1a02d-5ec7-412e-82f5-13505f849b41: detail-type "ECR Image Action" is neither/,
    );
    expect(published()).toEqual([]);
  });
});

describe('replicationAudit handler: replication events', () => {
  it('alerts at once on a FAILED replication, with the failure code the source reports', async () => {
    const outcome = await handler(loadEventFixture('aws.ecr', 'ecr-replication-action-failed'), context());

    expect(outcome).toEqual({ outcome: 'failure-published', failureCode: 'KMS_KEY_NOT_FOUND' });
    const [alert] = detailsOf('Replication Failure');
    expect(replicationFailureDetail.parse(alert)).toMatchObject({
      repositoryName: 'web/frontend',
      region: 'us-west-2',
      severity: 'critical',
      imageTag: 'v3.2.0',
      sourceRegion: 'us-east-1',
      destinationRegion: 'us-west-2',
      failureCode: 'KMS_KEY_NOT_FOUND',
      summary: 'web/frontend: replication of v3.2.0 from us-east-1 to us-west-2 failed (KMS_KEY_NOT_FOUND)',
    });
  });

  it('alerts once when the same failure event is delivered twice', async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'ecr-replication-action-failed');
    event.id = 'a6f0c1d2-5e4b-4c3a-9f8e-7d6c5b4a3921';

    await handler(event, context());
    const redelivered = loadEventFixture<Event>('aws.ecr', 'ecr-replication-action-failed');
    redelivered.id = event.id;
    const second = await handler(redelivered, context());

    expect(second).toEqual({ outcome: 'duplicate' });
    expect(detailsOf('Replication Failure')).toHaveLength(1);
  });

  it('still alerts, without a failure code, when the source status cannot be read', async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'ecr-replication-action-failed');
    event.id = '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
    aws.faults.serverError({ service: 'ecr', region: 'us-east-1', api: 'DescribeImageReplicationStatus' });

    const outcome = await handler(event, context());

    expect(outcome).toEqual({ outcome: 'failure-published', failureCode: undefined });
    expect(detailsOf('Replication Failure')[0]).not.toHaveProperty('failureCode');
  });

  it('records the lag of a successful replication as an EMF metric of its destination region', async () => {
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    jest.useFakeTimers({
      now: new Date('2026-10-29T00:01:00Z'),
      doNotFake: ['setTimeout', 'setImmediate', 'nextTick', 'queueMicrotask'],
    });

    const outcome = await handler(loadEventFixture('aws.ecr', 'ecr-replication-action-success'), context());

    expect(outcome).toEqual({ outcome: 'lag-recorded', destinationRegion: 'us-west-2', seconds: 42 });
    const metric = lines.map((line) => JSON.parse(line)).find((entry) => entry.ReplicationLag !== undefined);
    expect(metric).toMatchObject({
      ReplicationLag: 42,
      DestinationRegion: 'us-west-2',
      _aws: {
        Timestamp: Date.parse('2026-10-29T00:00:42Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'ecr-warden',
            Dimensions: [expect.arrayContaining(['DestinationRegion'])],
            Metrics: [{ Name: 'ReplicationLag', Unit: 'Seconds' }],
          },
        ],
      },
    });
    expect(published()).toEqual([]);
  });

  it('rejects a replication from a source in another account, which this deployment does not govern', async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'ecr-replication-action-success');
    event.detail['source-account'] = '210987654321';

    const rejection = handler(event, context());

    await expect(rejection).rejects.toMatchObject({ name: 'UngovernedEventError' });
    await expect(rejection).rejects.toThrow(
      /detail\.source-account: account 210987654321 is not governed here/,
    );
    expect(aws.calls.count()).toBe(0);
    expect(published()).toEqual([]);
  });

  it('rejects a malformed replication event, naming every problem, so that it reaches the failure queue', async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'ecr-replication-action-failed');
    event.detail.result = 'FAILURE';
    delete event.detail['repository-name'];

    const rejection = handler(event, context());

    await expect(rejection).rejects.toBeInstanceOf(EventValidationError);
    await expect(rejection).rejects.toThrow(/detail.result: .*; detail.repository-name: /);
    expect(published()).toEqual([]);
  });
});
