import {
  GOVERNANCE_DETAIL_TYPES,
  type GovernanceDetailType,
  governanceDetailSchemas,
  SEVERITIES,
} from '../events/governance';
import { THRESHOLD_SEVERITIES } from '../findings/severity';
import { TAG_MUTABILITY_MODES, tagMutabilityProblems } from '../immutability/tag-mutability';
import { type LifecyclePolicy, type PolicyViolation, parseLifecyclePolicy } from '../lifecycle/policy';
import * as z from '../zod';
import { accountRefs, organizationSection } from './schema-organization';
import { protectSourceKeys } from './schema-protect';

/**
 * The schema of `ecr-warden.yml`. Every object is strict: an unknown key is reported (a typo such as
 * `maxDeletionPerRepository` must not silently turn a safety limit off). Sections for the other
 * detectors are added here as they land.
 */

// Schedule expressions as EventBridge scheduled rules accept them
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html and
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html):
// `rate(value unit)` takes a singular unit for 1 and a plural one above 1; `cron(fields)` has six
// fields, and one of day-of-month (3rd) and day-of-week (5th) must be `?`.
const RATE_EXPRESSION = /^rate\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9]\d+) (?:minutes|hours|days))\)$/;
const CRON_EXPRESSION = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/;

const RATE_SHAPE = /^rate\((\d+) (\w+)\)$/;

export function describeScheduleExpressionProblem(expression: string): string | undefined {
  if (RATE_EXPRESSION.test(expression)) return undefined;
  const rate = RATE_SHAPE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return 'a rate must be at least 1';
    return value === 1
      ? 'rate(1 ...) takes a singular unit: minute, hour or day'
      : `rate(${value} ...) takes a plural unit: minutes, hours or days`;
  }
  const cron = CRON_EXPRESSION.exec(expression);
  if (cron) {
    const dayOfMonth = cron[3];
    const dayOfWeek = cron[5];
    if (dayOfMonth !== '?' && dayOfWeek !== '?') {
      return 'a cron expression needs `?` in either day-of-month or day-of-week, e.g. cron(0 3 * * ? *)';
    }
    return undefined;
  }
  return 'must be rate(<n> <unit>) such as rate(1 day) or rate(12 hours), or cron(<6 fields>) such as cron(0 3 * * ? *)';
}

