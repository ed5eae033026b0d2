import type { CleanupConfig } from '../config/schema';
import { EcrWardenError } from '../errors';
import type { InUseIndexWriter } from '../inuse/in-use-index';
import type { InUsePicture, InUseSourceFailure } from '../inuse/in-use-picture';
import { buildImageGraph } from '../inventory/image-graph';
import type { LifecyclePolicy } from '../lifecycle';
import { applyDeletions, type DeletionOutcome, type DeletionRequest } from './apply-deletions';
import { applyTransitions, type TransitionOutcome } from './apply-transitions';
import type {
  CleanupRunProgress,
  CleanupRunProgressStore,
  GraceMarkStore,
  ImageArchiver,
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
import { type RepositoryInventory, readRepositoryInventory } from './repository-inventory';
import { cleanupSafetyOf, type PolicySource, resolveRepositoryPolicy } from './repository-policy';
import { remainingDeletions, settleInFlightDeletions } from './run-progress';
import { resolveImagesInUse } from './workload-images';

/**
 * One repository's cleanup, end to end: inventory (DescribeImages, then BatchGetImage on indexes),
 * policy (the rule's, or for `native` the repository's own: GetLifecyclePolicy), the in-use picture,
 * the plan (shared/cleanup/plan-repository-cleanup.ts, which decides everything), the optional grace
 * period, and, unless it is a dry run, the deletions and then the archive transitions. Returns what
 * happened; the caller reports it.
 *
 * A dry run sends no BatchDeleteImage or UpdateImageStorageClass call at all and writes no grace-period
 * mark: it reports what a real run would delete and archive now.
 *
 * Fail closed: when an in-use source could not be read (shared/inuse/in-use-picture.ts), an image only
 * that source shows in use looks unused, so the repository is held: the plan is still computed and
 * reported, but nothing is deleted or archived and no grace mark is written, and a dry run reports
 * the same (a real run would delete nothing now). Every source can cover every repository of the
 * registry (a workload anywhere may pull any of them), so any failure holds every repository.
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
  /** The in-use picture of every source, read once per invocation (see workload-cache.ts). */
  inUsePicture: () => Promise<Pick<InUsePicture, 'uses' | 'failures'>>;
  archiver: ImageArchiver;
  progress: CleanupRunProgressStore;
  marks: GraceMarkStore;
  /**
   * Where each in-use image runs, for the alerts and Tag Moved (shared/inuse/in-use-index.ts). Written
   * for dry runs too; never from a held picture, whose missing source would erase records of images
   * only it sees (they expire to "not known" instead).
   */
  inUseIndex?: InUseIndexWriter;
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
      /** Archive transitions this attempt made (live runs), or would make now (dry runs: nothing is sent). */
      transitions: TransitionOutcome;
      /** Deletions an earlier delivery of the same run already made (redelivered message). */
      previously: CleanupRunProgress | undefined;
      deletionLimit: number | null;
      /** In-use sources that could not be read: when any, the repository is held. */
      inUseSourceFailures: InUseSourceFailure[];
      /** Nothing deleted or archived because an in-use source failed; `plan` says what would have been. */
      held: boolean;
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
  const picture = await ports.inUsePicture();
  const held = picture.failures.length > 0;
  const inUse = resolveImagesInUse(picture.uses, request.location, inventory.images);
  if (!held) await ports.inUseIndex?.recordInUse(request.location, inUse, new Date(request.now));

  // A redelivered message continues the run it belongs to: its limit is the one recorded before the
  // run's first deletion (never re-derived from the repository earlier deliveries made smaller), and
  // what it already deleted counts against it (run-progress.ts).
  const recorded =
    dryRun || held ? undefined : await ports.progress.read(request.runId, repository.repositoryName);
  const previously =
    recorded === undefined
      ? undefined
      : settleInFlightDeletions(recorded, new Set(inventory.images.map((image) => image.imageDigest)));
  const safety = cleanupSafetyOf(cleanup);
  const limit =
    previously === undefined
      ? (deletionLimit(safety, inventory.images.length)?.limit ?? null)
      : previously.deletionLimit;
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
    if (!dryRun && !held) {
      // Marks outlive the grace period by a margin, so that a daily run finds them due; TTL removes
      // those of images that were deleted some other way.
      const expiresAt = request.now + (days + 30) * MS_PER_DAY;
      if (grace.toMark.length > 0)
        await ports.marks.mark(repository.repositoryName, grace.toMark, request.now, expiresAt);
      if (grace.toUnmark.length > 0) await ports.marks.unmark(repository.repositoryName, grace.toUnmark);
    }
  }

  if (held) due = [];
  const requests: DeletionRequest[] = due.map((deletion) => {
    const dependsOn = [...(graph.parents.get(deletion.imageDigest) ?? [])];
    const subject = graph.subjects.get(deletion.imageDigest);
    if (subject !== undefined) dependsOn.push(subject);
    return { imageDigest: deletion.imageDigest, bytes: deletion.bytes, dependsOn };
  });
  let deletions: DeletionOutcome;
  if (dryRun || held) {
    deletions = {
      deleted: requests.map((r) => r.imageDigest),
      bytesDeleted: requests.reduce((sum, r) => sum + r.bytes, 0),
      alreadyGone: [],
      failures: [],
      skipped: [],
      calls: 0,
    };
  } else {
    const base: CleanupRunProgress = previously ?? {
      deletionLimit: limit,
      imagesInventoried: inventory.images.length,
      imagesDeleted: 0,
      bytesReclaimed: 0,
      imagesAlreadyGone: 0,
      inFlight: [],
    };
    if (previously === undefined && requests.length > 0) {
      // The limit is fixed before anything is deleted; when it cannot be recorded, nothing is.
      const started = await ports.progress.start(request.runId, repository.repositoryName, base);
      if (!started) {
        throw new CleanupRunConflictError(
          `run ${request.runId} of ${repository.repositoryName} was started by another delivery since it was read: retried later`,
        );
      }
    }
    const progressOf = (sofar: Readonly<DeletionOutcome>, inFlight: CleanupRunProgress['inFlight']) => ({
      deletionLimit: limit,
      imagesInventoried: base.imagesInventoried,
      imagesDeleted: base.imagesDeleted + sofar.deleted.length,
      bytesReclaimed: base.bytesReclaimed + sofar.bytesDeleted,
      imagesAlreadyGone: base.imagesAlreadyGone + sofar.alreadyGone.length,
      inFlight,
    });
    const record = (progress: CleanupRunProgress) =>
      ports.progress.write(request.runId, repository.repositoryName, progress);
    deletions = await applyDeletions(requests, (digests) => ports.deleter.deleteImages(repository, digests), {
      // Before each call, its digests; after it, what ECR confirmed: a redelivery after a lost write
      // still counts what this call deleted.
      beforeCall: (batch, sofar) =>
        record(
          progressOf(
            sofar,
            batch.map(({ imageDigest, bytes }) => ({ imageDigest, bytes })),
          ),
        ),
      afterCall: (sofar) => record(progressOf(sofar, [])),
    });
  }

  // Archive transitions (the images stay: archived ones cannot be pulled, so the plan transitions no
  // image a protection keeps). A redelivery finds the ones already archived out of the standard class,
  // so no image is sent twice.
  const transitions = await applyTransitions(
    (held ? [] : plan.transition).map((transition) => ({
      imageDigest: transition.imageDigest,
      bytes: transition.bytes,
      listedBy: graph.parents.get(transition.imageDigest) ?? [],
    })),
    dryRun ? undefined : (imageDigest) => ports.archiver.archiveImage(repository, imageDigest),
    {
      archivedBefore: new Set(
        inventory.images
          .filter((image) => image.storageClass === 'archive')
          .map((image) => image.imageDigest),
      ),
    },
  );

  const outcome: RepositoryCleanupOutcome = {
    kind: 'cleaned',
    repositoryName: repository.repositoryName,
    dryRun,
    policySource: source,
    inventory: { indexCount: inventory.indexCount, imageCount: inventory.images.length },
    plan,
    deletions,
    transitions,
    previously,
    deletionLimit: limit,
    inUseSourceFailures: picture.failures,
    held,
  };
  if (grace !== undefined) outcome.grace = grace;
  return outcome;
}

/** On a redelivery, what the run may still delete: its recorded limit less what it already used. */
function resumedSafety(safety: CleanupSafety, previously: CleanupRunProgress | undefined): CleanupSafety {
  const remaining = previously === undefined ? null : remainingDeletions(previously);
  if (remaining === null) return safety;
  return { ...safety, maxDeletionsPerRepository: remaining, maxDeletionShare: 1 };
}

/** The run's record appeared between reading and creating it: this delivery deletes nothing. */
export class CleanupRunConflictError extends EcrWardenError {
  override name = 'CleanupRunConflictError';
}
