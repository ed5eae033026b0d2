import picomatch from 'picomatch/posix';
import { EcrWardenError } from '../errors';
import type { ImageRecord } from '../inventory/image-details';
import { buildImageGraph, type ImageGraph } from '../inventory/image-graph';
import { monthlyStorageCost } from '../inventory/storage-cost';
import { evaluateLifecyclePolicy, type LifecyclePolicy } from '../lifecycle';
import {
  type DeleteReason,
  type InUseReason,
  KEEP_REASON_KINDS,
  type KeepReason,
  type KeepReasonKind,
  PROTECTION_KINDS,
  sortKeepReasons,
} from './cleanup-reasons';

/**
 * The cleanup plan of one repository: which images a run deletes, in which order, and why every
 * other image stays. A pure function of data (no AWS calls): `cleanupWorker` applies the plan,
 * `ecr-warden cleanup plan` prints it.
 *
 * How the plan is made:
 * 1. The lifecycle engine (shared/lifecycle) evaluates the policy with ECR's semantics. Its `expire`
 *    actions are the deletion candidates. Children of an index are never candidates of their own
 *    ("Images that are referenced by a manifest list can't be expired until the manifest list is
 *    first deleted", https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html):
 *    they go with their index. `transition` actions are planned archive transitions, listed apart
 *    in `transition`: the image stays (in `keep`, reason `archive-transition`).
 * 2. Protections, which always win: in use by ECS or Lambda, a recent task definition revision, a
 *    protected tag, the newest `keepAtLeast` images, a restore from archive in progress.
 * 3. Closure: a candidate index takes its children along, and a candidate image its referrers
 *    (signatures, SBOMs, attestations), transitively, so that nothing is orphaned. Then, until
 *    nothing changes: a kept index keeps its children (ECR refuses to delete them,
 *    `ImageReferencedByManifestList`, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html),
 *    a kept image keeps its referrers, and a kept referrer keeps its subject.
 * 4. Safety rails: at most `maxDeletionsPerRepository` images and at most `maxDeletionShare` of the
 *    repository. What must go together (an index, its children, their referrers: a connected group
 *    of candidates) is deleted or kept whole; groups are taken oldest first, and one that no longer
 *    fits is kept (reason `deletion-cap`) while later, smaller ones may still fit.
 * 5. Order: the delete list puts every index before its children and every subject before its
 *    referrers: top-level images and indexes first, then children, then referrers. BatchDeleteImage
 *    refuses to delete a child while an index that lists it exists. Referrers come last, as ECR's
 *    own lifecycle does it (it removes the referrers of a deleted subject within 24 hours,
 *    https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-signing.html); a run cut short
 *    between a subject and its referrers leaves referrers that the next run's policy finds untagged.
 *
 * Sizes: `bytes` is imageSizeInBytes, and 0 for an index, for which DescribeImages reports the size of
 * its largest child (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html):
 * the children are counted themselves. Layers shared between images are stored once, so the sum is
 * an upper bound of what deleting frees.
 */

/** The default of `cleanup.maxDeletionShare`: never more than half a repository in one run. */
export const DEFAULT_MAX_DELETION_SHARE = 0.5;

/** The `cleanup` settings a plan applies. */
export interface CleanupSafety {
  /** `cleanup.protect.tags`: tag globs (picomatch) whose images are never deleted. */
  protectTags: readonly string[];
  /** `cleanup.keepAtLeast`. */
  keepAtLeast: number;
  /** `cleanup.maxDeletionsPerRepository`; no cap when absent. */
  maxDeletionsPerRepository?: number | undefined;
  /** `cleanup.maxDeletionShare`, a fraction in (0, 1]; DEFAULT_MAX_DELETION_SHARE when absent. */
  maxDeletionShare?: number | undefined;
}

export interface RepositoryCleanupInput {
  repositoryName: string;
  /** Every image of the repository, in every storage class (DescribeImages with imageStatus ANY). */
  images: readonly ImageRecord[];
  /** Index digest → the digests its manifest lists (shared/inventory/manifests.ts `indexChildren`). */
  indexChildren: ReadonlyMap<string, readonly string[]>;
  /** Digest → why a workload uses it (shared/cleanup/workload-images.ts `resolveImagesInUse`). */
  inUse: ReadonlyMap<string, readonly InUseReason[]>;
  /** The policy to apply; undefined when there is none (a `native` repository without a lifecycle policy). */
  policy: LifecyclePolicy | undefined;
  /** The evaluation time, epoch milliseconds. */
  now: number;
  safety: CleanupSafety;
}

