import {
  describeTagMutability,
  isTagMutable,
  sameTagMutability,
  tagMutabilityProblems,
  wildcardMatches,
} from '../../../shared/immutability/tag-mutability';

describe('tagMutabilityProblems (ECR PutImageTagMutability rules)', () => {
  it('accepts 1 to 5 WILDCARD filters of the allowed characters with at most two "*" each', () => {
    expect(
      tagMutabilityProblems('IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*', '*-rc*', 'a.b_c', 'X']),
    ).toEqual([]);
  });

  it('refuses a *_WITH_EXCLUSION mode without filters, and more than five', () => {
    expect(tagMutabilityProblems('MUTABLE_WITH_EXCLUSION', [])).toEqual([
      { message: 'MUTABLE_WITH_EXCLUSION needs 1 to 5 exclusion filters, got 0' },
    ]);
    expect(tagMutabilityProblems('IMMUTABLE_WITH_EXCLUSION', ['a', 'b', 'c', 'd', 'e', 'f'])).toEqual([
      { message: 'IMMUTABLE_WITH_EXCLUSION needs 1 to 5 exclusion filters, got 6' },
    ]);
  });

  it('refuses characters outside [0-9a-zA-Z._*-], filters over 128 characters, and a third "*"', () => {
    const problems = tagMutabilityProblems('IMMUTABLE_WITH_EXCLUSION', [
      'v1/2',
      'x'.repeat(129),
      '*a*b*',
      '',
    ]);

    expect(problems.map((problem) => problem.index)).toEqual([0, 1, 2, 3]);
    expect(problems[2]?.message).toBe('may hold at most 2 "*" wildcards');
  });

  it('refuses exclusions for MUTABLE and IMMUTABLE, and a filter listed twice', () => {
    expect(tagMutabilityProblems('IMMUTABLE', ['latest'])).toEqual([
      { message: 'IMMUTABLE takes no exclusions; use IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION' },
    ]);
    expect(tagMutabilityProblems('IMMUTABLE_WITH_EXCLUSION', ['latest', 'latest'])).toEqual([
      { index: 1, message: '"latest" is already exclusions[0]' },
    ]);
  });
});

describe('sameTagMutability', () => {
  it('compares exclusion filters as a set', () => {
    expect(
      sameTagMutability(
        { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest', 'dev-*'] },
        { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['dev-*', 'latest'] },
      ),
    ).toBe(true);
    expect(
      sameTagMutability(
        { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest'] },
        { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest', 'dev-*'] },
      ),
    ).toBe(false);
  });

  it('treats a stricter mode than desired as a drift too: the config is the contract', () => {
    expect(
      sameTagMutability(
        { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest'] },
        { mode: 'IMMUTABLE', exclusions: [] },
      ),
    ).toBe(false);
  });
});

describe('isTagMutable (a matching tag gets the opposite of the base mode)', () => {
  it.each([
    ['MUTABLE', [], 'v1', true],
    ['IMMUTABLE', [], 'latest', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*'], 'dev-42', true],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*'], 'v1.0.0', false],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'v1.0.0', false],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'nightly', true],
  ] as const)('%s %j: %s is mutable: %s', (mode, exclusions, tag, mutable) => {
    expect(isTagMutable({ mode, exclusions }, tag)).toBe(mutable);
  });

  it('matches WILDCARD filters against the whole tag, "*" spanning any characters', () => {
    expect(wildcardMatches('release-*-rc', 'release-2.1-rc')).toBe(true);
    expect(wildcardMatches('release', 'release-2')).toBe(false);
    expect(wildcardMatches('v1.*', 'v1x2')).toBe(false);
  });
});

describe('describeTagMutability', () => {
  it('shows filters sorted, and only for the modes that take them', () => {
    expect(describeTagMutability({ mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest', 'dev-*'] })).toBe(
      'IMMUTABLE_WITH_EXCLUSION (dev-*, latest)',
    );
    expect(describeTagMutability({ mode: 'MUTABLE', exclusions: [] })).toBe('MUTABLE');
  });
});
