// replicationAudit as an Organizations hub (issue 15), end to end: the handler as deployed, the
// registry simulator serving ECR in every account (the member role assumed through the simulated STS),
// the state table on dynalite, EventBridge and SQS recorded.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { InstalledSimulator, RegistrySimulator } from '../../../local/registry-sim';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { EnvelopeMismatchError } from '../../../shared/events/envelope-agreement';
import { replicationAuditReportDetail, replicationFailureDetail } from '../../../shared/events/governance';
import { UngovernedEventError } from '../../../shared/events/governed-scope';
import { buildTargetMessage } from '../../../shared/events/target-message';
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

jest.mock('../../../shared/aws/dynamodb-client', () =>
  require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
);

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;

const TARGET_QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-ReplicationAuditTargetQueue';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const published: PutEventsRequestEntry[] = [];
const queued: string[] = [];
const table = useFileStateTable(`ecr-warden-test-${process.pid}-replication-org-state`);
let handler: Handler;
let sim: RegistrySimulator;
let env: InstalledSimulator;
const context = createLambdaContext('ecr-warden-test-replicationAudit');

beforeAll(() => {
  handler = loadHandler<Handler>('replicationAudit', {
    config: {
      organization: {
        accounts: [HUB, MEMBER, UNREACHABLE],
        regions: ['us-east-1'],
        memberRoleName: MEMBER_ROLE,
        accountAliases: { [MEMBER]: 'payments-prod', [UNREACHABLE]: 'legacy-sandbox' },
      },
      // The hub's own registry replicates nothing: only the member accounts are audited.
      replication: { destinationRegions: ['us-west-2'], accounts: ['payments-prod', 'legacy-sandbox'] },
    },
    env: {
      ...LAMBDA_TEST_ENVIRONMENT,
      STATE_TABLE_NAME: table.tableName,
      TARGET_QUEUE_URL,
      AWS_ACCESS_KEY_ID: 'AKIDTESTECRWARDEN',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
    },
    moduleRegistry: 'test-file',
  });
});
useRegistrySimulator((installed) => {
  ({ sim, env } = installed);
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

/** payments-prod replicates web/frontend to us-west-2, and the push of v3.2.0 fails there. */
function plantMemberFailure(): string {
  sim.addRepository('web/frontend', { accountId: MEMBER });
  sim.setReplicationRules([{ destinations: [{ region: 'us-west-2', registryId: MEMBER }] }], {
    accountId: MEMBER,
  });
  env.faults.failReplication({ destinationRegion: 'us-west-2', failureCode: 'KMS_KEY_NOT_FOUND' });
  return sim.pushImage({
    accountId: MEMBER,
    repositoryName: 'web/frontend',
    manifest: imageManifest({ seed: 'frontend-v3.2.0' }),
    tags: ['v3.2.0'],
    // Long enough ago that the audit does not count it in flight (replication.inFlightMinutes: 30).
    pushedAt: new Date(sim.clock.nowMs() - 2 * 3_600_000),
  }).image.digest;
}

/** The failed-replication fixture as payments-prod's rule forwards it to the hub bus. */
function memberFailure(id: string, digest: string, account = MEMBER) {
  const text = JSON.stringify(loadEventFixture('aws.ecr', 'ecr-replication-action-failed')).replaceAll(
    HUB,
    account,
  );
  const event = JSON.parse(text) as { id: string; detail: Record<string, unknown> };
  event.id = id;
  event.detail['image-digest'] = digest;
  return event;
}

function details(detailType: string): Record<string, unknown>[] {
  return published
    .filter((entry) => entry.DetailType === detailType)
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>);
}

const sqsEvent = (bodies: readonly string[]) =>
  targetQueueEvent('ecr-warden-test-ReplicationAuditTargetQueue', bodies, sim.clock.nowMs());

describe('replicationAudit as an Organizations hub', () => {
  it('alerts on a member account replication failure, with the code its registry reports through its member role', async () => {
    const digest = plantMemberFailure();

    const outcome = await handler(memberFailure('org-replication-1', digest), context);

    expect(outcome).toEqual({ outcome: 'failure-published', failureCode: 'KMS_KEY_NOT_FOUND' });
    expect(details('Replication Failure').map((detail) => replicationFailureDetail.parse(detail))).toEqual([
      expect.objectContaining({
        account: MEMBER,
        accountAlias: 'payments-prod',
        region: 'us-west-2',
        sourceAccount: MEMBER,
        repositoryName: 'web/frontend',
        failureCode: 'KMS_KEY_NOT_FOUND',
      }),
    ]);
    expect(env.mocks.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}`,
    ]);
  });

  it('refuses a member event that names another governed account as its source, naming both', async () => {
    const forged = memberFailure('org-replication-forged', `sha256:${'a'.repeat(64)}`);
    forged.detail['source-account'] = HUB;

    const failure = handler(forged, context);

    await expect(failure).rejects.toBeInstanceOf(EnvelopeMismatchError);
    await expect(failure).rejects.toThrow(
      `forged ECR Replication Action event org-replication-forged: detail.source-account: account ${HUB} is not the event's account ${MEMBER}`,
    );
    expect(env.calls.count()).toBe(0);
    expect(published).toEqual([]);
  });

  it('refuses a replication from an ungoverned region or account before reading anything', async () => {
    const otherRegion = memberFailure('org-replication-region', `sha256:${'b'.repeat(64)}`);
    otherRegion.detail['source-region'] = 'ap-south-1';

    await expect(handler(otherRegion, context)).rejects.toBeInstanceOf(UngovernedEventError);
    await expect(
      handler(memberFailure('org-replication-outsider', `sha256:${'c'.repeat(64)}`, '555555555555'), context),
    ).rejects.toThrow(/account: account 555555555555 is not governed here/);
    expect(env.calls.count()).toBe(0);
  });

  it('still alerts on a failure of an account whose member role cannot be assumed, and records no lag for its success', async () => {
    const failed = memberFailure('org-replication-unreachable', `sha256:${'d'.repeat(64)}`, UNREACHABLE);
    const succeeded = memberFailure(
      'org-replication-unreachable-ok',
      `sha256:${'d'.repeat(64)}`,
      UNREACHABLE,
    );
    succeeded.detail.result = 'SUCCESS';

    await expect(handler(failed, context)).resolves.toEqual({
      outcome: 'failure-published',
      failureCode: undefined,
    });
    await expect(handler(succeeded, context)).resolves.toMatchObject({
      outcome: 'lag-unknown',
      reason: 'the member role of 444444444444 cannot be assumed (WorkloadRoleNotAssumableError)',
    });
    expect(details('Replication Failure')).toEqual([
      expect.objectContaining({
        account: UNREACHABLE,
        accountAlias: 'legacy-sandbox',
        sourceAccount: UNREACHABLE,
      }),
    ]);
  });

  it('queues one audit target per account × region that replication.accounts covers', async () => {
    const schedule = loadEventFixture<{ id: string }>('aws.events', 'replication-audit-scheduled-event');

    const result = await handler(schedule, context);

    expect(result).toEqual({ status: 'queued', targetsQueued: 2 });
    expect(queued.map((body) => JSON.parse(body))).toEqual([
      buildTargetMessage('replication-audit', { account: MEMBER, region: 'us-east-1' }, schedule.id),
      buildTargetMessage('replication-audit', { account: UNREACHABLE, region: 'us-east-1' }, schedule.id),
    ]);
    expect(env.calls.count()).toBe(0);
  });

  it('audits each target in its account, names the account in the report, and reports the unreachable one once', async () => {
    plantMemberFailure();
    const bodies = [MEMBER, UNREACHABLE].map((account) =>
      JSON.stringify(buildTargetMessage('replication-audit', { account, region: 'us-east-1' }, 'run-1')),
    );

    const response = await handler(sqsEvent(bodies), context);
    await handler(sqsEvent(bodies.slice(1)), context); // the unreachable target redelivered

    expect(response).toEqual({ batchItemFailures: [] });
    const reports = details('Replication Audit Report').map((detail) =>
      replicationAuditReportDetail.parse(detail),
    );
    expect(reports).toEqual([
      expect.objectContaining({
        account: MEMBER,
        accountAlias: 'payments-prod',
        region: 'us-east-1',
        repositoriesAudited: 1,
        clean: false,
      }),
    ]);
    expect(reports[0]?.problemCounts).toMatchObject({ 'replication-failed': 1 });
    expect(details('Account Unreachable')).toEqual([
      expect.objectContaining({
        account: UNREACHABLE,
        accountAlias: 'legacy-sandbox',
        work: 'replication-audit',
        runId: 'run-1',
      }),
    ]);
  });
});