/** What an image is in its repository. */
export type ImageRole = 'image' | 'index' | 'child' | 'referrer';

export interface PlannedDeletion {
  imageDigest: string;
  imageTags: string[];
  reason: DeleteReason;
  /** What deleting it frees at most: imageSizeInBytes, 0 for an index (see above). */
  bytes: number;
  role: ImageRole;
  imagePushedAt: string;
  storageClass: 'standard' | 'archive';
  /** The expire rule that selected it, also when it goes as a child of its index. */
  selectedByRule?: number;
}

export interface PlannedKeep {
  imageDigest: string;
  imageTags: string[];
  /** Every reason that applies, primary first (KEEP_REASON_KINDS order). Never empty. */
  reasons: KeepReason[];
  role: ImageRole;
  /** Set when an expire rule selected it: then the reasons say why it stays anyway. */
  selectedByRule?: number;
}

export interface PlannedTransition {
  imageDigest: string;
  imageTags: string[];
  rulePriority: number;
  targetStorageClass: 'archive';
  bytes: number;
}

export interface KeepReasonCount {
  kind: KeepReasonKind;
  count: number;
}

/** The figures of a cleanup plan, of one repository or summed over a snapshot's. */
export interface CleanupTotals {
  imagesEvaluated: number;
  imagesDeleted: number;
  imagesKept: number;
  imagesTransitioned: number;
  /** Sum of the deleted images' `bytes`: an upper bound (shared layers are stored once). */
  bytesReclaimed: number;
  /** bytesReclaimed priced per storage class (shared/inventory/storage-cost.ts). */
  monthlySavingsUsd: number;
  /** How many kept images have at least one reason of each kind (an image may count under several). */
  keptByReason: Partial<Record<KeepReasonKind, number>>;
  /** Kept images by primary reason, most frequent first, at most 10: sums to imagesKept when ≤ 10 kinds. */
  topKeepReasons: KeepReasonCount[];
}

export interface RepositoryCleanupSummary extends CleanupTotals {
  /** How many images this run may delete; null without a cap. */
  deletionLimit: number | null;
  deletionCapReached: boolean;
}

export interface RepositoryCleanupPlan {
  repositoryName: string;
  /** In the order to delete: indexes before their children, subjects before their referrers. */
  delete: PlannedDeletion[];
  /** Newest push first. */
  keep: PlannedKeep[];
  /** Archive transitions the policy asks for and no protection stops, newest push first. The images are also in `keep`. */
  transition: PlannedTransition[];
  summary: RepositoryCleanupSummary;
}

/** The input contradicts itself (e.g. one digest listed twice). */
export class CleanupPlanError extends EcrWardenError {
  override name = 'CleanupPlanError';
}

// ECR image status of an image being restored from archive
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html, imageStatus).
const ACTIVATING = 'ACTIVATING';
const TOP_KEEP_REASONS = 10;
// Returned for images without children or referrers: one shared empty list, not one per lookup.
const NONE: readonly string[] = Object.freeze([]);

