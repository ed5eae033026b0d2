// ECR wildcard patterns (tagPatternList, tag-mutability exclusion filters), matched without a
// backtracking regular expression. The oracle is the regular expression the engine used before
// (`*` → `.*`, anchored, dotAll): the matcher must agree with it on every input, and stay linear
// where the regular expression took seconds.
import fc from 'fast-check';
import { compileTagFilter } from '../../../shared/lifecycle';
import { compileWildcardPattern, matchesWildcard } from '../../../shared/lifecycle/wildcard-pattern';

function regexOracle(pattern: string): (value: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

describe('compileWildcardPattern', () => {
  it.each([
    ['prod*', 'prod', true],
    ['prod*', 'prod-1', true],
    ['prod*', 'pro', false],
    ['*test*1*2*3', 'my-test-1-2-3', true],
    ['test*1*2*3*', 'test123', true],
    ['test*1*2*3*', 'test321', false],
    ['v*.*.*', 'v1.2.3', true],
    ['v*.*.*', 'v1-2-3', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*', '', true],
    ['**', 'anything', true],
    ['Prod*', 'prod-1', false],
    ['release', 'release-2', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (pattern, tag, expected) => {
    expect(compileWildcardPattern(pattern)(tag)).toBe(expected);
    expect(matchesWildcard(pattern, tag)).toBe(expected);
  });

  it('agrees with the anchored regular expression on random patterns and tags', () => {
    // A three-letter alphabet (with regex metacharacters among the literals) so that matches happen.
    const letter = fc.constantFrom('a', 'b', '.');
    const pattern = fc
      .array(fc.oneof(letter, fc.constant('*')), { maxLength: 9 })
      .map((characters) => characters.join(''));
    const tag = fc.array(letter, { maxLength: 14 }).map((characters) => characters.join(''));
    fc.assert(
      fc.property(pattern, fc.array(tag, { minLength: 1, maxLength: 8 }), (p, tags) => {
        const matcher = compileWildcardPattern(p);
        const oracle = regexOracle(p);
        for (const t of tags) expect(matcher(t)).toBe(oracle(t));
      }),
      { seed: 20_261_204, numRuns: 3000 },
    );
  });

  it('rejects a tag that almost matches the pattern that made the regular expression backtrack', () => {
    // `*a*a*a*b` against 300 `a`s: the old regular expression tried every placement of the stars
    // before failing. The matcher answers after one pass (its time is measured in bench/tag-pattern.ts).
    const tag = 'a'.repeat(300);
    expect(compileWildcardPattern('*a*a*a*b')(tag)).toBe(false);
    expect(compileWildcardPattern('*a*a*a*b')(`${tag}b`)).toBe(true);
  });

  it('runs no regular expression per tag, so nothing can backtrack', () => {
    // Timing belongs in the bench; what makes the time linear is checked here: a match is
    // indexOf/startsWith/endsWith work, and a regular expression (backtracking in V8) never runs.
    const test = jest.spyOn(RegExp.prototype, 'test');
    const exec = jest.spyOn(RegExp.prototype, 'exec');
    try {
      const filter = compileTagFilter({
        tagStatus: 'tagged',
        tagPatternList: ['*a*a*a*b'],
        countType: 'imageCountMoreThan',
        countNumber: 1,
      });
      filter(['a'.repeat(40)]);
      expect(matchesWildcard('release-*-rc', 'release-2.1-rc')).toBe(true);
      expect(test).not.toHaveBeenCalled();
      expect(exec).not.toHaveBeenCalled();
    } finally {
      test.mockRestore();
      exec.mockRestore();
    }
  });

  it('is the matcher that lifecycle tag filters use', () => {
    const filter = compileTagFilter({
      tagStatus: 'tagged',
      tagPatternList: ['*a*a*a*b'],
      countType: 'imageCountMoreThan',
      countNumber: 1,
    });
    expect(filter(['x', `${'a'.repeat(300)}b`])).toBe(true);
    expect(filter(['a'.repeat(300)])).toBe(false);
  });
});
