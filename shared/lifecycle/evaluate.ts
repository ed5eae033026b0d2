import type { LifecyclePolicy, LifecycleRule, RuleActionType, RuleSelection, StorageClass } from './policy';
import { ruleStorageClass } from './policy';
import { compileWildcardPattern } from './wildcard-pattern';

/** What the engine needs to know of an image: the fields of `DescribeImages` that rules read. */
export interface LifecycleImage {
  imageDigest: string;
  /** Empty when the image is untagged. */
  imageTags: readonly string[];
  /** imagePushedAt, epoch milliseconds. */
  pushedAt: number;
  /** lastRecordedPullTime, epoch milliseconds; absent when never pulled. */
  lastPulledAt?: number;
  /** lastArchivedAt, epoch milliseconds; set for archived images. */
  archivedAt?: number;
  /** lastActivatedAt, epoch milliseconds: set when the image was once archived and then restored. */
  activatedAt?: number;
  storageClass: StorageClass;
}

export interface LifecycleEvaluationOptions {
  /** The evaluation time, epoch milliseconds. */
  now: number;
  /**
   * Digests of images that a manifest list / image index in the repository references. ECR never
   * expires such an image while the list exists: "Images that are referenced by a manifest list
   * can't be expired until the manifest list is first deleted."
   */
  referencedByIndex?: ReadonlySet<string>;
  /**
   * Index digest → the digests that index (manifest list / image index) lists. Its children are held
   * as `referencedByIndex` holds them, until the index itself is archived: "If an image is
   * referenced by a manifest list, it cannot be expired or archived without the manifest list being
   * deleted or archived first" (LifecyclePolicies.html, "How lifecycle policies work"). An index
   * missing from `images` (not listed, or being restored) still holds its children.
   */
  indexChildren?: ReadonlyMap<string, readonly string[]>;
  /** Record in `held` every image a rule selected but could not act on (for explanations). */
  explain?: boolean;
}

export interface LifecycleAction {
  image: LifecycleImage;
  /**
   * Where `image` is in the images given to the evaluation: callers that keep data per image read
   * it in the listing's order (the JSON preview encodes its results so, memory order).
   */
  imageIndex: number;
  rulePriority: number;
  type: RuleActionType;
}

/** An image a rule selected but did not act on, and why: the explanation behind a keep. */
export interface HeldImage {
  image: LifecycleImage;
  rulePriority: number;
  reason: 'claimed-by-higher-priority-rule' | 'referenced-by-manifest-list';
  /** For `claimed-by-higher-priority-rule`: the rule whose tag filter matched the image first. */
  claimedByRulePriority?: number;
}

export interface LifecycleEvaluation {
  /** Acted-on images, by rule priority, oldest push first within a rule. */
  actions: LifecycleAction[];
  /** Filled only with `explain: true`. */
  held: HeldImage[];
}

const DAY_MS = 86_400_000;
const NOT_SET = -1;

/**
 * Applies a validated policy to a repository's images with ECR's semantics
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, "Lifecycle
 * policy evaluation rules"):
 * - every rule selects from all the images of its storage class, as if no other rule existed;
 * - the selections are then applied in ascending rulePriority, whatever the array order;
 * - an image is acted on by exactly one or zero rules;
 * - an image that matches the tagging requirements of a rule can never be acted on by a rule of
 *   lower priority (higher number), though that rule still counts it;
 * - `standard` and `archive` images are evaluated separately.
 *
 * Cost: one O(n log n) sort by push time, then O(r·n·t) for r rules and t tags an image.
 */
export function evaluateLifecyclePolicy(
  policy: LifecyclePolicy,
  images: readonly LifecycleImage[],
  options: LifecycleEvaluationOptions,
): LifecycleEvaluation {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const count = images.length;
  const newestFirst = orderNewestFirst(images);
  const actedBy = new Int32Array(count).fill(NOT_SET);
  const claimedBy = new Int32Array(count).fill(NOT_SET);
  // Per-image flags and index lists live in typed arrays, outside the garbage-collected heap:
  // on 100,000 images the collector's copying was the largest cost of an evaluation.
  const matched = new Uint8Array(count);
  const selected = new Int32Array(count);
  const held: HeldImage[] = [];
  const actionsPerRule = new Int32Array(rules.length);
  const heldByIndex = imagesHeldByIndexes(images, options);

  rules.forEach((rule, ruleIndex) => {
    matchRule(rule, images, matched);
    const selectedCount = selectImages(rule, matched, newestFirst, images, options.now, selected);
    for (let k = 0; k < selectedCount; k++) {
      const i = selected[k] as number;
      if (actedBy[i] !== NOT_SET) continue;
      const image = images[i] as LifecycleImage;
      const claimant = claimedBy[i] as number;
      if (claimant !== NOT_SET) {
        if (options.explain) {
          held.push({
            image,
            rulePriority: rule.rulePriority,
            reason: 'claimed-by-higher-priority-rule',
            claimedByRulePriority: (rules[claimant] as LifecycleRule).rulePriority,
          });
        }
      } else if (heldByIndex?.has(image.imageDigest)) {
        if (options.explain)
          held.push({ image, rulePriority: rule.rulePriority, reason: 'referenced-by-manifest-list' });
      } else {
        actedBy[i] = ruleIndex;
        actionsPerRule[ruleIndex] = (actionsPerRule[ruleIndex] as number) + 1;
      }
    }
    for (let i = 0; i < count; i++) {
      if (matched[i] === 1 && claimedBy[i] === NOT_SET) claimedBy[i] = ruleIndex;
    }
  });

  // By rule priority, then oldest first: each rule's actions fill their own slice of the array.
  const next = new Int32Array(rules.length);
  for (let r = 1; r < rules.length; r++)
    next[r] = (next[r - 1] as number) + (actionsPerRule[r - 1] as number);
  const actions = new Array<LifecycleAction>(actionsPerRule.reduce((sum, n) => sum + n, 0));
  for (let k = count - 1; k >= 0; k--) {
    const i = newestFirst[k] as number;
    const ruleIndex = actedBy[i] as number;
    if (ruleIndex === NOT_SET) continue;
    const rule = rules[ruleIndex] as LifecycleRule;
    const slot = next[ruleIndex] as number;
    next[ruleIndex] = slot + 1;
    actions[slot] = {
      image: images[i] as LifecycleImage,
      imageIndex: i,
      rulePriority: rule.rulePriority,
      type: rule.action.type,
    };
  }
  return { actions, held };
}

