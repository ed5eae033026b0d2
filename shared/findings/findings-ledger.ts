import type { Finding, FixAvailability, ScanType } from './finding';
import { fixRank } from './finding';
import { type VulnerabilitySeverity, vulnerabilitySeverityRank } from './severity';

/**
 * The findings ledger: what ecr-warden last knew of each vulnerability in each image (image digest +
 * vulnerability id), and whether people were told. Alerts come from transitions only:
 *
 * | before                     | now                                   | change              |
 * |----------------------------|---------------------------------------|---------------------|
 * | unknown, or closed         | open and alertable                    | `new`               |
 * | open, not alerted          | open and alertable (threshold lowered, suppression expired) | `new` |
 * | open, alerted              | exploitAvailable became YES           | `exploit-available` |
 * | open                       | severity rose, and alertable          | `severity-raised`   |
 * | open, alerted              | fixAvailable NO/unknown → YES/PARTIAL | `fix-available`     |
 * | open, alerted              | closed (only with alertOnClosed)      | `closed`            |
 *
 * ("alertable": ACTIVE, at or above the repository's minSeverity, no unexpired suppression.) Anything
 * else (lastObservedAt/updatedAt moved, a score changed, a replay of the same event) is no transition,
 * and an observation older than the one recorded (`observedAt`, Inspector's updatedAt or the scan's
 * completion time) is ignored, so that a late or replayed event never undoes newer state and then
 * alerts again when the newer state is replayed.
 *
 * Pure: the state store adapter (shared/aws/findings-ledger-store.ts) reads and writes the entries.
 */

export type FindingChange = 'new' | 'severity-raised' | 'fix-available' | 'exploit-available' | 'closed';

/** How the ledger remembers a finding: enough to compare, to alert on closing and to build the digest. */
export interface LedgerFinding {
  vulnerabilityId: string;
  severity: VulnerabilitySeverity;
  packages: { name: string; installedVersion?: string; fixedInVersion?: string }[];
  fixAvailable?: FixAvailability;
  exploitAvailable?: boolean;
  score?: number;
  epssScore?: number;
  url?: string;
}

export interface LedgerEntry {
  repositoryName: string;
  imageDigest: string;
  vulnerabilityId: string;
  scanType: ScanType;
  /** OPEN while the scanner reports it (ACTIVE or suppressed in Inspector), CLOSED once it does not. */
  state: 'OPEN' | 'CLOSED';
  /** Inspector's own status (SUPPRESSED by an Inspector suppression rule never alerts). */
  scannerStatus: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
  finding: LedgerFinding;
  /** An alert told people about this finding since it (re)opened. */
  alerted: boolean;
  /** The time of the observation recorded here: later observations win, earlier ones are ignored. */
  observedAt: string;
  /** When ecr-warden first recorded the finding open (for "new since yesterday"). */
  openedAt: string;
  closedAt?: string;
  /** Optimistic concurrency: the version this entry was read at (undefined for a new entry). */
  version?: number;
}

export interface Observation {
  finding: Finding;
  /** Inspector's updatedAt for the finding, or the scan's completion time; ISO 8601. */
  observedAt: string;
}

export interface TransitionContext {
  /** Whether the finding would alert now (open, threshold, suppressions): ScanningPolicy.isAlertable. */
  isAlertable(finding: Finding): boolean;
  alertOnClosed: boolean;
  repositoryName: string;
  imageDigest: string;
  scanType: ScanType;
  now: Date;
}

export type Transition =
  | { kind: 'stale' }
  | { kind: 'unchanged' }
  | { kind: 'update'; previous: LedgerEntry | undefined; next: LedgerEntry; change?: FindingChange };

export function toLedgerFinding(finding: Finding): LedgerFinding {
  const ledger: LedgerFinding = {
    vulnerabilityId: finding.vulnerabilityId,
    severity: finding.severity,
    // A handful is enough to describe a closed finding; the alert of the open one listed them all.
    packages: finding.packages.slice(0, 5).map((pkg) => {
      const stored: LedgerFinding['packages'][number] = { name: pkg.name };
      if (pkg.installedVersion !== undefined) stored.installedVersion = pkg.installedVersion;
      if (pkg.fixedInVersion !== undefined) stored.fixedInVersion = pkg.fixedInVersion;
      return stored;
    }),
  };
  if (finding.fixAvailable !== undefined) ledger.fixAvailable = finding.fixAvailable;
  if (finding.exploitAvailable !== undefined) ledger.exploitAvailable = finding.exploitAvailable;
  if (finding.score !== undefined) ledger.score = finding.score;
  if (finding.epssScore !== undefined) ledger.epssScore = finding.epssScore;
  if (finding.url !== undefined) ledger.url = finding.url;
  return ledger;
}

