import { serviceError } from './simulated-error';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export interface ExclusionFilter {
  filterType: 'WILDCARD';
  filter: string;
}

const MUTABILITY_VALUES: ReadonlySet<string> = new Set([
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
]);

// ImageTagMutabilityExclusionFilter: filterType WILDCARD; filter 1-128 characters matching
// ^[0-9a-zA-Z._*-]{1,128}$. PutImageTagMutability/CreateRepository take 1 to 5 filters.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html
const FILTER_PATTERN = /^[0-9a-zA-Z._*-]{1,128}$/;
const MIN_FILTERS = 1;
const MAX_FILTERS = 5;
// At most two `*` per filter (ecr-warden's AWS-FACTS sheet; the API reference gives only the
// character pattern, the console refuses a third wildcard).
const MAX_WILDCARDS_PER_FILTER = 2;

/**
 * Validates a mutability setting and its exclusion filters as ECR does; returns the filters to store
 * (a copy). The `*_WITH_EXCLUSION` modes need filters; MUTABLE and IMMUTABLE take none.
 */
export function validateTagMutability(
  mutability: string | undefined,
  filters: readonly { filterType?: string; filter?: string }[] | undefined,
): { mutability: TagMutability; filters: ExclusionFilter[] } {
  const mode = mutability ?? 'MUTABLE';
  if (!MUTABILITY_VALUES.has(mode)) {
    throw serviceError(
      'InvalidParameterException',
      `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]'`,
    );
  }
  const withExclusion = mode.endsWith('_WITH_EXCLUSION');
  if (!withExclusion) {
    if (filters !== undefined && filters.length > 0) {
      throw serviceError(
        'InvalidParameterException',
        `imageTagMutabilityExclusionFilters can only be used with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not ${mode}`,
      );
    }
    return { mutability: mode as TagMutability, filters: [] };
  }
  if (filters === undefined || filters.length < MIN_FILTERS || filters.length > MAX_FILTERS) {
    throw serviceError(
      'InvalidParameterException',
      `${mode} requires ${MIN_FILTERS} to ${MAX_FILTERS} imageTagMutabilityExclusionFilters, got ${filters?.length ?? 0}`,
    );
  }
  const copy: ExclusionFilter[] = [];
  filters.forEach((entry, index) => {
    if (entry.filterType !== 'WILDCARD') {
      throw serviceError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutabilityExclusionFilters.${index + 1}.member.filterType': must be WILDCARD`,
      );
    }
    const filter = entry.filter ?? '';
    if (!FILTER_PATTERN.test(filter)) {
      throw serviceError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutabilityExclusionFilters.${index + 1}.member.filter' failed to satisfy constraint: 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$'`,
      );
    }
    if ([...filter].filter((c) => c === '*').length > MAX_WILDCARDS_PER_FILTER) {
      throw serviceError(
        'InvalidParameterException',
        `Exclusion filter '${filter}' has more than ${MAX_WILDCARDS_PER_FILTER} wildcards`,
      );
    }
    copy.push({ filterType: 'WILDCARD', filter });
  });
  return { mutability: mode as TagMutability, filters: copy };
}

/** A wildcard pattern: `*` matches any run of characters (none included); the whole tag must match. */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}

/**
 * Whether an existing tag may be moved to another image. A tag an exclusion filter matches gets the
 * opposite of the base mode: IMMUTABLE_WITH_EXCLUSION keeps matching tags mutable,
 * MUTABLE_WITH_EXCLUSION makes matching tags immutable.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
 */
export function isTagMutable(
  mutability: TagMutability,
  filters: readonly ExclusionFilter[],
  tag: string,
): boolean {
  switch (mutability) {
    case 'MUTABLE':
      return true;
    case 'IMMUTABLE':
      return false;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return filters.some((f) => wildcardMatcher(f.filter)(tag));
    case 'MUTABLE_WITH_EXCLUSION':
      return !filters.some((f) => wildcardMatcher(f.filter)(tag));
  }
}