/** The digests a manifest list holds back, or undefined when nothing says any is held. */
function imagesHeldByIndexes(
  images: readonly LifecycleImage[],
  { referencedByIndex, indexChildren }: LifecycleEvaluationOptions,
): ReadonlySet<string> | undefined {
  if (indexChildren === undefined || indexChildren.size === 0) return referencedByIndex;
  const archived = new Set<string>();
  for (const image of images) if (image.storageClass === 'archive') archived.add(image.imageDigest);
  const held = new Set(referencedByIndex);
  for (const [index, children] of indexChildren) {
    if (archived.has(index)) continue;
    for (const child of children) held.add(child);
  }
  return held;
}

/**
 * Image indexes from newest to oldest push ("Expiration is always ordered by pushed_at_time ...
 * If an image was archived and then restored at any point in the past, the image's
 * last_activated_at is used instead of pushed_at_time"). Equal times fall back to the digest so
 * that results are stable. Sorted once per evaluation: every count rule reads this order.
 *
 * The order is (time, digest) descending: the times sorted first, then the digests compared only
 * within runs of equal times. A comparator sort called a function 1.7 million times on 100,000
 * images and was the largest part of an evaluation.
 */
function orderNewestFirst(images: readonly LifecycleImage[]): Uint32Array {
  const count = images.length;
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const image = images[i] as LifecycleImage;
    // + 0 turns -0 into 0, which the order takes as equal (as subtraction did).
    times[i] = (image.activatedAt ?? image.pushedAt) + 0;
  }
  const ascending = sortIndexesByTime(times);
  // Equal times: by digest, ascending, so that the reversal below leaves the greater digest first.
  for (let from = 0; from < count; ) {
    let to = from + 1;
    const time = times[ascending[from] as number];
    while (to < count && times[ascending[to] as number] === time) to++;
    if (to - from > 1) {
      ascending.subarray(from, to).sort((a, b) => {
        const da = (images[a] as LifecycleImage).imageDigest;
        const db = (images[b] as LifecycleImage).imageDigest;
        // The same digest twice (a caller's duplicate): later index first, earlier after the reversal.
        return da < db ? -1 : da > db ? 1 : b - a;
      });
    }
    from = to;
  }
  return ascending.reverse();
}

/**
 * The indexes of `times` by ascending time, equal times in index order.
 *
 * When the times are whole milliseconds (every timestamp a reader accepts is) and span little
 * enough, each index is folded into its time as one exact integer, `(time - earliest) / unit *
 * count + index`, below 2^53: a Float64Array of those keys sorts natively (no comparator) into
 * exactly this order, and each key's remainder by `count` is its index. With whole seconds (what
 * the AWS CLI prints) the unit is a second and 100,000 images may span 2,800 years; in
 * milliseconds, 2.8 years. Otherwise the times are sorted on their own and each index is placed at
 * its time's first position, found by binary search, plus how many earlier indexes took that time
 * (a comparator sort called a function 1.7 million times on 100,000 images, a radix sort in
 * JavaScript ran interpreted until compiled; the folded keys cost a third of the binary search).
 */
export function sortIndexesByTime(times: Float64Array): Uint32Array {
  const folded = foldIndexesIntoTimes(times);
  const count = times.length;
  const order = new Uint32Array(count);
  if (folded !== undefined) {
    folded.sort();
    for (let k = 0; k < count; k++) order[k] = (folded[k] as number) % count;
    return order;
  }
  const sorted = times.slice().sort();
  const taken = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const time = times[i] as number;
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((sorted[middle] as number) < time) low = middle + 1;
      else high = middle;
    }
    const slot = low + (taken[low] as number);
    taken[low] = (taken[low] as number) + 1;
    order[slot] = i;
  }
  return order;
}

