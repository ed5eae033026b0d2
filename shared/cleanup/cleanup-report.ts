import { type GovernanceDetail, type GovernanceEvent, repositoryConsoleUrl } from '../events/governance';
import { monthlyArchiveSavingsUpperBound, monthlyStorageCost } from '../inventory/storage-cost';
import type { RepositoryCleanupOutcome } from './clean-repository';

/**
 * The `Cleanup Report` governance event of one repository's run (schema in shared/events/governance.ts):
 * what was deleted (or would be, in a dry run), the bytes and dollars a month that frees at most, why
 * the rest stays, and what ECR refused.
 *
 * Sizes: an image's imageSizeInBytes counts all its layers, but layers shared between images are
 * stored once, so the sum over deleted images is an upper bound of what is freed (an index counts 0:
 * its children are counted themselves). $/month prices that bound at $0.10 per GB-month, the rate of
 * standard storage and of the archive class's first 150 TB (https://aws.amazon.com/ecr/pricing/).
 * Archive transitions are reported apart: the images stay, and archiving saves at most $0.03 per
 * GB-month (the archive rate beyond 150 TB a month is $0.07).
 */
export const UPPER_BOUND_NOTE =
  'Sizes are an upper bound: layers shared between images are stored once, so deleting an image frees only the layers no remaining image uses.';