export function planRepositoryCleanup(input: RepositoryCleanupInput): RepositoryCleanupPlan {
  const { images, safety } = input;
  const byDigest = new Map<string, ImageRecord>();
  for (const image of images) {
    if (byDigest.has(image.imageDigest)) {
      throw new CleanupPlanError(`${input.repositoryName}: image ${image.imageDigest} is listed twice`);
    }
    byDigest.set(image.imageDigest, image);
  }
  const graph = buildImageGraph(images, input.indexChildren);
  const verdicts = evaluatePolicy(input.policy, images, graph, input.now);
  const reasons = new Map<string, KeepReason[]>();
  const addReason = (digest: string, reason: KeepReason) => {
    const list = reasons.get(digest);
    if (list === undefined) reasons.set(digest, [reason]);
    else list.push(reason);
  };

  // 2. Protections.
  for (const [digest, inUse] of input.inUse) {
    if (byDigest.has(digest)) for (const reason of inUse) addReason(digest, reason);
  }
  addProtectedTagReasons(images, safety.protectTags, addReason);
  addKeepAtLeastReasons(images, graph, safety.keepAtLeast, addReason);
  for (const image of images) {
    if (image.detail.imageStatus === ACTIVATING)
      addReason(image.imageDigest, { kind: 'restoring-from-archive' });
  }
  const isProtected = new Set(reasons.keys());

  // 3. Candidates and their closure, then what kept images hold back.
  const doomed = new Set<string>();
  const closureQueue: string[] = [];
  const doom = (digest: string) => {
    if (doomed.has(digest) || isProtected.has(digest)) return;
    doomed.add(digest);
    closureQueue.push(digest);
  };
  for (const digest of verdicts.expireRule.keys()) doom(digest);
  while (closureQueue.length > 0) {
    const digest = closureQueue.pop() as string;
    for (const child of graph.children.get(digest) ?? NONE) doom(child);
    for (const referrer of graph.referrers.get(digest) ?? NONE) doom(referrer);
  }
  const keptQueue = images.map((image) => image.imageDigest).filter((digest) => !doomed.has(digest));
  const spare = (digest: string) => {
    if (doomed.delete(digest)) keptQueue.push(digest);
  };
  while (keptQueue.length > 0) {
    const digest = keptQueue.pop() as string;
    for (const child of graph.children.get(digest) ?? NONE) spare(child);
    for (const referrer of graph.referrers.get(digest) ?? NONE) spare(referrer);
    const subject = graph.subjects.get(digest);
    if (subject !== undefined) spare(subject);
  }

  // 4. Safety rails.
  const limit = deletionLimit(safety, images.length);
  let deletionCapReached = false;
  if (limit !== undefined && doomed.size > limit.limit) {
    deletionCapReached = true;
    let room = limit.limit;
    for (const group of groupsOldestFirst(doomed, graph, byDigest)) {
      if (group.length <= room) {
        room -= group.length;
        continue;
      }
      for (const digest of group) {
        doomed.delete(digest);
        addReason(digest, { kind: 'deletion-cap', cap: limit.cap, limit: limit.limit });
      }
    }
  }

  // Facts about kept images: a kept index's children and a kept image's referrers stay with it.
  // An archived index no longer holds its children for ECR (the engine lets rules act on them), but
  // deleting them would break the index when it is restored: they stay, for a reason of their own.
  for (const image of images) {
    const digest = image.imageDigest;
    if (doomed.has(digest)) continue;
    const childKind = image.storageClass === 'archive' ? 'child-of-archived-index' : 'child-of-kept-index';
    for (const child of graph.children.get(digest) ?? NONE) {
      if (!doomed.has(child)) {
        addReason(child, { kind: childKind, indexDigest: digest, indexTags: [...image.imageTags] });
      }
    }
    const subject = graph.subjects.get(digest);
    if (subject !== undefined && !doomed.has(subject)) {
      const reason: KeepReason = { kind: 'referrer-of-kept-image', subjectDigest: subject };
      if (image.detail.artifactMediaType !== undefined)
        reason.artifactMediaType = image.detail.artifactMediaType;
      addReason(digest, reason);
    }
  }

  addSubjectOfKeptReferrerReasons(images, graph, doomed, reasons, addReason);

  // 1 (the policy's verdict on what stays), 5 (order) and the plan itself.
  const transition: PlannedTransition[] = [];
  const keep: PlannedKeep[] = [];
  // Newest push first, equal times by digest: the order of `keep` and `transition`.
  const newestFirst = [...images].sort(
    (a, b) => b.pushedAt - a.pushedAt || (a.imageDigest < b.imageDigest ? -1 : 1),
  );
  for (const image of newestFirst) {
    const digest = image.imageDigest;
    if (doomed.has(digest)) continue;
    const selectedByRule = verdicts.expireRule.get(digest) ?? verdicts.heldByIndexRule.get(digest);
    const transitionRule = verdicts.transitionRule.get(digest);
    const claimed = verdicts.claimed.get(digest);
    if (transitionRule !== undefined) {
      const planned = !(reasons.get(digest) ?? []).some((reason) => PROTECTION_KINDS.has(reason.kind));
      addReason(digest, {
        kind: 'archive-transition',
        rulePriority: transitionRule,
        targetStorageClass: 'archive',
        planned,
      });
      if (planned) {
        transition.push({
          imageDigest: digest,
          imageTags: [...image.imageTags],
          rulePriority: transitionRule,
          targetStorageClass: 'archive',
          bytes: bytesOf(image, graph),
        });
      }
    } else if (selectedByRule === undefined) {
      if (claimed !== undefined) {
        addReason(digest, { kind: 'claimed-by-higher-priority-rule', ...claimed });
      } else {
        addReason(
          digest,
          input.policy === undefined
            ? { kind: 'not-selected-by-policy', noPolicy: true }
            : { kind: 'not-selected-by-policy' },
        );
      }
    }
    const kept: PlannedKeep = {
      imageDigest: digest,
      imageTags: [...image.imageTags],
      reasons: sortKeepReasons(reasons.get(digest) ?? []),
      role: roleOf(image, graph),
    };
    if (selectedByRule !== undefined) kept.selectedByRule = selectedByRule;
    if (kept.reasons.length === 0) {
      // Every path that spares a selected image records why; reaching this is a bug, never a silent keep.
      throw new CleanupPlanError(`${input.repositoryName}: no reason recorded for keeping ${digest}`);
    }
    keep.push(kept);
  }

  const deletions = orderDeletions(doomed, graph, byDigest).map((digest) =>
    plannedDeletion(byDigest.get(digest) as ImageRecord, graph, doomed, verdicts, input.repositoryName),
  );
  return {
    repositoryName: input.repositoryName,
    delete: deletions,
    keep,
    transition,
    summary: summarize(images.length, deletions, keep, transition, limit, deletionCapReached),
  };
}

