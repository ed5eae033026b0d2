import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { BatchClient } from '@aws-sdk/client-batch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { readAppRunnerServices } from '../../../shared/aws/app-runner-services';
import { readActiveJobDefinitions } from '../../../shared/aws/batch-job-definitions';
import {
  createWorkloadAccountCredentials,
  createWorkloadClients,
  roleSessionName,
  WorkloadAccessSettingsError,
  WorkloadRoleNotAssumableError,
} from '../../../shared/aws/workload-account-credentials';
import { createWorkloadInventory } from '../../../shared/aws/workload-inventory';
import { rejection } from '../../support/rejection';

const HUB = '123456789012';
const WORKLOAD = '222222222222';
const OTHER = '333333333333';
const REGION = 'us-east-1';
const ROLE = 'ecr-warden-workload-reader';
const WORKER_ROLE = `arn:aws:iam::${HUB}:role/ecr-warden-worker`;

let sim: RegistrySimulator;
let env: InstalledSimulator;

beforeEach(() => {
  sim = createRegistrySimulator({ accountId: HUB });
  env = sim.install();
  sim.services.identity.createRole({ accountId: WORKLOAD, roleName: ROLE, trustedRoleArns: [WORKER_ROLE] });
});

afterEach(() => env.restore());

function access(overrides: Partial<Parameters<typeof createWorkloadAccountCredentials>[0]> = {}) {
  return createWorkloadAccountCredentials({
    partition: 'aws',
    roleName: ROLE,
    functionName: 'cleanupWorker',
    sts: new STSClient({ region: REGION, maxAttempts: 3 }),
    now: () => sim.clock.nowMs(),
    ...overrides,
  });
}

describe('createWorkloadAccountCredentials', () => {
  it('assumes the role once per account however many callers ask at once, and reuses the session', async () => {
    const credentials = access();

    const answers = await Promise.all(Array.from({ length: 10 }, () => credentials.credentialsFor(WORKLOAD)));
    await credentials.credentialsFor(WORKLOAD);

    expect(credentials.assumeRoleCalls).toBe(1);
    expect(env.calls.count('AssumeRole')).toBe(1);
    expect(new Set(answers.map((answer) => answer.accessKeyId)).size).toBe(1);
    expect(env.mocks.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: `arn:aws:iam::${WORKLOAD}:role/${ROLE}`,
      RoleSessionName: 'ecr-warden-cleanupWorker',
      DurationSeconds: 3600,
    });
  });

  it('assumes the role again once the session comes within the refresh margin of its Expiration', async () => {
    const credentials = access({ refreshMarginMs: 5 * 60_000 });
    const first = await credentials.credentialsFor(WORKLOAD);

    sim.clock.advance({ minutes: 54 });
    const stillFirst = await credentials.credentialsFor(WORKLOAD);
    sim.clock.advance({ minutes: 2 });
    const second = await credentials.credentialsFor(WORKLOAD);

    expect(stillFirst.accessKeyId).toBe(first.accessKeyId);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(credentials.assumeRoleCalls).toBe(2);
  });

  it('passes the external id, and a role that requires another one cannot be assumed', async () => {
    sim.services.identity.createRole({
      accountId: OTHER,
      roleName: ROLE,
      trustedRoleArns: [WORKER_ROLE],
      externalId: 'expected-id',
    });

    const good = await access({ externalId: 'expected-id' }).credentialsFor(OTHER);
    const error = await rejection(access({ externalId: 'other-id' }).credentialsFor(OTHER));

    expect(good.accessKeyId).toMatch(/^ASIA/);
    expect(error).toBeInstanceOf(WorkloadRoleNotAssumableError);
    expect((error as WorkloadRoleNotAssumableError).errorName).toBe('AccessDenied');
    expect((error as WorkloadRoleNotAssumableError).reason).toMatch(
      /^role arn:aws:iam::333333333333:role\/ecr-warden-workload-reader cannot be assumed \(AccessDenied\): .*with this external id/,
    );
  });

  it('reports a missing role or one that does not trust the worker as "cannot be assumed", once per invocation', async () => {
    sim.services.identity.createRole({
      accountId: OTHER,
      roleName: ROLE,
      trustedRoleArns: [`arn:aws:iam::${HUB}:role/someone-else`],
    });
    const credentials = access();

    const untrusted = await rejection(credentials.credentialsFor(OTHER));
    const again = await rejection(credentials.credentialsFor(OTHER));
    const missing = await rejection(credentials.credentialsFor('444444444444'));

    for (const error of [untrusted, missing]) {
      expect(error).toBeInstanceOf(WorkloadRoleNotAssumableError);
      expect(error.message).toContain('cannot be assumed (AccessDenied)');
    }
    expect(again).toBe(untrusted);
    expect((missing as WorkloadRoleNotAssumableError).account).toBe('444444444444');
    expect(env.calls.count('AssumeRole', { outcome: 'AccessDenied' })).toBe(2);
  });

  it('survives a throttled STS through the SDK retries', async () => {
    env.faults.throttle({ service: 'sts', api: 'AssumeRole', times: 1 });

    const credentials = await access().credentialsFor(WORKLOAD);

    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(env.calls.count('AssumeRole')).toBe(2);
  });

  it('refuses settings STS would refuse, before any call', () => {
    expect(() => access({ durationSeconds: 7200 })).toThrow(WorkloadAccessSettingsError);
    expect(() => access({ durationSeconds: 600 })).toThrow(/900-3600 seconds/);
    expect(() => access({ externalId: 'x' })).toThrow(/external id/);
    expect(() => access({ roleName: 'has space' })).toThrow(/not an IAM role name/);
    expect(() => access().roleArn('2222')).toThrow(/not 12 digits/);
    expect(env.calls.count('AssumeRole')).toBe(0);
  });

  it('makes a RoleSessionName STS accepts from any function key', () => {
    expect(roleSessionName('cleanupWorker')).toBe('ecr-warden-cleanupWorker');
    expect(roleSessionName('a function/with spaces')).toBe('ecr-warden-a-function-with-spaces');
    expect(roleSessionName('x'.repeat(80))).toHaveLength(64);
  });
});