const scheduleExpression = z.string().check(
  z.superRefine((expression, ctx) => {
    const problem = describeScheduleExpressionProblem(expression);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/**
 * A repository glob, matched with picomatch against the full repository name (which may contain `/`):
 * `*` stays inside one path segment, `**` crosses segments. A leading `!` excludes. See
 * shared/cleanup/select-repositories.ts.
 */
const repositoryGlob = z.string({ error: 'must be a glob string' }).check(
  z.minLength(1, 'must not be empty'),
  z.regex(/^\S*$/, 'must not contain whitespace'),
  z.refine((glob) => glob !== '!', 'a lone "!" excludes nothing'),
);

const repositoryGlobs = z.array(repositoryGlob, { error: 'must be a list of globs' }).check(
  z.minLength(1, 'must list at least one repository glob'),
  z.refine(
    (globs) => globs.length === 0 || globs.some((glob) => !glob.startsWith('!')),
    'needs at least one glob that selects repositories (a list of only "!" exclusions selects nothing)',
  ),
);

/**
 * `native` keeps the repository's own ECR lifecycle policy as the source of truth; an object is a
 * lifecycle policy document (same JSON shape ECR takes) that ecr-warden evaluates itself, with its
 * protections applied on top. The document is validated by shared/lifecycle/policy.ts and each
 * violation is reported under this rule's `policy` path.
 */
const cleanupPolicy = z.pipe(
  z.union([z.literal('native'), z.record(z.string(), z.unknown())], {
    error: 'must be "native" or a lifecycle policy document ({ rules: [...] })',
  }),
  z.transform((policy, ctx): 'native' | LifecyclePolicy => {
    if (policy === 'native') return policy;
    // ecr-warden evaluates this policy itself, so it allows its one extension (expire by last pull).
    const parsed = parseLifecyclePolicy(policy, { allowExpireSincePulled: true });
    if (parsed.ok) return parsed.policy;
    return rejectPolicy(ctx, parsed.violations);
  }),
);

/**
 * `accounts` on a rule, a route, a threshold or a suppression (issue 15): the governed accounts it
 * covers, by id, alias or OU (shared/organization/account-match.ts). Absent: every governed account,
 * which without an `organization` section is the deployment's own.
 */
const ruleAccounts = z.optional(accountRefs);

const cleanupRule = z.strictObject({
  repositories: repositoryGlobs,
  accounts: ruleAccounts,
  policy: cleanupPolicy,
});

const positiveInt = z.int('must be a whole number').check(z.gte(1, 'must be >= 1'));
const nonNegativeInt = z.int('must be a whole number').check(z.gte(0, 'must be >= 0'));

const cleanupSection = z.strictObject({
  schedule: z._default(scheduleExpression, 'rate(1 day)'),
  /** On by default: a fresh install reports what it would delete and deletes nothing. */
  dryRun: z._default(z.boolean('must be true or false'), true),
  rules: z._default(z.array(cleanupRule, { error: 'must be a list of rules' }), []),
  protect: z.prefault(
    z.strictObject({
      /** Tag globs (picomatch) whose images are never deleted. */
      tags: z._default(z.array(z.string().check(z.minLength(1, 'must not be empty'))), []),
      /** Images used by this many latest revisions of each ECS task definition family are kept. */
      taskDefinitionRevisions: z._default(nonNegativeInt, 3),
      /** Where else workloads run: clusters, workload accounts, Batch, App Runner, external lists. */
      ...protectSourceKeys,
    }),
    {},
  ),
  /** Keep at least this many images per repository whatever the rules say. */
  keepAtLeast: z._default(nonNegativeInt, 0),
  /** A circuit breaker: a run deletes at most this many images from one repository. */
  maxDeletionsPerRepository: z.optional(positiveInt),
  /**
   * A second circuit breaker: a run deletes at most this fraction of a repository's images (rounded
   * down), 0.5 when absent (DEFAULT_MAX_DELETION_SHARE in shared/cleanup/plan-repository-cleanup.ts);
   * 1 turns it off. Left optional rather than defaulted here so that a file without it reads back as
   * written.
   */
  maxDeletionShare: z.optional(
    z
      .number('must be a number')
      .check(
        z.gt(0, 'must be > 0 (a share of the repository, e.g. 0.5)'),
        z.lte(1, 'must be <= 1 (1 allows a run to empty a repository)'),
      ),
  ),
  /**
   * Optional grace period (whole days): a run only marks what it would delete (state table, with a
   * TTL), and a later run deletes it once the mark is this old, if the image stayed eligible at every
   * run in between. Absent: an eligible image is deleted by the run that finds it. See
   * shared/cleanup/grace-period.ts.
   */
  gracePeriodDays: z.optional(positiveInt.check(z.lte(365, 'must be <= 365'))),
});

/**
 * SSM parameter names, as PutParameter documents them: letters, digits and `_.-`, `/` between the
 * levels of a hierarchy (at most 15), no `aws` or `ssm` prefix (case-insensitive), at most 1,011
 * characters. ecr-warden asks for the fully qualified form (a leading `/`) so that the IAM resource ARN
 * is `...:parameter` + the name, with no second guess about where a `/` goes.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */
const ssmParameterName = z
  .string({ error: 'must be an SSM parameter name such as /ecr-warden/slack/security' })
  .check(
    z.regex(/^\//, {
      message:
        'must be a fully qualified SSM parameter name starting with "/", e.g. /ecr-warden/slack/security',
      abort: true,
    }),
    z.maxLength(1011, 'must be at most 1011 characters'),
    z.regex(
      /^(\/[a-zA-Z0-9_.-]+)+$/,
      'may hold only a-z A-Z 0-9 _ . - and single "/" between levels (and must not end with "/")',
    ),
    z.refine((name) => !/^\/?(aws|ssm)/i.test(name), 'must not start with "aws" or "ssm" (reserved by SSM)'),
    z.refine((name) => name.split('/').length - 1 <= 15, 'may have at most 15 levels'),
  );

/**
 * A Slack route: which governance events go to which channel (one incoming webhook per channel). Every
 * route whose filters all match receives the event, in file order, until a matching route with
 * `stop: true`; a webhook parameter receives an event at most once even when several routes name it.
 * The name keys idempotency records and the per-route metrics: renaming a route lets an event that is
 * redelivered later post again.
 */
const notificationRoute = z.strictObject({
  name: z
    .string({ error: 'must be a route name' })
    .check(
      z.regex(
        /^[a-z0-9][a-z0-9-]{0,63}$/,
        'must be 1-64 of a-z, 0-9 and "-", starting with a letter or digit',
      ),
    ),
  /** A SecureString parameter holding the webhook URL; read at run time, never bundled. */
  webhookParameter: ssmParameterName,
  /** Only these detail-types; all of them when absent. */
  detailTypes: z.optional(
    z
      .array(z.enum(GOVERNANCE_DETAIL_TYPES), { error: 'must be a list of detail-types' })
      .check(z.minLength(1, 'must list at least one detail-type (leave the key out for all of them)')),
  ),
  /**
   * Only events about these repositories (globs as in cleanup rules). Events about the whole registry
   * (Vulnerability Digest, Replication Audit Report) carry no repository and never match a route
   * that has this filter.
   */
  repositories: z.optional(repositoryGlobs),
  /** Only events about these accounts (the event's `account`: ids, aliases or OU ids). */
  accounts: ruleAccounts,
  /** Only events at least this severe. */
  minSeverity: z._default(z.enum(SEVERITIES), 'info'),
  /** When this route matches, later routes are not considered. */
  stop: z._default(z.boolean('must be true or false'), false),
});

const notificationsSection = z.strictObject({
  routes: z._default(z.array(notificationRoute, { error: 'must be a list of routes' }), []).check(
    z.superRefine((routes, ctx) => {
      const seen = new Map<string, number>();
      routes.forEach((route, index) => {
        const first = seen.get(route.name);
        if (first === undefined) seen.set(route.name, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `"${route.name}" is already the name of routes[${first}]; route names must be unique`,
          });
        const types = route.detailTypes;
        if (route.repositories !== undefined && types?.every((type) => !hasRepository(type))) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'repositories'],
            message: `can never match: ${types.join(', ')} carry no repository`,
          });
        }
      });
    }),
  ),
});

