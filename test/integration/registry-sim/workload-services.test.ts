import { BatchClient, DescribeJobDefinitionsCommand } from '@aws-sdk/client-batch';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { rejection } from '../../support/rejection';

const HUB = '123456789012';
const WORKLOAD = '222222222222';
const REGION = 'us-east-1';
const ROLE_ARN = `arn:aws:iam::${WORKLOAD}:role/reader`;

let sim: RegistrySimulator;
let env: InstalledSimulator;
const sts = new STSClient({ region: REGION, maxAttempts: 1 });

beforeEach(() => {
  sim = createRegistrySimulator({ accountId: HUB });
  env = sim.install();
  sim.services.identity.createRole({ accountId: WORKLOAD, roleName: 'reader', maxSessionDuration: 43_200 });
});

afterEach(() => env.restore());

const assume = (input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) =>
  sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'bench', ...input }));

describe('simulated STS', () => {
  it('answers GetCallerIdentity for a client without session credentials as the worker role in the default account', async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    expect(identity.Account).toBe(HUB);
    expect(identity.Arn).toBe(`arn:aws:sts::${HUB}:assumed-role/ecr-warden-worker/ecr-warden-worker`);
  });

  it('issues credentials that expire after DurationSeconds and act in the role account', async () => {
    const output = await assume({ DurationSeconds: 900 });
    const assumed = new STSClient({
      region: REGION,
      credentials: {
        accessKeyId: output.Credentials?.AccessKeyId as string,
        secretAccessKey: output.Credentials?.SecretAccessKey as string,
        sessionToken: output.Credentials?.SessionToken as string,
      },
    });

    const identity = await assumed.send(new GetCallerIdentityCommand({}));
    sim.clock.advance({ minutes: 16 });
    const expired = await rejection(assumed.send(new GetCallerIdentityCommand({})));

    expect(output.Credentials?.Expiration).toEqual(new Date(sim.clock.nowMs() - 60_000));
    expect(identity.Account).toBe(WORKLOAD);
    expect(expired.name).toBe('ExpiredTokenException');
  });

  it('refuses, as STS does, more than an hour to a role session (role chaining) and names outside the pattern', async () => {
    const chained = await rejection(assume({ DurationSeconds: 7200 }));
    const badName = await rejection(assume({ RoleSessionName: 'has space' }));

    expect(chained.name).toBe('ValidationError');
    expect(chained.message).toContain('1 hour session limit for roles assumed by role chaining');
    expect(badName.name).toBe('ValidationError');
  });

  it('answers AccessDenied (403) with the message STS gives, for every refusal alike', async () => {
    const error = await rejection(assume({ RoleArn: `arn:aws:iam::${WORKLOAD}:role/missing` }));

    expect(error.name).toBe('AccessDenied');
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: arn:aws:sts::${HUB}:assumed-role/ecr-warden-worker/ecr-warden-worker is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${WORKLOAD}:role/missing`,
    );
  });

  it('injects faults in the new services as in the others: denied access, throttling, an unreachable region', async () => {
    env.faults
      .denyAccess({ service: 'sts', times: 1 })
      .throttle({ service: 'batch', api: 'DescribeJobDefinitions' });
    const batch = new BatchClient({ region: REGION, maxAttempts: 2 });

    const denied = await rejection(assume());
    const throttled = await rejection(batch.send(new DescribeJobDefinitionsCommand({ status: 'ACTIVE' })));
    env.faults.clear().unreachable(REGION);
    const unreachable = await rejection(assume());

    expect(denied.name).toBe('AccessDenied');
    expect(throttled.name).toBe('ThrottlingException');
    expect(env.calls.count('DescribeJobDefinitions')).toBe(2);
    expect((unreachable as { code?: string }).code).toBe('ECONNREFUSED');
    expect(unreachable.message).toContain(`sts.${REGION}.amazonaws.com`);
  });
});

describe('simulated Batch', () => {
  it('refuses jobDefinitions combined with other parameters, and a foreign token', async () => {
    const batch = new BatchClient({ region: REGION });
    sim.services.batch(HUB, REGION).registerJobDefinition({ jobDefinitionName: 'a', image: 'x', at: 0 });

    const combined = await rejection(
      batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: ['a:1'], status: 'ACTIVE' })),
    );
    const named = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: ['a:1'] }));
    const foreign = await rejection(batch.send(new DescribeJobDefinitionsCommand({ nextToken: 'nope' })));

    expect(combined.name).toBe('ClientException');
    expect(named.jobDefinitions?.map((d) => d.jobDefinitionArn)).toEqual([
      `arn:aws:batch:${REGION}:${HUB}:job-definition/a:1`,
    ]);
    expect(foreign.name).toBe('ClientException');
  });
});