interface PolicyVerdicts {
  /** Digest → priority of the expire rule that acts on it. */
  expireRule: Map<string, number>;
  /** Digest → priority of the transition rule that acts on it. */
  transitionRule: Map<string, number>;
  /** Children an expire rule selected but their index held back (ECR's manifest list rule). */
  heldByIndexRule: Map<string, number>;
  /** Images an expire rule selected but a higher-priority rule had claimed. */
  claimed: Map<string, { rulePriority: number; claimedByRulePriority: number }>;
}

function evaluatePolicy(
  policy: LifecyclePolicy | undefined,
  images: readonly ImageRecord[],
  graph: ImageGraph,
  now: number,
): PolicyVerdicts {
  const verdicts: PolicyVerdicts = {
    expireRule: new Map(),
    transitionRule: new Map(),
    heldByIndexRule: new Map(),
    claimed: new Map(),
  };
  if (policy === undefined) return verdicts;
  const actionOf = new Map(policy.rules.map((rule) => [rule.rulePriority, rule.action.type]));
  // Images being restored are in neither storage class: no rule sees them (archive-image.html).
  const evaluable = images.filter((image) => image.detail.imageStatus !== ACTIVATING);
  const evaluation = evaluateLifecyclePolicy(policy, evaluable, {
    now,
    indexChildren: graph.children,
    explain: true,
  });
  for (const action of evaluation.actions) {
    const target = action.type === 'expire' ? verdicts.expireRule : verdicts.transitionRule;
    target.set(action.image.imageDigest, action.rulePriority);
  }
  // `held` lists rules in ascending priority: the first entry for an image is the rule that counts.
  for (const held of evaluation.held) {
    const digest = held.image.imageDigest;
    if (actionOf.get(held.rulePriority) !== 'expire') continue;
    if (held.reason === 'referenced-by-manifest-list') {
      if (!verdicts.heldByIndexRule.has(digest)) verdicts.heldByIndexRule.set(digest, held.rulePriority);
    } else if (held.claimedByRulePriority !== undefined && !verdicts.claimed.has(digest)) {
      verdicts.claimed.set(digest, {
        rulePriority: held.rulePriority,
        claimedByRulePriority: held.claimedByRulePriority,
      });
    }
  }
  return verdicts;
}

