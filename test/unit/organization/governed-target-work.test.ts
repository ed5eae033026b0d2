import type { UnreachableTarget } from '../../../shared/organization/account-unreachable';
import { runGovernedTargetWork } from '../../../shared/organization/governed-target-work';

const ACCOUNT = { id: '333333333333', alias: 'payments-prod', parents: [] };
const MESSAGE = {
  schemaVersion: 1 as const,
  work: 'repository-guard' as const,
  account: ACCOUNT.id,
  region: 'eu-west-1',
  runId: 'run-1',
};
const ROLE = 'arn:aws:iam::333333333333:role/ecr-warden-member';

function ports(check: () => Promise<void>) {
  const reports: UnreachableTarget[] = [];
  return {
    reports,
    access: { check, roleArn: () => ROLE },
    reporter: {
      report: async (target: UnreachableTarget) => {
        reports.push(target);
        return 'reported' as const;
      },
    },
  };
}

function named(name: string, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, fields);
}

describe('runGovernedTargetWork', () => {
  it('does the work when the account can be reached', async () => {
    const { reports, ...rest } = ports(async () => undefined);

    const outcome = await runGovernedTargetWork({ message: MESSAGE, account: ACCOUNT }, rest, {
      firstAction: 'ecr:DescribeRepositories',
      run: async () => 42,
    });

    expect(outcome).toEqual({ status: 'done', result: 42 });
    expect(reports).toEqual([]);
  });

  it('reports a member role that cannot be assumed, and does no work', async () => {
    const denied = named('MemberAccountUnreachableError', 'role cannot be assumed', {
      roleArn: ROLE,
      reason: 'role arn:aws:iam::333333333333:role/ecr-warden-member cannot be assumed (AccessDenied)',
      errorName: 'AccessDenied',
    });
    const { reports, ...rest } = ports(async () => {
      throw denied;
    });
    const run = jest.fn(async () => 1);

    const outcome = await runGovernedTargetWork({ message: MESSAGE, account: ACCOUNT }, rest, {
      firstAction: 'ecr:DescribeRepositories',
      run,
    });

    expect(outcome).toMatchObject({ status: 'unreachable', reported: 'reported' });
    expect(run).not.toHaveBeenCalled();
    expect(reports).toEqual([
      {
        kind: 'role',
        roleArn: ROLE,
        reason: 'role arn:aws:iam::333333333333:role/ecr-warden-member cannot be assumed (AccessDenied)',
        errorName: 'AccessDenied',
        runId: 'run-1',
        work: 'repository-guard',
        account: ACCOUNT,
        region: 'eu-west-1',
      },
    ]);
  });

  it('reports a region whose first call is refused as not enabled', async () => {
    const { reports, ...rest } = ports(async () => undefined);

    const outcome = await runGovernedTargetWork({ message: MESSAGE, account: ACCOUNT }, rest, {
      firstAction: 'ecr:DescribeRepositories',
      run: async () => {
        throw named('UnrecognizedClientException', 'The security token included in the request is invalid.');
      },
    });

    expect(outcome.status).toBe('unreachable');
    expect(reports[0]).toMatchObject({ kind: 'region', errorName: 'UnrecognizedClientException' });
  });

  it('throws any other failure of the work: the message is retried', async () => {
    const { reports, ...rest } = ports(async () => undefined);
    const failure = named('SweepIncompleteError', '2 repositories could not be checked');

    await expect(
      runGovernedTargetWork({ message: MESSAGE, account: ACCOUNT }, rest, {
        firstAction: 'ecr:DescribeRepositories',
        run: async () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(reports).toEqual([]);
  });
});
