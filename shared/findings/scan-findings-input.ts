import * as z from '../zod';
import { parseAwsTimestamp } from './aws-timestamp';
import {
  type AffectedPackage,
  type Finding,
  type FixAvailability,
  type ImageScanResult,
  type ImageUsage,
  mergeFindings,
} from './finding';
import { parseVulnerabilitySeverity, vulnerabilitySeverityRank } from './severity';

/**
 * What DescribeImageScanFindings returns, read into the findings model. One schema serves the SDK's
 * response (timestamps as `Date`) and what `aws ecr describe-image-scan-findings --output json`
 * printed (timestamps as ISO strings or epoch seconds), basic (`findings[]`) and enhanced
 * (`enhancedFindings[]`) alike. Unknown fields are ignored; a field the model needs that has the
 * wrong type, or a timestamp in no format AWS uses, is an error that names its path.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFinding.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EnhancedImageScanFinding.html
 */

/** Any timestamp AWS writes (see ./aws-timestamp.ts), as an ISO 8601 UTC string. */
export const awsTimestamp = z.pipe(
  z.unknown(),
  z.transform((value, ctx): string => {
    const parsed = parseAwsTimestamp(value);
    if (parsed.ok) return parsed.date.toISOString();
    z.addTransformIssue(ctx, { code: 'custom', message: parsed.message });
    return z.NEVER;
  }),
);

const optionalTimestamp = z.optional(awsTimestamp);

/** Severities as ECR and Inspector spell them; case-insensitive. */
export const vulnerabilitySeverity = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    const severity = parseVulnerabilitySeverity(value);
    if (severity !== undefined) return severity;
    z.addTransformIssue(ctx, {
      code: 'custom',
      message: `"${value}" is not a severity (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED, UNTRIAGED)`,
    });
    return z.NEVER;
  }),
);

const digest = z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 image digest'));

const basicFindingSchema = z.object({
  name: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  uri: z.optional(z.string()),
  severity: vulnerabilitySeverity,
  attributes: z.optional(z.array(z.object({ key: z.string(), value: z.optional(z.string()) }))),
});

const vulnerablePackageSchema = z.object({
  name: z.string().check(z.minLength(1)),
  version: z.optional(z.string()),
  release: z.optional(z.string()),
  epoch: z.optional(z.number()),
  fixedInVersion: z.optional(z.string()),
  packageManager: z.optional(z.string()),
  filePath: z.optional(z.string()),
});

export const ecrContainerImageSchema = z.object({
  repositoryName: z.optional(z.string()),
  imageHash: z.optional(z.string()),
  imageTags: z.optional(z.array(z.string())),
  registry: z.optional(z.string()),
  pushedAt: optionalTimestamp,
  lastInUseAt: optionalTimestamp,
  inUseCount: z.optional(z.number().check(z.int(), z.gte(0))),
  platform: z.optional(z.string()),
  architecture: z.optional(z.string()),
});

const resourceSchema = z.object({
  id: z.optional(z.string()),
  type: z.optional(z.string()),
  /** The resource's region (an Inspector2 Finding names it; scanFindings checks it is governed). */
  region: z.optional(z.string()),
  details: z.optional(z.object({ awsEcrContainerImage: z.optional(ecrContainerImageSchema) })),
});

/**
 * An enhanced finding: ECR's EnhancedImageScanFinding, and the detail of an `Inspector2 Finding` event
 * (Inspector's Finding, which names the score `inspectorScore` and may add `epss`).
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html
 */
export const enhancedFindingSchema = z.object({
  awsAccountId: z.optional(z.string()),
  findingArn: z.optional(z.string()),
  title: z.optional(z.string()),
  description: z.optional(z.string()),
  severity: vulnerabilitySeverity,
  status: z.optional(z.enum(['ACTIVE', 'SUPPRESSED', 'CLOSED'])),
  type: z.optional(z.string()),
  score: z.optional(z.number()),
  inspectorScore: z.optional(z.number()),
  epss: z.optional(z.object({ score: z.optional(z.number().check(z.gte(0), z.lte(1))) })),
  fixAvailable: z.optional(z.enum(['YES', 'NO', 'PARTIAL'])),
  exploitAvailable: z.optional(z.enum(['YES', 'NO'])),
  firstObservedAt: optionalTimestamp,
  lastObservedAt: optionalTimestamp,
  updatedAt: optionalTimestamp,
  packageVulnerabilityDetails: z.optional(
    z.object({
      vulnerabilityId: z.string().check(z.minLength(1)),
      source: z.optional(z.string()),
      sourceUrl: z.optional(z.string()),
      vendorSeverity: z.optional(z.string()),
      cvss: z.optional(z.array(z.object({ baseScore: z.number(), version: z.optional(z.string()) }))),
      vulnerablePackages: z.optional(z.array(vulnerablePackageSchema)),
    }),
  ),
  remediation: z.optional(
    z.object({
      recommendation: z.optional(z.object({ text: z.optional(z.string()), url: z.optional(z.string()) })),
    }),
  ),
  resources: z.optional(z.array(resourceSchema)),
});

