import { SimulatedServiceError } from '../../../local/registry-sim/model/simulated-error';
import {
  isTagMutable,
  validateTagMutability,
  wildcardMatcher,
} from '../../../local/registry-sim/model/tag-mutability';

const wildcard = (filter: string) => ({ filterType: 'WILDCARD', filter });

function rejection(action: () => unknown): SimulatedServiceError {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedServiceError) return error;
    throw error;
  }
  throw new Error('expected a SimulatedServiceError');
}

describe('tag mutability exclusion filters', () => {
  it('matches a whole tag, with * standing for any run of characters', () => {
    const matches = wildcardMatcher('release-*-final');

    expect(matches('release-1.2-final')).toBe(true);
    expect(matches('release--final')).toBe(true);
    expect(matches('release-1.2-final-2')).toBe(false);
    expect(wildcardMatcher('latest')('latest-1')).toBe(false);
    expect(wildcardMatcher('v1.*')('v1x2')).toBe(false);
  });

  it('keeps IMMUTABLE_WITH_EXCLUSION tags immutable unless a filter matches them', () => {
    const filters = [{ filterType: 'WILDCARD' as const, filter: 'dev-*' }];

    expect(isTagMutable('IMMUTABLE_WITH_EXCLUSION', filters, 'dev-42')).toBe(true);
    expect(isTagMutable('IMMUTABLE_WITH_EXCLUSION', filters, 'v1.0.0')).toBe(false);
  });

  it('makes MUTABLE_WITH_EXCLUSION tags immutable when a filter matches them', () => {
    const filters = [{ filterType: 'WILDCARD' as const, filter: 'v*' }];

    expect(isTagMutable('MUTABLE_WITH_EXCLUSION', filters, 'v1.0.0')).toBe(false);
    expect(isTagMutable('MUTABLE_WITH_EXCLUSION', filters, 'nightly')).toBe(true);
  });

  it('accepts one to five filters of up to 128 allowed characters with at most two wildcards', () => {
    const valid = validateTagMutability('IMMUTABLE_WITH_EXCLUSION', [
      wildcard('latest'),
      wildcard('dev-*'),
      wildcard('*-rc*'),
      wildcard('a'.repeat(128)),
      wildcard('feature_x.y'),
    ]);

    expect(valid.mutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(valid.filters).toHaveLength(5);
  });

  it.each([
    ['no filters', []],
    ['six filters', ['a', 'b', 'c', 'd', 'e', 'f'].map(wildcard)],
    ['three wildcards', [wildcard('*a*b*')]],
    ['a character outside the pattern', [wildcard('feature/x')]],
    ['an empty filter', [wildcard('')]],
    ['129 characters', [wildcard('a'.repeat(129))]],
    ['a filter type other than WILDCARD', [{ filterType: 'PREFIX_MATCH', filter: 'dev-' }]],
  ])('rejects IMMUTABLE_WITH_EXCLUSION with %s', (_case, filters) => {
    const error = rejection(() => validateTagMutability('IMMUTABLE_WITH_EXCLUSION', filters));

    expect(error.code).toBe('InvalidParameterException');
  });

  it('rejects exclusion filters on plain MUTABLE and IMMUTABLE, and unknown modes', () => {
    expect(rejection(() => validateTagMutability('IMMUTABLE', [wildcard('latest')])).code).toBe(
      'InvalidParameterException',
    );
    expect(rejection(() => validateTagMutability('SOMETIMES', undefined)).code).toBe(
      'InvalidParameterException',
    );
    expect(validateTagMutability(undefined, undefined)).toEqual({ mutability: 'MUTABLE', filters: [] });
  });
});
