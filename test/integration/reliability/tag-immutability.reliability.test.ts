import { randomUUID } from 'node:crypto';
import { PutImageTagMutabilityCommand } from '@aws-sdk/client-ecr';
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

// The handler as deployed: one rule, IMMUTABLE tags on team-a/**, remediation on, not a dry run. ECR is the
// registry simulator (standard retry), the state table dynalite, EventBridge a stub.
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

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
type Event = Record<string, unknown> & { detail: Record<string, unknown> };

const world = useHandlerWorld();
const { eventBridge, published } = world;
const table = useFileStateTable();
const context = createLambdaContext('ecr-warden-test-tagImmutability');
let handler: Handler;

beforeAll(async () => {
  handler = loadHandler<Handler>('tagImmutability', {
    config: {
      immutability: {
        dryRun: false,
        rules: [{ repositories: ['team-a/**'], mode: 'IMMUTABLE', remediate: true }],
      },
    },
    env: {
      ...LAMBDA_TEST_ENVIRONMENT,
      STATE_TABLE_NAME: table.tableName,
      GUARD_ROLE_ARN: 'arn:aws:iam::123456789012:role/ecr-warden-test-tagImmutability',
    },
    moduleRegistry: 'test-file',
  });
});

/** A CloudTrail CreateRepository record of team-a/api, with a fresh event id. */
function createRepositoryEvent(): Event {
  const event = loadEventFixture<Event>('aws.ecr', 'cloudtrail-create-repository');
  event.id = randomUUID();
  return event;
}

/** team-a/api exists with MUTABLE tags: the rule's drift. */
const mutableRepository = () => world.sim.addRepository('team-a/api', { imageTagMutability: 'MUTABLE' });
const mutability = () => world.sim.repository('team-a/api').imageTagMutability;
const drifts = () =>
  published
    .filter((entry) => entry.DetailType === 'Repository Settings Drift')
    .map((entry) => JSON.parse(entry.Detail ?? '{}'));

const rejectsAsInvalid = (event: unknown, pattern: RegExp) =>
  expectRejectedAsInvalid(handler(event, context), pattern, { aws: world.aws, published });