function addProtectedTagReasons(
  images: readonly ImageRecord[],
  patterns: readonly string[],
  addReason: (digest: string, reason: KeepReason) => void,
): void {
  if (patterns.length === 0) return;
  // `dot: true`: a tag may start with a dot or contain `..`, and a protection glob must still match it.
  const matchers = patterns.map((pattern) => ({ pattern, matches: picomatch(pattern, { dot: true }) }));
  for (const image of images) {
    for (const tag of image.imageTags) {
      const match = matchers.find(({ matches }) => matches(tag));
      if (match !== undefined)
        addReason(image.imageDigest, { kind: 'protected-tag', tag, pattern: match.pattern });
    }
  }
}

/**
 * The newest `keepAtLeast` images people push (not children of an index, not referrers), by push
 * time; equal times are ordered by digest as the lifecycle engine orders them.
 */
function addKeepAtLeastReasons(
  images: readonly ImageRecord[],
  graph: ImageGraph,
  keepAtLeast: number,
  addReason: (digest: string, reason: KeepReason) => void,
): void {
  if (keepAtLeast <= 0) return;
  const topLevel = images.filter(
    (image) => !graph.parents.has(image.imageDigest) && image.detail.subjectManifestDigest === undefined,
  );
  topLevel.sort((a, b) => b.pushedAt - a.pushedAt || (a.imageDigest < b.imageDigest ? 1 : -1));
  topLevel.slice(0, keepAtLeast).forEach((image, i) => {
    addReason(image.imageDigest, { kind: 'keep-at-least', rank: i + 1, keepAtLeast });
  });
}

/**
 * `subject-of-kept-referrer`: a referrer that stays on its own account (a protection, a kept index
 * listing it, or a referrer of its own that does) holds its subject back, so as not to be orphaned.
 * Worked out from the final kept set, not while it is computed, so that the reasons do not depend on
 * the order images were listed in. A referrer kept only because its subject is kept holds nothing.
 */
function addSubjectOfKeptReferrerReasons(
  images: readonly ImageRecord[],
  graph: ImageGraph,
  doomed: ReadonlySet<string>,
  reasons: ReadonlyMap<string, readonly KeepReason[]>,
  addReason: (digest: string, reason: KeepReason) => void,
): void {
  const anchored = new Set<string>();
  const queue: string[] = [];
  for (const image of images) {
    const digest = image.imageDigest;
    const own = (reasons.get(digest) ?? []).some(
      (reason) =>
        PROTECTION_KINDS.has(reason.kind) ||
        reason.kind === 'child-of-kept-index' ||
        reason.kind === 'child-of-archived-index',
    );
    if (own && !doomed.has(digest)) {
      anchored.add(digest);
      queue.push(digest);
    }
  }
  while (queue.length > 0) {
    const subject = graph.subjects.get(queue.pop() as string);
    if (subject !== undefined && !doomed.has(subject) && !anchored.has(subject)) {
      anchored.add(subject);
      queue.push(subject);
    }
  }
  for (const referrer of anchored) {
    const subject = graph.subjects.get(referrer);
    if (subject !== undefined && !doomed.has(subject)) {
      addReason(subject, { kind: 'subject-of-kept-referrer', referrerDigest: referrer });
    }
  }
}

interface DeletionLimit {
  limit: number;
  cap: 'maxDeletionsPerRepository' | 'maxDeletionShare';
}

/** The smaller of the two caps; the share is rounded down (a share of a 1-image repository is 0). */
export function deletionLimit(safety: CleanupSafety, imageCount: number): DeletionLimit | undefined {
  const share = safety.maxDeletionShare ?? DEFAULT_MAX_DELETION_SHARE;
  const byShare = share >= 1 ? undefined : Math.floor(share * imageCount);
  const byCount = safety.maxDeletionsPerRepository;
  if (byCount !== undefined && (byShare === undefined || byCount <= byShare)) {
    return { limit: byCount, cap: 'maxDeletionsPerRepository' };
  }
  return byShare === undefined ? undefined : { limit: byShare, cap: 'maxDeletionShare' };
}

/**
 * The candidates in groups that must be deleted together (connected by index → child and
 * subject → referrer references), oldest group first: by its earliest push, then its smallest digest.
 */
