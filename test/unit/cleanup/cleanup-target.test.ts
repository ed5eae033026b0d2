import type { CleanupRequest } from '../../../shared/cleanup/cleanup-request';
import { resolveCleanupTarget } from '../../../shared/cleanup/cleanup-target';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import { UngovernedEventError } from '../../../shared/events/governed-scope';
import { accountDirectory } from '../../../shared/organization/governed-accounts';

const places = {
  directory: accountDirectory([{ id: '333333333333', alias: 'payments-prod', parents: [] }]),
  regions: ['us-east-1', 'eu-west-1'],
};

function request(overrides: Partial<CleanupRequest> = {}): CleanupRequest {
  return {
    schemaVersion: 1,
    repositoryName: 'team/api',
    repositoryArn: 'arn:aws:ecr:eu-west-1:333333333333:repository/team/api',
    registryId: '333333333333',
    region: 'eu-west-1',
    runId: 'run-1',
    ...overrides,
  };
}

function problemsOf(attempt: () => unknown): readonly string[] {
  try {
    attempt();
  } catch (error) {
    if (error instanceof EventValidationError) return error.problems;
    throw error;
  }
  throw new Error('resolved');
}

describe('resolveCleanupTarget', () => {
  it('resolves a governed member account and region, with the alias the directory knows', () => {
    expect(resolveCleanupTarget(request(), 'm-1', places)).toEqual({
      account: { id: '333333333333', alias: 'payments-prod', parents: [] },
      region: 'eu-west-1',
    });
  });

  it("takes the ARN's region when an older message carries none", () => {
    const { region, ...withoutRegion } = request();

    expect(resolveCleanupTarget(withoutRegion, 'm-1', places).region).toBe(region);
  });

  it('rejects an account or a region that is not governed as UngovernedEventError', () => {
    const ungoverned = request({
      registryId: '999999999999',
      repositoryArn: 'arn:aws:ecr:ap-south-1:999999999999:repository/team/api',
      region: 'ap-south-1',
    });

    expect(() => resolveCleanupTarget(ungoverned, 'm-1', places)).toThrow(UngovernedEventError);
    expect(problemsOf(() => resolveCleanupTarget(ungoverned, 'm-1', places))).toEqual([
      'registryId: account 999999999999 is not governed here (333333333333)',
      'region: region ap-south-1 is not governed here (eu-west-1, us-east-1)',
      'repositoryArn: region ap-south-1 is not governed here (eu-west-1, us-east-1)',
      'repositoryArn: account 999999999999 is not governed here (333333333333)',
    ]);
  });

  it('names both sides when the ARN disagrees with registryId, region or name (a forged message)', () => {
    const twoGoverned = {
      ...places,
      directory: accountDirectory([
        { id: '333333333333', parents: [] },
        { id: '123456789012', parents: [] },
      ]),
    };
    const forged = request({
      repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/web',
    });

    expect(problemsOf(() => resolveCleanupTarget(forged, 'm-1', twoGoverned))).toEqual([
      'repositoryArn names account 123456789012, registryId 333333333333',
      'repositoryArn names region us-east-1, region eu-west-1',
      'repositoryArn names repository team/web, repositoryName team/api',
    ]);
  });
});
