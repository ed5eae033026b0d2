import * as z from '../zod';

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

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const region = z
  .string()
  .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'));
const repositoryName = z.string().check(z.minLength(2), z.maxLength(256));
const digest = z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 image digest'));
const isoTime = z.iso.datetime({ offset: true });
const count = z.int().check(z.gte(0));
const bytes = z.number().check(z.gte(0));

const base = {
  schemaVersion: z.literal(1),
  account: accountId,
  region,
  severity: z.enum(SEVERITIES),
  /** One line for people: it becomes the notification's headline. */
  summary: z.string().check(
    z.minLength(1),
    z.maxLength(300),
    z.refine((text) => !text.includes('\n'), 'must be one line'),
  ),
  consoleUrl: z.url({ protocol: /^https$/ }),
  /**
   * The account's alias when ecr-warden knows one (organization.accountAliases or its Organizations
   * name); `account` is always the account the event is about (a member account, under a hub).
   */
  accountAlias: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
};

const withRepository = { ...base, repositoryName };

/** Why cleanup kept an image, counted over a run (the full list is in the cleanup plan). */
const keepReasonCount = z.strictObject({ kind: z.string().check(z.minLength(1)), count });

export const cleanupReportDetail = z.strictObject({
  ...withRepository,
  dryRun: z.boolean(),
  imagesEvaluated: count,
  /** Deleted, or that would be deleted in a dry run. */
  imagesDeleted: count,
  /** Upper bound: layers shared between images are stored once. */
  bytesReclaimed: bytes,
  monthlySavingsUsd: z.number().check(z.gte(0)),
  imagesKept: count,
  topKeepReasons: z.array(keepReasonCount).check(z.maxLength(10)),
  /** Images BatchDeleteImage refused, with its failure codes. */
  failures: z
    .array(z.strictObject({ imageDigest: digest, failureCode: z.string(), failureReason: z.string() }))
    .check(z.maxLength(100)),
  deletionCapReached: z.boolean(),
  /** `repository-not-found`: deleted between scheduling and the run; nothing evaluated, not a failure. */
  outcome: z.optional(z.enum(['cleaned', 'repository-not-found'])),
  /** Where the policy came from: the config, the repository's own (`native`), or none (nothing selected). */
  policySource: z.optional(z.enum(['config', 'native', 'none'])),
  /** How many images this run may delete (the smaller cap); null without a cap. */
  deletionLimit: z.optional(z.nullable(count)),
  /** Already gone when deleted (ImageNotFound): counted as done, not in imagesDeleted. */
  imagesAlreadyGone: z.optional(count),
  /** Images that could not be deleted; `failures` lists at most 100 of them. */
  imagesFailed: z.optional(count),
  /** `cleanup.gracePeriodDays`: marked this run, and marked earlier but not yet due. */
  gracePeriod: z.optional(z.strictObject({ days: count, imagesMarked: count, imagesWaiting: count })),
  /** Caveats for readers, e.g. that shared layers make the sizes an upper bound. */
  notes: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.maxLength(10))),
  /** Moved to the archive storage class by the policy's `transition` actions (or that would be, in a dry run). */
  imagesArchived: z.optional(count),
  /** Their imageSizeInBytes (an index counts 0: its children are counted themselves). */
  bytesArchived: z.optional(bytes),
  /**
   * The most archiving them saves a month: $0.03 per GB-month, and nothing while the account's archive
   * stays under 150 TB (priced as standard storage there).
   */
  archiveMonthlySavingsUsd: z.optional(z.number().check(z.gte(0))),
  /** Transitions UpdateImageStorageClass refused, or that were not sent (an index listing the image stays active). */
  archiveFailures: z.optional(
    z
      .array(z.strictObject({ imageDigest: digest, failureCode: z.string(), failureReason: z.string() }))
      .check(z.maxLength(100)),
  ),
  /**
   * In-use sources that could not be read (`ecs:<account>/<region>`, `kubernetes:<cluster>`,
   * `external:<source>`, …), each with why: when any, the repository was held (nothing deleted or
   * archived, in a dry run too) and `imagesHeld` says how many images the plan would have deleted.
   */
  inUseSourceFailures: z.optional(
    z
      .array(
        z.strictObject({
          source: z.string().check(z.minLength(1), z.maxLength(300)),
          reason: z.string().check(z.minLength(1), z.maxLength(300)),
          errorName: z.optional(z.string().check(z.maxLength(200))),
        }),
      )
      .check(z.maxLength(50)),
  ),
  held: z.optional(z.boolean()),
  imagesHeld: z.optional(count),
});

