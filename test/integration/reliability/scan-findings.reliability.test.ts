import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { imageManifest } from '../../../local/registry-sim';
import { stateDocumentClient } from '../../../shared/aws/dynamodb-client';
import { describeScenarios } from '../../reliability/describe-scenarios';
import { useHandlerWorld } from '../../reliability/handler-world';
import { awsError, expectRejectedAsInvalid, OBJECT_PROPERTY_NAMES } from '../../reliability/invalid-event';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import { acceptPutEvents } from '../../support/put-events-stub';
import { useFileStateTable } from '../../support/state-table';
import { basicFinding } from '../findings/findings-harness';

// The handler as deployed, alerting on CRITICAL findings: ECR is the registry simulator (standard retry),
// the state table dynalite, EventBridge a stub.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);
jest.mock('../../../shared/aws/ecr-client', () =>
  require('../../reliability/standard-retry').ecrClientModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
type Event = Record<string, unknown> & { detail: Record<string, unknown> };

const world = useHandlerWorld();
const { eventBridge, published } = world;
const table = useFileStateTable();
const context = createLambdaContext('ecr-warden-test-scanFindings');
let handler: Handler;

beforeAll(async () => {
  handler = loadHandler<Handler>('scanFindings', {
    config: {
      scanning: { minSeverity: 'CRITICAL' },
    },
    env: { ...LAMBDA_TEST_ENVIRONMENT, STATE_TABLE_NAME: table.tableName },
    moduleRegistry: 'test-file',
  });
});

/** An image of its own repository with one CRITICAL and one HIGH basic finding; its ECR Image Scan event. */
function scannedImage(): Event {
  const repositoryName = `team-a/api-${randomUUID().slice(0, 8)}`;
  world.sim.addRepository(repositoryName);
  const digest = world.sim.pushImage({
    repositoryName,
    manifest: imageManifest({ seed: repositoryName }),
    tags: ['v1'],
  }).image.digest;
  world.sim.setScan(
    repositoryName,
    { imageDigest: digest },
    {
      status: 'COMPLETE',
      completedAt: '2026-10-31T12:00:00Z',
      findings: [basicFinding('CVE-2026-0001', 'CRITICAL'), basicFinding('CVE-2026-0002', 'HIGH')],
    },
  );
  const event = loadEventFixture<Event>('aws.ecr', 'ecr-image-scan-basic');
  event.id = randomUUID();
  event.detail['repository-name'] = repositoryName;
  event.detail['image-digest'] = digest;
  return event;
}

const alerts = () => published.filter((entry) => entry.DetailType === 'Vulnerability Alert');

const rejectsAsInvalid = (event: unknown, pattern: RegExp) =>
  expectRejectedAsInvalid(handler(event, context), pattern, world.untouched());

describeScenarios('scanFindings', {
  'missing-detail': async () => {
    const event: Partial<Event> = loadEventFixture<Event>('aws.ecr', 'ecr-image-scan-basic');
    delete event.detail;

    await rejectsAsInvalid(event, /detail/);
  },
  'wrong-types': async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'ecr-image-scan-basic');
    event.detail['image-tags'] = 'v1.4.0';
    event.detail['finding-severity-counts'] = { CRITICAL: 'one' };

    await rejectsAsInvalid(event, /image-tags.*finding-severity-counts|finding-severity-counts.*image-tags/);
  },
  'unknown-detail-type': async () => {
    const event = {
      ...loadEventFixture<Event>('aws.ecr', 'ecr-image-scan-basic'),
      'detail-type': 'ECR Image Action',
    };

    await rejectsAsInvalid(event, /detail-type/);
  },
  'huge-payload': async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'ecr-image-scan-basic');
    event.detail['repository-name'] = 'team-a/'.padEnd(1_000_000, 'x');

    await rejectsAsInvalid(event, /repository-name/);
  },
  'object-property-detail-type': async () => {
    for (const detailType of OBJECT_PROPERTY_NAMES) {
      const event = {
        ...loadEventFixture<Event>('aws.ecr', 'ecr-image-scan-basic'),
        'detail-type': detailType,
      };

      await rejectsAsInvalid(event, /detail-type: expected "ECR Image Scan"/);
    }
  },
  'forged-account': async () => {
    const event = scannedImage();
    event.account = '999999999999';
    event.resources = [`arn:aws:ecr:us-east-1:999999999999:repository/${event.detail['repository-name']}`];

    const error = await rejectsAsInvalid(
      event,
      /^ungoverned ECR Image Scan event .*account: account 999999999999 is not governed here \(123456789012\).*resources\.0: account 999999999999/,
    );

    expect(error.name).toBe('UngovernedEventError');
  },
  'foreign-region': async () => {
    const event = loadEventFixture<Event>('aws.inspector2', 'inspector2-finding');
    const [resource] = event.detail.resources as Record<string, unknown>[];
    Object.assign(resource ?? {}, {
      region: 'eu-west-1',
      id: String(resource?.id).replace(':us-east-1:', ':eu-west-1:'),
    });

    const error = await rejectsAsInvalid(
      event,
      /detail\.resources\.0\.id: region eu-west-1 is not governed here \(us-east-1\).*detail\.resources\.0\.region: region eu-west-1/,
    );

    expect(error.name).toBe('UngovernedEventError');
  },
  'ecr-throttled': async () => {
    const event = scannedImage();
    world.aws.faults.throttle({ api: 'DescribeImageScanFindings', times: 3 });

    await handler(event, context);

    expect(world.aws.calls.count('DescribeImageScanFindings', { outcome: 'ThrottlingException' })).toBe(3);
    expect(alerts()).toHaveLength(1);
  },
  'ecr-5xx-retry': async () => {
    const event = scannedImage();
    world.aws.faults.serverError({ api: 'DescribeImageScanFindings', times: 8 });

    await expect(handler(event, context)).rejects.toMatchObject({ name: 'ServerException' });
    const writesBeforeRetry = world.state.commandCalls(PutCommand).length;
    await handler(structuredClone(event), context);

    expect(writesBeforeRetry).toBe(0);
    expect(alerts()).toHaveLength(1);
  },
  'publish-fails-retry': async () => {
    const event = scannedImage();
    let failures = 1;
    const accept = acceptPutEvents(published);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (failures-- > 0) throw awsError('InternalException');
      return accept(input);
    });

    await expect(handler(event, context)).rejects.toMatchObject({ name: 'InternalException' });
    await handler(structuredClone(event), context);

    expect(alerts()).toHaveLength(1);
  },
  'ledger-write-fails-after-alert': async () => {
    const event = scannedImage();
    const send = Object.getPrototypeOf(stateDocumentClient).send.bind(stateDocumentClient);
    let failures = 1;
    world.state.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (/^FINDINGS#/.test(input.Item.pk) && failures-- > 0) throw awsError('ThrottlingException');
      return send(new PutCommand(input as never));
    });

    await expect(handler(event, context)).rejects.toMatchObject({ name: 'ThrottlingException' });
    const alertsBeforeRetry = alerts().length;
    await handler(structuredClone(event), context);

    expect(alertsBeforeRetry).toBe(1);
    expect(alerts()).toHaveLength(1);
  },
  'duplicate-event': async () => {
    const event = scannedImage();
    await handler(event, context);

    await handler(structuredClone(event), context);

    expect(alerts()).toHaveLength(1);
  },
});