function groupsOldestFirst(
  doomed: ReadonlySet<string>,
  graph: ImageGraph,
  byDigest: ReadonlyMap<string, ImageRecord>,
): string[][] {
  const seen = new Set<string>();
  const groups: { members: string[]; oldest: number; smallest: string }[] = [];
  const visit = (next: string, members: string[]) => {
    if (doomed.has(next) && !seen.has(next)) {
      seen.add(next);
      members.push(next);
    }
  };
  for (const start of [...doomed].sort()) {
    if (seen.has(start)) continue;
    seen.add(start);
    const members = [start];
    for (let i = 0; i < members.length; i++) {
      const digest = members[i] as string;
      for (const next of graph.children.get(digest) ?? NONE) visit(next, members);
      for (const next of graph.parents.get(digest) ?? NONE) visit(next, members);
      for (const next of graph.referrers.get(digest) ?? NONE) visit(next, members);
      const subject = graph.subjects.get(digest);
      if (subject !== undefined) visit(subject, members);
    }
    let oldest = Number.POSITIVE_INFINITY;
    for (const digest of members) oldest = Math.min(oldest, (byDigest.get(digest) as ImageRecord).pushedAt);
    groups.push({ members: members.sort(), oldest, smallest: start });
  }
  groups.sort((a, b) => a.oldest - b.oldest || (a.smallest < b.smallest ? -1 : 1));
  return groups.map(({ members }) => members);
}

/**
 * Deletion order. Each candidate gets a stage (1 for referrers and what hangs below them, else 0)
 * and a depth (longest chain of index → child and subject → referrer references above it among the
 * candidates); sorting by stage, depth, push time and digest puts every index before its children
 * and every subject before its referrers.
 */
function orderDeletions(
  doomed: ReadonlySet<string>,
  graph: ImageGraph,
  byDigest: ReadonlyMap<string, ImageRecord>,
): string[] {
  interface Candidate {
    digest: string;
    pushedAt: number;
    stage: number;
    depth: number;
    pending: number;
  }
  const candidates = new Map<string, Candidate>();
  for (const digest of doomed) {
    const { pushedAt } = byDigest.get(digest) as ImageRecord;
    candidates.set(digest, {
      digest,
      pushedAt,
      stage: graph.subjects.has(digest) ? 1 : 0,
      depth: 0,
      pending: 0,
    });
  }
  const forEachBelow = (digest: string, visit: (candidate: Candidate) => void) => {
    for (const child of graph.children.get(digest) ?? NONE) {
      const candidate = candidates.get(child);
      if (candidate !== undefined) visit(candidate);
    }
    for (const referrer of graph.referrers.get(digest) ?? NONE) {
      const candidate = candidates.get(referrer);
      if (candidate !== undefined) visit(candidate);
    }
  };
  for (const digest of doomed) {
    forEachBelow(digest, (candidate) => {
      candidate.pending++;
    });
  }
  const ready = [...candidates.values()].filter((candidate) => candidate.pending === 0);
  let placed = 0;
  while (ready.length > 0) {
    const above = ready.pop() as Candidate;
    placed++;
    forEachBelow(above.digest, (candidate) => {
      candidate.depth = Math.max(candidate.depth, above.depth + 1);
      candidate.stage = Math.max(candidate.stage, above.stage);
      candidate.pending--;
      if (candidate.pending === 0) ready.push(candidate);
    });
  }
  const ordered = [...candidates.values()];
  if (placed < ordered.length) {
    // Only hand-written data can hold a reference cycle: put what is in one after everything else.
    const last = ordered.reduce((deepest, candidate) => Math.max(deepest, candidate.depth), 0) + 1;
    for (const candidate of ordered) if (candidate.pending > 0) candidate.depth = last;
  }
  ordered.sort(
    (a, b) =>
      a.stage - b.stage ||
      a.depth - b.depth ||
      a.pushedAt - b.pushedAt ||
      (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0),
  );
  return ordered.map((candidate) => candidate.digest);
}

