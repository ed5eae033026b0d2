import { countBySeverity, maxSeverity, type VulnerabilitySeverity } from './severity';

/**
 * The one findings model: what basic scanning (ECR's `findings[]`), enhanced scanning (Amazon
 * Inspector's `enhancedFindings[]` and its `Inspector2 Finding` events) and a saved
 * `describe-image-scan-findings` file all become. Plain data (timestamps as ISO 8601 UTC strings), so
 * that the ledger stores it, governance events carry it and the CLI prints it as JSON unchanged.
 *
 * One `Finding` is one vulnerability in one image: basic scanning reports a CVE once per affected
 * package and Inspector may too, so findings are merged by vulnerability id (`mergeFindings`), their
 * packages listed together. That is also the ledger's key: image digest + vulnerability id.
 */

export type ScanType = 'BASIC' | 'ENHANCED';

/** Inspector's fixAvailable: PARTIAL when some, not all, of the affected packages have a fixed version. */
export type FixAvailability = 'YES' | 'PARTIAL' | 'NO';

/** Inspector's finding status; basic scanning findings are always ACTIVE. */
export type FindingStatus = 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';

export interface AffectedPackage {
  name: string;
  installedVersion?: string;
  /** The version that fixes it, when the scanner knows one. */
  fixedInVersion?: string;
  packageManager?: string;
  filePath?: string;
}

export interface Finding {
  vulnerabilityId: string;
  severity: VulnerabilitySeverity;
  status: FindingStatus;
  title?: string;
  description?: string;
  /** Amazon Inspector's score (CVSS adjusted to the environment), or basic scanning's CVSS score. */
  score?: number;
  /** EPSS probability (0..1) that the vulnerability is exploited in the next 30 days, where Inspector gives it. */
  epssScore?: number;
  packages: AffectedPackage[];
  /** Undefined when the scanner does not say (basic scanning never does). */
  fixAvailable?: FixAvailability;
  exploitAvailable?: boolean;
  url?: string;
  findingArn?: string;
  firstObservedAt?: string;
  lastObservedAt?: string;
  updatedAt?: string;
}

export interface ImageIdentity {
  repositoryName: string;
  imageDigest: string;
  /** Empty for an untagged image. */
  imageTags: string[];
  registryId?: string;
}

/** Where Amazon Inspector says the image runs (ECS tasks, EKS pods). */
export interface ImageUsage {
  inUseCount?: number;
  lastInUseAt?: string;
}

/** One image's scan result, in the model. */
export interface ImageScanResult {
  image: ImageIdentity;
  scanType: ScanType;
  /** ECR's imageScanStatus.status: COMPLETE (basic), ACTIVE (enhanced), IN_PROGRESS, FAILED, ... */
  scanStatus: string;
  scanStatusDescription?: string;
  completedAt?: string;
  vulnerabilitySourceUpdatedAt?: string;
  usage: ImageUsage;
  /** One per vulnerability id, most severe first. */
  findings: Finding[];
}

const FIX_RANK: Record<FixAvailability, number> = { NO: 0, PARTIAL: 1, YES: 2 };

/** Whether a fix exists for at least some of the affected packages. */
export function isFixable(finding: Pick<Finding, 'fixAvailable' | 'packages'>): boolean {
  if (finding.fixAvailable !== undefined) return finding.fixAvailable !== 'NO';
  return finding.packages.some((pkg) => pkg.fixedInVersion !== undefined);
}

export function fixRank(fix: FixAvailability | undefined): number {
  return fix === undefined ? -1 : FIX_RANK[fix];
}

/** Merges findings of the same vulnerability id into one; keeps the first-seen order of ids. */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const finding of findings) {
    const seen = byId.get(finding.vulnerabilityId);
    byId.set(finding.vulnerabilityId, seen === undefined ? clone(finding) : mergeTwo(seen, finding));
  }
  return [...byId.values()];
}

function clone(finding: Finding): Finding {
  return { ...finding, packages: finding.packages.map((pkg) => ({ ...pkg })) };
}

function mergeTwo(a: Finding, b: Finding): Finding {
  const packages = [...a.packages];
  for (const pkg of b.packages) {
    if (!packages.some((p) => p.name === pkg.name && p.installedVersion === pkg.installedVersion)) {
      packages.push({ ...pkg });
    }
  }
  const merged: Finding = {
    ...a,
    severity: maxSeverity(a.severity, b.severity),
    // Open if either is open: a vulnerability is closed only when every package is fixed.
    status:
      a.status === 'ACTIVE' || b.status === 'ACTIVE'
        ? 'ACTIVE'
        : a.status === b.status
          ? a.status
          : 'SUPPRESSED',
    packages,
  };
  const score = maxDefined(a.score, b.score);
  if (score !== undefined) merged.score = score;
  const epss = maxDefined(a.epssScore, b.epssScore);
  if (epss !== undefined) merged.epssScore = epss;
  const fix = mergeFix(a.fixAvailable, b.fixAvailable);
  if (fix !== undefined) merged.fixAvailable = fix;
  if (a.exploitAvailable === true || b.exploitAvailable === true) merged.exploitAvailable = true;
  else if (a.exploitAvailable === false || b.exploitAvailable === false) merged.exploitAvailable = false;
  for (const key of ['title', 'description', 'url', 'findingArn'] as const) {
    if (merged[key] === undefined && b[key] !== undefined) merged[key] = b[key];
  }
  const first = minDefined(a.firstObservedAt, b.firstObservedAt);
  if (first !== undefined) merged.firstObservedAt = first;
  const last = maxDefined(a.lastObservedAt, b.lastObservedAt);
  if (last !== undefined) merged.lastObservedAt = last;
  const updated = maxDefined(a.updatedAt, b.updatedAt);
  if (updated !== undefined) merged.updatedAt = updated;
  return merged;
}

function mergeFix(
  a: FixAvailability | undefined,
  b: FixAvailability | undefined,
): FixAvailability | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === b) return a;
  // One part fixable and the other not: some, not all, packages have a fix.
  return FIX_RANK[a] + FIX_RANK[b] === 0 ? 'NO' : 'PARTIAL';
}

function maxDefined<T extends number | string>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b > a ? b : a;
}

function minDefined<T extends number | string>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b < a ? b : a;
}

/** Counts of the findings per severity (zero counts left out). */
export function findingSeverityCounts(
  findings: readonly Finding[],
): Partial<Record<VulnerabilitySeverity, number>> {
  return countBySeverity(findings.map((finding) => finding.severity));
}

/** `payments/api:v1.4.0`, or `payments/api@sha256:b99521fe5c34` for an untagged image. */
export function describeImage(image: ImageIdentity): string {
  const tag = image.imageTags[0];
  return tag === undefined
    ? `${image.repositoryName}@${image.imageDigest.slice(0, 19)}`
    : `${image.repositoryName}:${tag}`;
}
