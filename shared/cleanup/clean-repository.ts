import type { CleanupConfig } from '../config/schema';
import { buildImageGraph } from '../inventory/image-graph';
import type { LifecyclePolicy } from '../lifecycle';
import { applyDeletions, type DeletionOutcome, type DeletionRequest } from './apply-deletions';
import type {
  CleanupRunProgress,
  CleanupRunProgressStore,
  GraceMarkStore,
  ImageDeleter,
  RepositoryImageSource,
  RepositoryRef,
} from './cleanup-ports';
import { RepositoryNotFoundError } from './cleanup-ports';
import { applyGracePeriod, type GraceDecision, MS_PER_DAY } from './grace-period';
import type { RepositoryLocation } from './image-reference';
import {
  type CleanupSafety,
  deletionLimit,
  planRepositoryCleanup,
  type RepositoryCleanupPlan,
} from './plan-repository-cleanup';
import { cleanupSafetyOf, type PolicySource, resolveRepositoryPolicy } from './plan-snapshot-cleanup';
import { type RepositoryInventory, readRepositoryInventory } from './repository-inventory';
import { type ImageUse, resolveImagesInUse } from './workload-images';

/**
 * One repository's cleanup, end to end: inventory (DescribeImages, then BatchGetImage on indexes),
 * policy (the rule's, or for `native` the repository's own: GetLifecyclePolicy), the in-use picture,
 * the plan (shared/cleanup/plan-repository-cleanup.ts, which decides everything), the optional grace
 * period, and, unless it is a dry run, the deletions. Returns what happened; the caller reports it.
 *
 * A dry run sends no BatchDeleteImage call at all and writes no grace-period mark: it reports what a
 * real run would delete now.
 */
export interface CleanRepositoryRequest {
  repository: RepositoryRef & { repositoryName: string };
  /** Where the repository is, to match image references of workloads against it. */
  location: RepositoryLocation;
  runId: string;
  /** The rule that covers the repository (the first whose globs match it). */
  rule: { index: number; policy: 'native' | LifecyclePolicy };
  cleanup: CleanupConfig;
  /** Evaluation time, epoch ms. */
  now: number;
}

export interface CleanRepositoryPorts {
  images: RepositoryImageSource;
  deleter: ImageDeleter;
  /** The account's and region's image uses, read once per invocation (see workload-cache.ts). */
  imageUses: () => Promise<readonly ImageUse[]>;
  progress: CleanupRunProgressStore;
  marks: GraceMarkStore;
}

export type RepositoryCleanupOutcome =
  | { kind: 'repository-not-found'; repositoryName: string; dryRun: boolean }
  | {
      kind: 'cleaned';
      repositoryName: string;
      dryRun: boolean;
      policySource: PolicySource;
      inventory: Pick<RepositoryInventory, 'indexCount'> & { imageCount: number };
      plan: RepositoryCleanupPlan;
      /** Set when a grace period applies. */
      grace?: GraceDecision & { days: number };
      /** What this attempt deleted (live runs), or would delete now (dry runs: nothing is sent). */
      deletions: DeletionOutcome;
      /** Deletions an earlier delivery of the same run already made (redelivered message). */
      previously: CleanupRunProgress | undefined;
      deletionLimit: number | null;
    };

