import type { ImmutabilityConfig } from '../../shared/config/schema';
import { getAtt, type IamStatement, regionalArn } from './iam-statement';
import { stateTableReadStatement, stateTableStatement } from './state-table-iam';

/**
 * The IAM statements of tagImmutability's own role (serverless-iam-roles-per-function), derived from
 * `immutability` in ecr-warden.yml by deploy/resolve-variables.cjs:
 *
 * - `ecr:DescribeRepositories` on every repository: the sweep lists them all (it is authorised per
 *   repository ARN).
 * - Reads on the repositories the rules cover, each action only when a rule needs it: DescribeImages
 *   (the tag ledger), GetLifecyclePolicy, GetRepositoryPolicy, BatchGetRepositoryScanningConfiguration.
 * - Writes only where a rule turns remediation on and `dryRun` is false, on the repositories those
 *   rules cover: `ecr:PutImageTagMutability`, `ecr:PutLifecyclePolicy`. Scanning remediation needs
 *   `ecr:GetRegistryScanningConfiguration` and `ecr:PutRegistryScanningConfiguration`, registry-level
 *   actions that IAM authorises only on `"*"` (they have no resource type,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html):
 *   granted only when a rule asks for scanning remediation.
 * - The in-use lookup of "Tag Moved" (only when a rule has protectedTags): ecs:ListClusters,
 *   ecs:ListTasks and lambda:ListFunctions (list actions, `"*"`), ecs:DescribeTasks on tasks,
 *   lambda:GetFunction on functions.
 * - The state table (ledgers and idempotency records: GetItem, PutItem, DeleteItem, Query), PutEvents
 *   on the ecr-warden bus, and SendMessage on the function's own failure queue (its on-failure
 *   destination is written with the execution role).
 *
 * Repository globs become IAM ARN patterns (see repositoryArnPatterns), at least as wide as the glob:
 * IAM's `*` also crosses `/`, and `!` exclusions cannot be subtracted from an Allow.
 */

export interface RepositoryGuardIamNames {
  stateTable?: string;
  eventBus?: string;
  failureQueue?: string;
}

export function repositoryGuardIamStatements(
  config: Pick<ImmutabilityConfig, 'dryRun' | 'rules'>,
  names: RepositoryGuardIamNames = {},
): IamStatement[] {
  const {
    stateTable = 'StateTable',
    eventBus = 'GovernanceEventBus',
    failureQueue = 'TagImmutabilityFailureQueue',
  } = names;
  const rules = config.rules;
  const covering = (select: (rule: ImmutabilityConfig['rules'][number]) => boolean) =>
    repositoryArnPatterns(rules.filter(select).flatMap((rule) => rule.repositories));

  const byAction = new Map<string, string[]>();
  const grant = (action: string, patterns: string[]) => {
    if (patterns.length > 0) byAction.set(action, patterns);
  };
  grant(
    'ecr:DescribeImages',
    covering(() => true),
  );
  grant(
    'ecr:BatchGetRepositoryScanningConfiguration',
    covering((rule) => rule.scanning !== undefined),
  );
  grant(
    'ecr:GetLifecyclePolicy',
    covering((rule) => rule.lifecyclePolicy !== undefined),
  );
  grant(
    'ecr:GetRepositoryPolicy',
    covering((rule) => rule.repositoryPolicy !== undefined),
  );
  if (!config.dryRun) {
    grant(
      'ecr:PutImageTagMutability',
      covering((rule) => rule.remediate),
    );
    grant(
      'ecr:PutLifecyclePolicy',
      covering((rule) => rule.lifecyclePolicy?.remediate === true),
    );
  }

  const statements: IamStatement[] = [
    { Effect: 'Allow', Action: ['ecr:DescribeRepositories'], Resource: [regionalArn('ecr', 'repository/*')] },
  ];
  // Actions with the same resources share a statement.
  const groups = new Map<string, string[]>();
  for (const [action, patterns] of byAction) {
    const key = JSON.stringify(patterns);
    groups.set(key, [...(groups.get(key) ?? []), action]);
  }
  for (const [key, actions] of groups) {
    const patterns = JSON.parse(key) as string[];
    statements.push({
      Effect: 'Allow',
      Action: actions.sort(),
      Resource: patterns.map((pattern) => regionalArn('ecr', `repository/${pattern}`)),
    });
  }
  if (!config.dryRun && rules.some((rule) => rule.scanning?.remediate === true)) {
    statements.push({
      Effect: 'Allow',
      Action: ['ecr:GetRegistryScanningConfiguration', 'ecr:PutRegistryScanningConfiguration'],
      Resource: ['*'],
    });
  }
  if (rules.some((rule) => rule.protectedTags.length > 0)) {
    statements.push(
      {
        Effect: 'Allow',
        Action: ['ecs:ListClusters', 'ecs:ListTasks', 'lambda:ListFunctions'],
        Resource: ['*'],
      },
      { Effect: 'Allow', Action: ['ecs:DescribeTasks'], Resource: [regionalArn('ecs', 'task/*')] },
      { Effect: 'Allow', Action: ['lambda:GetFunction'], Resource: [regionalArn('lambda', 'function:*')] },
    );
    // Tag Moved also asks the cleanup worker's in-use index (Kubernetes, other accounts, ...): one
    // GetItem of the previous digest's record.
    const inUseIndex = stateTableReadStatement('tagImmutability', ['dynamodb:GetItem'], stateTable);
    if (inUseIndex !== undefined) statements.push(inUseIndex);
  }
  statements.push(
    stateTableStatement(
      'tagImmutability',
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      stateTable,
    ),
    { Effect: 'Allow', Action: ['events:PutEvents'], Resource: [getAtt(eventBus)] },
    { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [getAtt(failureQueue)] },
  );
  return statements;
}

