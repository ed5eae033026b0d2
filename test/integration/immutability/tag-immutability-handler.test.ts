import { PutImageTagMutabilityCommand } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { InstalledSimulator, RegistrySimulator } from '../../../local/registry-sim';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import { acceptPutEvents } from '../../support/put-events-stub';
import { useRegistrySimulator } from '../../support/registry-simulator';
import { useFileStateTable } from '../../support/state-table';
import { GUARD_ROLE_ARN, PAYMENTS_RULE } from './guard-harness';

// The handler exactly as deployed (module-level wiring, middy, Powertools), with the bundled config
// swapped for a test one, the state table's client pointed at dynalite, ECR/ECS/Lambda served by the
// registry simulator and EventBridge recorded.
jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const eventBridge = mockClient(EventBridgeClient);
const published: PutEventsRequestEntry[] = [];
const table = useFileStateTable(`ecr-warden-test-${process.pid}-guard-handler-state`);
let handler: Handler;
let sim: RegistrySimulator;
let env: InstalledSimulator;
const context = createLambdaContext('ecr-warden-test-tagImmutability');
const CONFIG = {
  immutability: { dryRun: false, rules: [{ ...PAYMENTS_RULE, protectedTags: ['v*.*.*'] }] },
};

beforeAll(() => {
  handler = loadHandler<Handler>('tagImmutability', {
    config: CONFIG,
    env: { ...LAMBDA_TEST_ENVIRONMENT, STATE_TABLE_NAME: table.tableName, GUARD_ROLE_ARN },
    moduleRegistry: 'test-file',
  });
});
useRegistrySimulator((installed) => ({ sim, env } = installed));
beforeEach(() => {
  published.length = 0;
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published));
});

function fixture(name: string, change: (event: Record<string, unknown>) => void = () => undefined) {
  const event = loadEventFixture<Record<string, unknown>>('aws.ecr', name);
  change(event);
  return event;
}

describe('tagImmutability handler', () => {
  it('remediates the repository a CloudTrail record names, once even when EventBridge delivers it twice', async () => {
    sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' });
    const event = fixture('cloudtrail-put-image-tag-mutability', (e) => {
      e.id = 'handler-once-1';
    });

    const first = await handler(event, context);
    sim.repository('payments/worker').setTagMutability('MUTABLE', undefined);
    const second = await handler(structuredClone(event), context);

    expect(first).toMatchObject({ status: 'checked', applied: 1 });
    expect(second).toMatchObject({ status: 'duplicate' });
    expect(env.mocks.ecr.commandCalls(PutImageTagMutabilityCommand)).toHaveLength(1);
    expect(published.map((entry) => [entry.Source, entry.DetailType, entry.EventBusName])).toEqual([
      ['ecr-warden', 'Repository Settings Drift', 'ecr-warden-test'],
    ]);
  });

  it('fails the invocation on a malformed event with an error that names the field, and calls nothing', async () => {
    const event = fixture('cloudtrail-put-image-tag-mutability', (e) => {
      (e.detail as Record<string, unknown>).userIdentity = 'jdoe';
    });

    const failure = handler(event, context);

    await expect(failure).rejects.toBeInstanceOf(EventValidationError);
    await expect(failure).rejects.toThrow(
      'malformed AWS API Call via CloudTrail event 5b8a1d7e-2c3f-4a9b-8d6e-1f2a3b4c5d6e: detail.userIdentity:',
    );
    expect(env.calls.count()).toBe(0);
    expect(published).toEqual([]);
  });

  it('fails the invocation on an event it does not know', async () => {
    await expect(
      handler({ id: 'x-1', 'detail-type': 'Object Created', detail: {} }, context),
    ).rejects.toThrow(
      'malformed repository guard event x-1: detail-type: expected "AWS API Call via CloudTrail", "ECR Image Action" or "Scheduled Event", got "Object Created"',
    );
  });

  it('fails the invocation on a successful repository call that names no repository', async () => {
    const event = fixture('cloudtrail-create-repository', (e) => {
      (e.detail as Record<string, unknown>).requestParameters = {};
    });

    await expect(handler(event, context)).rejects.toThrow(
      'detail.requestParameters.repositoryName: a successful CreateRepository call names its repository, got undefined',
    );
  });

  it('records a PUSH for a repository deleted since without failing', async () => {
    const event = fixture('image-action-push', (e) => {
      (e.detail as Record<string, unknown>)['repository-name'] = 'payments/gone';
    });

    await expect(handler(event, context)).resolves.toEqual({
      status: 'repository-gone',
      repositoryName: 'payments/gone',
    });
  });

  it('sweeps on its schedule', async () => {
    sim.addRepository('payments/api', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
    });
    const event = loadEventFixture('aws.events', 'repository-guard-scheduled-event');

    await expect(handler(event, context)).resolves.toMatchObject({
      repositoriesListed: 1,
      repositoriesChecked: 1,
      drifts: 0,
      tagsSeeded: 0,
    });
  });
});