const MAX_FAILURES = 100;
const MAX_SOURCE_FAILURES = 50;
const MAX_KEEP_REASONS = 10;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export function buildCleanupReport(
  outcome: RepositoryCleanupOutcome,
  where: { account: string; region: string; accountAlias?: string | undefined },
): GovernanceEvent {
  const common = {
    schemaVersion: 1 as const,
    account: where.account,
    // An Organizations hub names the member account for people (issue 15); absent in one account.
    ...(where.accountAlias === undefined ? {} : { accountAlias: where.accountAlias }),
    region: where.region,
    repositoryName: outcome.repositoryName,
    consoleUrl: repositoryConsoleUrl({
      account: where.account,
      region: where.region,
      repositoryName: outcome.repositoryName,
    }),
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

  const { plan, deletions, transitions, previously, grace, held } = outcome;
  // What the plan would have deleted now (after the grace period), held back by a failed in-use source.
  const imagesHeld = held ? (grace?.due.length ?? plan.delete.length) : 0;
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
  // Each deleted image at its storage class's rate; what an earlier delivery deleted, whose class is no
  // longer known, at the standard rate (the higher: the figure stays an upper bound).
  const planned = new Map(plan.delete.map((deletion) => [deletion.imageDigest, deletion]));
  const archivedBytesDeleted = deletions.deleted.reduce((sum, digest) => {
    const deletion = planned.get(digest);
    return deletion?.storageClass === 'archive' ? sum + deletion.bytes : sum;
  }, 0);
  const monthlySavingsUsd = roundCents(
    monthlyStorageCost(bytesReclaimed - archivedBytesDeleted) +
      monthlyStorageCost(archivedBytesDeleted, 'archive'),
  );
  const archiveFailures = [
    ...transitions.failures,
    ...transitions.skipped.map((skip) => ({
      imageDigest: skip.imageDigest,
      failureCode: 'NotSent',
      failureReason: `the manifest list ${skip.dependsOn} that lists it stays in standard storage (ECR archives a listed image only after its list)`,
    })),
  ];

  const topKeepReasons: { kind: string; count: number }[] = [...plan.summary.topKeepReasons];
  const waiting = grace?.waiting.length ?? 0;
  if (waiting > 0) topKeepReasons.push({ kind: 'grace-period', count: waiting });
  const notKept = deletions.failures.length + deletions.skipped.length;
  if (notKept > 0) topKeepReasons.push({ kind: 'deletion-failed', count: notKept });
  if (imagesHeld > 0) topKeepReasons.push({ kind: 'in-use-source-failed', count: imagesHeld });
  topKeepReasons.sort((a, b) => b.count - a.count);

  const notes = [UPPER_BOUND_NOTE];
  if (held) notes.unshift(heldNote(outcome.inUseSourceFailures, imagesHeld, plan.transition.length));
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
  if (transitions.archived.length > 0 || archiveFailures.length > 0) {
    notes.push(
      `${transitions.archived.length} image(s) ${outcome.dryRun ? 'would be' : 'were'} archived (they stay in the repository and cannot be pulled until restored), ${archiveFailures.length} not; archive storage costs as much as standard for the first 150 TB a month.`,
    );
  }
  if (previously !== undefined) {
    notes.push(
      `This run resumed after an interrupted attempt that had deleted ${previously.imagesDeleted} image(s).`,
    );
  }

  const detail: GovernanceDetail<'Cleanup Report'> = {
    ...common,
    severity:
      held || imagesFailed > 0 || transitions.failures.length > 0 || plan.summary.deletionCapReached
        ? 'warning'
        : 'info',
    summary: (held ? heldSummaryLine : summaryLine)(
      outcome.repositoryName,
      outcome.dryRun,
      imagesDeleted,
      bytesReclaimed,
      monthlySavingsUsd,
      imagesKept,
      imagesFailed,
      transitions.archived.length,
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
    notes: notes.slice(0, 10),
  };
  if (outcome.inUseSourceFailures.length > 0) {
    detail.inUseSourceFailures = outcome.inUseSourceFailures.slice(0, MAX_SOURCE_FAILURES).map((failure) => {
      const listed: { source: string; reason: string; errorName?: string } = {
        source: failure.source.slice(0, 300),
        reason: failure.reason.slice(0, 300),
      };
      if (failure.errorName !== undefined) listed.errorName = failure.errorName.slice(0, 200);
      return listed;
    });
  }
  if (held) {
    detail.held = true;
    detail.imagesHeld = imagesHeld;
  }
  if (plan.transition.length > 0) {
    detail.imagesArchived = transitions.archived.length;
    detail.bytesArchived = transitions.bytesArchived;
    detail.archiveMonthlySavingsUsd = roundCents(monthlyArchiveSavingsUpperBound(transitions.bytesArchived));
    detail.archiveFailures = archiveFailures
      .filter((failure) => SHA256_DIGEST.test(failure.imageDigest))
      .slice(0, MAX_FAILURES);
  }
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
  archived: number,
): string {
  const verb = dryRun ? `${deleted} image(s) would be deleted (dry run)` : `${deleted} image(s) deleted`;
  const size = deleted > 0 ? `, up to ${formatBytes(bytes)} ($${dollars.toFixed(2)}/month)` : '';
  const failures = failed > 0 ? `, ${failed} could not be deleted` : '';
  const archives = archived > 0 ? `, ${archived} ${dryRun ? 'would be ' : ''}archived` : '';
  const line = `${repositoryName}: ${verb}${size}, ${kept} kept${archives}${failures}`;
  return line.length <= 300 ? line : `${line.slice(0, 297)}...`;
}

/** A held repository's line: it leads with why nothing was deleted. */
function heldSummaryLine(
  repositoryName: string,
  dryRun: boolean,
  _deleted: number,
  _bytes: number,
  _dollars: number,
  kept: number,
): string {
  const run = dryRun ? ' (dry run)' : '';
  const line = `${repositoryName}: held, nothing deleted${run}: an in-use source could not be read; ${kept} kept`;
  return line.length <= 300 ? line : `${line.slice(0, 297)}...`;
}

function heldNote(
  failures: readonly { source: string; reason: string }[],
  imagesHeld: number,
  transitions: number,
): string {
  const [first] = failures;
  const others = failures.length > 1 ? ` and ${failures.length - 1} other source(s)` : '';
  const archives = transitions > 0 ? ` and ${transitions} archive transition(s)` : '';
  const line = `Held: ${first?.source ?? 'an in-use source'} could not be read (${first?.reason ?? 'unknown'})${others}; ${imagesHeld} deletion(s)${archives} wait for a run that reads every source.`;
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
