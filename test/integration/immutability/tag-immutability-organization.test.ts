// tagImmutability as an Organizations hub (issue 15), end to end: the handler as deployed, the
// registry simulator serving ECR in every account (the member role assumed through the simulated STS),
// the state table on dynalite, EventBridge and SQS recorded.
import { PutImageTagMutabilityCommand } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { forwardedToHub } from '../../../local/organization/hub-delivery';
import type { InstalledSimulator, RegistrySimulator } from '../../../local/registry-sim';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { createStateStore } from '../../../shared/aws/state-store';
import { EnvelopeMismatchError } from '../../../shared/events/envelope-agreement';
import { UngovernedEventError } from '../../../shared/events/governed-scope';
import { buildTargetMessage } from '../../../shared/events/target-message';
import { tagLedger } from '../../../shared/state/state-keys';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { LAMBDA_TEST_ENVIRONMENT, loadHandler } from '../../support/load-handler';
import {
  acceptSendMessageBatch,
  HUB,
  MEMBER,
  MEMBER_ROLE,
  plantMemberRole,
  targetQueueEvent,
  UNREACHABLE,
} from '../../support/organization-hub';
import { acceptPutEvents } from '../../support/put-events-stub';
import { useRegistrySimulator } from '../../support/registry-simulator';
import { useFileStateTable } from '../../support/state-table';
import { GUARD_ROLE_ARN, PAYMENTS_RULE } from './guard-harness';

jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;

const TARGET_QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-TagImmutabilityTargetQueue';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const published: PutEventsRequestEntry[] = [];
const queued: string[] = [];
const table = useFileStateTable(`ecr-warden-test-${process.pid}-guard-org-state`);
let handler: Handler;
let sim: RegistrySimulator;
let env: InstalledSimulator;
const context = createLambdaContext('ecr-warden-test-tagImmutability');

const CONFIG = {
  organization: {
    accounts: [HUB, MEMBER, UNREACHABLE],
    regions: ['us-east-1', 'eu-west-1'],
    memberRoleName: MEMBER_ROLE,
    accountAliases: { [MEMBER]: 'payments-prod', [UNREACHABLE]: 'legacy-sandbox' },
  },
  immutability: {
    dryRun: false,
    rules: [
      // Member accounts' payments repositories are fixed; the hub's are reported only (by account).
      { ...PAYMENTS_RULE, accounts: ['payments-prod', 'legacy-sandbox'] },
      { ...PAYMENTS_RULE, remediate: false },
    ],
  },
};

beforeAll(() => {
  handler = loadHandler<Handler>('tagImmutability', {
    config: CONFIG,
    env: { ...LAMBDA_TEST_ENVIRONMENT, STATE_TABLE_NAME: table.tableName, GUARD_ROLE_ARN, TARGET_QUEUE_URL },
    moduleRegistry: 'test-file',
  });
});
useRegistrySimulator((installed) => {
  ({ sim, env } = installed);
  // The member stack's role in payments-prod, trusting the hub function's role; none in legacy-sandbox.
  plantMemberRole(sim);
});
afterEach(() => {
  jest.restoreAllMocks();
});
beforeEach(() => {
  published.length = 0;
  queued.length = 0;
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published));
  sqs.reset();
  acceptSendMessageBatch(sqs, queued);
});

/** The CloudTrail fixture as the member account's trail records it (every account id replaced). */
function memberCloudTrail(id: string, account = MEMBER, region = 'us-east-1') {
  const text = JSON.stringify(loadEventFixture('aws.ecr', 'cloudtrail-put-image-tag-mutability'))
    .replaceAll(HUB, account)
    .replaceAll('us-east-1', region);
  return { ...(JSON.parse(text) as { detail: Record<string, unknown> }), id };
}

function details(detailType: string): Record<string, unknown>[] {
  return published
    .filter((entry) => entry.DetailType === detailType)
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>);
}

const sqsEvent = (bodies: readonly string[]) =>
  targetQueueEvent('ecr-warden-test-TagImmutabilityTargetQueue', bodies, Date.parse('2026-11-01T03:00:00Z'));

