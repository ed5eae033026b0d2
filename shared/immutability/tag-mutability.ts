/**
 * Tag mutability as ECR defines it: four modes, and for the two `*_WITH_EXCLUSION` modes 1 to 5
 * WILDCARD exclusion filters whose matching tags get the opposite behaviour of the base mode.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
 */
import { matchesWildcard } from '../lifecycle/wildcard-pattern';

// The filters' WILDCARD semantics are those of lifecycle tag patterns: one matcher serves both.
export { matchesWildcard as wildcardMatches };

export const TAG_MUTABILITY_MODES = [
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
  'MUTABLE',
] as const;

export type TagMutabilityMode = (typeof TAG_MUTABILITY_MODES)[number];

/** A repository's tag mutability: its mode and (for the `*_WITH_EXCLUSION` modes) its WILDCARD filters. */
export interface TagMutabilitySetting {
  mode: TagMutabilityMode;
  /** Filter strings of the WILDCARD exclusion filters; empty for MUTABLE and IMMUTABLE. */
  exclusions: readonly string[];
}

// ImageTagMutabilityExclusionFilter.filter: 1-128 characters of `[0-9a-zA-Z._*-]`; filterType WILDCARD.
// PutImageTagMutability and CreateRepository take 1 to 5 filters. At most two `*` per filter (the ECR
// console's rule, recorded in ecr-warden's AWS-FACTS sheet; the API reference gives only the pattern).
export const EXCLUSION_FILTER_PATTERN = /^[0-9a-zA-Z._*-]{1,128}$/;
export const MIN_EXCLUSION_FILTERS = 1;
export const MAX_EXCLUSION_FILTERS = 5;
export const MAX_WILDCARDS_PER_EXCLUSION_FILTER = 2;

export function takesExclusions(mode: TagMutabilityMode): boolean {
  return mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION';
}

/** What ECR would refuse in a mode and its filters, one message per problem (empty: valid). */
export function tagMutabilityProblems(
  mode: TagMutabilityMode,
  exclusions: readonly string[] | undefined,
): { index?: number; message: string }[] {
  const filters = exclusions ?? [];
  if (!takesExclusions(mode)) {
    return filters.length > 0
      ? [{ message: `${mode} takes no exclusions; use IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION` }]
      : [];
  }
  const problems: { index?: number; message: string }[] = [];
  if (filters.length < MIN_EXCLUSION_FILTERS || filters.length > MAX_EXCLUSION_FILTERS) {
    problems.push({
      message: `${mode} needs ${MIN_EXCLUSION_FILTERS} to ${MAX_EXCLUSION_FILTERS} exclusion filters, got ${filters.length}`,
    });
  }
  const seen = new Map<string, number>();
  filters.forEach((filter, index) => {
    if (!EXCLUSION_FILTER_PATTERN.test(filter)) {
      problems.push({
        index,
        message: 'must be 1-128 characters of a-z A-Z 0-9 . _ - and * (ECR WILDCARD filter)',
      });
    } else if (countWildcards(filter) > MAX_WILDCARDS_PER_EXCLUSION_FILTER) {
      problems.push({
        index,
        message: `may hold at most ${MAX_WILDCARDS_PER_EXCLUSION_FILTER} "*" wildcards`,
      });
    }
    const first = seen.get(filter);
    if (first === undefined) seen.set(filter, index);
    else problems.push({ index, message: `"${filter}" is already exclusions[${first}]` });
  });
  return problems;
}

function countWildcards(filter: string): number {
  let count = 0;
  for (const character of filter) if (character === '*') count += 1;
  return count;
}

/** Whether two settings are the same for ECR: same mode and, where filters apply, the same set of them. */
export function sameTagMutability(a: TagMutabilitySetting, b: TagMutabilitySetting): boolean {
  if (a.mode !== b.mode) return false;
  if (!takesExclusions(a.mode)) return true;
  const left = new Set(a.exclusions);
  const right = new Set(b.exclusions);
  return left.size === right.size && [...left].every((filter) => right.has(filter));
}

/** `IMMUTABLE_WITH_EXCLUSION (latest, dev-*)`, `MUTABLE`. */
export function describeTagMutability(setting: TagMutabilitySetting): string {
  return takesExclusions(setting.mode) && setting.exclusions.length > 0
    ? `${setting.mode} (${[...setting.exclusions].sort().join(', ')})`
    : setting.mode;
}

/**
 * Whether ECR lets a push move `tag` in a repository with this setting: a tag an exclusion filter
 * matches gets the opposite of the base mode.
 */
export function isTagMutable(setting: TagMutabilitySetting, tag: string): boolean {
  const excluded = setting.exclusions.some((filter) => matchesWildcard(filter, tag));
  switch (setting.mode) {
    case 'MUTABLE':
      return true;
    case 'IMMUTABLE':
      return false;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return !excluded;
  }
}

/** Reads the mode ECR reports; an unknown value (a future mode) is kept out of the decision. */
export function toTagMutabilityMode(value: string | undefined): TagMutabilityMode | undefined {
  // A repository that reports no mode is MUTABLE, CreateRepository's default.
  // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
  const mode = value ?? 'MUTABLE';
  return (TAG_MUTABILITY_MODES as readonly string[]).includes(mode) ? (mode as TagMutabilityMode) : undefined;
}
