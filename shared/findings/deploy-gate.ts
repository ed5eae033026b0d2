import type { ScanningSuppression } from '../config/schema';
import type { Finding, ImageScanResult } from './finding';
import type { ScanningPolicy } from './scanning-policy';
import { isAtLeast, type ThresholdSeverity } from './severity';
import { sortByUrgency } from './vulnerability-alert';

/**
 * The deploy gate ("don't deploy images with detected vulnerabilities to production", made
 * executable): given one image's scan result, pass, block, or say why it cannot decide. It applies the
 * same rules as the alerts: at or above the threshold, no unexpired suppression. A finding whose
 * suppression has expired blocks, and the gate says so.
 *
 * It decides only on a current scan result: COMPLETE (basic) or ACTIVE (enhanced, continuous or
 * on-push scanning in effect). Anything else (still running, failed, unsupported image, scan
 * eligibility expired, findings unavailable) is "could not decide": a gate must not pass an image
 * whose findings nobody knows.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html
 */
export type GateDecision = 'pass' | 'blocked' | 'undecided';

export interface GateFinding {
  finding: Finding;
  /** The unexpired suppression that lets it through. */
  suppressedBy?: ScanningSuppression;
  /** A suppression that would have covered it but has expired. */
  expiredSuppression?: ScanningSuppression;
  /** Amazon Inspector's own suppression rule (status SUPPRESSED). */
  suppressedByInspector?: boolean;
}

export interface GateResult {
  decision: GateDecision;
  /** One line: why. */
  reason: string;
  failOn: ThresholdSeverity;
  /** Findings at or above the threshold that block, most urgent first. */
  blocking: GateFinding[];
  /** Findings at or above the threshold that a suppression lets through. */
  suppressed: GateFinding[];
  /** Open findings below the threshold. */
  belowThreshold: number;
}

export const CURRENT_STATUSES: ReadonlySet<string> = new Set(['COMPLETE', 'ACTIVE']);

export function decideDeployGate(input: {
  result: ImageScanResult;
  failOn: ThresholdSeverity;
  policy: ScanningPolicy;
  now: Date;
}): GateResult {
  const { result, failOn, policy, now } = input;
  const empty = { failOn, blocking: [], suppressed: [], belowThreshold: 0 };
  if (!CURRENT_STATUSES.has(result.scanStatus)) {
    const description =
      result.scanStatusDescription === undefined ? '' : ` (${result.scanStatusDescription})`;
    return { decision: 'undecided', reason: `the scan is ${result.scanStatus}${description}`, ...empty };
  }
  const repositoryName = result.image.repositoryName;
  const open = result.findings.filter((finding) => finding.status !== 'CLOSED');
  const atThreshold = open.filter((finding) => isAtLeast(finding.severity, failOn));
  const blocking: GateFinding[] = [];
  const suppressed: GateFinding[] = [];
  for (const finding of atThreshold) {
    const suppressedBy = policy.suppressionFor(repositoryName, finding, now);
    if (suppressedBy !== undefined) {
      suppressed.push({ finding, suppressedBy });
    } else if (finding.status === 'SUPPRESSED') {
      suppressed.push({ finding, suppressedByInspector: true });
    } else {
      const expiredSuppression = policy.expiredSuppressionFor(repositoryName, finding, now);
      blocking.push(expiredSuppression === undefined ? { finding } : { finding, expiredSuppression });
    }
  }
  const inUse = result.usage.inUseCount === undefined ? undefined : result.usage.inUseCount > 0;
  const sorted = sortByUrgency(blocking.map((item) => ({ ...item, inUse }))).map(
    ({ inUse: _inUse, ...item }) => item,
  );
  const belowThreshold = open.length - atThreshold.length;
  const suppressedNote = suppressed.length > 0 ? `, ${suppressed.length} suppressed` : '';
  return sorted.length > 0
    ? {
        decision: 'blocked',
        reason: `${sorted.length} finding${sorted.length === 1 ? '' : 's'} at or above ${failOn}${suppressedNote}`,
        failOn,
        blocking: sorted,
        suppressed,
        belowThreshold,
      }
    : {
        decision: 'pass',
        reason: `no unsuppressed finding at or above ${failOn}${suppressedNote}; ${belowThreshold} below`,
        failOn,
        blocking: [],
        suppressed,
        belowThreshold,
      };
}
