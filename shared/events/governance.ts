import * as z from 'zod';

/**
 * Governance events: what the detectors found, published on ecr-warden's own EventBridge bus with
 * source `ecr-warden`, one zod schema per detail-type. This is a public contract (users write
 * EventBridge rules against it): add optional fields freely; a change that removes or retypes a
 * field raises that detail-type's `schemaVersion`.
 *
 * Every detail carries `schemaVersion`, `account`, `region`, `repositoryName` where one applies,
 * `severity`, a one-line `summary`, `consoleUrl` (an AWS console deep link) and the facts behind it.
 */
export const GOVERNANCE_EVENT_SOURCE = 'ecr-warden';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Orders severities so that routes can say "warning and above". */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');
const repositoryName = z.string().min(2).max(256);
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 image digest');
const isoTime = z.iso.datetime({ offset: true });
const count = z.int().min(0);
const bytes = z.number().min(0);

const base = {
  schemaVersion: z.literal(1),
  account: accountId,
  region,
  severity: z.enum(SEVERITIES),
  /** One line for people: it becomes the notification's headline. */
  summary: z
    .string()
    .min(1)
    .max(300)
    .refine((text) => !text.includes('\n'), 'must be one line'),
  consoleUrl: z.url({ protocol: /^https$/ }),
};

const withRepository = { ...base, repositoryName };

/** Why cleanup kept an image, counted over a run (the full list is in the cleanup plan). */
const keepReasonCount = z.strictObject({ kind: z.string().min(1), count });

export const cleanupReportDetail = z.strictObject({
  ...withRepository,
  dryRun: z.boolean(),
  imagesEvaluated: count,
  /** Deleted, or that would be deleted in a dry run. */
  imagesDeleted: count,
  /** Upper bound: layers shared between images are stored once. */
  bytesReclaimed: bytes,
  monthlySavingsUsd: z.number().min(0),
  imagesKept: count,
  topKeepReasons: z.array(keepReasonCount).max(10),
  /** Images BatchDeleteImage refused, with its failure codes. */
  failures: z
    .array(z.strictObject({ imageDigest: digest, failureCode: z.string(), failureReason: z.string() }))
    .max(100),
  deletionCapReached: z.boolean(),
  /** `repository-not-found`: deleted between scheduling and the run; nothing evaluated, not a failure. */
  outcome: z.enum(['cleaned', 'repository-not-found']).optional(),
  /** Where the policy came from: the config, the repository's own (`native`), or none (nothing selected). */
  policySource: z.enum(['config', 'native', 'none']).optional(),
  /** How many images this run may delete (the smaller cap); null without a cap. */
  deletionLimit: count.nullable().optional(),
  /** Already gone when deleted (ImageNotFound): counted as done, not in imagesDeleted. */
  imagesAlreadyGone: count.optional(),
  /** Images that could not be deleted; `failures` lists at most 100 of them. */
  imagesFailed: count.optional(),
  /** `cleanup.gracePeriodDays`: marked this run, and marked earlier but not yet due. */
  gracePeriod: z.strictObject({ days: count, imagesMarked: count, imagesWaiting: count }).optional(),
  /** Caveats for readers, e.g. that shared layers make the sizes an upper bound. */
  notes: z.array(z.string().min(1).max(300)).max(10).optional(),
  /** Moved to the archive storage class by the policy's `transition` actions (or that would be, in a dry run). */
  imagesArchived: count.optional(),
  /** Their imageSizeInBytes (an index counts 0: its children are counted themselves). */
  bytesArchived: bytes.optional(),
  /**
   * The most archiving them saves a month: $0.03 per GB-month, and nothing while the account's archive
   * stays under 150 TB (priced as standard storage there).
   */
  archiveMonthlySavingsUsd: z.number().min(0).optional(),
  /** Transitions UpdateImageStorageClass refused, or that were not sent (an index listing the image stays active). */
  archiveFailures: z
    .array(z.strictObject({ imageDigest: digest, failureCode: z.string(), failureReason: z.string() }))
    .max(100)
    .optional(),
});

