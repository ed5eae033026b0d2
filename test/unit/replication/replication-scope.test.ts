import { destinationsOf, planAuditScope } from '../../../shared/replication/replication-scope';

const ACCOUNT = '123456789012';
const west = { region: 'us-west-2', registryId: ACCOUNT };
const eu = { region: 'eu-west-1', registryId: ACCOUNT };

function scope(overrides: Partial<Parameters<typeof planAuditScope>[0]> = {}) {
  return planAuditScope({
    account: ACCOUNT,
    sourceRegion: 'us-east-1',
    rules: [{ destinations: [west], prefixes: ['payments/', 'web/'] }],
    repositoryNames: ['payments/api', 'web/frontend', 'data/etl', 'payments-legacy'],
    destinationRegions: ['us-west-2', 'eu-west-1'],
    repositoryPrefixes: [],
    ...overrides,
  });
}

describe('destinationsOf', () => {
  it('matches PREFIX_MATCH filters as prefixes of the repository name, not as globs', () => {
    const rules = [{ destinations: [west], prefixes: ['payments/'] }];

    expect(destinationsOf(rules, 'payments/api')).toEqual([west]);
    expect(destinationsOf(rules, 'payments-legacy')).toEqual([]);
  });

  it('lets a rule without filters cover every repository, and lists a destination once', () => {
    const rules = [
      { destinations: [west], prefixes: [] },
      { destinations: [west, eu], prefixes: ['data/'] },
    ];

    expect(destinationsOf(rules, 'data/etl')).toEqual([west, eu]);
  });
});

describe('planAuditScope', () => {
  it('selects the repositories the rules cover, each with its destination regions', () => {
    const result = scope();

    expect(result.repositories).toEqual([
      { repositoryName: 'payments/api', destinationRegions: ['us-west-2'] },
      { repositoryName: 'web/frontend', destinationRegions: ['us-west-2'] },
    ]);
    expect(result.selected).toBe(2);
    expect(result.notAudited).toEqual([]);
  });

  it('reports a destination in another account as not audited, with how many repositories it leaves out', () => {
    const other = { region: 'us-west-2', registryId: '210987654321' };

    const result = scope({ rules: [{ destinations: [other], prefixes: ['payments/'] }] });

    expect(result.repositories).toEqual([]);
    expect(result.notAudited).toEqual([
      expect.objectContaining({ kind: 'other-account', registryId: '210987654321', repositories: 1 }),
    ]);
  });

  it('reports a destination region the function may not read', () => {
    const result = scope({ destinationRegions: ['eu-west-1'] });

    expect(result.destinations).toEqual([]);
    expect(result.notAudited).toEqual([
      expect.objectContaining({
        kind: 'region-out-of-scope',
        destinationRegion: 'us-west-2',
        repositories: 2,
      }),
    ]);
  });

  it('reads every destination region when no list is given (the CLI with your own credentials)', () => {
    const result = scope({ destinationRegions: undefined });

    expect(result.destinations).toEqual([west]);
  });

  it('reports the repositories a rule selects outside the configured prefixes', () => {
    const result = scope({ repositoryPrefixes: ['payments/'] });

    expect(result.repositories.map((r) => r.repositoryName)).toEqual(['payments/api']);
    expect(result.notAudited).toEqual([
      expect.objectContaining({ kind: 'outside-prefixes', repositories: 1 }),
    ]);
  });

  it('lists an unreadable destination even when its rule selects no repository yet', () => {
    const result = scope({
      rules: [{ destinations: [{ region: 'ap-south-1', registryId: ACCOUNT }], prefixes: ['ml/'] }],
    });

    expect(result.notAudited).toEqual([
      expect.objectContaining({
        kind: 'region-out-of-scope',
        destinationRegion: 'ap-south-1',
        repositories: 0,
      }),
    ]);
  });
});
