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
}

const DAY_MS = 86_400_000;
const NOT_SET = -1;

export function evaluateLifecycleColumns(
  policy: LifecyclePolicy,
  images: ImageColumns,
  options: ColumnarEvaluationOptions,
): ColumnarEvaluation {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const { count, digests } = images;
  const newestFirst = orderNewestFirst(images);
  const actedBy = new Int32Array(count).fill(NOT_SET);
  const claimedBy = new Int32Array(count).fill(NOT_SET);
  const matched = new Uint8Array(count);
  const selected = new Int32Array(count);
  const actionsPerRule = new Int32Array(rules.length);
  const heldByIndex = imagesHeldByIndexes(images, options);

  for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
    const rule = rules[ruleIndex] as LifecycleRule;
    matchRule(rule, images, matched);
    const selectedCount = selectImages(rule, matched, newestFirst, images, options.now, selected);
    let acted = 0;
    for (let k = 0; k < selectedCount; k++) {
      const i = selected[k] as number;
      // Acted on by a higher-priority rule, claimed by one's tag filter, or held by a manifest list.
      if (actedBy[i] !== NOT_SET || claimedBy[i] !== NOT_SET) continue;
      if (heldByIndex?.has(digests[i] as string)) continue;
      actedBy[i] = ruleIndex;
      acted++;
    }
    actionsPerRule[ruleIndex] = acted;
    for (let i = 0; i < count; i++) {
      if (matched[i] === 1 && claimedBy[i] === NOT_SET) claimedBy[i] = ruleIndex;
    }
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

/** Writes into `selected` the matched images that the rule's count criterion selects; returns how many. */
function selectImages(
  rule: LifecycleRule,
  matched: Uint8Array,
  newestFirst: Uint32Array,
  images: ImageColumns,
  now: number,
  selected: Int32Array,
): number {
  const { countType, countNumber } = rule.selection;
  let selectedCount = 0;
  if (countType === 'imageCountMoreThan') {
    let kept = 0;
    for (let k = 0; k < newestFirst.length; k++) {
      const i = newestFirst[k] as number;
      if (matched[i] === 0) continue;
      if (kept < countNumber) kept++;
      else selected[selectedCount++] = i;
    }
    return selectedCount;
  }
  const cutoff = now - countNumber * DAY_MS;
  const at = referenceTimes(countType, images);
  // NaN (no reference time) is never before the cutoff: such an image is never selected.
  for (let i = 0; i < images.count; i++) {
    if (matched[i] === 1 && (at[i] as number) < cutoff) selected[selectedCount++] = i;
  }
  return selectedCount;
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
