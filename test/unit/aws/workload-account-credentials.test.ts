import { AssumeRoleCommand, RegionDisabledException, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createWorkloadAccountCredentials,
  partitionOfRegion,
  WorkloadRoleNotAssumableError,
  workloadRoleArn,
} from '../../../shared/aws/workload-account-credentials';
import { rejection } from '../../support/rejection';

const sts = mockClient(STSClient);
const ACCOUNT = '222222222222';

beforeEach(() => sts.reset());

function credentials(now = () => Date.parse('2026-11-01T00:00:00Z')) {
  return createWorkloadAccountCredentials({
    partition: 'aws-cn',
    roleName: 'reader',
    functionName: 'cleanupWorker',
    sts: new STSClient({ region: 'cn-north-1' }),
    now,
  });
}

describe('createWorkloadAccountCredentials (STS answers the simulator does not give)', () => {
  it('names the partition in the role ARN', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA1',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date('2026-11-01T01:00:00Z'),
      },
    });

    await credentials().credentialsFor(ACCOUNT);

    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleArn).toBe(
      'arn:aws-cn:iam::222222222222:role/reader',
    );
  });

  it('says STS is not activated in the region for RegionDisabledException', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(new RegionDisabledException({ message: 'STS is not activated', $metadata: {} }));

    const error = (await rejection(credentials().credentialsFor(ACCOUNT))) as WorkloadRoleNotAssumableError;

    expect(error).toBeInstanceOf(WorkloadRoleNotAssumableError);
    expect(error.errorName).toBe('RegionDisabledException');
    expect(error.reason).toContain("STS is not activated for the account in the worker's region");
    expect(error.cause).toBeInstanceOf(RegionDisabledException);
  });

  it('fails closed when STS answers without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});

    const error = await rejection(credentials().credentialsFor(ACCOUNT));

    expect(error.message).toBe(
      'role arn:aws-cn:iam::222222222222:role/reader cannot be assumed: STS answered without credentials',
    );
  });

  it('keeps a session without Expiration for the invocation', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: undefined },
    });
    let now = 0;
    const cache = credentials(() => now);

    await cache.credentialsFor(ACCOUNT);
    now = 10 * 3_600_000;
    await cache.credentialsFor(ACCOUNT);

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});

describe('ARNs and partitions', () => {
  it('builds the role ARN and tells the partition of a region', () => {
    expect(workloadRoleArn('aws', ACCOUNT, 'r')).toBe('arn:aws:iam::222222222222:role/r');
    expect(partitionOfRegion('us-east-1')).toBe('aws');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
  });
});
