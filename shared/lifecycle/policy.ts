import * as z from '../zod';

/**
 * An ECR lifecycle policy document, parsed and validated with the rules that ECR applies when
 * `PutLifecyclePolicy` or `StartLifecyclePolicyPreview` receives it.
 *
 * Sources: "Lifecycle policy properties in Amazon ECR"
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html),
 * "Lifecycle policy evaluation rules" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html),
 * the notes on the examples page (lifecycle_policy_examples.html) and "Archiving an image" (archive-image.html).
 */

export type TagStatus = 'tagged' | 'untagged' | 'any';
export type StorageClass = 'standard' | 'archive';
export type CountType =
  | 'imageCountMoreThan'
  | 'sinceImagePushed'
  | 'sinceImagePulled'
  | 'sinceImageTransitioned';
export type RuleActionType = 'expire' | 'transition';

export interface RuleSelection {
  tagStatus: TagStatus;
  tagPatternList?: string[];
  tagPrefixList?: string[];
  storageClass?: StorageClass;
  countType: CountType;
  countUnit?: 'days';
  countNumber: number;
}

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: RuleSelection;
  action: { type: RuleActionType; targetStorageClass?: 'archive' };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

export interface PolicyViolation {
  /** Where in the document, e.g. `rules[1].selection.countUnit`. */
  path: string;
  /** The rulePriority of the rule at fault, when it has a valid one. */
  rulePriority?: number;
  message: string;
}

export type PolicyParseResult =
  | { ok: true; policy: LifecyclePolicy }
  | { ok: false; violations: PolicyViolation[] };

export interface PolicyParseOptions {
  /**
   * ecr-warden's extension: allow `sinceImagePulled` with `expire` (native ECR only transitions by
   * last pull time). Off for native policies, so that what passes here passes in ECR.
   */
  allowExpireSincePulled?: boolean;
}

// PutLifecyclePolicy: lifecyclePolicyText has a length of 100 to 30,720 characters.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
export const MIN_POLICY_TEXT_LENGTH = 100;
export const MAX_POLICY_TEXT_LENGTH = 30_720;

// Amazon ECR service quotas: "Rules per lifecycle policy", 50, not adjustable.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
export const MAX_RULES_PER_POLICY = 50;

// "You can use up to four wildcards (*) per string." (lifecycle_policy_parameters, tagPatternList)
const MAX_WILDCARDS_PER_PATTERN = 4;
const MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY = 90;

const SINCE_COUNT_TYPES: ReadonlySet<CountType> = new Set([
  'sinceImagePushed',
  'sinceImagePulled',
  'sinceImageTransitioned',
]);

const tagList = z
  .array(z.string().check(z.minLength(1, 'must not be empty')))
  .check(z.minLength(1, 'must list at least one tag'));

const selectionSchema = z.strictObject({
  tagStatus: z.enum(['tagged', 'untagged', 'any']),
  tagPatternList: z.optional(tagList),
  tagPrefixList: z.optional(tagList),
  storageClass: z.optional(z.enum(['standard', 'archive'])),
  countType: z.enum(['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned']),
  countUnit: z.optional(z.literal('days')),
  countNumber: z.int().check(z.gte(1, 'must be a positive integer (0 is not accepted)')),
});

const ruleSchema = z.strictObject({
  rulePriority: z.int().check(z.gte(1, 'must be a positive integer')),
  description: z.optional(z.string()),
  selection: selectionSchema,
  action: z.strictObject({
    type: z.enum(['expire', 'transition']),
    targetStorageClass: z.optional(z.literal('archive')),
  }),
});

// The document and its rules are checked separately so that one malformed rule does not hide
// what is wrong with the others: every violation is reported at once.
const documentSchema = z.strictObject({
  rules: z
    .array(z.unknown())
    .check(z.minLength(1, 'a lifecycle policy needs at least one rule'), (context) => {
      const count = context.value.length;
      if (count > MAX_RULES_PER_POLICY) {
        context.issues.push({
          code: 'custom',
          input: context.value,
          message: `at most ${MAX_RULES_PER_POLICY} rules per lifecycle policy (ECR service quota), got ${count}`,
        });
      }
    }),
});

