// cleanup across an AWS Organization (issue 15): cleanupScheduler lists every governed account ×
// region through the member role and queues one request per repository; cleanupWorker acts in the
// member account with the member session and that account's in-use picture; an account whose role is
// missing, or trusts another principal, is reported Account Unreachable once per run and nothing is
// done there. On the registry simulator (its STS checks the member roles' trust), the state table on
// dynalite, SQS and EventBridge recorded.

import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { createOrganizationCleanupSchedulerDependencies } from '../../../shared/aws/cleanup-scheduler-organization';
import { createCleanupWorkerDependencies } from '../../../shared/aws/cleanup-worker-dependencies';
import type { RepositoryCleanupOutcome } from '../../../shared/cleanup/clean-repository';
import type { CleanupRequest } from '../../../shared/cleanup/cleanup-request';
import { scheduleOrganizationCleanup } from '../../../shared/cleanup/schedule-organization-cleanup';
import { parseConfig } from '../../../shared/config/load-config';
import type { GovernanceDetail } from '../../../shared/events/governance';
import { governedTargets, listedAccountDirectory } from '../../../shared/organization/governed-accounts';
import { createLambdaContext } from '../../support/lambda-context';
import { acceptPutEvents } from '../../support/put-events-stub';
import { acceptSendMessageBatch } from '../../support/send-message-batch-stub';
import { useStateTable } from '../../support/state-table';
import { silentLogger, sqsEvent } from './cleanup-worker-harness';

const HUB = '123456789012';
const MEMBER = '333333333333';
/** Governed, but the member stack was never deployed there: no role. */
const NO_ROLE = '444444444444';
/** The role exists but trusts another principal than the hub's functions. */
const WRONG_TRUST = '555555555555';
const REGIONS = ['us-east-1', 'eu-west-1'];
const RUN_ID = 'c0ffee00-1d2f-4e3a-9b7c-0a1b2c3d4e5f';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-cleanup';
const DAY_MS = 86_400_000;

const EXPIRE_OLDER_THAN_7_DAYS = {
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
};

const config = parseConfig({
  organization: {
    accounts: [HUB, MEMBER, NO_ROLE, WRONG_TRUST],
    regions: REGIONS,
    accountAliases: { [MEMBER]: 'payments-prod', [NO_ROLE]: 'legacy-sandbox' },
  },
  cleanup: {
    dryRun: false,
    maxDeletionShare: 1,
    protect: { taskDefinitionRevisions: 0 },
    rules: [
      { repositories: ['team/**'], policy: EXPIRE_OLDER_THAN_7_DAYS },
      // Only in payments-prod: the same glob elsewhere is left alone.
      { repositories: ['batch/**'], accounts: ['payments-prod'], policy: EXPIRE_OLDER_THAN_7_DAYS },
    ],
  },
});
const organization = config.organization as NonNullable<typeof config.organization>;

const table = useStateTable();
let sim: RegistrySimulator;
let restore: () => void;
let sqs: AwsClientStub<SQSClient>;
let entries: PutEventsRequestEntry[];

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});
beforeEach(() => {
  sim = createRegistrySimulator();
  const aws = sim.install();
  sqs = mockClient(SQSClient);
  sqs.on(SendMessageBatchCommand).callsFake(acceptSendMessageBatch);
  entries = [];
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(entries));
  const identity = sim.world.services.identity;
  identity.createRole({ accountId: MEMBER, roleName: 'ecr-warden-member' });
  identity.createRole({
    accountId: WRONG_TRUST,
    roleName: 'ecr-warden-member',
    trustedRoleArns: [`arn:aws:iam::${HUB}:role/someone-else`],
  });
  restore = () => {
    aws.restore();
    sqs.restore();
    eventBridge.restore();
  };
});
afterEach(() => restore());

function push(
  name: string,
  seed: string,
  at: { accountId: string; region: string },
  daysAgo = 30,
  tags: string[] = [],
) {
  return sim.pushImage({
    repositoryName: name,
    manifest: imageManifest({ seed }),
    tags,
    pushedAt: new Date(sim.clock.nowMs() - daysAgo * DAY_MS),
    ...at,
  }).image.digest;
}

function plantRepositories(): void {
  for (const accountId of [HUB, MEMBER, NO_ROLE, WRONG_TRUST]) {
    for (const region of REGIONS) {
      for (const name of ['team/api', 'batch/nightly', 'other/tool'])
        sim.addRepository(name, { accountId, region });
    }
  }
}