export type EnhancedFindingInput = z.output<typeof enhancedFindingSchema>;

export const describeImageScanFindingsOutputSchema = z.object({
  registryId: z.optional(z.string()),
  repositoryName: z.optional(z.string()),
  imageId: z.optional(z.object({ imageDigest: z.optional(digest), imageTag: z.optional(z.string()) })),
  imageScanStatus: z.optional(
    z.object({ status: z.string().check(z.minLength(1)), description: z.optional(z.string()) }),
  ),
  imageScanFindings: z.optional(
    z.object({
      imageScanCompletedAt: optionalTimestamp,
      vulnerabilitySourceUpdatedAt: optionalTimestamp,
      findingSeverityCounts: z.optional(z.record(z.string(), z.number())),
      findings: z.optional(z.array(basicFindingSchema)),
      enhancedFindings: z.optional(z.array(enhancedFindingSchema)),
    }),
  ),
  nextToken: z.optional(z.string()),
});

export type DescribeImageScanFindingsOutput = z.output<typeof describeImageScanFindingsOutputSchema>;

/** A saved or received DescribeImageScanFindings output that does not have the documented shape. */
export class ScanFindingsFormatError extends Error {
  override name = 'ScanFindingsFormatError';
  constructor(readonly problems: readonly string[]) {
    super(`not a DescribeImageScanFindings output: ${problems.join('; ')}`);
  }
}

