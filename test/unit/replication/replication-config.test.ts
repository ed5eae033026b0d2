import { parseConfig, validateConfig } from '../../../shared/config/load-config';

function issuesOf(data: unknown): string[] {
  const validation = validateConfig(data);
  if (validation.ok) throw new Error('expected the configuration to be invalid');
  return validation.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('the replication section of ecr-warden.yml', () => {
  it('defaults to a daily, report-only audit that may read no other region', () => {
    expect(parseConfig({}).replication).toEqual({
      schedule: 'rate(1 day)',
      destinationRegions: [],
      repositoryPrefixes: [],
      ruleCreatedAt: {},
      inFlightMinutes: 30,
      lagWindowHours: 168,
      statusChecksPerRepository: 100,
    });
  });

  it('turns remediation on in dry run, backfill and every alignable setting included, when the key is present', () => {
    expect(parseConfig({ replication: { remediate: {} } }).replication.remediate).toEqual({
      dryRun: true,
      backfill: true,
      alignSettings: ['tag-mutability', 'lifecycle-policy', 'repository-policy'],
    });
  });

  it('names every wrong field with its path', () => {
    expect(
      issuesOf({
        replication: {
          destinationRegions: ['us-west-2', 'oregon'],
          repositoryPrefixes: ['payments/*'],
          ruleCreatedAt: { 'us-west-2': 'last spring' },
          remediate: { alignSettings: ['encryption'], dryrun: false },
        },
      }),
    ).toEqual([
      'replication.destinationRegions[1]: must be an AWS region such as us-west-2',
      'replication.repositoryPrefixes[0]: must be 2-256 of a-z 0-9 . _ - / (a PREFIX_MATCH filter, no wildcards)',
      'replication.ruleCreatedAt.us-west-2: must be an ISO 8601 time',
      'replication.remediate.alignSettings[0]: must be one of tag-mutability, lifecycle-policy, repository-policy',
      'replication.remediate.dryrun: unknown key',
    ]);
  });
});
