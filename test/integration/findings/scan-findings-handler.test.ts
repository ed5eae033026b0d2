import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { type InstalledSimulator, imageManifest, type RegistrySimulator } from '../../../local/registry-sim';
import { readScanFindingsEnvironment } from '../../../shared/config/environment';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import { useRegistrySimulator } from '../../support/registry-simulator';
import { useFileStateTable } from '../../support/state-table';
import { basicFinding, type Fixture } from './findings-harness';

// The handler as deployed (module-level wiring, middy, Powertools), with the bundled config swapped for
// one with a scanning section, the state table's client pointed at dynalite, ECR served by the
// simulator and EventBridge by a recording stub.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const eventBridge = mockClient(EventBridgeClient);
let sim: RegistrySimulator;
let env: InstalledSimulator;

let handler: Handler;

// One table for the file: the handler reads STATE_TABLE_NAME once, at its cold start (module load).
const table = useFileStateTable();
beforeAll(() => {
  handler = loadHandler<Handler>('scanFindings', {
    config: { scanning: { minSeverity: 'CRITICAL' } },
    env: { ...LAMBDA_TEST_ENVIRONMENT, STATE_TABLE_NAME: table.tableName },
    moduleRegistry: 'test-file',
  });
});

useRegistrySimulator((installed) => ({ sim, env } = installed));
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

describe('scanFindings handler', () => {
  it('refuses to start without EVENT_BUS_NAME and STATE_TABLE_NAME, naming both', () => {
    expect(() => readScanFindingsEnvironment({})).toThrow(
      'invalid Lambda environment: EVENT_BUS_NAME is not set; STATE_TABLE_NAME is not set',
    );
  });

  it('publishes the Vulnerability Alert of an ECR Image Scan on the ecr-warden bus', async () => {
    sim.addRepository('team-a/api');
    const digest = sim.pushImage({
      repositoryName: 'team-a/api',
      manifest: imageManifest({ seed: 'h' }),
      tags: ['v1.4.0'],
    }).image.digest;
    sim.setScan(
      'team-a/api',
      { imageDigest: digest },
      {
        status: 'COMPLETE',
        completedAt: '2026-10-31T12:00:00Z',
        findings: [basicFinding('CVE-2026-0001', 'CRITICAL'), basicFinding('CVE-2026-0002', 'HIGH')],
      },
    );
    const event = loadEventFixture<Fixture>('aws.ecr', 'ecr-image-scan-basic');
    event.detail['image-digest'] = digest;

    const outcome = await handler(event, createLambdaContext('ecr-warden-test-scanFindings'));

    expect(outcome).toMatchObject({ action: 'recorded', alerted: 1, written: 2 });
    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: 'ecr-warden-test',
      Source: 'ecr-warden',
      DetailType: 'Vulnerability Alert',
    });
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({
      repositoryName: 'team-a/api',
      findingCount: 1,
    });
  });

  it('fails the invocation on a malformed event, so that it reaches the on-failure destination', async () => {
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-finding');
    event.detail.firstObservedAt = 'Dec 33, 2021, 6:02:30 PM';

    await expect(handler(event, createLambdaContext('ecr-warden-test-scanFindings'))).rejects.toBeInstanceOf(
      EventValidationError,
    );
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