export const tagMovedDetail = z.strictObject({
  ...withRepository,
  imageTag: z.string().min(1).max(300),
  previousDigest: digest,
  newDigest: digest,
  pushedAt: isoTime,
  /** Whether a running workload still uses the previous digest; null when unknown. */
  previousDigestInUse: z.boolean().nullable(),
});

export const BASELINES = [
  'tag-immutability',
  'scanning',
  'lifecycle-policy',
  'encryption',
  'repository-policy',
] as const;

export const repositorySettingsDriftDetail = z.strictObject({
  ...withRepository,
  baseline: z.enum(BASELINES),
  expected: z.string().min(1).max(2000),
  actual: z.string().min(1).max(2000),
  remediation: z.enum(['applied', 'would-apply', 'report-only', 'failed']),
  /** Who made the change, from CloudTrail's userIdentity, when a CloudTrail event triggered the check. */
  changedBy: z.string().max(2048).optional(),
  cloudTrailEventId: z.string().optional(),
});

export const VULNERABILITY_SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNDEFINED',
  'UNTRIAGED',
] as const;

const vulnerabilityFinding = z.strictObject({
  vulnerabilityId: z.string().min(1),
  severity: z.enum(VULNERABILITY_SEVERITIES),
  packageName: z.string().optional(),
  installedVersion: z.string().optional(),
  fixedInVersion: z.string().optional(),
  score: z.number().min(0).max(10).optional(),
  epssScore: z.number().min(0).max(1).optional(),
  exploitAvailable: z.boolean().optional(),
  /** What changed since the last alert: new, severity-raised, fix-available, exploit-available, closed. */
  change: z.enum(['new', 'severity-raised', 'fix-available', 'exploit-available', 'closed']),
  url: z.url().optional(),
  /** Inspector's fixAvailable: PARTIAL when only some affected packages have a fixed version. */
  fixAvailable: z.enum(['YES', 'PARTIAL', 'NO']).optional(),
  /** Every affected package (at most 20) when the vulnerability affects more than the one named above. */
  packages: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        installedVersion: z.string().optional(),
        fixedInVersion: z.string().optional(),
      }),
    )
    .max(20)
    .optional(),
});

const severityCounts = z.partialRecord(z.enum(VULNERABILITY_SEVERITIES), count);

export const vulnerabilityAlertDetail = z.strictObject({
  ...withRepository,
  imageDigest: digest,
  /** Empty for an untagged image. */
  imageTags: z.array(z.string()),
  scanType: z.enum(['BASIC', 'ENHANCED']),
  inUse: z.boolean().nullable(),
  /** Amazon Inspector's count of ECS tasks / EKS pods running the image, and when it last ran. */
  inUseCount: count.optional(),
  lastInUseAt: isoTime.optional(),
  /** Most urgent first; at most 100, `findingCount` says how many there are in all. */
  findings: z.array(vulnerabilityFinding).max(100),
  findingCount: count,
  severityCounts,
});

export const vulnerabilityDigestDetail = z.strictObject({
  ...base,
  date: z.iso.date(),
  repositories: z
    .array(
      z.strictObject({
        repositoryName,
        open: severityCounts,
        newSinceYesterday: count,
        resolvedSinceYesterday: count,
      }),
    )
    .max(200),
  repositoryCount: count,
  expiringSuppressions: z
    .array(
      z.strictObject({
        vulnerability: z.string(),
        repositories: z.array(z.string()),
        owner: z.string(),
        expires: z.iso.date(),
        expired: z.boolean(),
      }),
    )
    .max(100),
});

export const replicationFailureDetail = z.strictObject({
  ...withRepository,
  imageDigest: digest,
  imageTag: z.string().optional(),
  sourceRegion: region,
  sourceAccount: accountId,
  destinationRegion: region,
  failureCode: z.string().optional(),
});

export const REPLICATION_PROBLEMS = [
  'missing-image',
  'missing-pre-rule-image',
  'digest-mismatch',
  'replication-failed',
  'settings-drift',
  'region-unreachable',
] as const;