describe('clients of a workload account', () => {
  it('read the ECS and Lambda in-use picture of the assumed account, not the hub', async () => {
    const uri = `${HUB}.dkr.ecr.${REGION}.amazonaws.com/team/app`;
    sim.addRepository('team/app');
    sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: 'v1' }), tags: ['v1'] });
    sim.registerTaskDefinition({
      family: 'payments',
      containers: [{ name: 'app', image: `${uri}:v1` }],
      accountId: WORKLOAD,
    });
    sim.createService({
      cluster: 'prod',
      serviceName: 'payments-api',
      taskDefinition: 'payments:1',
      runningTasks: 2,
      accountId: WORKLOAD,
    });
    sim.createFunction({ functionName: 'resizer', imageUri: `${uri}:v1`, accountId: WORKLOAD });
    sim.registerTaskDefinition({ family: 'hub-only', containers: [{ name: 'app', image: `${uri}:v1` }] });
    const credentials = access();
    const clients = createWorkloadClients(credentials);

    const workloads = await createWorkloadInventory({
      ecs: clients.client(ECSClient, WORKLOAD, REGION),
      lambda: clients.client(LambdaClient, WORKLOAD, REGION),
      taskDefinitionRevisions: 1,
    }).readWorkloads();
    const identity = await clients.client(STSClient, WORKLOAD, REGION).send(new GetCallerIdentityCommand({}));

    expect(workloads.ecs.services.map((service) => service.serviceName)).toEqual(['payments-api']);
    expect(workloads.ecs.tasks).toHaveLength(2);
    expect(workloads.ecs.taskDefinitions.map((definition) => definition.family)).toEqual(['payments']);
    expect(workloads.lambda.functions.map((fn) => fn.Configuration?.FunctionName)).toContain('resizer');
    expect(identity.Account).toBe(WORKLOAD);
    expect(identity.Arn).toBe(`arn:aws:sts::${WORKLOAD}:assumed-role/${ROLE}/ecr-warden-cleanupWorker`);
    expect(credentials.assumeRoleCalls).toBe(1);
    expect(env.calls.count(undefined, { accountId: HUB, service: 'ecs' })).toBe(0);
    expect(clients.client(ECSClient, WORKLOAD, REGION)).toBe(clients.client(ECSClient, WORKLOAD, REGION));
  });

  it("read the assumed account's Batch job definitions and App Runner services, one AssumeRole for all clients", async () => {
    const image = `${HUB}.dkr.ecr.${REGION}.amazonaws.com/team/app:v1`;
    sim.services
      .batch(WORKLOAD, REGION)
      .registerJobDefinition({ jobDefinitionName: 'nightly', image, at: 0 });
    sim.services
      .appRunner(WORKLOAD, REGION)
      .createService({ serviceName: 'web', imageIdentifier: image, at: 0 });
    sim.services.batch(HUB, REGION).registerJobDefinition({ jobDefinitionName: 'hub-job', image, at: 0 });
    const credentials = access();
    const clients = createWorkloadClients(credentials);

    const [definitions, services] = await Promise.all([
      readActiveJobDefinitions(clients.client(BatchClient, WORKLOAD, REGION)),
      readAppRunnerServices(clients.client(AppRunnerClient, WORKLOAD, REGION)),
    ]);

    expect(definitions.map((d) => d.jobDefinitionArn)).toEqual([
      `arn:aws:batch:${REGION}:${WORKLOAD}:job-definition/nightly:1`,
    ]);
    expect(services.map((service) => service.ServiceName)).toEqual(['web']);
    expect(credentials.assumeRoleCalls).toBe(1);
  });

  it('fail with ExpiredTokenException when a session is used past its Expiration without the cache', async () => {
    const credentials = access();
    const session = await credentials.credentialsFor(WORKLOAD);
    const stale = new ECSClient({ region: REGION, credentials: session, maxAttempts: 1 });

    sim.clock.advance({ hours: 2 });
    const error = await rejection(
      createWorkloadInventory({
        ecs: stale,
        lambda: new LambdaClient({ region: REGION }),
        taskDefinitionRevisions: 0,
      }).readWorkloads(),
    );

    expect(error.name).toBe('ExpiredTokenException');
  });
});
