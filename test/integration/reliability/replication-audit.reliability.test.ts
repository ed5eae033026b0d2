import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describeScenarios } from '../../reliability/describe-scenarios';
import { useHandlerWorld } from '../../reliability/handler-world';
import { awsError, expectRejectedAsInvalid, OBJECT_PROPERTY_NAMES } from '../../reliability/invalid-event';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import { acceptPutEvents } from '../../support/put-events-stub';
import { useFileStateTable } from '../../support/state-table';

// The handler as deployed on the sample registry (us-east-1 replicating to us-west-2), report only. ECR is
// the registry simulator (standard retry), the state table dynalite, EventBridge a stub.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);
jest.mock('../../../shared/aws/regional-ecr-clients', () =>
  require('../../reliability/standard-retry').regionalEcrClientsModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;
type Event = Record<string, unknown> & { detail: Record<string, unknown> };

let invoke: Handler;
const context = createLambdaContext('ecr-warden-test-replicationAudit');

const world = useHandlerWorld({ sample: true });
const { eventBridge, published } = world;
const table = useFileStateTable();
beforeAll(() => {
  invoke = loadHandler<Handler>('replicationAudit', {
    config: {
      replication: { destinationRegions: ['us-west-2'], repositoryPrefixes: ['payments/', 'web/'] },
    },
    env: {
      ...LAMBDA_TEST_ENVIRONMENT,
      STATE_TABLE_NAME: table.tableName,
      AWS_ACCESS_KEY_ID: 'AKIDTESTECRWARDEN',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
    },
    moduleRegistry: 'test-file',
  });
});

/** The FAILED replication of web/frontend:v3.2.0 to us-west-2, with a fresh event id. */
function failedReplication(): Event {
  const event = loadEventFixture<Event>('aws.ecr', 'ecr-replication-action-failed');
  event.id = randomUUID();
  return event;
}
const scheduledAudit = () => loadEventFixture<Event>('aws.events', 'replication-audit-scheduled-event');
const detailsOf = (detailType: string) =>
  published
    .filter((entry) => entry.DetailType === detailType)
    .map((entry) => JSON.parse(entry.Detail ?? '{}'));

const rejectsAsInvalid = (event: unknown, pattern: RegExp) =>
  expectRejectedAsInvalid(invoke(event, context), pattern, world.untouched());

describeScenarios('replicationAudit', {
  'missing-detail': async () => {
    const event: Partial<Event> = failedReplication();
    delete event.detail;

    await rejectsAsInvalid(event, /detail/);
  },
  'wrong-types': async () => {
    const event = failedReplication();
    event.detail.result = 'FAILURE';
    event.detail['image-digest'] = 42;

    await rejectsAsInvalid(event, /result.*image-digest|image-digest.*result/);
  },
  'unknown-detail-type': async () => {
    const event = { ...failedReplication(), 'detail-type': 'ECR Image Scan' };

    await rejectsAsInvalid(event, /detail-type "ECR Image Scan"/);
  },
  'huge-payload': async () => {
    const event = failedReplication();
    event.detail['repository-name'] = 'web/'.padEnd(1_000_000, 'x');

    await rejectsAsInvalid(event, /repository-name/);
  },
  'object-property-detail-type': async () => {
    for (const detailType of OBJECT_PROPERTY_NAMES) {
      const event = { ...failedReplication(), 'detail-type': detailType };

      await rejectsAsInvalid(event, /is neither "ECR Replication Action" nor "Scheduled Event"/);
    }
  },
  'forged-account': async () => {
    const event = failedReplication();
    event.detail['source-account'] = '999999999999';

    const error = await rejectsAsInvalid(
      event,
      /^ungoverned ECR Replication Action event .*detail\.source-account: account 999999999999 is not governed here \(123456789012\)/,
    );

    expect(error.name).toBe('UngovernedEventError');
  },
  'foreign-region': async () => {
    const replicated = failedReplication();
    replicated.region = 'ap-south-1';
    const audit = { ...scheduledAudit(), region: 'eu-west-1' };

    const errors = [
      await rejectsAsInvalid(
        replicated,
        /^ungoverned .*region: region ap-south-1 is not governed here \(us-east-1, us-west-2\)/,
      ),
      await rejectsAsInvalid(
        audit,
        /^ungoverned Scheduled Event .*region: region eu-west-1 is not governed here \(us-east-1\)/,
      ),
    ];

    expect(errors.map((error) => error.name)).toEqual(['UngovernedEventError', 'UngovernedEventError']);
  },
  'ecr-throttled': async () => {
    const clean = await invoke(scheduledAudit(), context);
    published.length = 0;
    world.aws.faults.throttle({
      service: 'ecr',
      api: ['DescribeImages', 'DescribeRepositories'],
      share: 0.3,
    });

    const throttled = await invoke(scheduledAudit(), context);

    expect(world.aws.calls.count(undefined, { outcome: 'ThrottlingException' })).toBeGreaterThan(0);
    expect(throttled).toEqual(clean);
    expect(detailsOf('Replication Audit Report')).toHaveLength(1);
  },
  'region-unreachable': async () => {
    world.aws.faults.unreachable('us-west-2');

    const summary = await invoke(scheduledAudit(), context);

    expect(summary).toMatchObject({ clean: false, problemCounts: { 'region-unreachable': 1 } });
    expect(detailsOf('Replication Audit Report')).toEqual([
      expect.objectContaining({
        clean: false,
        problemCounts: expect.objectContaining({ 'region-unreachable': 1 }),
      }),
    ]);
  },
  'publish-fails-retry': async () => {
    let failures = 1;
    const accept = acceptPutEvents(published);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (failures-- > 0) throw awsError('InternalException');
      return accept(input);
    });
    const event = failedReplication();

    await expect(invoke(event, context)).rejects.toMatchObject({ name: 'InternalException' });
    await invoke(structuredClone(event), context);

    expect(detailsOf('Replication Failure')).toHaveLength(1);
  },
  'dynamodb-throttled': async () => {
    world.state.on(PutCommand).rejectsOnce(awsError('ThrottlingException'));
    const event = failedReplication();

    await expect(invoke(event, context)).rejects.toMatchObject({ name: 'ThrottlingException' });
    const publishedBeforeRetry = published.length;
    await invoke(structuredClone(event), context);

    expect(publishedBeforeRetry).toBe(0);
    expect(detailsOf('Replication Failure')).toHaveLength(1);
  },
  'duplicate-event': async () => {
    const event = failedReplication();
    await invoke(event, context);

    const again = await invoke(structuredClone(event), context);

    expect(again).toEqual({ outcome: 'duplicate' });
    expect(detailsOf('Replication Failure')).toHaveLength(1);
  },
});