describe('tagImmutability as an Organizations hub', () => {
  it('fixes a drift in the member account the CloudTrail record comes from, through its member role, and names the account', async () => {
    sim.addRepository('payments/worker', { accountId: MEMBER, imageTagMutability: 'MUTABLE' });
    sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' }); // the hub's, untouched

    const result = await handler(memberCloudTrail('org-ct-1'), context);

    expect(result).toMatchObject({ status: 'checked', drifts: 1, applied: 1 });
    expect(sim.repository('payments/worker', { accountId: MEMBER }).imageTagMutability).toBe(
      'IMMUTABLE_WITH_EXCLUSION',
    );
    expect(sim.repository('payments/worker').imageTagMutability).toBe('MUTABLE');
    expect(env.mocks.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}`,
    ]);
    expect(details('Repository Settings Drift')).toEqual([
      expect.objectContaining({
        account: MEMBER,
        accountAlias: 'payments-prod',
        region: 'us-east-1',
        repositoryName: 'payments/worker',
        remediation: 'applied',
      }),
    ]);
  });

  it('keeps a tag of a member repository apart from the same tag of the hub repository of the same name', async () => {
    sim.addRepository('payments/worker', { accountId: MEMBER });
    sim.addRepository('payments/worker');
    const memberPush = sim.pushImage({
      accountId: MEMBER,
      repositoryName: 'payments/worker',
      manifest: imageManifest({ seed: 'm1' }),
      tags: ['latest'],
    });
    const push = (account: string, digest: string) => {
      const event = JSON.parse(
        JSON.stringify(loadEventFixture('aws.ecr', 'image-action-push')).replaceAll(HUB, account),
      ) as { id: string; detail: Record<string, unknown> };
      event.id = `push-${account}`;
      event.detail['image-digest'] = digest;
      return event;
    };

    // Delivered as the member stack's forwarding rule (ImagePushes) hands it to the hub bus.
    await handler(forwardedToHub(push(MEMBER, memberPush.image.digest)), context);

    // The hub's own ledger keeps the keys written before issue 15; the member's name its location.
    const store = createStateStore({ tableName: table.tableName });
    const partition = (at?: { account: string; region: string }) =>
      store.query({ pk: tagLedger.partition('payments/worker', at), consistentRead: true });
    expect((await partition({ account: MEMBER, region: 'us-east-1' })).map((item) => item.sk).sort()).toEqual(
      ['@HEAD#latest', '@SEEDED', expect.stringMatching(/^latest#/)],
    );
    expect(await partition()).toEqual([]);
  });

  it('refuses a member event whose record claims another governed account, naming both, and calls nothing', async () => {
    const forged = memberCloudTrail('org-ct-forged');
    forged.detail.recipientAccountId = HUB;

    const failure = handler(forged, context);

    await expect(failure).rejects.toBeInstanceOf(EnvelopeMismatchError);
    await expect(failure).rejects.toBeInstanceOf(UngovernedEventError);
    await expect(failure).rejects.toThrow(
      `forged AWS API Call via CloudTrail event org-ct-forged: detail.recipientAccountId: account ${HUB} is not the event's account ${MEMBER}`,
    );
    expect(env.calls.count()).toBe(0);
    expect(published).toEqual([]);
  });

  it('refuses an event of an account outside the organization and of a region it does not govern', async () => {
    await expect(handler(memberCloudTrail('org-ct-outsider', '555555555555'), context)).rejects.toThrow(
      `ungoverned AWS API Call via CloudTrail event org-ct-outsider: account: account 555555555555 is not governed here (${HUB}, ${MEMBER}, ${UNREACHABLE})`,
    );
    await expect(handler(memberCloudTrail('org-ct-region', MEMBER, 'ap-south-1'), context)).rejects.toThrow(
      /^ungoverned AWS API Call via CloudTrail event org-ct-region: region: region ap-south-1 is not governed here \(eu-west-1, us-east-1\)/,
    );
    expect(env.calls.count()).toBe(0);
  });

  it('reports an event of an account whose member role cannot be assumed and fails it, touching nothing', async () => {
    const event = memberCloudTrail('org-ct-unreachable', UNREACHABLE);

    await expect(handler(event, context)).rejects.toThrow(/^the event of 444444444444 was not handled: /);
    await expect(handler(structuredClone(event), context)).rejects.toThrow(/was not handled/);

    expect(env.calls.count(undefined, { service: 'ecr' })).toBe(0);
    expect(details('Account Unreachable')).toEqual([
      expect.objectContaining({
        account: UNREACHABLE,
        accountAlias: 'legacy-sandbox',
        work: 'event',
        runId: 'org-ct-unreachable',
      }),
    ]);
  });

  it('queues one sweep target per governed account × region on its schedule, and sweeps nothing itself', async () => {
    const schedule = loadEventFixture('aws.events', 'repository-guard-scheduled-event');

    const result = await handler(schedule, context);

    expect(result).toEqual({ status: 'queued', targetsQueued: 6 });
    expect(queued.map((body) => JSON.parse(body))).toEqual(
      [HUB, MEMBER, UNREACHABLE].flatMap((account) =>
        ['us-east-1', 'eu-west-1'].map((region) =>
          buildTargetMessage('repository-guard', { account, region }, (schedule as { id: string }).id),
        ),
      ),
    );
    expect(env.calls.count()).toBe(0);
  });

  it('sweeps each target in its account, reports the unreachable one once, and completes the others', async () => {
    sim.addRepository('payments/api', { accountId: MEMBER, imageTagMutability: 'MUTABLE' });
    sim.addRepository('payments/api', { imageTagMutability: 'MUTABLE' });
    const bodies = [HUB, MEMBER, UNREACHABLE].map((account) =>
      JSON.stringify(buildTargetMessage('repository-guard', { account, region: 'us-east-1' }, 'run-1')),
    );

    const response = await handler(sqsEvent(bodies), context);
    const redelivered = await handler(sqsEvent(bodies), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    // The member's repository fixed through its role, the hub's reported only (its rule says so).
    expect(sim.repository('payments/api', { accountId: MEMBER }).imageTagMutability).toBe(
      'IMMUTABLE_WITH_EXCLUSION',
    );
    expect(sim.repository('payments/api').imageTagMutability).toBe('MUTABLE');
    expect(env.mocks.ecr.commandCalls(PutImageTagMutabilityCommand)).toHaveLength(1);
    expect(
      details('Repository Settings Drift').map((detail) => [
        detail.account,
        detail.accountAlias,
        detail.remediation,
      ]),
    ).toEqual([
      [HUB, undefined, 'report-only'],
      [MEMBER, 'payments-prod', 'applied'],
    ]);
    expect(details('Account Unreachable')).toEqual([
      expect.objectContaining({
        account: UNREACHABLE,
        accountAlias: 'legacy-sandbox',
        region: 'us-east-1',
        work: 'repository-guard',
        runId: 'run-1',
        roleArn: `arn:aws:iam::${UNREACHABLE}:role/${MEMBER_ROLE}`,
      }),
    ]);
    // One AssumeRole per member account per invocation, never one per repository.
    expect(env.mocks.sts.commandCalls(AssumeRoleCommand)).toHaveLength(4);
  });

  it('reports a region whose endpoint cannot be reached, and fails only the messages that are not targets of its own', async () => {
    sim.addRepository('payments/api', { accountId: MEMBER, imageTagMutability: 'MUTABLE' });
    env.faults.unreachable('eu-west-1');
    const bodies = [
      JSON.stringify(
        buildTargetMessage('repository-guard', { account: MEMBER, region: 'us-east-1' }, 'run-2'),
      ),
      JSON.stringify(
        buildTargetMessage('repository-guard', { account: MEMBER, region: 'eu-west-1' }, 'run-2'),
      ),
      JSON.stringify(
        buildTargetMessage('repository-guard', { account: '555555555555', region: 'us-east-1' }, 'run-2'),
      ),
      JSON.stringify(
        buildTargetMessage('replication-audit', { account: MEMBER, region: 'us-east-1' }, 'run-2'),
      ),
    ];

    const response = await handler(sqsEvent(bodies), context);

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'target-2' }, { itemIdentifier: 'target-3' }],
    });
    expect(sim.repository('payments/api', { accountId: MEMBER }).imageTagMutability).toBe(
      'IMMUTABLE_WITH_EXCLUSION',
    );
    expect(details('Account Unreachable')).toEqual([
      expect.objectContaining({
        account: MEMBER,
        region: 'eu-west-1',
        work: 'repository-guard',
        errorName: 'ECONNREFUSED',
      }),
    ]);
  });
});