/**
 * `scanning`: vulnerability alerts (scanFindings). A finding alerts when it is at or above the
 * minSeverity of the first `thresholds` entry whose globs cover the repository (else `minSeverity`),
 * unless an unexpired suppression covers it. The deploy gate (`ecr-warden findings gate`) applies the
 * same suppressions. See shared/findings/scanning-policy.ts.
 */
const thresholdSeverity = z.enum(THRESHOLD_SEVERITIES, {
  error: `must be one of ${THRESHOLD_SEVERITIES.join(', ')}`,
});

const scanningSuppression = z
  .strictObject({
    /** A vulnerability id such as CVE-2026-1234 or GHSA-xxxx-xxxx-xxxx (case-insensitive). */
    vulnerability: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
    /** A package name: suppresses every finding of that package (with `vulnerability`: only that one). */
    package: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
    repositories: repositoryGlobs,
    accounts: ruleAccounts,
    reason: z
      .string({ error: 'is required: why the risk is accepted' })
      .check(z.minLength(1, 'must not be empty')),
    owner: z
      .string({ error: 'is required: who accepted the risk' })
      .check(z.minLength(1, 'must not be empty')),
    /**
     * Required: the first day (UTC) on which the suppression no longer applies. An expired suppression
     * suppresses nothing and is listed in the daily digest until it is removed or renewed.
     */
    expires: z.iso.date({ error: 'must be a date such as 2026-12-31 (YYYY-MM-DD, a real day)' }),
  })
  .check(
    z.refine((s) => s.vulnerability !== undefined || s.package !== undefined, {
      message: 'needs `vulnerability` (e.g. CVE-2026-1234) or `package` (or both)',
    }),
  );