/** Validates a policy given as JSON text (as `PutLifecyclePolicy` takes it) or as a parsed object. */
export function parseLifecyclePolicy(input: unknown, options: PolicyParseOptions = {}): PolicyParseResult {
  let document = input;
  if (typeof input === 'string') {
    if (input.length < MIN_POLICY_TEXT_LENGTH || input.length > MAX_POLICY_TEXT_LENGTH) {
      return fail(
        '',
        `policy text must be ${MIN_POLICY_TEXT_LENGTH} to ${MAX_POLICY_TEXT_LENGTH} characters long, got ${input.length}`,
      );
    }
    try {
      document = JSON.parse(input);
    } catch (error) {
      return fail('', `policy is not valid JSON: ${(error as Error).message}`);
    }
  }

  const violations: PolicyViolation[] = [];
  const shape = documentSchema.safeParse(document);
  if (!shape.success) {
    for (const issue of shape.error.issues)
      violations.push({ path: formatPath(issue.path), message: issue.message });
  }
  const rawRules = (document as { rules?: unknown } | null)?.rules;
  const wellFormed: IndexedRule[] = [];
  (Array.isArray(rawRules) ? rawRules : []).forEach((raw: unknown, index) => {
    const rule = ruleSchema.safeParse(raw);
    if (!rule.success) {
      const rulePriority = usablePriority(raw);
      for (const issue of rule.error.issues) {
        const path = formatPath(['rules', index, ...issue.path]);
        violations.push(
          rulePriority === undefined
            ? { path, message: issue.message }
            : { path, rulePriority, message: issue.message },
        );
      }
      return;
    }
    const parsed = rule.data as LifecycleRule;
    wellFormed.push({ rule: parsed, index });
    for (const v of checkRule(parsed, options)) {
      violations.push({
        path: `rules[${index}].${v.field}`,
        rulePriority: parsed.rulePriority,
        message: v.message,
      });
    }
  });
  violations.push(...checkAcrossRules(wellFormed));
  if (violations.length > 0) return { ok: false, violations };
  return { ok: true, policy: { rules: wellFormed.map(({ rule }) => rule) } };
}

interface IndexedRule {
  rule: LifecycleRule;
  /** Position in the document's rules array, for paths. */
  index: number;
}

/** One line per violation, e.g. `rule 2 (rules[1].selection.countUnit): required when ...`. */
export function describeViolation(v: PolicyViolation): string {
  const where = v.path === '' ? 'policy' : v.path;
  return v.rulePriority === undefined
    ? `${where}: ${v.message}`
    : `rule ${v.rulePriority} (${where}): ${v.message}`;
}

export function ruleStorageClass(rule: LifecycleRule): StorageClass {
  return rule.selection.storageClass ?? 'standard';
}

interface FieldViolation {
  field: string;
  message: string;
}

function checkRule(rule: LifecycleRule, options: PolicyParseOptions): FieldViolation[] {
  const out: FieldViolation[] = [];
  const { selection, action } = rule;
  const hasPatterns = selection.tagPatternList !== undefined;
  const hasPrefixes = selection.tagPrefixList !== undefined;

  // tagged needs exactly one of tagPatternList / tagPrefixList; untagged and any take neither.
  if (selection.tagStatus === 'tagged') {
    if (hasPatterns && hasPrefixes) {
      out.push({ field: 'selection', message: 'specify either tagPatternList or tagPrefixList, not both' });
    } else if (!hasPatterns && !hasPrefixes) {
      out.push({
        field: 'selection.tagStatus',
        message: 'tagStatus "tagged" requires tagPatternList or tagPrefixList',
      });
    }
  } else {
    if (hasPatterns) {
      out.push({
        field: 'selection.tagPatternList',
        message: `not allowed with tagStatus "${selection.tagStatus}"`,
      });
    }
    if (hasPrefixes) {
      out.push({
        field: 'selection.tagPrefixList',
        message: `not allowed with tagStatus "${selection.tagStatus}"`,
      });
    }
  }

  selection.tagPatternList?.forEach((pattern, i) => {
    const wildcards = pattern.split('*').length - 1;
    if (wildcards > MAX_WILDCARDS_PER_PATTERN) {
      out.push({
        field: `selection.tagPatternList[${i}]`,
        message: `at most ${MAX_WILDCARDS_PER_PATTERN} wildcards (*) per pattern, got ${wildcards}`,
      });
    }
  });

  // countUnit goes with the since* count types only, and they require it.
  const isSince = SINCE_COUNT_TYPES.has(selection.countType);
  if (isSince && selection.countUnit === undefined) {
    out.push({
      field: 'selection.countUnit',
      message: `required ("days") when countType is ${selection.countType}`,
    });
  }
  if (!isSince && selection.countUnit !== undefined) {
    out.push({
      field: 'selection.countUnit',
      message: `not allowed when countType is ${selection.countType}`,
    });
  }

  const storageClass = ruleStorageClass(rule);
  if (
    selection.countType === 'sinceImagePulled' &&
    action.type !== 'transition' &&
    !options.allowExpireSincePulled
  ) {
    out.push({
      field: 'selection.countType',
      message: 'sinceImagePulled is only allowed with action type "transition"',
    });
  }
  if (selection.countType === 'sinceImageTransitioned') {
    if (action.type !== 'expire') {
      out.push({
        field: 'selection.countType',
        message: 'sinceImageTransitioned is only allowed with action type "expire"',
      });
    }
    if (storageClass !== 'archive') {
      out.push({
        field: 'selection.storageClass',
        message: 'must be "archive" when countType is sinceImageTransitioned',
      });
    }
    // "Archived images have a minimum storage duration of 90 days. You cannot configure lifecycle
    // policies that delete images that have been in archive for less than 90 days." (archive-image.html)
    if (selection.countNumber < MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY) {
      out.push({
        field: 'selection.countNumber',
        message: `archived images must stay archived at least ${MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY} days, got ${selection.countNumber}`,
      });
    }
  } else if (storageClass === 'archive') {
    // "When using a countType of imageCountMoreThan, sinceImagePushed, or sinceImagePulled, the only
    // supported value is standard."
    out.push({
      field: 'selection.storageClass',
      message: `only "standard" is supported with countType ${selection.countType}; "archive" goes with sinceImageTransitioned`,
    });
  }

  if (action.type === 'transition') {
    if (action.targetStorageClass === undefined) {
      out.push({
        field: 'action.targetStorageClass',
        message: 'required ("archive") when action type is "transition"',
      });
    }
  } else if (action.targetStorageClass !== undefined) {
    out.push({
      field: 'action.targetStorageClass',
      message: 'only allowed when action type is "transition"',
    });
  }
  return out;
}

