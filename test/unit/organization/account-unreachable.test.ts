import {
  buildAccountUnreachableEvent,
  createAccountUnreachableReporter,
  targetUnreachableCause,
} from '../../../shared/organization/account-unreachable';
import type { RunOnceGuard } from '../../../shared/state/run-once';

const where = {
  account: '444444444444',
  region: 'ap-east-1',
  roleArn: 'arn:aws:iam::444444444444:role/ecr-warden-member',
  action: 'ecr:DescribeRepositories',
};

function sdkError(name: string, message: string, code?: string): Error {
  const error = Object.assign(new Error(message), code === undefined ? {} : { code });
  error.name = name;
  return error;
}

describe('targetUnreachableCause', () => {
  it.each([
    ['UnrecognizedClientException', 'region'],
    ['InvalidClientTokenId', 'region'],
    ['AuthFailure', 'region'],
    ['AccessDeniedException', 'denied'],
  ])('takes %s on the first call as unreachable (%s)', (name, kind) => {
    expect(
      targetUnreachableCause(sdkError(name, 'The security token included in the request is invalid.'), where),
    ).toMatchObject({ kind, errorName: name, roleArn: where.roleArn });
  });

  it('takes an endpoint that does not resolve as an unreachable region', () => {
    const cause = targetUnreachableCause(
      sdkError('Error', 'getaddrinfo ENOTFOUND api.ecr.ap-east-1.amazonaws.com', 'ENOTFOUND'),
      where,
    );

    expect(cause).toEqual({
      kind: 'region',
      roleArn: where.roleArn,
      reason:
        'region ap-east-1 could not be reached (ENOTFOUND): getaddrinfo ENOTFOUND api.ecr.ap-east-1.amazonaws.com',
      errorName: 'ENOTFOUND',
    });
  });

  it('leaves a throttle or a server error to fail the work as in one account', () => {
    expect(targetUnreachableCause(sdkError('ThrottlingException', 'Rate exceeded'), where)).toBeUndefined();
    expect(targetUnreachableCause(sdkError('ServerException', 'oops'), where)).toBeUndefined();
    expect(targetUnreachableCause('not an error', where)).toBeUndefined();
  });
});

describe('the Account Unreachable reporter', () => {
  const target = {
    runId: 'run-1',
    work: 'cleanup' as const,
    account: { id: '444444444444', alias: 'legacy-sandbox', parents: [] },
    region: 'eu-west-1',
    kind: 'role' as const,
    roleArn: where.roleArn,
    reason: 'role arn:aws:iam::444444444444:role/ecr-warden-member cannot be assumed (AccessDenied): …',
    errorName: 'AccessDenied',
  };

  it('builds the documented event: the member account, its alias, the work, the role and why', () => {
    expect(buildAccountUnreachableEvent(target, 'us-east-1')).toEqual({
      detailType: 'Account Unreachable',
      detail: {
        schemaVersion: 1,
        account: '444444444444',
        accountAlias: 'legacy-sandbox',
        region: 'eu-west-1',
        severity: 'warning',
        summary:
          'legacy-sandbox (444444444444) eu-west-1: cleanup skipped, the member role cannot be assumed',
        consoleUrl:
          'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacksets',
        runId: 'run-1',
        work: 'cleanup',
        roleArn: where.roleArn,
        reason: target.reason,
        errorName: 'AccessDenied',
      },
    });
  });

  it('publishes and counts once per run, account × region and work', async () => {
    const done = new Set<string>();
    const keys: string[] = [];
    const guard: RunOnceGuard = {
      async runOnce(key, _options, action) {
        keys.push(key);
        if (done.has(key)) return { status: 'duplicate', completedAt: '2026-12-01T00:00:00Z' };
        done.add(key);
        return { status: 'executed', result: await action() };
      },
    };
    const published: unknown[] = [];
    let counted = 0;
    const reporter = createAccountUnreachableReporter({
      guard,
      publisher: { publish: async (events) => void published.push(...events) },
      metrics: {
        accountUnreachable: () => {
          counted += 1;
        },
      },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      scope: 'cleanup',
      hubRegion: 'us-east-1',
    });

    const first = await reporter.report(target);
    const again = await reporter.report(target);
    const otherRegion = await reporter.report({ ...target, region: 'us-east-1' });

    expect([first, again, otherRegion]).toEqual(['reported', 'duplicate', 'reported']);
    expect(published).toHaveLength(2);
    expect(counted).toBe(2);
    expect(keys[0]).toBe('cleanup#account-unreachable#run-1#cleanup#444444444444#eu-west-1');
  });
});
