import { type GovernanceDetail, type GovernanceEvent, repositoryConsoleUrl } from '../events/governance';
import { monthlyStorageCost } from '../inventory/storage-cost';
import type { RepositoryCleanupOutcome } from './clean-repository';

/**
 * The `Cleanup Report` governance event of one repository's run (schema in shared/events/governance.ts):
 * what was deleted (or would be, in a dry run), the bytes and dollars a month that frees at most, why
 * the rest stays, and what ECR refused.
 *
 * Sizes: an image's imageSizeInBytes counts all its layers, but layers shared between images are
 * stored once, so the sum over deleted images is an upper bound of what is freed (an index counts 0:
 * its children are counted themselves). $/month prices that bound at $0.10 per GB-month.
 */
export const UPPER_BOUND_NOTE =
  'Sizes are an upper bound: layers shared between images are stored once, so deleting an image frees only the layers no remaining image uses.';

const MAX_FAILURES = 100;
const MAX_KEEP_REASONS = 10;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export function buildCleanupReport(
  outcome: RepositoryCleanupOutcome,
  where: { account: string; region: string },
): GovernanceEvent {
  const common = {
    schemaVersion: 1 as const,
    account: where.account,
    region: where.region,
    repositoryName: outcome.repositoryName,
    consoleUrl: repositoryConsoleUrl({ ...where, repositoryName: outcome.repositoryName }),
    dryRun: outcome.dryRun,
  };
  if (outcome.kind === 'repository-not-found') {
    const detail: GovernanceDetail<'Cleanup Report'> = {
      ...common,
      severity: 'info',
      summary: `${outcome.repositoryName}: the repository was deleted before cleanup ran; nothing to do`,
      imagesEvaluated: 0,
      imagesDeleted: 0,
      bytesReclaimed: 0,
      monthlySavingsUsd: 0,
      imagesKept: 0,
      topKeepReasons: [],
      failures: [],
      deletionCapReached: false,
      outcome: 'repository-not-found',
    };
    return { detailType: 'Cleanup Report', detail };
  }

  const { plan, deletions, previously, grace } = outcome;
  const imagesDeleted = (previously?.imagesDeleted ?? 0) + deletions.deleted.length;
  const bytesReclaimed = (previously?.bytesReclaimed ?? 0) + deletions.bytesDeleted;
  const imagesAlreadyGone = (previously?.imagesAlreadyGone ?? 0) + deletions.alreadyGone.length;
  // The run's inventory, from which its limit came: a redelivery sees a repository earlier deliveries
  // made smaller, and DeletionShare must be the run's share of what the repository held.
  const imagesEvaluated =
    previously?.imagesInventoried ??
    outcome.inventory.imageCount + (previously?.imagesDeleted ?? 0) + (previously?.imagesAlreadyGone ?? 0);
  const imagesFailed = deletions.failures.length;
  const imagesKept = imagesEvaluated - imagesDeleted - imagesAlreadyGone;
  const monthlySavingsUsd = roundCents(monthlyStorageCost(bytesReclaimed));

  const topKeepReasons: { kind: string; count: number }[] = [...plan.summary.topKeepReasons];
  const waiting = grace?.waiting.length ?? 0;
  if (waiting > 0) topKeepReasons.push({ kind: 'grace-period', count: waiting });
  const notKept = deletions.failures.length + deletions.skipped.length;
  if (notKept > 0) topKeepReasons.push({ kind: 'deletion-failed', count: notKept });
  topKeepReasons.sort((a, b) => b.count - a.count);

  const notes = [UPPER_BOUND_NOTE];
  if (outcome.policySource === 'none') {
    notes.push(
      'The rule is "native" and the repository has no lifecycle policy: nothing is selected for deletion.',
    );
  }
  if (grace !== undefined) {
    notes.push(
      `Grace period of ${grace.days} days: ${grace.toMark.length} image(s) ${outcome.dryRun ? 'would be' : 'were'} marked this run, ${waiting} wait for their mark to be due.`,
    );
  }
  if (previously !== undefined) {
    notes.push(
      `This run resumed after an interrupted attempt that had deleted ${previously.imagesDeleted} image(s).`,
    );
  }

  const detail: GovernanceDetail<'Cleanup Report'> = {
    ...common,
    severity: imagesFailed > 0 || plan.summary.deletionCapReached ? 'warning' : 'info',
    summary: summaryLine(
      outcome.repositoryName,
      outcome.dryRun,
      imagesDeleted,
      bytesReclaimed,
      monthlySavingsUsd,
      imagesKept,
      imagesFailed,
    ),
    imagesEvaluated,
    imagesDeleted,
    bytesReclaimed,
    monthlySavingsUsd,
    imagesKept,
    topKeepReasons: topKeepReasons.slice(0, MAX_KEEP_REASONS),
    failures: deletions.failures
      .filter((failure) => SHA256_DIGEST.test(failure.imageDigest))
      .slice(0, MAX_FAILURES)
      .map((failure) => ({
        imageDigest: failure.imageDigest,
        failureCode: failure.failureCode,
        failureReason: failure.failureReason,
      })),
    deletionCapReached: plan.summary.deletionCapReached,
    outcome: 'cleaned',
    policySource: outcome.policySource,
    deletionLimit: outcome.deletionLimit,
    imagesAlreadyGone,
    imagesFailed,
    notes,
  };
  if (grace !== undefined) {
    detail.gracePeriod = { days: grace.days, imagesMarked: grace.toMark.length, imagesWaiting: waiting };
  }
  return { detailType: 'Cleanup Report', detail };
}

function summaryLine(
  repositoryName: string,
  dryRun: boolean,
  deleted: number,
  bytes: number,
  dollars: number,
  kept: number,
  failed: number,
): string {
  const verb = dryRun ? `${deleted} image(s) would be deleted (dry run)` : `${deleted} image(s) deleted`;
  const size = deleted > 0 ? `, up to ${formatBytes(bytes)} ($${dollars.toFixed(2)}/month)` : '';
  const failures = failed > 0 ? `, ${failed} could not be deleted` : '';
  const line = `${repositoryName}: ${verb}${size}, ${kept} kept${failures}`;
  return line.length <= 300 ? line : `${line.slice(0, 297)}...`;
}

/** 1536 → "1.5 KiB"; binary units, as ECR's console shows sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function roundCents(dollars: number): number {
  return Math.round(dollars * 100) / 100;
}