/**
 * Where an image runs (shared/inuse/where-it-runs.ts), as the cleanup worker's in-use index or a live
 * read saw it `asOf`: grouped places, running ones first, and the line that names them.
 */
const runningIn = z.strictObject({
  summary: z.string().check(
    z.minLength(1),
    z.maxLength(300),
    z.refine((text) => !text.includes('\n'), 'must be one line'),
  ),
  /** At most 20, running first; placeCount counts them all. */
  places: z
    .array(
      z.strictObject({
        /** The keep reason kind of the cleanup plan it comes from (in-use-kubernetes-pod, in-use-ecs-task, ...). */
        kind: z.string().check(z.minLength(1)),
        state: z.enum(['running', 'may-run-again', 'ran-recently']),
        account: z.optional(accountId),
        region: z.optional(region),
        cluster: z.optional(z.string()),
        namespace: z.optional(z.string()),
        workloadKind: z.optional(z.string()),
        name: z.string().check(z.minLength(1)),
        count,
      }),
    )
    .check(z.maxLength(20)),
  placeCount: count,
  asOf: isoTime,
});

export const tagMovedDetail = z.strictObject({
  ...withRepository,
  imageTag: z.string().check(z.minLength(1), z.maxLength(300)),
  previousDigest: digest,
  newDigest: digest,
  pushedAt: isoTime,
  /** Whether a running workload still uses the previous digest; null when unknown. */
  previousDigestInUse: z.nullable(z.boolean()),
  /** Where the previous digest still runs, when known (the live read, the cleanup worker's in-use index). */
  previousDigestRunningIn: z.optional(runningIn),
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
  expected: z.string().check(z.minLength(1), z.maxLength(2000)),
  actual: z.string().check(z.minLength(1), z.maxLength(2000)),
  remediation: z.enum(['applied', 'would-apply', 'report-only', 'failed']),
  /** Who made the change, from CloudTrail's userIdentity, when a CloudTrail event triggered the check. */
  changedBy: z.optional(z.string().check(z.maxLength(2048))),
  cloudTrailEventId: z.optional(z.string()),
});

/**
 * Basic scanning's severities (ECR's FindingSeverity), most severe first.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFinding.html
 */
export const ECR_FINDING_SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNDEFINED',
] as const;

/** ECR's severities and Amazon Inspector's UNTRIAGED (not rated by the vendor yet). */
export const VULNERABILITY_SEVERITIES = [...ECR_FINDING_SEVERITIES, 'UNTRIAGED'] as const;

const vulnerabilityFinding = z.strictObject({
  vulnerabilityId: z.string().check(z.minLength(1)),
  severity: z.enum(VULNERABILITY_SEVERITIES),
  packageName: z.optional(z.string()),
  installedVersion: z.optional(z.string()),
  fixedInVersion: z.optional(z.string()),
  score: z.optional(z.number().check(z.gte(0), z.lte(10))),
  epssScore: z.optional(z.number().check(z.gte(0), z.lte(1))),
  exploitAvailable: z.optional(z.boolean()),
  /** What changed since the last alert: new, severity-raised, fix-available, exploit-available, closed. */
  change: z.enum(['new', 'severity-raised', 'fix-available', 'exploit-available', 'closed']),
  url: z.optional(z.url()),
  /** Inspector's fixAvailable: PARTIAL when only some affected packages have a fixed version. */
  fixAvailable: z.optional(z.enum(['YES', 'PARTIAL', 'NO'])),
  /** Every affected package (at most 20) when the vulnerability affects more than the one named above. */
  packages: z.optional(
    z
      .array(
        z.strictObject({
          name: z.string().check(z.minLength(1)),
          installedVersion: z.optional(z.string()),
          fixedInVersion: z.optional(z.string()),
        }),
      )
      .check(z.maxLength(20)),
  ),
});

const severityCounts = z.partialRecord(z.enum(VULNERABILITY_SEVERITIES), count);

export const vulnerabilityAlertDetail = z.strictObject({
  ...withRepository,
  imageDigest: digest,
  /** Empty for an untagged image. */
  imageTags: z.array(z.string()),
  scanType: z.enum(['BASIC', 'ENHANCED']),
  inUse: z.nullable(z.boolean()),
  /** Amazon Inspector's count of ECS tasks / EKS pods running the image, and when it last ran. */
  inUseCount: z.optional(count),
  lastInUseAt: z.optional(isoTime),
  /** Where the image runs, when the cleanup worker's in-use index knows (absent: not known). */
  runningIn: z.optional(runningIn),
  /** Most urgent first; at most 100, `findingCount` says how many there are in all. */
  findings: z.array(vulnerabilityFinding).check(z.maxLength(100)),
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
        /**
         * The repository's images with open findings that the in-use index says run (or may run
         * again), most urgent first; at most 5, runningImageCount counts them all.
         */
        runningImages: z.optional(
          z
            .array(
              z.strictObject({
                imageDigest: digest,
                open: severityCounts,
                summary: z.string().check(z.minLength(1), z.maxLength(300)),
                asOf: isoTime,
              }),
            )
            .check(z.maxLength(5)),
        ),
        runningImageCount: z.optional(count),
      }),
    )
    .check(z.maxLength(200)),
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
    .check(z.maxLength(100)),
});