describeScenarios('tagImmutability', {
  'missing-detail': async () => {
    const event: Partial<Event> = createRepositoryEvent();
    delete event.detail;

    await rejectsAsInvalid(event, /detail: /);
  },
  'wrong-types': async () => {
    const event = createRepositoryEvent();
    event.detail.eventName = 42;
    event.detail.eventTime = 'yesterday';

    await rejectsAsInvalid(
      event,
      /detail\.eventName: .*detail\.eventTime: |detail\.eventTime: .*detail\.eventName: /,
    );
  },
  'unknown-detail-type': async () => {
    const event = { ...createRepositoryEvent(), 'detail-type': 'ECR Image Scan' };

    await rejectsAsInvalid(event, /detail-type: expected .* got "ECR Image Scan"/);
  },
  'huge-payload': async () => {
    const event = loadEventFixture<Event>('aws.ecr', 'image-action-push');
    event.detail['repository-name'] = 'team-a/'.padEnd(1_000_000, 'x');

    await rejectsAsInvalid(event, /detail\.repository-name: /);
  },
  'object-property-detail-type': async () => {
    for (const detailType of OBJECT_PROPERTY_NAMES) {
      const event = { ...createRepositoryEvent(), 'detail-type': detailType };

      await rejectsAsInvalid(event, /detail-type: expected "AWS API Call via CloudTrail"/);
    }
  },
  'forged-account': async () => {
    mutableRepository();
    const event = createRepositoryEvent();
    event.account = '999999999999';
    event.detail.recipientAccountId = '999999999999';

    const error = await expectRejectedAsInvalid(
      handler(event, context),
      /account: account 999999999999 is not governed here \(123456789012\).*detail\.recipientAccountId: account 999999999999/,
      { aws: world.aws, mocks: [world.state], published },
    );

    expect(error.name).toBe('UngovernedEventError');
    expect(mutability()).toBe('MUTABLE');
  },
  'foreign-region': async () => {
    mutableRepository();
    const event = createRepositoryEvent();
    event.region = 'eu-west-1';
    event.detail.awsRegion = 'eu-west-1';

    const error = await expectRejectedAsInvalid(
      handler(event, context),
      /^ungoverned .*region: region eu-west-1 is not governed here \(us-east-1\).*detail\.awsRegion: region eu-west-1/,
      { aws: world.aws, mocks: [world.state], published },
    );

    expect(error.name).toBe('UngovernedEventError');
  },
  'ecr-throttled': async () => {
    mutableRepository();
    world.aws.faults.throttle({
      service: 'ecr',
      api: ['DescribeRepositories', 'PutImageTagMutability'],
      times: 3,
    });

    const result = await handler(createRepositoryEvent(), context);

    expect(result).toMatchObject({ status: 'checked', drifts: 1, applied: 1 });
    expect(mutability()).toBe('IMMUTABLE');
    expect(drifts()).toEqual([
      expect.objectContaining({ baseline: 'tag-immutability', remediation: 'applied' }),
    ]);
  },
  'remediation-5xx': async () => {
    mutableRepository();
    world.aws.faults.serverError({ service: 'ecr', api: 'PutImageTagMutability' });

    const result = await handler(createRepositoryEvent(), context);

    expect(result).toMatchObject({ status: 'checked', drifts: 1, applied: 0, failed: 1 });
    expect(world.aws.calls.count('PutImageTagMutability')).toBe(8);
    expect(mutability()).toBe('MUTABLE');
    expect(drifts()).toEqual([expect.objectContaining({ remediation: 'failed' })]);
  },
  'publish-fails-retry': async () => {
    mutableRepository();
    let failures = 1;
    const accept = acceptPutEvents(published);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (failures-- > 0) throw awsError('InternalException');
      return accept(input);
    });
    const event = createRepositoryEvent();

    await expect(handler(event, context)).rejects.toMatchObject({ name: 'InternalException' });
    const retried = await handler(structuredClone(event), context);

    expect(retried).toMatchObject({ status: 'checked', drifts: 0, eventsPublished: 1 });
    expect(mutability()).toBe('IMMUTABLE');
    expect(world.aws.mocks.ecr.commandCalls(PutImageTagMutabilityCommand)).toHaveLength(1);
    expect(drifts()).toEqual([expect.objectContaining({ remediation: 'applied', actual: 'MUTABLE' })]);
  },
  'publish-fails-sweep': async () => {
    mutableRepository();
    let failures = 3;
    const accept = acceptPutEvents(published);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (failures-- > 0) throw awsError('InternalException');
      return accept(input);
    });
    const event = createRepositoryEvent();
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(handler(structuredClone(event), context)).rejects.toMatchObject({
        name: 'InternalException',
      });
    }
    const sweep = loadEventFixture<Event>('aws.events', 'repository-guard-scheduled-event');
    sweep.id = randomUUID();

    const swept = await handler(sweep, context);
    const nextSweep = await handler({ ...sweep, id: randomUUID() }, context);

    expect(swept).toMatchObject({ drifts: 0, eventsPublished: 1 });
    expect(nextSweep).toMatchObject({ drifts: 0, eventsPublished: 0 });
    expect(drifts()).toEqual([expect.objectContaining({ remediation: 'applied', actual: 'MUTABLE' })]);
  },
  'dynamodb-throttled': async () => {
    mutableRepository();
    world.state.on(PutCommand).rejectsOnce(awsError('ThrottlingException'));
    const event = createRepositoryEvent();

    await expect(handler(event, context)).rejects.toMatchObject({ name: 'ThrottlingException' });
    const callsBeforeRetry = world.aws.calls.count();
    const retried = await handler(structuredClone(event), context);

    expect(callsBeforeRetry).toBe(0);
    expect(retried).toMatchObject({ status: 'checked', applied: 1 });
    expect(drifts()).toHaveLength(1);
  },
  'duplicate-event': async () => {
    mutableRepository();
    const event = createRepositoryEvent();
    await handler(event, context);
    world.aws.calls.reset();

    const again = await handler(structuredClone(event), context);

    expect(again).toMatchObject({ status: 'duplicate' });
    expect(world.aws.calls.count()).toBe(0);
    expect(drifts()).toHaveLength(1);
  },
});