/**
 * IAM ARN patterns (the part after `repository/`) that cover every repository the globs select:
 *
 * | glob            | patterns                     |
 * |-----------------|------------------------------|
 * | `team-a/api`    | `team-a/api`                 |
 * | `team-a/*`      | `team-a/*`                   |
 * | `team-a/**`     | `team-a`, `team-a/*`         |
 * | `**\/*-cache`   | `*-cache`, `*\/*-cache`       |
 * | `{web,api}/*`   | `api/*`, `web/*`             |
 * | `v[0-9]`        | `v?`                         |
 *
 * `!` globs are left out (an Allow cannot subtract); extglobs and brace ranges become `*`.
 */
export function repositoryArnPatterns(globs: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    for (const expanded of expandBraces(glob)) {
      for (const variant of globstarVariants(expanded.split('/'))) {
        const pattern = variant
          .map(segmentPattern)
          .join('/')
          .replace(/\*{2,}/g, '*');
        if (pattern !== '') patterns.add(pattern);
      }
    }
  }
  return [...patterns].sort();
}

/** `{a,b}/x` → `a/x`, `b/x`; nested braces too; a range (`{1..3}`) becomes `*`. */
function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open === -1) return [glob];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let index = open; index < glob.length; index += 1) {
    const character = glob[index];
    if (character === '{') depth += 1;
    else if (character === '}') {
      depth -= 1;
      if (depth === 0) {
        close = index;
        break;
      }
    } else if (character === ',' && depth === 1) commas.push(index);
  }
  if (close === -1) return [glob.replaceAll('{', '')];
  const before = glob.slice(0, open);
  const after = glob.slice(close + 1);
  const inner = glob.slice(open + 1, close);
  const alternatives =
    commas.length === 0
      ? [inner.includes('..') ? '*' : `{${inner}}`]
      : [open, ...commas].map((start, index) => glob.slice(start + 1, [...commas, close][index]));
  return alternatives.flatMap((alternative) => expandBraces(`${before}${alternative}${after}`));
}

/** A `**` segment matches zero or more segments: once without it, once as one `*` (IAM's `*` spans `/`). */
function globstarVariants(segments: string[]): string[][] {
  const index = segments.indexOf('**');
  if (index === -1) return [segments];
  const before = segments.slice(0, index);
  return globstarVariants(segments.slice(index + 1)).flatMap((rest) => [
    [...before, ...rest],
    [...before, '*', ...rest],
  ]);
}

function segmentPattern(segment: string): string {
  return segment
    .replace(/[@!+*?]\([^)]*\)/g, '*') // extglobs
    .replace(/\[[^\]]*\]/g, '?') // a character class matches one character
    .replace(/\\(.)/g, '$1');
}