const unreachableEvents = () =>
  entries
    .filter((entry) => entry.DetailType === 'Account Unreachable')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Account Unreachable'>);

const queued = (): CleanupRequest[] =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.MessageBody ?? 'null'));

function schedulerPorts() {
  return createOrganizationCleanupSchedulerDependencies({
    queueUrl: QUEUE_URL,
    eventBusName: 'ecr-warden-test',
    tableName: table.tableName,
    stateClient: table.documentClient,
    hubAccount: HUB,
    hubRegion: 'us-east-1',
    memberRoleName: organization.memberRoleName,
    logger: silentLogger,
    now: () => sim.clock.nowMs(),
    sts: new STSClient({ region: 'us-east-1' }),
    sqs: new SQSClient({ region: 'us-east-1' }),
    eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
  });
}

function schedule() {
  return scheduleOrganizationCleanup(
    {
      runId: RUN_ID,
      rules: config.cleanup.rules,
      targets: governedTargets(listedAccountDirectory(organization), organization.regions),
    },
    schedulerPorts(),
  );
}

function workerDependencies(onCleaned?: (outcome: RepositoryCleanupOutcome) => void) {
  return {
    ...createCleanupWorkerDependencies({
      cleanup: config.cleanup,
      eventBusName: 'ecr-warden-test',
      tableName: table.tableName,
      stateClient: table.documentClient,
      logger: silentLogger,
      now: () => sim.clock.nowMs(),
      ecr: new ECRClient({ region: 'us-east-1', retryMode: 'standard', maxAttempts: 3 }),
      ecs: new ECSClient({ region: 'us-east-1' }),
      lambda: new LambdaClient({ region: 'us-east-1' }),
      eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
      organization: {
        config: organization,
        hubAccount: HUB,
        hubRegion: 'us-east-1',
        sts: new STSClient({ region: 'us-east-1' }),
      },
    }),
    ...(onCleaned === undefined ? {} : { onRepositoryCleaned: onCleaned }),
  };
}

