import { ECRClient } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createMemberAccountAccess,
  MemberAccountUnreachableError,
} from '../../../shared/aws/member-account-access';
import { rejection } from '../../support/rejection';

const sts = mockClient(STSClient);
beforeEach(() => sts.reset());

function access() {
  return createMemberAccountAccess({
    hubAccount: '111111111111',
    hubRegion: 'us-east-1',
    memberRoleName: 'ecr-warden-member',
    functionName: 'cleanupWorker',
    sts: new STSClient({ region: 'us-east-1' }),
    now: () => Date.parse('2026-12-01T00:00:00Z'),
  });
}

const session = {
  Credentials: {
    AccessKeyId: 'ASIA1',
    SecretAccessKey: 's',
    SessionToken: 't',
    Expiration: new Date('2026-12-01T01:00:00Z'),
  },
};

describe('createMemberAccountAccess', () => {
  it('assumes the member role once per account, however many regions and clients act there', async () => {
    sts.on(AssumeRoleCommand).resolves(session);
    const member = access();

    const east = member.client(ECRClient, '222222222222', 'us-east-1');
    const west = member.client(ECRClient, '222222222222', 'eu-west-1');
    await Promise.all([member.check('222222222222'), east.config.credentials(), west.config.credentials()]);

    expect(member.client(ECRClient, '222222222222', 'us-east-1')).toBe(east);
    expect(await east.config.region()).toBe('us-east-1');
    expect(member.assumeRoleCalls).toBe(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::222222222222:role/ecr-warden-member',
      RoleSessionName: 'ecr-warden-cleanupWorker',
    });
  });

  it("acts in the hub's own account with the function's own credentials", async () => {
    const member = access();

    await member.check('111111111111');

    expect(member.clientConfig('111111111111', 'us-east-1').credentials).toBeUndefined();
    expect(member.assumeRoleCalls).toBe(0);
  });

  it('an account whose role cannot be assumed is unreachable, asked once for the invocation', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const member = access();

    const error = await rejection(member.check('333333333333'));
    await rejection(member.check('333333333333'));

    expect(error).toBeInstanceOf(MemberAccountUnreachableError);
    expect((error as MemberAccountUnreachableError).roleArn).toBe(
      'arn:aws:iam::333333333333:role/ecr-warden-member',
    );
    expect((error as MemberAccountUnreachableError).errorName).toBe('AccessDenied');
    expect(member.assumeRoleCalls).toBe(1);
  });
});