function plannedDeletion(
  image: ImageRecord,
  graph: ImageGraph,
  doomed: ReadonlySet<string>,
  verdicts: PolicyVerdicts,
  repositoryName: string,
): PlannedDeletion {
  const digest = image.imageDigest;
  const deletion: PlannedDeletion = {
    imageDigest: digest,
    imageTags: [...image.imageTags],
    reason: deleteReason(digest, graph, doomed, verdicts, repositoryName),
    bytes: bytesOf(image, graph),
    role: roleOf(image, graph),
    imagePushedAt: new Date(image.pushedAt).toISOString(),
    storageClass: image.storageClass,
  };
  const selectedByRule = verdicts.expireRule.get(digest) ?? verdicts.heldByIndexRule.get(digest);
  if (selectedByRule !== undefined) deletion.selectedByRule = selectedByRule;
  return deletion;
}

function deleteReason(
  digest: string,
  graph: ImageGraph,
  doomed: ReadonlySet<string>,
  verdicts: PolicyVerdicts,
  repositoryName: string,
): DeleteReason {
  const rulePriority = verdicts.expireRule.get(digest);
  if (rulePriority !== undefined) return { kind: 'expired-by-policy', rulePriority };
  const index = graph.parents.get(digest)?.find((parent) => doomed.has(parent));
  if (index !== undefined) return { kind: 'child-of-deleted-index', indexDigest: index };
  const subject = graph.subjects.get(digest);
  if (subject !== undefined && doomed.has(subject)) {
    return { kind: 'referrer-of-deleted-image', subjectDigest: subject };
  }
  throw new CleanupPlanError(`${repositoryName}: no reason recorded for deleting ${digest}`);
}

function bytesOf(image: ImageRecord, graph: ImageGraph): number {
  return graph.indexes.has(image.imageDigest) ? 0 : image.sizeBytes;
}

function roleOf(image: ImageRecord, graph: ImageGraph): ImageRole {
  if (image.detail.subjectManifestDigest !== undefined) return 'referrer';
  if (graph.parents.has(image.imageDigest)) return 'child';
  return graph.indexes.has(image.imageDigest) ? 'index' : 'image';
}

function summarize(
  imagesEvaluated: number,
  deletions: readonly PlannedDeletion[],
  keep: readonly PlannedKeep[],
  transition: readonly PlannedTransition[],
  limit: DeletionLimit | undefined,
  deletionCapReached: boolean,
): RepositoryCleanupSummary {
  const bytesReclaimed = deletions.reduce((sum, deletion) => sum + deletion.bytes, 0);
  // Each deleted image at the rate of its storage class.
  const monthlySavingsUsd = deletions.reduce(
    (sum, deletion) => sum + monthlyStorageCost(deletion.bytes, deletion.storageClass),
    0,
  );
  const withKind = new Map<KeepReasonKind, number>();
  for (const kept of keep) {
    for (const kind of new Set(kept.reasons.map((reason) => reason.kind))) {
      withKind.set(kind, (withKind.get(kind) ?? 0) + 1);
    }
  }
  const keptByReason: Partial<Record<KeepReasonKind, number>> = {};
  for (const kind of KEEP_REASON_KINDS) {
    const count = withKind.get(kind);
    if (count !== undefined) keptByReason[kind] = count;
  }
  return {
    imagesEvaluated,
    imagesDeleted: deletions.length,
    imagesKept: keep.length,
    imagesTransitioned: transition.length,
    bytesReclaimed,
    monthlySavingsUsd,
    keptByReason,
    topKeepReasons: topKeepReasonsOf(keep),
    deletionLimit: limit?.limit ?? null,
    deletionCapReached,
  };
}

/** Kept images counted by primary reason (the first), most frequent first, at most 10. */
export function topKeepReasonsOf(keep: Iterable<PlannedKeep>): KeepReasonCount[] {
  const primary = new Map<KeepReasonKind, number>();
  for (const kept of keep) {
    const kind = kept.reasons[0]?.kind;
    if (kind !== undefined) primary.set(kind, (primary.get(kind) ?? 0) + 1);
  }
  const order = KEEP_REASON_KINDS as readonly KeepReasonKind[];
  return [...primary]
    .map(([kind, count]) => ({ kind, count }))
    .sort((a, b) => b.count - a.count || order.indexOf(a.kind) - order.indexOf(b.kind))
    .slice(0, TOP_KEEP_REASONS);
}
