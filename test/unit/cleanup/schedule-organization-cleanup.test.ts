import type { RepositoryIdentity } from '../../../shared/cleanup/cleanup-request';
import type { CleanupRequestSender } from '../../../shared/cleanup/schedule-cleanup';
import {
  type MemberRegistries,
  OrganizationListingError,
  scheduleOrganizationCleanup,
} from '../../../shared/cleanup/schedule-organization-cleanup';
import type {
  AccountUnreachableReporter,
  UnreachableTarget,
} from '../../../shared/organization/account-unreachable';
import { accountDirectory, governedTargets } from '../../../shared/organization/governed-accounts';

const RUN_ID = 'run-1';

/** An ECR error as the SDK throws it: the service's error code in `name`. */
function awsError(name: string, message = 'denied'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function fakeWorld(options: {
  repositories: Record<string, readonly string[]>;
  unreachableAccounts?: readonly string[];
  listingErrors?: Record<string, Error>;
}) {
  const sent: string[] = [];
  const reported: UnreachableTarget[] = [];
  let assumed = 0;
  const listed: string[] = [];
  const members: MemberRegistries = {
    async reach(account) {
      assumed += 1;
      return options.unreachableAccounts?.includes(account.id)
        ? { kind: 'role', roleArn: `arn:aws:iam::${account.id}:role/m`, reason: 'role arn cannot be assumed' }
        : undefined;
    },
    roleArn: (account) => `arn:aws:iam::${account}:role/m`,
    repositories: (account, region) => ({
      async *listRepositoryPages() {
        listed.push(`${account}/${region}`);
        const error = options.listingErrors?.[`${account}/${region}`];
        if (error !== undefined) throw error;
        yield (options.repositories[`${account}/${region}`] ?? []).map(
          (name): RepositoryIdentity => ({
            repositoryName: name,
            repositoryArn: `arn:aws:ecr:${region}:${account}:repository/${name}`,
            registryId: account,
          }),
        );
      },
    }),
    assumeRoleCalls: () => assumed,
  };
  const queue: CleanupRequestSender = {
    async sendAll(requests) {
      sent.push(...requests.map((r) => `${r.registryId}/${r.region}/${r.repositoryName}`));
      return [];
    },
  };
  const unreachable: AccountUnreachableReporter = {
    async report(target) {
      reported.push(target);
      return 'reported';
    },
  };
  return { ports: { openMemberRegistries: () => members, queue, unreachable }, sent, reported, listed };
}

const directory = accountDirectory([
  { id: '111111111111', alias: 'hub', parents: [] },
  { id: '222222222222', alias: 'payments-prod', parents: ['ou-ab12-prod0001'] },
  { id: '333333333333', alias: 'sandbox', parents: ['ou-ab12-sand0001'] },
]);
const targets = governedTargets(directory, ['us-east-1', 'eu-west-1']);

describe('scheduleOrganizationCleanup', () => {
  it('selects by the rules globs and their accounts (id, alias, OU), and lists no account no rule covers', async () => {
    const world = fakeWorld({
      repositories: {
        '111111111111/us-east-1': ['web', 'jobs/a'],
        '222222222222/us-east-1': ['web', 'jobs/a'],
        '222222222222/eu-west-1': ['web'],
        '333333333333/us-east-1': ['web', 'jobs/a'],
      },
    });

    await scheduleOrganizationCleanup(
      {
        runId: RUN_ID,
        targets,
        rules: [
          { repositories: ['web'], accounts: ['payments-prod', '111111111111'] },
          { repositories: ['jobs/**'], accounts: ['ou-ab12-prod0001'] },
        ],
      },
      world.ports,
    );

    expect(world.sent.sort()).toEqual(
      [
        '111111111111/us-east-1/web',
        '222222222222/eu-west-1/web',
        '222222222222/us-east-1/jobs/a',
        '222222222222/us-east-1/web',
      ].sort(),
    );
    expect(world.listed.some((place) => place.startsWith('333333333333'))).toBe(false);
  });

  it('reports an unreachable account in each region and completes the others', async () => {
    const world = fakeWorld({
      repositories: { '111111111111/us-east-1': ['web'], '333333333333/eu-west-1': ['web'] },
      unreachableAccounts: ['222222222222'],
    });

    const summary = await scheduleOrganizationCleanup(
      { runId: RUN_ID, targets, rules: [{ repositories: ['**'] }] },
      world.ports,
    );

    expect(world.reported.map((t) => `${t.account.id}/${t.region}/${t.work}/${t.kind}`)).toEqual([
      '222222222222/us-east-1/cleanup/role',
      '222222222222/eu-west-1/cleanup/role',
    ]);
    expect(world.sent.sort()).toEqual(['111111111111/us-east-1/web', '333333333333/eu-west-1/web']);
    expect(summary).toMatchObject({ targets: 6, targetsListed: 4, targetsUnreachable: 2, requestsQueued: 2 });
  });

  it('takes a region the account has not enabled, or an SCP deny, as unreachable there', async () => {
    const world = fakeWorld({
      repositories: { '111111111111/us-east-1': ['web'] },
      listingErrors: {
        '222222222222/eu-west-1': awsError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        ),
        '333333333333/us-east-1': awsError(
          'AccessDeniedException',
          'explicit deny in a service control policy',
        ),
      },
    });

    await scheduleOrganizationCleanup(
      { runId: RUN_ID, targets, rules: [{ repositories: ['**'] }] },
      world.ports,
    );

    expect(world.reported.map((t) => [`${t.account.id}/${t.region}`, t.kind, t.errorName])).toEqual([
      ['222222222222/eu-west-1', 'region', 'UnrecognizedClientException'],
      ['333333333333/us-east-1', 'denied', 'AccessDeniedException'],
    ]);
    expect(world.reported[0]?.reason).toMatch(/^region eu-west-1 refused the session of 222222222222/);
  });

  it('fails the run after every other target when a listing fails for another reason', async () => {
    const world = fakeWorld({
      repositories: { '111111111111/us-east-1': ['web'], '333333333333/eu-west-1': ['web'] },
      listingErrors: { '222222222222/us-east-1': awsError('ThrottlingException', 'Rate exceeded') },
    });

    const run = scheduleOrganizationCleanup(
      { runId: RUN_ID, targets, rules: [{ repositories: ['**'] }] },
      world.ports,
    );

    await expect(run).rejects.toThrow(OrganizationListingError);
    await expect(run).rejects.toThrow(
      '1 governed account × region(s) of run run-1 could not be listed: 222222222222/us-east-1 (ThrottlingException: Rate exceeded)',
    );
    expect(world.sent.sort()).toEqual(['111111111111/us-east-1/web', '333333333333/eu-west-1/web']);
    expect(world.reported).toEqual([]);
  });
});