function memberRequest(name: string, account = MEMBER, region = 'us-east-1'): CleanupRequest {
  return {
    schemaVersion: 1,
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${region}:${account}:repository/${name}`,
    registryId: account,
    region,
    runId: RUN_ID,
  };
}

describe('cleanupScheduler in an Organizations hub', () => {
  it('queues one request per covered repository of every reachable account × region, by globs and accounts', async () => {
    plantRepositories();

    const summary = await schedule();

    const expected = [
      ...REGIONS.map((region) => `${HUB}/${region}/team/api`),
      ...REGIONS.flatMap((region) => [`${MEMBER}/${region}/team/api`, `${MEMBER}/${region}/batch/nightly`]),
    ].sort();
    expect(
      queued()
        .map((r) => `${r.registryId}/${r.region}/${r.repositoryName}`)
        .sort(),
    ).toEqual(expected);
    expect(
      queued().find(
        (r) => r.registryId === MEMBER && r.region === 'eu-west-1' && r.repositoryName === 'team/api',
      ),
    ).toEqual({
      schemaVersion: 1,
      repositoryName: 'team/api',
      repositoryArn: `arn:aws:ecr:eu-west-1:${MEMBER}:repository/team/api`,
      registryId: MEMBER,
      region: 'eu-west-1',
      runId: RUN_ID,
    });
    expect(summary).toEqual({
      runId: RUN_ID,
      targets: 8,
      targetsListed: 4,
      targetsUnreachable: 4,
      pagesListed: 4,
      repositoriesListed: 12,
      repositoriesSelected: 6,
      requestsQueued: 6,
      // One per member account, the failures included (kept for the invocation); none for the hub.
      assumeRoleCalls: 3,
    });
  });

  it('reports an account without the role and one whose role trusts another principal, once per region, and once per run', async () => {
    plantRepositories();

    await schedule();
    await schedule(); // Lambda's retry of the same run: nothing reported twice

    const reported = unreachableEvents().map((d) => `${d.account}/${d.region}/${d.work}/${d.errorName}`);
    expect(reported.sort()).toEqual(
      [
        `${NO_ROLE}/eu-west-1/cleanup/AccessDenied`,
        `${NO_ROLE}/us-east-1/cleanup/AccessDenied`,
        `${WRONG_TRUST}/eu-west-1/cleanup/AccessDenied`,
        `${WRONG_TRUST}/us-east-1/cleanup/AccessDenied`,
      ].sort(),
    );
    const legacy = unreachableEvents().find((d) => d.account === NO_ROLE && d.region === 'us-east-1');
    expect(legacy).toMatchObject({
      accountAlias: 'legacy-sandbox',
      severity: 'warning',
      runId: RUN_ID,
      roleArn: `arn:aws:iam::${NO_ROLE}:role/ecr-warden-member`,
      summary: 'legacy-sandbox (444444444444) us-east-1: cleanup skipped, the member role cannot be assumed',
    });
    expect(queued().some((r) => r.registryId === NO_ROLE || r.registryId === WRONG_TRUST)).toBe(false);
  });
});

describe('cleanupWorker in an Organizations hub', () => {
  it('cleans a member repository with the member session and keeps the image an ECS service there runs', async () => {
    const at = { accountId: MEMBER, region: 'us-east-1' };
    sim.addRepository('team/api', at);
    const old = push('team/api', 'old', at, 40);
    const running = push('team/api', 'running', at, 60, ['live']);
    const uri = `${MEMBER}.dkr.ecr.us-east-1.amazonaws.com`;
    sim.registerTaskDefinition({
      family: 'api',
      containers: [{ name: 'app', image: `${uri}/team/api:live` }],
      ...at,
    });
    sim.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'api:1',
      runningTasks: 1,
      ...at,
    });
    // The hub's registry holds a repository of the same name: a different repository, untouched.
    sim.addRepository('team/api');
    const hubImage = push('team/api', 'hub-old', { accountId: HUB, region: 'us-east-1' }, 40);
    const outcomes: RepositoryCleanupOutcome[] = [];

    const response = await processCleanupBatch(
      sqsEvent([memberRequest('team/api')]),
      createLambdaContext('ecr-warden-test-cleanupWorker'),
      workerDependencies((outcome) => outcomes.push(outcome)),
    );

    expect(response.batchItemFailures).toEqual([]);
    const member = sim.repository('team/api', at);
    expect(member.images.has(old)).toBe(false);
    expect(member.images.has(running)).toBe(true);
    expect(sim.repository('team/api').images.has(hubImage)).toBe(true);
    const [outcome] = outcomes;
    const kept =
      outcome?.kind === 'cleaned' ? outcome.plan.keep.find((k) => k.imageDigest === running) : undefined;
    expect(kept?.reasons.map((reason) => reason.kind)).toContain('in-use-ecs-service');
    const report = entries.find((entry) => entry.DetailType === 'Cleanup Report');
    expect(JSON.parse(report?.Detail ?? '{}')).toMatchObject({
      account: MEMBER,
      accountAlias: 'payments-prod',
      region: 'us-east-1',
      repositoryName: 'team/api',
      imagesDeleted: 1,
    });
    // Every ECR call went to the member's registry with the member session; one AssumeRole.
    expect(sim.world.services.identity.sessions.size).toBe(1);
  });

  it('rejects a request of an ungoverned account, or whose ARN names another account, and does nothing', async () => {
    const at = { accountId: MEMBER, region: 'us-east-1' };
    sim.addRepository('team/api', at);
    const old = push('team/api', 'old', at, 40);
    const forgedArn = {
      ...memberRequest('team/api'),
      repositoryArn: `arn:aws:ecr:us-east-1:${HUB}:repository/team/api`,
    };

    const response = await processCleanupBatch(
      sqsEvent([
        memberRequest('team/api', '999999999999'),
        forgedArn,
        memberRequest('team/api', MEMBER, 'ap-south-1'),
      ]),
      createLambdaContext('ecr-warden-test-cleanupWorker'),
      workerDependencies(),
    );

    expect(response.batchItemFailures).toHaveLength(3);
    expect(sim.repository('team/api', at).images.has(old)).toBe(true);
    expect(entries).toEqual([]);
    expect(sim.world.services.identity.sessions.size).toBe(0);
  });

  it('completes the messages of an unreachable member account, reporting it once for the run', async () => {
    const response = await processCleanupBatch(
      sqsEvent([memberRequest('team/api', NO_ROLE), memberRequest('batch/nightly', NO_ROLE)]),
      createLambdaContext('ecr-warden-test-cleanupWorker'),
      workerDependencies(),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(unreachableEvents().map((d) => `${d.account}/${d.region}/${d.work}`)).toEqual([
      `${NO_ROLE}/us-east-1/cleanup`,
    ]);
    expect(entries.filter((entry) => entry.DetailType === 'Cleanup Report')).toEqual([]);
  });
});
