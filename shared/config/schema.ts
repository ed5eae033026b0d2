import { z } from 'zod';
import {
  GOVERNANCE_DETAIL_TYPES,
  type GovernanceDetailType,
  governanceDetailSchemas,
  SEVERITIES,
} from '../events/governance';
import { type LifecyclePolicy, type PolicyViolation, parseLifecyclePolicy } from '../lifecycle/policy';

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

const scheduleExpression = z.string().superRefine((expression, ctx) => {
  const problem = describeScheduleExpressionProblem(expression);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A repository glob, matched with picomatch against the full repository name (which may contain `/`):
 * `*` stays inside one path segment, `**` crosses segments. A leading `!` excludes. See
 * shared/cleanup/select-repositories.ts.
 */
const repositoryGlob = z
  .string({ error: 'must be a glob string' })
  .min(1, 'must not be empty')
  .regex(/^\S*$/, 'must not contain whitespace')
  .refine((glob) => glob !== '!', 'a lone "!" excludes nothing');

const repositoryGlobs = z
  .array(repositoryGlob, { error: 'must be a list of globs' })
  .min(1, 'must list at least one repository glob')
  .refine(
    (globs) => globs.length === 0 || globs.some((glob) => !glob.startsWith('!')),
    'needs at least one glob that selects repositories (a list of only "!" exclusions selects nothing)',
  );

/**
 * `native` keeps the repository's own ECR lifecycle policy as the source of truth; an object is a
 * lifecycle policy document (same JSON shape ECR takes) that ecr-warden evaluates itself, with its
 * protections applied on top. The document is validated by shared/lifecycle/policy.ts and each
 * violation is reported under this rule's `policy` path.
 */
const cleanupPolicy = z
  .union([z.literal('native'), z.record(z.string(), z.unknown())], {
    error: 'must be "native" or a lifecycle policy document ({ rules: [...] })',
  })
  .transform((policy, ctx): 'native' | LifecyclePolicy => {
    if (policy === 'native') return policy;
    // ecr-warden evaluates this policy itself, so it allows its one extension (expire by last pull).
    const parsed = parseLifecyclePolicy(policy, { allowExpireSincePulled: true });
    if (parsed.ok) return parsed.policy;
    for (const violation of parsed.violations) {
      ctx.addIssue({ code: 'custom', path: parsePolicyPath(violation.path), message: describe(violation) });
    }
    return z.NEVER;
  });

const cleanupRule = z.strictObject({
  repositories: repositoryGlobs,
  policy: cleanupPolicy,
});

const positiveInt = z.int('must be a whole number').min(1, 'must be >= 1');
const nonNegativeInt = z.int('must be a whole number').min(0, 'must be >= 0');

const cleanupSection = z.strictObject({
  schedule: scheduleExpression.default('rate(1 day)'),
  /** On by default: a fresh install reports what it would delete and deletes nothing. */
  dryRun: z.boolean('must be true or false').default(true),
  rules: z.array(cleanupRule, { error: 'must be a list of rules' }).default([]),
  protect: z
    .strictObject({
      /** Tag globs (picomatch) whose images are never deleted. */
      tags: z.array(z.string().min(1, 'must not be empty')).default([]),
      /** Images used by this many latest revisions of each ECS task definition family are kept. */
      taskDefinitionRevisions: nonNegativeInt.default(3),
    })
    .prefault({}),
  /** Keep at least this many images per repository whatever the rules say. */
  keepAtLeast: nonNegativeInt.default(0),
  /** A circuit breaker: a run deletes at most this many images from one repository. */
  maxDeletionsPerRepository: positiveInt.optional(),
  /**
   * A second circuit breaker: a run deletes at most this fraction of a repository's images (rounded
   * down), 0.5 when absent (DEFAULT_MAX_DELETION_SHARE in shared/cleanup/plan-repository-cleanup.ts);
   * 1 turns it off. Left optional rather than defaulted here so that a file without it reads back as
   * written.
   */
  maxDeletionShare: z
    .number('must be a number')
    .gt(0, 'must be > 0 (a share of the repository, e.g. 0.5)')
    .max(1, 'must be <= 1 (1 allows a run to empty a repository)')
    .optional(),
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
  .regex(/^\//, {
    message:
      'must be a fully qualified SSM parameter name starting with "/", e.g. /ecr-warden/slack/security',
    abort: true,
  })
  .max(1011, 'must be at most 1011 characters')
  .regex(
    /^(\/[a-zA-Z0-9_.-]+)+$/,
    'may hold only a-z A-Z 0-9 _ . - and single "/" between levels (and must not end with "/")',
  )
  .refine((name) => !/^\/?(aws|ssm)/i.test(name), 'must not start with "aws" or "ssm" (reserved by SSM)')
  .refine((name) => name.split('/').length - 1 <= 15, 'may have at most 15 levels');

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
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 of a-z, 0-9 and "-", starting with a letter or digit'),
  /** A SecureString parameter holding the webhook URL; read at run time, never bundled. */
  webhookParameter: ssmParameterName,
  /** Only these detail-types; all of them when absent. */
  detailTypes: z
    .array(z.enum(GOVERNANCE_DETAIL_TYPES), { error: 'must be a list of detail-types' })
    .min(1, 'must list at least one detail-type (leave the key out for all of them)')
    .optional(),
  /**
   * Only events about these repositories (globs as in cleanup rules). Events about the whole registry
   * (Vulnerability Digest, Replication Audit Report) carry no repository and never match a route
   * that has this filter.
   */
  repositories: repositoryGlobs.optional(),
  /** Only events at least this severe. */
  minSeverity: z.enum(SEVERITIES).default('info'),
  /** When this route matches, later routes are not considered. */
  stop: z.boolean('must be true or false').default(false),
});

const notificationsSection = z.strictObject({
  routes: z
    .array(notificationRoute, { error: 'must be a list of routes' })
    .default([])
    .superRefine((routes, ctx) => {
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
});

export const ecrWardenConfigSchema = z.strictObject({
  cleanup: cleanupSection.prefault({}),
  notifications: notificationsSection.prefault({}),
});

export type EcrWardenConfig = z.output<typeof ecrWardenConfigSchema>;
export type EcrWardenConfigInput = z.input<typeof ecrWardenConfigSchema>;
export type CleanupConfig = EcrWardenConfig['cleanup'];
export type CleanupRule = CleanupConfig['rules'][number];
export type NotificationsConfig = EcrWardenConfig['notifications'];
export type NotificationRouteConfig = NotificationsConfig['routes'][number];

/** Whether events of this detail-type are about one repository (their detail has `repositoryName`). */
function hasRepository(detailType: GovernanceDetailType): boolean {
  return 'repositoryName' in governanceDetailSchemas[detailType].shape;
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
