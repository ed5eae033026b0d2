import {
  compileRepositoryRuleMatcher,
  selectRepositories,
} from '../../../shared/cleanup/select-repositories';

const repository = (repositoryName: string) => ({ repositoryName });

describe('compileRepositoryRuleMatcher', () => {
  it('lets * match within one path segment only', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['team-a/*'] }]);

    expect(match('team-a/api')).toBe(0);
    expect(match('team-a/jobs/nightly')).toBeUndefined();
    expect(match('team-ab/api')).toBeUndefined();
  });

  it('lets ** match any depth, including the prefix itself', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['team-a/**'] }]);

    expect(match('team-a')).toBe(0);
    expect(match('team-a/api')).toBe(0);
    expect(match('team-a/jobs/nightly')).toBe(0);
    expect(match('team-ab/api')).toBeUndefined();
  });

  it('does not let a bare * match names that contain a slash', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['*'] }]);

    expect(match('api')).toBe(0);
    expect(match('team-a/api')).toBeUndefined();
  });

  it('matches a name suffix at any depth with **/', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['**/*-cache'] }]);

    expect(match('npm-cache')).toBe(0);
    expect(match('team-a/build/npm-cache')).toBe(0);
    expect(match('team-a/cache-warmer')).toBeUndefined();
  });

  it('expands braces', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['{web,api}/*'] }]);

    expect(match('web/frontend')).toBe(0);
    expect(match('api/orders')).toBe(0);
    expect(match('jobs/orders')).toBeUndefined();
  });

  it('leaves out a repository that a ! glob of the same rule excludes', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['team-a/**', '!team-a/base-images'] }]);

    expect(match('team-a/api')).toBe(0);
    expect(match('team-a/base-images')).toBeUndefined();
  });

  it('lets a later rule cover what an earlier rule excluded', () => {
    const match = compileRepositoryRuleMatcher([
      { repositories: ['team-a/**', '!team-a/base-images'] },
      { repositories: ['**/base-images'] },
    ]);

    expect(match('team-a/base-images')).toBe(1);
  });

  it('reports the first rule that covers a repository when several do', () => {
    const match = compileRepositoryRuleMatcher([{ repositories: ['team-a/*'] }, { repositories: ['**'] }]);

    expect(match('team-a/api')).toBe(0);
    expect(match('team-b/api')).toBe(1);
  });

  it('covers nothing when there are no rules', () => {
    const match = compileRepositoryRuleMatcher([]);

    expect(match('anything')).toBeUndefined();
  });
});

describe('selectRepositories', () => {
  it('keeps the covered repositories in their original order', () => {
    const repositories = ['team-b/api', 'team-a/web', 'npm-cache', 'team-a/api', 'legacy'].map(repository);
    const match = compileRepositoryRuleMatcher([
      { repositories: ['team-a/*'] },
      { repositories: ['*-cache'] },
    ]);

    const selected = selectRepositories(repositories, match);

    expect(selected.map((r) => r.repositoryName)).toEqual(['team-a/web', 'npm-cache', 'team-a/api']);
  });
});