export const replicationFailureDetail = z.strictObject({
  ...withRepository,
  imageDigest: digest,
  imageTag: z.optional(z.string()),
  sourceRegion: region,
  sourceAccount: accountId,
  destinationRegion: region,
  failureCode: z.optional(z.string()),
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
          .array(
            z.strictObject({
              kind: z.enum(REPLICATION_PROBLEMS),
              detail: z.string().check(z.maxLength(500)),
            }),
          )
          .check(z.maxLength(20)),
      }),
    )
    .check(z.maxLength(100)),
  worstLagSeconds: z.nullable(z.number().check(z.gte(0))),
  /** What to do, e.g. "start a replication backfill to us-west-2 for 12 images pushed before the rule". */
  recommendations: z.array(z.string().check(z.maxLength(500))).check(z.maxLength(20)),
  /** Repositories the replication rules select; more than repositoriesAudited when some were not audited. */
  repositoriesSelected: z.optional(count),
  /** Repository and destination pairs with a problem; `repositories` lists at most 100 of them. */
  repositoriesWithProblems: z.optional(count),
  /** The image behind worstLagSeconds. */
  worstLagImage: z.optional(
    z.strictObject({ repositoryName, destinationRegion: region, imageDigest: digest }),
  ),
  /** What this run could not audit (a region unreachable, out of the function's scope, ...) and why. */
  notAudited: z.optional(
    z
      .array(
        z.strictObject({
          destinationRegion: z.optional(region),
          registryId: z.optional(accountId),
          repositories: z.optional(count),
          reason: z.string().check(z.minLength(1), z.maxLength(300)),
        }),
      )
      .check(z.maxLength(50)),
  ),
  /** Opt-in remediation (replication.remediate): what was done, or would be done in a dry run. */
  remediation: z.optional(
    z.strictObject({
      dryRun: z.boolean(),
      actionCount: count,
      /** At most 100; actionCount counts all. */
      actions: z
        .array(
          z.strictObject({
            action: z.enum(['start-backfill', 'align-setting']),
            destinationRegion: region,
            repositoryName: z.optional(repositoryName),
            setting: z.optional(z.string().check(z.maxLength(50))),
            outcome: z.enum(['applied', 'would-apply', 'skipped', 'failed']),
            detail: z.string().check(z.maxLength(500)),
          }),
        )
        .check(z.maxLength(100)),
    }),
  ),
});

/**
 * An Organizations hub could not act in a governed account and region (issue 15): the member role
 * cannot be assumed (missing, trusting another principal, an SCP deny) or the region is not enabled
 * for the account. Published once per run and account × region by the work that found it; the other
 * accounts complete, and nothing is deleted in this one.
 */
export const ACCOUNT_UNREACHABLE_WORK = [
  'cleanup',
  'repository-guard',
  'replication-audit',
  'vulnerability-digest',
  'event',
] as const;

export const accountUnreachableDetail = z.strictObject({
  ...base,
  /** The run that found it: the schedule event id (or the event's id for `event`). */
  runId: z.string().check(z.minLength(1), z.maxLength(256)),
  /** What could not be done there. */
  work: z.enum(ACCOUNT_UNREACHABLE_WORK),
  /** The member role that was asked for. */
  roleArn: z.string().check(z.startsWith('arn:'), z.maxLength(2048)),
  /** One line: why, and what to check. Credentials never appear here. */
  reason: z.string().check(z.minLength(1), z.maxLength(500)),
  /** The AWS error name (`AccessDenied`, `RegionDisabledException`, …), when AWS answered one. */
  errorName: z.optional(z.string().check(z.maxLength(128))),
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
  'Account Unreachable': accountUnreachableDetail,
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

/**
 * Where a detector's governance events go: the one port for it (shared/aws/governance-publisher.ts
 * publishes to the ecr-warden bus; tests record).
 */
export interface GovernanceEventSink {
  publish(events: readonly GovernanceEvent[]): Promise<void>;
}