export const replicationAuditReportDetail = z.strictObject({
  ...base,
  clean: z.boolean(),
  repositoriesAudited: count,
  destinationRegions: z.array(region),
  problemCounts: z.partialRecord(z.enum(REPLICATION_PROBLEMS), count),
  /** Only repositories where something is wrong; at most 100, the counts cover all. */
  repositories: z
    .array(
      z.strictObject({
        repositoryName,
        destinationRegion: region,
        problems: z
          .array(z.strictObject({ kind: z.enum(REPLICATION_PROBLEMS), detail: z.string().max(500) }))
          .max(20),
      }),
    )
    .max(100),
  worstLagSeconds: z.number().min(0).nullable(),
  /** What to do, e.g. "start a replication backfill to us-west-2 for 12 images pushed before the rule". */
  recommendations: z.array(z.string().max(500)).max(20),
  /** Repositories the replication rules select; more than repositoriesAudited when some were not audited. */
  repositoriesSelected: count.optional(),
  /** Repository and destination pairs with a problem; `repositories` lists at most 100 of them. */
  repositoriesWithProblems: count.optional(),
  /** The image behind worstLagSeconds. */
  worstLagImage: z
    .strictObject({ repositoryName, destinationRegion: region, imageDigest: digest })
    .optional(),
  /** What this run could not audit (a region unreachable, out of the function's scope, ...) and why. */
  notAudited: z
    .array(
      z.strictObject({
        destinationRegion: region.optional(),
        registryId: accountId.optional(),
        repositories: count.optional(),
        reason: z.string().min(1).max(300),
      }),
    )
    .max(50)
    .optional(),
  /** Opt-in remediation (replication.remediate): what was done, or would be done in a dry run. */
  remediation: z
    .strictObject({
      dryRun: z.boolean(),
      actionCount: count,
      /** At most 100; actionCount counts all. */
      actions: z
        .array(
          z.strictObject({
            action: z.enum(['start-backfill', 'align-setting']),
            destinationRegion: region,
            repositoryName: repositoryName.optional(),
            setting: z.string().max(50).optional(),
            outcome: z.enum(['applied', 'would-apply', 'skipped', 'failed']),
            detail: z.string().max(500),
          }),
        )
        .max(100),
    })
    .optional(),
});

/** detail-type → schema of its detail. */
export const governanceDetailSchemas = {
  'Cleanup Report': cleanupReportDetail,
  'Tag Moved': tagMovedDetail,
  'Repository Settings Drift': repositorySettingsDriftDetail,
  'Vulnerability Alert': vulnerabilityAlertDetail,
  'Vulnerability Digest': vulnerabilityDigestDetail,
  'Replication Failure': replicationFailureDetail,
  'Replication Audit Report': replicationAuditReportDetail,
} as const;

export type GovernanceDetailType = keyof typeof governanceDetailSchemas;
export const GOVERNANCE_DETAIL_TYPES = Object.keys(governanceDetailSchemas) as GovernanceDetailType[];

export type GovernanceDetail<T extends GovernanceDetailType> = z.output<(typeof governanceDetailSchemas)[T]>;

/** A governance event before it is published: its detail-type and detail. */
export type GovernanceEvent = {
  [T in GovernanceDetailType]: { detailType: T; detail: GovernanceDetail<T> };
}[GovernanceDetailType];

export function isGovernanceDetailType(value: string): value is GovernanceDetailType {
  return Object.hasOwn(governanceDetailSchemas, value);
}

/**
 * The console page for a repository (or its image) in ECR's private-registry console. Users land
 * there from a notification's button.
 */
export function repositoryConsoleUrl(target: {
  account: string;
  region: string;
  repositoryName: string;
  imageDigest?: string;
}): string {
  const base = `https://${target.region}.console.aws.amazon.com/ecr/repositories/private/${target.account}/${target.repositoryName}`;
  return target.imageDigest === undefined
    ? `${base}?region=${target.region}`
    : `${base}/_/image/${target.imageDigest}/details?region=${target.region}`;
}

/** The private registry's repository list, for events about the whole registry. */
export function registryConsoleUrl(region: string): string {
  return `https://${region}.console.aws.amazon.com/ecr/private-registry/repositories?region=${region}`;
}
