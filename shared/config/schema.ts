import { z } from 'zod';
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
});

export const ecrWardenConfigSchema = z.strictObject({
  cleanup: cleanupSection.prefault({}),
});

export type EcrWardenConfig = z.output<typeof ecrWardenConfigSchema>;
export type EcrWardenConfigInput = z.input<typeof ecrWardenConfigSchema>;
export type CleanupConfig = EcrWardenConfig['cleanup'];
export type CleanupRule = CleanupConfig['rules'][number];

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