const scanningSection = z.strictObject({
  /** Findings below this severity never alert (unless a threshold below says otherwise). */
  minSeverity: z._default(thresholdSeverity, 'HIGH'),
  /** Per-repository minSeverity; the first entry whose globs cover the repository applies. */
  thresholds: z._default(
    z.array(
      z.strictObject({
        repositories: repositoryGlobs,
        accounts: ruleAccounts,
        minSeverity: thresholdSeverity,
      }),
      {
        error: 'must be a list of { repositories, minSeverity }',
      },
    ),
    [],
  ),
  /** Also alert when a finding that was alerted on is closed (fixed, or its image deleted). */
  alertOnClosed: z._default(z.boolean('must be true or false'), false),
  digest: z.prefault(
    z.strictObject({
      /** When the daily Vulnerability Digest is sent (UTC). */
      schedule: z._default(scheduleExpression, 'cron(0 8 * * ? *)'),
      /** Suppressions expiring within this many days are listed in the digest. */
      expiringWithinDays: z._default(positiveInt, 14),
    }),
    {},
  ),
  suppressions: z._default(z.array(scanningSuppression, { error: 'must be a list of suppressions' }), []),
});

/**
 * `replication`: the cross-region replication audit (replicationAudit). The regions and prefixes here
 * scope the function's IAM role (read-only ECR in this region and the destination regions, on the
 * repositories the prefixes cover); destinations or repositories that the registry's replication rules
 * name outside this scope are reported as not audited. See shared/replication/.
 */
const awsRegion = z
  .string({ error: 'must be an AWS region such as us-west-2' })
  .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2'));

// A PREFIX_MATCH repository filter: 2-256 characters of a repository name.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
const replicationPrefix = z
  .string({ error: 'must be a repository name prefix such as payments/' })
  .check(
    z.regex(
      /^[a-z0-9._/-]{2,256}$/,
      'must be 2-256 of a-z 0-9 . _ - / (a PREFIX_MATCH filter, no wildcards)',
    ),
  );

export const REPLICATION_ALIGNABLE_SETTINGS = [
  'tag-mutability',
  'lifecycle-policy',
  'repository-policy',
] as const;