export async function cleanRepository(
  request: CleanRepositoryRequest,
  ports: CleanRepositoryPorts,
): Promise<RepositoryCleanupOutcome> {
  const { repository, cleanup } = request;
  const dryRun = cleanup.dryRun;
  let inventory: RepositoryInventory;
  try {
    inventory = await readRepositoryInventory(ports.images, repository);
  } catch (error) {
    if (error instanceof RepositoryNotFoundError) {
      return { kind: 'repository-not-found', repositoryName: repository.repositoryName, dryRun };
    }
    throw error;
  }
  const policyText =
    request.rule.policy === 'native' ? await ports.images.readLifecyclePolicy(repository) : undefined;
  const { source, policy } = resolveRepositoryPolicy(
    request.rule.policy,
    policyText,
    `repository ${repository.repositoryName}`,
  );
  const inUse = resolveImagesInUse(await ports.imageUses(), request.location, inventory.images);

  // A redelivered message continues the run it belongs to: the caps count what it already deleted.
  const previously = dryRun ? undefined : await ports.progress.read(request.runId, repository.repositoryName);
  const safety = cleanupSafetyOf(cleanup);
  const limit = previously?.deletionLimit ?? deletionLimit(safety, inventory.images.length)?.limit ?? null;
  const plan = planRepositoryCleanup({
    repositoryName: repository.repositoryName,
    images: inventory.images,
    indexChildren: inventory.indexChildren,
    inUse,
    policy,
    now: request.now,
    safety: resumedSafety(safety, previously),
  });

  const graph = buildImageGraph(inventory.images, inventory.indexChildren);
  let grace: (GraceDecision & { days: number }) | undefined;
  let due = plan.delete;
  if (cleanup.gracePeriodDays !== undefined) {
    const days = cleanup.gracePeriodDays;
    const marks = await ports.marks.read(repository.repositoryName);
    const postponed = new Set(
      plan.keep
        .filter((kept) => kept.reasons.some((reason) => reason.kind === 'deletion-cap'))
        .map((kept) => kept.imageDigest),
    );
    grace = {
      ...applyGracePeriod(plan.delete, graph, marks, { now: request.now, gracePeriodDays: days, postponed }),
      days,
    };
    due = grace.due;
    if (!dryRun) {
      // Marks outlive the grace period by a margin, so that a daily run finds them due; TTL removes
      // those of images that were deleted some other way.
      const expiresAt = request.now + (days + 30) * MS_PER_DAY;
      if (grace.toMark.length > 0)
        await ports.marks.mark(repository.repositoryName, grace.toMark, request.now, expiresAt);
      if (grace.toUnmark.length > 0) await ports.marks.unmark(repository.repositoryName, grace.toUnmark);
    }
  }

  const requests: DeletionRequest[] = due.map((deletion) => {
    const dependsOn = [...(graph.parents.get(deletion.imageDigest) ?? [])];
    const subject = graph.subjects.get(deletion.imageDigest);
    if (subject !== undefined) dependsOn.push(subject);
    return { imageDigest: deletion.imageDigest, bytes: deletion.bytes, dependsOn };
  });
  let deletions: DeletionOutcome;
  if (dryRun) {
    deletions = {
      deleted: requests.map((r) => r.imageDigest),
      bytesDeleted: requests.reduce((sum, r) => sum + r.bytes, 0),
      alreadyGone: [],
      failures: [],
      skipped: [],
      calls: 0,
    };
  } else {
    const base = previously ?? {
      deletionLimit: limit,
      imagesDeleted: 0,
      bytesReclaimed: 0,
      imagesAlreadyGone: 0,
    };
    deletions = await applyDeletions(requests, (digests) => ports.deleter.deleteImages(repository, digests), {
      afterCall: (sofar) =>
        ports.progress.write(request.runId, repository.repositoryName, {
          deletionLimit: limit,
          imagesDeleted: base.imagesDeleted + sofar.deleted.length,
          bytesReclaimed: base.bytesReclaimed + sofar.bytesDeleted,
          imagesAlreadyGone: base.imagesAlreadyGone + sofar.alreadyGone.length,
        }),
    });
  }

  const outcome: RepositoryCleanupOutcome = {
    kind: 'cleaned',
    repositoryName: repository.repositoryName,
    dryRun,
    policySource: source,
    inventory: { indexCount: inventory.indexCount, imageCount: inventory.images.length },
    plan,
    deletions,
    previously,
    deletionLimit: limit,
  };
  if (grace !== undefined) outcome.grace = grace;
  return outcome;
}

/** On a redelivery, what the run may still delete: its limit less what it already deleted. */
function resumedSafety(safety: CleanupSafety, previously: CleanupRunProgress | undefined): CleanupSafety {
  if (previously === undefined || previously.deletionLimit === null) return safety;
  return {
    ...safety,
    maxDeletionsPerRepository: Math.max(0, previously.deletionLimit - previously.imagesDeleted),
    maxDeletionShare: 1,
  };
}
