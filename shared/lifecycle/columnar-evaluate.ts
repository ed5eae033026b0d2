import { compileTagFilter, sortIndexesByTime } from './evaluate';
import type { ImageColumns } from './image-columns';
import type { LifecyclePolicy, LifecycleRule, RuleSelection } from './policy';
import { ruleStorageClass } from './policy';

/**
 * evaluateLifecyclePolicy over columns (image-columns.ts): the same decisions, in the same order,
 * with no object per image or per action. What the CLI's JSON preview uses; the explanations of
 * `held` images (the table) stay with the general engine. The rules of ECR it follows are quoted in
 * evaluate.ts, beside each branch of the general engine; the branches here are the same, over
 * indexes. test/unit/lifecycle/columnar-engine.test.ts checks that the two agree, byte for byte
 * in the preview, on random listings and policies.
 */
export interface ColumnarEvaluation {
  /** The policy's rules by ascending rulePriority: `rule[k]` indexes this. */
  rules: readonly LifecycleRule[];
  /** The images acted on, in the preview's order: by rule priority, oldest push first within a rule. */
  image: Int32Array;
  /** The rule that acts on `image[k]`, an index into `rules`. */
  rule: Int32Array;
}

export interface ColumnarEvaluationOptions {
  /** The evaluation time, epoch milliseconds. */
  now: number;
  /** As LifecycleEvaluationOptions.referencedByIndex. */
  referencedByIndex?: ReadonlySet<string>;
  /** As LifecycleEvaluationOptions.indexChildren. */
  indexChildren?: ReadonlyMap<string, readonly string[]>;
  /**
   * What `filters.match` gave for each image's tags, computed while the listing was read (the
   * tags are then in the cache; read again for each tagged rule, they were half the evaluation).
   */
  tagMatches?: { filters: TagFilterSet; matches: Int32Array };
}

/** The tag filters of a policy's `tagged` rules, all tested in one call per image. */
export interface TagFilterSet {
  readonly policy: LifecyclePolicy;
  /** Bit b set when tagged rule b (in rulePriority order) matches the tags. */
  readonly match: (tags: readonly string[]) => number;
  /** The bit of each rule in rulePriority order, 0 for rules that are not `tagged`. */
  readonly bits: readonly number[];
}

// One bit a tagged rule in an Int32: policies with more tagged rules than this are matched rule by
// rule (ECR allows 50 rules).
const MOST_TAGGED_RULES = 31;

/** undefined when the policy has no tagged rule or more than fit in one mask. */
export function compileTagFilterSet(policy: LifecyclePolicy): TagFilterSet | undefined {
  const rules = rulesByPriority(policy);
  const filters: ((tags: readonly string[]) => boolean)[] = [];
  const bits = rules.map((rule) => {
    if (rule.selection.tagStatus !== 'tagged') return 0;
    filters.push(compileTagFilter(rule.selection));
    return 1 << (filters.length - 1);
  });
  if (filters.length === 0 || filters.length > MOST_TAGGED_RULES) return undefined;
  const match = (tags: readonly string[]): number => {
    if (tags.length === 0) return 0;
    let mask = 0;
    for (let f = 0; f < filters.length; f++) {
      if ((filters[f] as (tags: readonly string[]) => boolean)(tags)) mask |= 1 << f;
    }
    return mask;
  };
  return { policy, match, bits };
}

function rulesByPriority(policy: LifecyclePolicy): LifecycleRule[] {
  return [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
}

const DAY_MS = 86_400_000;
const NOT_SET = -1;

export function evaluateLifecycleColumns(
  policy: LifecyclePolicy,
  images: ImageColumns,
  options: ColumnarEvaluationOptions,
): ColumnarEvaluation {
  const rules = rulesByPriority(policy);
  const { count, digests } = images;
  const { tagMatches } = options;
  if (
    tagMatches !== undefined &&
    (tagMatches.filters.policy !== policy || tagMatches.matches.length < count)
  ) {
    throw new RangeError('tagMatches were computed for another policy or listing');
  }
  const newestFirst = orderNewestFirst(images);
  const actedBy = new Int32Array(count).fill(NOT_SET);
  const claimedBy = new Int32Array(count).fill(NOT_SET);
  const matched = new Uint8Array(count);
  const actionsPerRule = new Int32Array(rules.length);
  const heldByIndex = imagesHeldByIndexes(images, options);

  // The general engine's four steps per rule (match, select, act, claim) in two passes: an image
  // that a higher-priority rule acted on was matched by it, so it is claimed too, and "claimed by
  // no rule before this one" is the one condition for this rule to act on what it selects. Only
  // the first rule whose tag filter matches an image can act on it; later rules still count it.
  for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
    const rule = rules[ruleIndex] as LifecycleRule;
    const bit = tagMatches?.filters.bits[ruleIndex] ?? 0;
    if (tagMatches !== undefined && bit !== 0)
      matchPrecomputed(rule, images, tagMatches.matches, bit, matched);
    else matchRule(rule, images, matched);
    const { countType, countNumber } = rule.selection;
    let acted = 0;
    if (countType === 'imageCountMoreThan') {
      // "images are sorted from youngest to oldest based on pushed_at_time and then all images
      // greater than the specified count are expired"
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = newestFirst[k] as number;
        if (matched[i] === 0) continue;
        const selected = kept >= countNumber;
        if (!selected) kept++;
        if (claimedBy[i] !== NOT_SET) continue;
        claimedBy[i] = ruleIndex;
        if (selected && !heldByIndex?.has(digests[i] as string)) {
          actedBy[i] = ruleIndex;
          acted++;
        }
      }
    } else {
      const cutoff = options.now - countNumber * DAY_MS;
      const at = referenceTimes(countType, images);
      for (let i = 0; i < count; i++) {
        if (matched[i] === 0 || claimedBy[i] !== NOT_SET) continue;
        claimedBy[i] = ruleIndex;
        // NaN (no reference time) is never before the cutoff: such an image is never selected.
        if ((at[i] as number) < cutoff && !heldByIndex?.has(digests[i] as string)) {
          actedBy[i] = ruleIndex;
          acted++;
        }
      }
    }
    actionsPerRule[ruleIndex] = acted;
  }

  // By rule priority, then oldest first: each rule's actions fill their own slice.
  const next = new Int32Array(rules.length);
  let total = 0;
  for (let r = 0; r < rules.length; r++) {
    next[r] = total;
    total += actionsPerRule[r] as number;
  }
  const image = new Int32Array(total);
  const rule = new Int32Array(total);
  for (let k = count - 1; k >= 0; k--) {
    const i = newestFirst[k] as number;
    const ruleIndex = actedBy[i] as number;
    if (ruleIndex === NOT_SET) continue;
    const slot = next[ruleIndex] as number;
    next[ruleIndex] = slot + 1;
    image[slot] = i;
    rule[slot] = ruleIndex;
  }
  return { rules, image, rule };
}