const replicationSection = z.strictObject({
  schedule: z._default(scheduleExpression, 'rate(1 day)'),
  /** The destinations of the registry's replication rules that the audit may read (IAM scope). */
  destinationRegions: z._default(z.array(awsRegion, { error: 'must be a list of regions' }), []),
  /** Only these governed accounts are audited (ids, aliases or OU ids); absent: every one. */
  accounts: ruleAccounts,
  /** Repository name prefixes the audit may read (IAM scope); empty: every repository. */
  repositoryPrefixes: z._default(z.array(replicationPrefix, { error: 'must be a list of prefixes' }), []),
  /** When each destination's rule was created, if known (ECR does not say): sharpens "pushed before the rule". */
  ruleCreatedAt: z._default(
    z.record(awsRegion, z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' })),
    {},
  ),
  /** A source image younger than this is in flight, not missing. */
  inFlightMinutes: z._default(positiveInt, 30),
  /** The worst lag is measured over the images pushed in the last this many hours. */
  lagWindowHours: z._default(positiveInt, 168),
  /** DescribeImageReplicationStatus calls per repository for missing images; beyond, dates decide. */
  statusChecksPerRepository: z._default(positiveInt.check(z.lte(1000, 'must be <= 1000')), 100),
  /** Opt-in remediation; absent: report only. Present: dry run unless `dryRun: false`. */
  remediate: z.optional(
    z.strictObject({
      dryRun: z._default(z.boolean('must be true or false'), true),
      /** StartReplicationBackfill, one per destination region, for images that never reached it. */
      backfill: z._default(z.boolean('must be true or false'), true),
      /** Destination settings set to the source's (never deleted, never encryption or scanning). */
      alignSettings: z._default(
        z.array(
          z.enum(REPLICATION_ALIGNABLE_SETTINGS, {
            error: `must be one of ${REPLICATION_ALIGNABLE_SETTINGS.join(', ')}`,
          }),
        ),
        [...REPLICATION_ALIGNABLE_SETTINGS],
      ),
    }),
  ),
});

// ── immutability: the repository guard (functions/tag-immutability.ts) ─────────────────────────────

const guardAccountId = z
  .string({ error: 'must be a 12-digit AWS account id' })
  .check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

/**
 * A lifecycle policy the guard puts on a repository that has none: a document in ECR's own JSON shape,
 * validated with ECR's rules (no ecr-warden extension: ECR evaluates it) and kept as the JSON text that
 * PutLifecyclePolicy takes, which must be 100 to 30,720 characters long.
 */
const guardLifecyclePolicy = z.pipe(
  z.record(z.string(), z.unknown(), { error: 'must be a lifecycle policy document ({ rules: [...] })' }),
  z.transform((policy, ctx): string => {
    const text = JSON.stringify(policy);
    const parsed = parseLifecyclePolicy(text);
    if (parsed.ok) return text;
    return rejectPolicy(ctx, parsed.violations);
  }),
);

const reportOnly = (what: string) =>
  z.optional(z.literal(false, { error: `${what}: report only (leave remediate out)` }));

const guardRule = z
  .strictObject({
    repositories: repositoryGlobs,
    accounts: ruleAccounts,
    /** The tag mutability every covered repository must have. */
    mode: z._default(
      z.enum(TAG_MUTABILITY_MODES, { error: `must be one of ${TAG_MUTABILITY_MODES.join(', ')}` }),
      'IMMUTABLE',
    ),
    /** WILDCARD exclusion filters of the `*_WITH_EXCLUSION` modes, validated as ECR validates them. */
    exclusions: z.optional(z.array(z.string({ error: 'must be a WILDCARD filter such as latest or dev-*' }))),
    /** true: PutImageTagMutability on drift (unless dryRun); false: report only. */
    remediate: z._default(z.boolean('must be true or false'), false),
    /** Tag globs (picomatch) whose move to another digest raises a "Tag Moved" event. */
    protectedTags: z._default(z.array(z.string().check(z.minLength(1, 'must not be empty'))), []),
    /** Automatic scanning, through the registry scanning configuration. Absent: not checked. */
    scanning: z.optional(
      z.strictObject({
        frequency: z._default(z.enum(['SCAN_ON_PUSH', 'CONTINUOUS_SCAN']), 'SCAN_ON_PUSH'),
        remediate: z._default(z.boolean('must be true or false'), false),
      }),
    ),
    /** A lifecycle policy must exist; remediation puts `defaultPolicy`. Absent: not checked. */
    lifecyclePolicy: z.optional(
      z.strictObject({
        defaultPolicy: z.optional(z.string()),
        remediate: z._default(z.boolean('must be true or false'), false),
      }),
    ),
    /** KMS encryption, fixed when a repository is created: report only. Absent: not checked. */
    encryption: z.optional(
      z.strictObject({
        types: z._default(
          z.array(z.enum(['KMS', 'KMS_DSSE'])).check(z.minLength(1, 'must list KMS and/or KMS_DSSE')),
          ['KMS', 'KMS_DSSE'],
        ),
        /** Only these KMS key ARNs (your customer managed keys, say); any key when absent. */
        kmsKeys: z.optional(
          z
            .array(z.string().check(z.regex(/^arn:aws[a-z-]*:kms:/, 'must be a KMS key ARN')))
            .check(z.minLength(1, 'must list at least one key (leave it out for any key)')),
        ),
        remediate: reportOnly('encryption cannot change after a repository is created'),
      }),
    ),
    /** The repository policy may grant neither everyone nor accounts outside this list. Absent: not checked. */
    repositoryPolicy: z.optional(
      z.strictObject({
        allowedAccounts: z._default(z.array(guardAccountId), []),
        remediate: reportOnly('ecr-warden never rewrites a repository policy'),
      }),
    ),
  })
  .check(
    z.superRefine((rule, ctx) => {
      for (const problem of tagMutabilityProblems(rule.mode, rule.exclusions)) {
        ctx.addIssue({
          code: 'custom',
          path: problem.index === undefined ? ['exclusions'] : ['exclusions', problem.index],
          message: problem.message,
        });
      }
      if (rule.lifecyclePolicy?.remediate === true && rule.lifecyclePolicy.defaultPolicy === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['lifecyclePolicy', 'defaultPolicy'],
          message: 'is required when remediate is true (a policy named in immutability.lifecyclePolicies)',
        });
      }
    }),
  );

