import { ECR_FINDING_SEVERITIES, VULNERABILITY_SEVERITIES } from '../events/governance';

/**
 * Vulnerability severities, most severe first: CRITICAL > HIGH > MEDIUM > LOW > INFORMATIONAL >
 * UNDEFINED = UNTRIAGED. Basic scanning (ECR's FindingSeverity) has UNDEFINED; Amazon Inspector has
 * UNTRIAGED for a vulnerability the vendor has not rated yet. Neither is known to be harmless, but
 * neither says how harmful it is either, so both rank below INFORMATIONAL and a threshold of
 * INFORMATIONAL does not include them; a threshold of UNDEFINED includes everything.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFinding.html
 * https://docs.aws.amazon.com/inspector/latest/user/findings-understanding-severity.html
 */
export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number];

export { VULNERABILITY_SEVERITIES };

/** Severities a threshold may name (UNTRIAGED ranks as UNDEFINED, so it is not a threshold of its own). */
export const THRESHOLD_SEVERITIES = ECR_FINDING_SEVERITIES;
export type ThresholdSeverity = (typeof THRESHOLD_SEVERITIES)[number];

const RANK: Record<VulnerabilitySeverity, number> = {
  CRITICAL: 5,
  HIGH: 4,
  MEDIUM: 3,
  LOW: 2,
  INFORMATIONAL: 1,
  UNDEFINED: 0,
  UNTRIAGED: 0,
};

/** Higher is more severe. */
export function vulnerabilitySeverityRank(severity: VulnerabilitySeverity): number {
  return RANK[severity];
}

export function isAtLeast(severity: VulnerabilitySeverity, threshold: VulnerabilitySeverity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/** Reads a severity from AWS data or user input, case-insensitively; undefined when it is none of them. */
export function parseVulnerabilitySeverity(value: unknown): VulnerabilitySeverity | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return (VULNERABILITY_SEVERITIES as readonly string[]).includes(upper)
    ? (upper as VulnerabilitySeverity)
    : undefined;
}

/** The more severe of two. */
export function maxSeverity(a: VulnerabilitySeverity, b: VulnerabilitySeverity): VulnerabilitySeverity {
  return RANK[b] > RANK[a] ? b : a;
}

/** Counts per severity, zero counts left out (as ECR reports them). */
export function countBySeverity(
  severities: Iterable<VulnerabilitySeverity>,
): Partial<Record<VulnerabilitySeverity, number>> {
  const counts: Partial<Record<VulnerabilitySeverity, number>> = {};
  for (const severity of severities) counts[severity] = (counts[severity] ?? 0) + 1;
  const ordered: Partial<Record<VulnerabilitySeverity, number>> = {};
  for (const severity of VULNERABILITY_SEVERITIES) {
    const count = counts[severity];
    if (count !== undefined) ordered[severity] = count;
  }
  return ordered;
}