/** The keys of sortIndexesByTime's fast path, or undefined when they would not be exact. */
function foldIndexesIntoTimes(times: Float64Array): Float64Array | undefined {
  const count = times.length;
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const time = times[i] as number;
    if (!Number.isSafeInteger(time)) return undefined;
    if (time < earliest) earliest = time;
    if (time > latest) latest = time;
  }
  let unit = 1000;
  for (let i = 0; i < count && unit === 1000; i++) {
    if (((times[i] as number) - earliest) % 1000 !== 0) unit = 1;
  }
  if (((latest - earliest) / unit + 1) * count > Number.MAX_SAFE_INTEGER) return undefined;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[i] = (((times[i] as number) - earliest) / unit) * count + i;
  return keys;
}

/** Sets `matched[i]` to 1 for the images whose storage class and tags satisfy the rule, 0 otherwise. */
function matchRule(rule: LifecycleRule, images: readonly LifecycleImage[], matched: Uint8Array): void {
  const storageClass = ruleStorageClass(rule);
  const { tagStatus } = rule.selection;
  // One loop per tag status, so that the common `any` and `untagged` rules make no call per image.
  if (tagStatus === 'any') {
    for (let i = 0; i < images.length; i++)
      matched[i] = (images[i] as LifecycleImage).storageClass === storageClass ? 1 : 0;
    return;
  }
  if (tagStatus === 'untagged') {
    for (let i = 0; i < images.length; i++) {
      const image = images[i] as LifecycleImage;
      matched[i] = image.storageClass === storageClass && image.imageTags.length === 0 ? 1 : 0;
    }
    return;
  }
  const matchesTags = compileTagFilter(rule.selection);
  for (let i = 0; i < images.length; i++) {
    const image = images[i] as LifecycleImage;
    matched[i] = image.storageClass === storageClass && matchesTags(image.imageTags) ? 1 : 0;
  }
}

/**
 * Writes into `selected` the indexes of the matched images that the rule's count criterion
 * selects, and returns how many there are.
 */
function selectImages(
  rule: LifecycleRule,
  matched: Uint8Array,
  newestFirst: Uint32Array,
  images: readonly LifecycleImage[],
  now: number,
  selected: Int32Array,
): number {
  const { countType, countNumber } = rule.selection;
  let selectedCount = 0;
  if (countType === 'imageCountMoreThan') {
    // "images are sorted from youngest to oldest based on pushed_at_time and then all images
    // greater than the specified count are expired"
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
  for (let i = 0; i < images.length; i++) {
    if (matched[i] === 0) continue;
    const at = referenceTime(countType, images[i] as LifecycleImage);
    if (at !== undefined && at < cutoff) selected[selectedCount++] = i;
  }
  return selectedCount;
}

/** The time a `since*` count type measures age from. */
function referenceTime(countType: RuleSelection['countType'], image: LifecycleImage): number | undefined {
  switch (countType) {
    case 'sinceImagePulled': {
      // "If an image was never pulled, the image's pushed_at_time is used instead of the
      // last_recorded_pulltime. If an image was archived and then restored at any point in the past,
      // but never pulled since the image was restored, the image's last_activated_at is used."
      const { lastPulledAt, activatedAt } = image;
      if (activatedAt !== undefined && (lastPulledAt === undefined || lastPulledAt < activatedAt))
        return activatedAt;
      return lastPulledAt ?? image.pushedAt;
    }
    case 'sinceImageTransitioned':
      // Without an archive time nothing says how long the image has been archived: never select.
      return image.archivedAt;
    default:
      return effectivePushTime(image);
  }
}

/** See orderNewestFirst: a restored image counts from its restore. */
function effectivePushTime(image: LifecycleImage): number {
  return image.activatedAt ?? image.pushedAt;
}

/**
 * - `untagged` matches images with no tag, `any` matches every image;
 * - `tagged` with a list: every entry must match at least one of the image's tags (AND);
 * - `tagPatternList`: `*` matches any run of characters (none included), other characters match
 *   themselves, and the pattern must match the whole tag;
 * - `tagPrefixList`: the entry must be a prefix of a tag.
 */
export function compileTagFilter(selection: RuleSelection): (tags: readonly string[]) => boolean {
  switch (selection.tagStatus) {
    case 'any':
      return () => true;
    case 'untagged':
      return (tags) => tags.length === 0;
    case 'tagged': {
      const entries = selection.tagPatternList
        ? selection.tagPatternList.map(compileWildcardPattern)
        : (selection.tagPrefixList ?? []).map((prefix) => (tag: string) => tag.startsWith(prefix));
      // Plain loops rather than every/some: this runs once per image and rule.
      return (tags) => {
        if (tags.length === 0) return false;
        for (const matches of entries) {
          let found = false;
          for (let t = 0; t < tags.length && !found; t++) found = matches(tags[t] as string);
          if (!found) return false;
        }
        return true;
      };
    }
  }
}