function checkAcrossRules(rules: IndexedRule[]): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const seenPriority = new Map<number, number>();
  rules.forEach(({ rule, index }) => {
    const first = seenPriority.get(rule.rulePriority);
    if (first === undefined) {
      seenPriority.set(rule.rulePriority, index);
    } else {
      out.push({
        path: `rules[${index}].rulePriority`,
        rulePriority: rule.rulePriority,
        message: `must be unique: rules[${first}] has the same rulePriority`,
      });
    }
  });

  for (const storageClass of ['standard', 'archive'] as const) {
    const inClass = rules.filter(({ rule }) => ruleStorageClass(rule) === storageClass);
    const highest = Math.max(...inClass.map(({ rule }) => rule.rulePriority));

    // "A rule with a tagStatus value of any must have the highest value for rulePriority and be
    // evaluated last." Storage classes are evaluated separately, so the order is per class.
    for (const { rule, index } of inClass) {
      if (rule.selection.tagStatus === 'any' && rule.rulePriority !== highest) {
        out.push({
          path: `rules[${index}].rulePriority`,
          rulePriority: rule.rulePriority,
          message: `a rule with tagStatus "any" must have the highest rulePriority (${highest} is higher)`,
        });
      }
    }

    // "Only one rule selecting a specific storage class is allowed to select untagged images."
    const untagged = inClass.filter(({ rule }) => rule.selection.tagStatus === 'untagged');
    for (const { rule, index } of untagged.slice(1)) {
      out.push({
        path: `rules[${index}].selection.tagStatus`,
        rulePriority: rule.rulePriority,
        message: `only one rule may select untagged images (rules[${untagged[0]?.index}] already does)`,
      });
    }

    // "The set of all rules selecting a specific storage class must contain a unique set of prefixes."
    const seenFilter = new Map<string, number>();
    for (const { rule, index } of inClass) {
      const key = tagFilterKey(rule.selection);
      if (key === undefined) continue;
      const first = seenFilter.get(key);
      if (first === undefined) {
        seenFilter.set(key, index);
      } else {
        out.push({
          path: `rules[${index}].selection`,
          rulePriority: rule.rulePriority,
          message: `the same tag filter as rules[${first}]: each rule needs a unique set of tags`,
        });
      }
    }
  }
  return out;
}

function tagFilterKey(selection: RuleSelection): string | undefined {
  if (selection.tagPatternList)
    return `pattern:${[...new Set(selection.tagPatternList)].sort().join('\u0000')}`;
  if (selection.tagPrefixList) return `prefix:${[...new Set(selection.tagPrefixList)].sort().join('\u0000')}`;
  return undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The rulePriority of a malformed rule, when it has a usable one, to name the rule in errors. */
function usablePriority(rule: unknown): number | undefined {
  const priority =
    typeof rule === 'object' && rule !== null ? (rule as { rulePriority?: unknown }).rulePriority : undefined;
  return Number.isInteger(priority) && (priority as number) >= 1 ? (priority as number) : undefined;
}

function fail(path: string, message: string): PolicyParseResult {
  return { ok: false, violations: [{ path, message }] };
}
