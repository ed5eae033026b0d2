// Random valid lifecycle policies for property tests: per storage class one untagged rule at most,
// one `any` rule at most and with the highest priority of its class, a unique tag filter per rule,
// unique priorities. Tag filters come from one small alphabet (TAGS below names tags they match) so
// that rules really do match images, and overlap.
import fc from 'fast-check';
import type { LifecyclePolicy, LifecycleRule, StorageClass } from '../../shared/lifecycle';

/** Tags that the filters below match in overlapping ways. */
export const POLICY_TAGS = ['a', 'b', 'ab', 'a1', 'b1', 'ba', 'a-b1'];
const PATTERNS = ['a*', 'b*', '*1', 'ab', '*b*', 'a*1', '*'];
const PREFIXES = ['a', 'b', 'ab', 'b1'];

type RuleWithoutPriority = Omit<LifecycleRule, 'rulePriority'>;

const tagSelection = fc.oneof(
  fc.constant({ tagStatus: 'any' as const }),
  fc.constant({ tagStatus: 'untagged' as const }),
  fc.subarray(PATTERNS, { minLength: 1, maxLength: 2 }).map((tagPatternList) => ({
    tagStatus: 'tagged' as const,
    tagPatternList,
  })),
  fc.subarray(PREFIXES, { minLength: 1, maxLength: 2 }).map((tagPrefixList) => ({
    tagStatus: 'tagged' as const,
    tagPrefixList,
  })),
);

const expireOrTransition = fc.constantFrom<LifecycleRule['action']>(
  { type: 'expire' },
  { type: 'transition', targetStorageClass: 'archive' },
);

/** A rule that ECR accepts on its own; what rules may share a policy is settled in `validPolicy`. */
const standardRule: fc.Arbitrary<RuleWithoutPriority> = fc.oneof(
  fc.record({
    selection: fc
      .tuple(tagSelection, fc.integer({ min: 1, max: 4 }))
      .map(([tags, countNumber]) => ({ ...tags, countType: 'imageCountMoreThan' as const, countNumber })),
    action: expireOrTransition,
  }),
  fc.record({
    selection: fc.tuple(tagSelection, fc.integer({ min: 1, max: 60 })).map(([tags, countNumber]) => ({
      ...tags,
      countType: 'sinceImagePushed' as const,
      countUnit: 'days' as const,
      countNumber,
    })),
    action: expireOrTransition,
  }),
  fc.record({
    selection: fc.tuple(tagSelection, fc.integer({ min: 1, max: 60 })).map(([tags, countNumber]) => ({
      ...tags,
      countType: 'sinceImagePulled' as const,
      countUnit: 'days' as const,
      countNumber,
    })),
    // "The sinceImagePulled count type must be used with the transition action."
    action: fc.constant({ type: 'transition' as const, targetStorageClass: 'archive' as const }),
  }),
);

/** ecr-warden's extension (PolicyParseOptions.allowExpireSincePulled): sinceImagePulled may expire. */
const expireSincePulledRule: fc.Arbitrary<RuleWithoutPriority> = fc.record({
  selection: fc.tuple(tagSelection, fc.integer({ min: 1, max: 60 })).map(([tags, countNumber]) => ({
    ...tags,
    countType: 'sinceImagePulled' as const,
    countUnit: 'days' as const,
    countNumber,
  })),
  action: fc.constant({ type: 'expire' as const }),
});

const archiveRule: fc.Arbitrary<RuleWithoutPriority> = fc.record({
  selection: fc.tuple(tagSelection, fc.integer({ min: 90, max: 400 })).map(([tags, countNumber]) => ({
    ...tags,
    storageClass: 'archive' as const,
    countType: 'sinceImageTransitioned' as const,
    countUnit: 'days' as const,
    countNumber,
  })),
  action: fc.constant({ type: 'expire' as const }),
});

export function storageClassOf(rule: RuleWithoutPriority): StorageClass {
  return rule.selection.storageClass ?? 'standard';
}

function tagFilterKey(rule: RuleWithoutPriority): string {
  const { tagStatus, tagPatternList, tagPrefixList } = rule.selection;
  const list = [...new Set(tagPatternList ?? tagPrefixList ?? [])].sort().join(',');
  return `${storageClassOf(rule)}:${tagStatus}:${tagPatternList ? 'pattern' : 'prefix'}:${list}`;
}

/**
 * Random valid policies: per storage class one untagged rule at most, one `any` rule at most and
 * with the highest priority of its class, a unique tag filter per rule, unique priorities.
 */
export function lifecyclePolicyArbitrary({
  expireSincePulled = false,
}: {
  /** Also rules of ecr-warden's extension: sinceImagePulled with expire (validate with allowExpireSincePulled). */
  expireSincePulled?: boolean;
} = {}): fc.Arbitrary<LifecyclePolicy> {
  const rule = expireSincePulled
    ? fc.oneof(
        { arbitrary: standardRule, weight: 2 },
        { arbitrary: archiveRule, weight: 1 },
        { arbitrary: expireSincePulledRule, weight: 1 },
      )
    : fc.oneof({ arbitrary: standardRule, weight: 2 }, { arbitrary: archiveRule, weight: 1 });
  return fc
    .tuple(
      fc.array(rule, {
        minLength: 1,
        maxLength: 6,
        size: 'max',
      }),
      fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 6, maxLength: 6 }),
      fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
    )
    .map(([candidates, priorities, anyPlacement]) => {
      const seen = new Set<string>();
      const others: RuleWithoutPriority[] = [];
      const anyRules: RuleWithoutPriority[] = [];
      for (const candidate of candidates) {
        const key = tagFilterKey(candidate);
        if (seen.has(key)) continue;
        seen.add(key);
        (candidate.selection.tagStatus === 'any' ? anyRules : others).push(candidate);
      }
      // An `any` rule goes anywhere after the last other rule of its storage class.
      const ordered = [...others];
      anyRules.forEach((anyRule, i) => {
        const sameClass = ordered.map(storageClassOf).lastIndexOf(storageClassOf(anyRule));
        const room = ordered.length - sameClass;
        ordered.splice(sameClass + 1 + ((anyPlacement[i] ?? 0) % room), 0, anyRule);
      });
      const sortedPriorities = [...priorities].sort((x, y) => x - y);
      return {
        rules: ordered.map((rule, i) => ({
          rulePriority: sortedPriorities[i] ?? 0,
          description: `generated rule ${i}`,
          ...rule,
        })),
      };
    });
}

/** Random valid policies of ECR's own rules. */
export const validPolicy = lifecyclePolicyArbitrary();