/** evaluate.ts's imagesHeldByIndexes, over columns. */
function imagesHeldByIndexes(
  images: ImageColumns,
  { referencedByIndex, indexChildren }: ColumnarEvaluationOptions,
): ReadonlySet<string> | undefined {
  if (indexChildren === undefined || indexChildren.size === 0) return referencedByIndex;
  const archived = new Set<string>();
  for (let i = 0; i < images.count; i++) {
    if (images.archived[i] === 1) archived.add(images.digests[i] as string);
  }
  const held = new Set(referencedByIndex);
  for (const [index, children] of indexChildren) {
    if (archived.has(index)) continue;
    for (const child of children) held.add(child);
  }
  return held;
}

/** evaluate.ts's orderNewestFirst: by (activatedAt ?? pushedAt, digest) descending. */
function orderNewestFirst(images: ImageColumns): Uint32Array {
  const { count, pushedAt, activatedAt, digests } = images;
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const activated = activatedAt[i] as number;
    // + 0 turns -0 into 0, as the general engine does.
    times[i] = (Number.isNaN(activated) ? (pushedAt[i] as number) : activated) + 0;
  }
  const ascending = sortIndexesByTime(times);
  for (let from = 0; from < count; ) {
    let to = from + 1;
    const time = times[ascending[from] as number];
    while (to < count && times[ascending[to] as number] === time) to++;
    if (to - from > 1) {
      ascending.subarray(from, to).sort((a, b) => {
        const da = digests[a] as string;
        const db = digests[b] as string;
        return da < db ? -1 : da > db ? 1 : b - a;
      });
    }
    from = to;
  }
  return ascending.reverse();
}

/** matchRule for a tagged rule whose tag filter was tested as the listing was read. */
function matchPrecomputed(
  rule: LifecycleRule,
  images: ImageColumns,
  matches: Int32Array,
  bit: number,
  matched: Uint8Array,
): void {
  const archiveRule = ruleStorageClass(rule) === 'archive' ? 1 : 0;
  const { count, archived } = images;
  for (let i = 0; i < count; i++)
    matched[i] = archived[i] === archiveRule && ((matches[i] as number) & bit) !== 0 ? 1 : 0;
}

/** Sets `matched[i]` to 1 for the images whose storage class and tags satisfy the rule, 0 otherwise. */
function matchRule(rule: LifecycleRule, images: ImageColumns, matched: Uint8Array): void {
  const archiveRule = ruleStorageClass(rule) === 'archive' ? 1 : 0;
  const { count, archived, tags } = images;
  const { tagStatus } = rule.selection;
  if (tagStatus === 'any') {
    for (let i = 0; i < count; i++) matched[i] = archived[i] === archiveRule ? 1 : 0;
    return;
  }
  if (tagStatus === 'untagged') {
    for (let i = 0; i < count; i++)
      matched[i] = archived[i] === archiveRule && (tags[i] as readonly string[]).length === 0 ? 1 : 0;
    return;
  }
  const matchesTags = compileTagFilter(rule.selection);
  for (let i = 0; i < count; i++)
    matched[i] = archived[i] === archiveRule && matchesTags(tags[i] as readonly string[]) ? 1 : 0;
}

/** evaluate.ts's referenceTime for every image: the time a `since*` count type measures age from. */
function referenceTimes(countType: RuleSelection['countType'], images: ImageColumns): Float64Array {
  const { count, pushedAt, lastPulledAt, activatedAt, archivedAt } = images;
  if (countType === 'sinceImageTransitioned') return archivedAt;
  const at = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const activated = activatedAt[i] as number;
    const pushed = pushedAt[i] as number;
    if (countType !== 'sinceImagePulled') {
      at[i] = Number.isNaN(activated) ? pushed : activated;
      continue;
    }
    const pulled = lastPulledAt[i] as number;
    // Restored and not pulled since: from the restore; else the last pull, else the push.
    if (!Number.isNaN(activated) && (Number.isNaN(pulled) || pulled < activated)) at[i] = activated;
    else at[i] = Number.isNaN(pulled) ? pushed : pulled;
  }
  return at;
}
