import { ECR_FINDING_SEVERITIES } from '../../../shared/events/governance';
/**
 * Scan results as the model keeps them: plain JSON (timestamps as ISO strings), in the shapes of
 * DescribeImageScanFindings' `findings[]` (basic scanning) and `enhancedFindings[]` (Amazon
 * Inspector). The adapter turns timestamps into Dates, as the SDK does.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFinding.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EnhancedImageScanFinding.html
 */
export type FindingSeverity = (typeof ECR_FINDING_SEVERITIES)[number];

export const SEVERITIES: readonly FindingSeverity[] = ECR_FINDING_SEVERITIES;

export type ScanStatus =
  | 'IN_PROGRESS'
  | 'COMPLETE'
  | 'FAILED'
  | 'UNSUPPORTED_IMAGE'
  | 'ACTIVE'
  | 'PENDING'
  | 'SCAN_ELIGIBILITY_EXPIRED'
  | 'FINDINGS_UNAVAILABLE'
  | 'LIMIT_EXCEEDED'
  | 'IMAGE_ARCHIVED';

export interface BasicFinding {
  name: string;
  description?: string;
  uri?: string;
  severity: FindingSeverity;
  attributes?: { key: string; value?: string }[];
}

export interface VulnerablePackage {
  name: string;
  version?: string;
  fixedInVersion?: string;
  packageManager?: string;
  arch?: string;
  epoch?: number;
  release?: string;
  filePath?: string;
  sourceLayerHash?: string;
}

export interface EnhancedFinding {
  awsAccountId: string;
  findingArn: string;
  title: string;
  description?: string;
  severity: FindingSeverity | 'UNTRIAGED';
  status: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
  type: 'PACKAGE_VULNERABILITY' | string;
  score?: number;
  fixAvailable?: 'YES' | 'NO' | 'PARTIAL';
  exploitAvailable?: 'YES' | 'NO';
  firstObservedAt: string;
  lastObservedAt: string;
  updatedAt: string;
  packageVulnerabilityDetails: {
    vulnerabilityId: string;
    source?: string;
    sourceUrl?: string;
    vendorSeverity?: string;
    vendorCreatedAt?: string;
    vendorUpdatedAt?: string;
    referenceUrls?: string[];
    relatedVulnerabilities?: string[];
    cvss?: { baseScore: number; scoringVector: string; source?: string; version: string }[];
    vulnerablePackages: VulnerablePackage[];
  };
  remediation?: { recommendation?: { text?: string; url?: string } };
  scoreDetails?: {
    cvss?: { score: number; scoreSource?: string; scoringVector?: string; version?: string };
  };
}

export interface ImageScan {
  status: ScanStatus;
  description?: string;
  /** ISO timestamps. */
  completedAt?: string;
  vulnerabilitySourceUpdatedAt?: string;
  /** Exactly one of the two lists is present for a completed scan. */
  findings?: BasicFinding[];
  enhancedFindings?: EnhancedFinding[];
}

/** Count of findings per severity; severities without findings are left out, as ECR does. */
export function severityCounts(scan: ImageScan): Partial<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const finding of [...(scan.findings ?? []), ...(scan.enhancedFindings ?? [])]) {
    // Inspector's UNTRIAGED has no FindingSeverity counterpart: it is counted as UNDEFINED.
    const severity = finding.severity === 'UNTRIAGED' ? 'UNDEFINED' : finding.severity;
    counts[severity] = (counts[severity] ?? 0) + 1;
  }
  return counts;
}
