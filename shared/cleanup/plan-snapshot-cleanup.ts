import type { CleanupConfig } from '../config/schema';
import { listSnapshotImageUses } from '../inuse/snapshot-sources';
import { monthlyStorageCost } from '../inventory/storage-cost';
import { KEEP_REASON_KINDS, type KeepReasonKind } from './cleanup-reasons';
import { locateRepository, type RepositoryLocation } from './image-reference';
import {
  type CleanupTotals,
  planRepositoryCleanup,
  type RepositoryCleanupPlan,
  type RepositoryCleanupSummary,
  topKeepReasonsOf,
} from './plan-repository-cleanup';
import { cleanupSafetyOf, type PolicySource, resolveRepositoryPolicy } from './repository-policy';
import { compileRepositoryRuleMatcher } from './select-repositories';
import type { Snapshot } from './snapshot';

// Moved to ./repository-policy.ts (the worker needs them without the snapshot planner); kept here for callers.
export { cleanupSafetyOf, type PolicySource, resolveRepositoryPolicy };

import { type ImageUse, resolveImagesInUse } from './workload-images';

/**
 * The cleanup plan of a whole snapshot: every repository that a `cleanup.rules[]` glob covers
 * (the first matching rule applies, as for the scheduler), planned with that rule's policy and the
 * `cleanup` safety settings. `dryRun` plays no part: a plan never deletes.
 */

export interface PlannedRepository extends RepositoryCleanupPlan {
  /** Which `cleanup.rules[]` entry covers the repository, and where its policy came from. */
  rule: { index: number; policySource: PolicySource };
}

export interface SnapshotCleanupSummary extends CleanupTotals {
  repositoriesInSnapshot: number;
  repositoriesPlanned: number;
  /** Planned repositories where a deletion cap held images back. */
  repositoriesCapped: number;
}

export interface SnapshotCleanupPlan {
  account: string;
  region: string;
  /** ISO 8601. */
  takenAt: string;
  /** The time the policies were evaluated at, ISO 8601. */
  evaluatedAt: string;
  repositories: PlannedRepository[];
  /** Repositories of the snapshot that no rule covers: left alone. */
  notCovered: string[];
  /** What the in-use picture could not work out (e.g. a service's task definition missing). */
  warnings: string[];
  summary: SnapshotCleanupSummary;
}

export function planSnapshotCleanup(
  snapshot: Snapshot,
  cleanup: CleanupConfig,
  options: { now: number },
): SnapshotCleanupPlan {
  const matchRule = compileRepositoryRuleMatcher(cleanup.rules);
  const safety = cleanupSafetyOf(cleanup);
  // Everything the snapshot holds counts as in use (its own account's ECS and Lambda, workload
  // accounts, Kubernetes clusters, external lists), whatever the config's source lists say.
  const { uses, warnings } = listSnapshotImageUses(snapshot, {
    taskDefinitionRevisions: cleanup.protect.taskDefinitionRevisions,
  });
  const usesByRepository = groupByRepository(uses);
  const repositories: PlannedRepository[] = [];
  const notCovered: string[] = [];

  for (const entry of snapshot.repositories) {
    const { repositoryName } = entry.repository;
    const ruleIndex = matchRule(repositoryName);
    const rule = ruleIndex === undefined ? undefined : cleanup.rules[ruleIndex];
    if (ruleIndex === undefined || rule === undefined) {
      notCovered.push(repositoryName);
      continue;
    }
    const { source, policy } = resolveRepositoryPolicy(rule.policy, entry.lifecyclePolicyText, entry.path);
    const location = locateRepository(entry.repository, snapshot);
    const plan = planRepositoryCleanup({
      repositoryName,
      images: entry.images,
      indexChildren: entry.indexChildren,
      inUse: resolveImagesInUse(usesByRepository.get(locationKey(location)) ?? [], location, entry.images),
      policy,
      now: options.now,
      safety,
    });
    repositories.push({
      repositoryName: plan.repositoryName,
      rule: { index: ruleIndex, policySource: source },
      delete: plan.delete,
      keep: plan.keep,
      transition: plan.transition,
      summary: plan.summary,
    });
  }

  return {
    account: snapshot.account,
    region: snapshot.region,
    takenAt: new Date(snapshot.takenAt).toISOString(),
    evaluatedAt: new Date(options.now).toISOString(),
    repositories,
    notCovered,
    warnings,
    summary: summarizeSnapshot(snapshot.repositories.length, repositories),
  };
}

function locationKey(location: RepositoryLocation): string {
  return `${location.registryId} ${location.region} ${location.repositoryName}`;
}

function groupByRepository(uses: readonly ImageUse[]): Map<string, ImageUse[]> {
  const groups = new Map<string, ImageUse[]>();
  for (const use of uses) {
    const key = locationKey(use.reference);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [use]);
    else group.push(use);
  }
  return groups;
}

function summarizeSnapshot(
  repositoriesInSnapshot: number,
  repositories: readonly PlannedRepository[],
): SnapshotCleanupSummary {
  const add = (field: keyof RepositoryCleanupSummary) =>
    repositories.reduce((sum, repository) => sum + (repository.summary[field] as number), 0);
  const keptByReason: Partial<Record<KeepReasonKind, number>> = {};
  for (const kind of KEEP_REASON_KINDS) {
    const count = repositories.reduce(
      (sum, repository) => sum + (repository.summary.keptByReason[kind] ?? 0),
      0,
    );
    if (count > 0) keptByReason[kind] = count;
  }
  const bytesReclaimed = add('bytesReclaimed');
  return {
    repositoriesInSnapshot,
    repositoriesPlanned: repositories.length,
    repositoriesCapped: repositories.filter((repository) => repository.summary.deletionCapReached).length,
    imagesEvaluated: add('imagesEvaluated'),
    imagesDeleted: add('imagesDeleted'),
    imagesKept: add('imagesKept'),
    imagesTransitioned: add('imagesTransitioned'),
    bytesReclaimed,
    monthlySavingsUsd: monthlyStorageCost(bytesReclaimed),
    keptByReason,
    topKeepReasons: topKeepReasonsOf(repositories.flatMap((repository) => repository.keep)),
  };
}