const immutabilitySection = z
  .strictObject({
    /** When the guard sweeps every repository for drift (CloudTrail events are checked at once). */
    schedule: z._default(scheduleExpression, 'rate(1 day)'),
    /** On by default: remediation is reported as "would apply" and nothing is changed. */
    dryRun: z._default(z.boolean('must be true or false'), true),
    /** Named default lifecycle policies for `rules[].lifecyclePolicy.defaultPolicy`. */
    lifecyclePolicies: z._default(
      z.record(
        z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 of a-z, 0-9 and "-"')),
        guardLifecyclePolicy,
      ),
      {},
    ),
    /** The first rule whose globs cover a repository applies to it; other repositories are left alone. */
    rules: z._default(z.array(guardRule, { error: 'must be a list of rules' }), []),
  })
  .check(
    z.superRefine((section, ctx) => {
      section.rules.forEach((rule, index) => {
        const name = rule.lifecyclePolicy?.defaultPolicy;
        if (name !== undefined && !Object.hasOwn(section.lifecyclePolicies, name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'lifecyclePolicy', 'defaultPolicy'],
            message: `"${name}" is not in immutability.lifecyclePolicies`,
          });
        }
      });
    }),
  );

export const ecrWardenConfigSchema = z.strictObject({
  cleanup: z.prefault(cleanupSection, {}),
  notifications: z.prefault(notificationsSection, {}),
  scanning: z.prefault(scanningSection, {}),
  replication: z.prefault(replicationSection, {}),
  immutability: z.prefault(immutabilitySection, {}),
  /** Absent: this account and region only. See shared/config/schema-organization.ts. */
  organization: z.optional(organizationSection),
});

export type EcrWardenConfig = z.output<typeof ecrWardenConfigSchema>;
export type EcrWardenConfigInput = z.input<typeof ecrWardenConfigSchema>;
export type CleanupConfig = EcrWardenConfig['cleanup'];
export type CleanupRule = CleanupConfig['rules'][number];
export type CleanupProtectConfig = CleanupConfig['protect'];
export type NotificationsConfig = EcrWardenConfig['notifications'];
export type NotificationRouteConfig = NotificationsConfig['routes'][number];
export type ScanningConfig = EcrWardenConfig['scanning'];
export type ScanningSuppression = ScanningConfig['suppressions'][number];
export type ReplicationConfig = EcrWardenConfig['replication'];
export type ImmutabilityConfig = EcrWardenConfig['immutability'];
export type ImmutabilityRule = ImmutabilityConfig['rules'][number];
export type { OrganizationConfig } from './schema-organization';

/** Whether events of this detail-type are about one repository (their detail has `repositoryName`). */
function hasRepository(detailType: GovernanceDetailType): boolean {
  return 'repositoryName' in governanceDetailSchemas[detailType].shape;
}

/** Reports each violation of a lifecycle policy as an issue at its path; the transform yields nothing. */
function rejectPolicy(
  ctx: Parameters<typeof z.addTransformIssue>[0],
  violations: readonly PolicyViolation[],
) {
  for (const violation of violations) {
    z.addTransformIssue(ctx, {
      code: 'custom',
      path: parsePolicyPath(violation.path),
      message: describe(violation),
    });
  }
  return z.NEVER;
}

function describe(violation: PolicyViolation): string {
  return violation.rulePriority === undefined
    ? violation.message
    : `${violation.message} (rulePriority ${violation.rulePriority})`;
}

/** `rules[0].selection.countNumber` → `['rules', 0, 'selection', 'countNumber']`; `''` → `[]`. */
export function parsePolicyPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    const [, key, index] = match;
    if (key !== undefined) segments.push(key);
    else if (index !== undefined) segments.push(Number(index));
  }
  return segments;
}