/** Decides what one observation of a finding does to its ledger entry. */
export function decideTransition(
  previous: LedgerEntry | undefined,
  observation: Observation,
  context: TransitionContext,
): Transition {
  const { finding, observedAt } = observation;
  if (previous !== undefined && observedAt < previous.observedAt) return { kind: 'stale' };
  const now = context.now.toISOString();
  const base = {
    repositoryName: context.repositoryName,
    imageDigest: context.imageDigest,
    vulnerabilityId: finding.vulnerabilityId,
    scanType: context.scanType,
    scannerStatus: finding.status,
    finding: toLedgerFinding(finding),
    observedAt,
  };

  if (finding.status === 'CLOSED') {
    if (previous?.state === 'CLOSED') return { kind: 'unchanged' };
    return closeEntry(
      previous,
      { ...base, state: 'CLOSED', alerted: false, openedAt: previous?.openedAt ?? now, closedAt: now },
      context,
    );
  }

  const alertable = context.isAlertable(finding);
  if (previous === undefined || previous.state === 'CLOSED') {
    const next: LedgerEntry = { ...base, state: 'OPEN', alerted: alertable, openedAt: now };
    return alertable ? { kind: 'update', previous, next, change: 'new' } : { kind: 'update', previous, next };
  }

  const raised =
    vulnerabilitySeverityRank(finding.severity) > vulnerabilitySeverityRank(previous.finding.severity);
  const exploitNow = finding.exploitAvailable === true && previous.finding.exploitAvailable !== true;
  const fixNow = fixRank(finding.fixAvailable) > 0 && fixRank(previous.finding.fixAvailable) <= 0;
  let change: FindingChange | undefined;
  if (alertable) {
    if (!previous.alerted) change = raised ? 'severity-raised' : 'new';
    else if (exploitNow) change = 'exploit-available';
    else if (raised) change = 'severity-raised';
    else if (fixNow) change = 'fix-available';
  }
  const next: LedgerEntry = {
    ...base,
    state: 'OPEN',
    alerted: previous.alerted || change !== undefined,
    openedAt: previous.openedAt,
  };
  if (change === undefined && !differs(previous, next)) return { kind: 'unchanged' };
  return change === undefined
    ? { kind: 'update', previous, next }
    : { kind: 'update', previous, next, change };
}

/** A finding the scan no longer reports (basic scanning: a new scan replaces the old result). */
export function decideAbsent(
  previous: LedgerEntry,
  observedAt: string,
  context: TransitionContext,
): Transition {
  if (previous.state === 'CLOSED') return { kind: 'unchanged' };
  if (observedAt < previous.observedAt) return { kind: 'stale' };
  const now = context.now.toISOString();
  const { version: _version, ...rest } = previous;
  return closeEntry(
    previous,
    { ...rest, state: 'CLOSED', scannerStatus: 'CLOSED', alerted: false, observedAt, closedAt: now },
    context,
  );
}

function closeEntry(
  previous: LedgerEntry | undefined,
  next: LedgerEntry,
  context: TransitionContext,
): Transition {
  const tell = context.alertOnClosed && previous?.state === 'OPEN' && previous.alerted;
  return tell ? { kind: 'update', previous, next, change: 'closed' } : { kind: 'update', previous, next };
}

/** Whether anything that matters changed (not the observation times). */
function differs(previous: LedgerEntry, next: LedgerEntry): boolean {
  return (
    previous.state !== next.state ||
    previous.scannerStatus !== next.scannerStatus ||
    previous.alerted !== next.alerted ||
    previous.finding.severity !== next.finding.severity ||
    previous.finding.fixAvailable !== next.finding.fixAvailable ||
    previous.finding.exploitAvailable !== next.finding.exploitAvailable
  );
}