/** Validates one DescribeImageScanFindings output (one page, or all pages merged). */
export function parseDescribeImageScanFindingsOutput(data: unknown): DescribeImageScanFindingsOutput {
  const result = describeImageScanFindingsOutputSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ScanFindingsFormatError(
    result.error.issues.slice(0, 10).map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) =>
        typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`,
      '',
    ) || '(root)'
  );
}

/**
 * Builds the model of one image from its DescribeImageScanFindings pages (already validated). The
 * image's digest and tags come from the caller when the output lacks them (a saved file may hold a
 * page without imageId).
 */
export function toImageScanResult(
  pages: readonly DescribeImageScanFindingsOutput[],
  image: { repositoryName: string; imageDigest?: string; imageTags?: string[] },
): ImageScanResult {
  const first = pages[0];
  const basic = pages.flatMap((page) => page.imageScanFindings?.findings ?? []);
  const enhanced = pages.flatMap((page) => page.imageScanFindings?.enhancedFindings ?? []);
  const isEnhanced =
    enhanced.length > 0 || (basic.length === 0 && first?.imageScanStatus?.status === 'ACTIVE');
  const findings = mergeFindings([...basic.map(fromBasicFinding), ...enhanced.map(fromEnhancedFinding)]);
  const ecrImage = enhanced.flatMap((finding) => containerImagesOf(finding))[0];
  const imageDigest = first?.imageId?.imageDigest ?? ecrImage?.imageHash ?? image.imageDigest ?? '';
  const tagFromRequest = first?.imageId?.imageTag;
  const imageTags =
    image.imageTags ?? ecrImage?.imageTags ?? (tagFromRequest === undefined ? [] : [tagFromRequest]);
  const scan = first?.imageScanFindings;
  const result: ImageScanResult = {
    image: {
      repositoryName: first?.repositoryName ?? image.repositoryName,
      imageDigest,
      imageTags: [...imageTags],
      ...(first?.registryId === undefined ? {} : { registryId: first.registryId }),
    },
    scanType: isEnhanced ? 'ENHANCED' : 'BASIC',
    scanStatus: first?.imageScanStatus?.status ?? 'UNKNOWN',
    usage: usageOf(enhanced),
    findings: sortBySeverity(findings),
  };
  if (first?.imageScanStatus?.description !== undefined) {
    result.scanStatusDescription = first.imageScanStatus.description;
  }
  if (scan?.imageScanCompletedAt !== undefined) result.completedAt = scan.imageScanCompletedAt;
  if (scan?.vulnerabilitySourceUpdatedAt !== undefined) {
    result.vulnerabilitySourceUpdatedAt = scan.vulnerabilitySourceUpdatedAt;
  }
  return result;
}

function sortBySeverity(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      vulnerabilitySeverityRank(b.severity) - vulnerabilitySeverityRank(a.severity) ||
      a.vulnerabilityId.localeCompare(b.vulnerabilityId),
  );
}

/**
 * Basic scanning: `name` is the CVE, the package and its version are attributes, as is the CVSS score
 * (CVSS3_SCORE, or CVSS2_SCORE for older records). Basic scanning says nothing about fixes.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html
 */
export function fromBasicFinding(input: z.output<typeof basicFindingSchema>): Finding {
  const attribute = (key: string) => input.attributes?.find((a) => a.key === key)?.value;
  const packageName = attribute('package_name');
  const score = Number(attribute('CVSS3_SCORE') ?? attribute('CVSS2_SCORE') ?? Number.NaN);
  const finding: Finding = {
    vulnerabilityId: input.name,
    severity: input.severity,
    status: 'ACTIVE',
    packages:
      packageName === undefined
        ? []
        : [withDefined({ name: packageName, installedVersion: attribute('package_version') })],
  };
  if (input.description !== undefined) finding.description = input.description;
  if (input.uri !== undefined) finding.url = input.uri;
  if (Number.isFinite(score)) finding.score = score;
  return finding;
}

// Inspector writes "NotAvailable" as the fixed version of a package that has no fix.
const NO_FIXED_VERSION = new Set(['NotAvailable', 'None', '']);

/** Enhanced scanning (Amazon Inspector): from ECR's enhancedFindings[] or an Inspector2 Finding event. */
export function fromEnhancedFinding(input: EnhancedFindingInput): Finding {
  const details = input.packageVulnerabilityDetails;
  const vulnerabilityId =
    details?.vulnerabilityId ?? input.title?.split(' ')[0] ?? input.findingArn ?? 'unknown';
  const packages: AffectedPackage[] = (details?.vulnerablePackages ?? []).map((pkg) => {
    const fixed =
      pkg.fixedInVersion !== undefined && !NO_FIXED_VERSION.has(pkg.fixedInVersion)
        ? pkg.fixedInVersion
        : undefined;
    const installed =
      pkg.version === undefined
        ? undefined
        : pkg.release === undefined
          ? pkg.version
          : `${pkg.version}-${pkg.release}`;
    return withDefined({
      name: pkg.name,
      installedVersion: installed,
      fixedInVersion: fixed,
      packageManager: pkg.packageManager,
      filePath: pkg.filePath,
    });
  });
  const score = input.inspectorScore ?? input.score ?? maxCvss(details?.cvss);
  const finding: Finding = withDefined({
    vulnerabilityId,
    severity: input.severity,
    status: input.status ?? 'ACTIVE',
    title: input.title,
    description: input.description,
    score,
    epssScore: input.epss?.score,
    packages,
    fixAvailable: input.fixAvailable ?? deriveFix(packages),
    exploitAvailable: input.exploitAvailable === undefined ? undefined : input.exploitAvailable === 'YES',
    url: details?.sourceUrl ?? input.remediation?.recommendation?.url,
    findingArn: input.findingArn,
    firstObservedAt: input.firstObservedAt,
    lastObservedAt: input.lastObservedAt,
    updatedAt: input.updatedAt,
  });
  return finding;
}

function deriveFix(packages: readonly AffectedPackage[]): FixAvailability | undefined {
  if (packages.length === 0) return undefined;
  const fixed = packages.filter((pkg) => pkg.fixedInVersion !== undefined).length;
  return fixed === 0 ? 'NO' : fixed === packages.length ? 'YES' : 'PARTIAL';
}

function maxCvss(cvss: readonly { baseScore: number }[] | undefined): number | undefined {
  if (cvss === undefined || cvss.length === 0) return undefined;
  return Math.max(...cvss.map((c) => c.baseScore));
}

export function containerImagesOf(
  finding: Pick<EnhancedFindingInput, 'resources'>,
): z.output<typeof ecrContainerImageSchema>[] {
  return (finding.resources ?? []).flatMap((resource) =>
    resource.details?.awsEcrContainerImage === undefined ? [] : [resource.details.awsEcrContainerImage],
  );
}

/** The image's usage as Inspector last reported it: the highest count and the latest time. */
export function usageOf(findings: readonly Pick<EnhancedFindingInput, 'resources'>[]): ImageUsage {
  const usage: ImageUsage = {};
  for (const image of findings.flatMap(containerImagesOf)) {
    if (image.inUseCount !== undefined) usage.inUseCount = Math.max(usage.inUseCount ?? 0, image.inUseCount);
    if (
      image.lastInUseAt !== undefined &&
      (usage.lastInUseAt === undefined || image.lastInUseAt > usage.lastInUseAt)
    ) {
      usage.lastInUseAt = image.lastInUseAt;
    }
  }
  return usage;
}

/** Drops keys whose value is undefined, so that optional properties are absent rather than undefined. */
export function withDefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
