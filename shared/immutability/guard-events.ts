import { type GovernanceEvent, repositoryConsoleUrl } from '../events/governance';
import type { RunningIn } from '../inuse/where-it-runs';
import { type Baseline, type BaselineCheck, describeFix, truncate } from './check-baselines';
import { shortDigest } from './tag-ledger';

/** What happened to a drift: the values of the drift event's `remediation`. */
export type RemediationOutcome = 'applied' | 'would-apply' | 'report-only' | 'failed';

const BASELINE_LABELS: Record<Baseline, string> = {
  'tag-immutability': 'tag immutability',
  scanning: 'scanning',
  'lifecycle-policy': 'lifecycle policy',
  encryption: 'encryption',
  'repository-policy': 'repository policy',
};

const SUMMARY_MAX = 300;

export interface DriftEventInput {
  account: string;
  /** The account's alias when the hub knows one (issue 15): every governance event carries it. */
  accountAlias?: string | undefined;
  region: string;
  repositoryName: string;
  check: Extract<BaselineCheck, { status: 'drift' }>;
  remediation: RemediationOutcome;
  /** Why remediation failed (an error name and message). */
  failure?: string;
  changedBy?: string;
  cloudTrailEventId?: string;
}

/** A "Repository Settings Drift" event (shared/events/governance.ts). */
export function buildDriftEvent(input: DriftEventInput): GovernanceEvent {
  const { check } = input;
  const label = BASELINE_LABELS[check.baseline];
  const outcome = describeOutcome(input);
  return {
    detailType: 'Repository Settings Drift',
    detail: {
      schemaVersion: 1,
      account: input.account,
      ...aliasOf(input),
      region: input.region,
      repositoryName: input.repositoryName,
      severity: check.severity,
      summary: oneLine(
        `${input.repositoryName}: ${label}: ${check.actual} (expected ${check.expected}); ${outcome}`,
      ),
      consoleUrl: repositoryConsoleUrl(input),
      baseline: check.baseline,
      expected: truncate(check.expected, 2000),
      actual: truncate(check.actual, 2000),
      remediation: input.remediation,
      ...(input.changedBy === undefined ? {} : { changedBy: input.changedBy.slice(0, 2048) }),
      ...(input.cloudTrailEventId === undefined ? {} : { cloudTrailEventId: input.cloudTrailEventId }),
    },
  };
}

function describeOutcome(input: DriftEventInput): string {
  const fix = describeFix(input.check.fix);
  switch (input.remediation) {
    case 'applied':
      return `fixed (${fix})`;
    case 'would-apply':
      return `dry run: would apply ${fix}`;
    case 'report-only':
      return input.check.fix.kind === 'none'
        ? `report only: ${input.check.fix.reason}`
        : 'report only (remediate is off)';
    case 'failed':
      return `remediation failed (${fix}): ${input.failure ?? 'unknown error'}`;
  }
}

export interface TagMovedEventInput {
  account: string;
  /** The account's alias when the hub knows one (issue 15): every governance event carries it. */
  accountAlias?: string | undefined;
  region: string;
  repositoryName: string;
  imageTag: string;
  previousDigest: string;
  newDigest: string;
  /** When the push that moved the tag happened (ISO 8601). */
  pushedAt: string;
  previousDigestInUse: boolean | null;
  /** Where the previous digest still runs, when known. */
  previousDigestRunningIn?: RunningIn;
}

/**
 * A "Tag Moved" event: a protected tag now names another image. Critical: what was tested under that
 * tag is no longer what a new deployment of it runs.
 */
export function buildTagMovedEvent(input: TagMovedEventInput): GovernanceEvent {
  const where = input.previousDigestRunningIn;
  const inUse =
    input.previousDigestInUse === true
      ? where === undefined
        ? '; the previous image is still in use'
        : `; the previous image still runs in ${where.summary}`
      : where !== undefined && where.placeCount > 0
        ? `; the previous image may run again: ${where.summary}`
        : input.previousDigestInUse === false
          ? '; the previous image is not in use'
          : '';
  return {
    detailType: 'Tag Moved',
    detail: {
      schemaVersion: 1,
      account: input.account,
      ...aliasOf(input),
      region: input.region,
      repositoryName: input.repositoryName,
      severity: 'critical',
      summary: oneLine(
        `${input.repositoryName}:${input.imageTag} moved from ${shortDigest(input.previousDigest)} to ${shortDigest(input.newDigest)}${inUse}`,
      ),
      consoleUrl: repositoryConsoleUrl({ ...input, imageDigest: input.newDigest }),
      imageTag: input.imageTag,
      previousDigest: input.previousDigest,
      newDigest: input.newDigest,
      pushedAt: input.pushedAt,
      previousDigestInUse: input.previousDigestInUse,
      ...(where === undefined ? {} : { previousDigestRunningIn: where }),
    },
  };
}

function aliasOf(input: { accountAlias?: string | undefined }): { accountAlias?: string } {
  return input.accountAlias === undefined ? {} : { accountAlias: input.accountAlias };
}

function oneLine(text: string): string {
  return truncate(text.replace(/\s*\n\s*/g, ' '), SUMMARY_MAX);
}
