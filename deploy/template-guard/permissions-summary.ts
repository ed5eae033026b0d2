import {
  asArray,
  type CloudFormationTemplate,
  describeResource,
  isRecord,
  propertiesOf,
  referencedLogicalId,
  strings,
} from './cloudformation';
import { statementContext } from './guard-template';
import { reasonFor } from './permission-reasons';
import { functionModels, type Naming } from './service-model';

/**
 * Every permission of every function, read from the packaged template: function → actions → resources,
 * and why. Printed by `npm run docs:permissions` and kept in README.md ("Permissions") between markers.
 */
export interface PermissionRow {
  actions: string[];
  resources: string[];
  /** What the statement's condition narrows the resources to, e.g. partition keys `CLEANUP#*`. */
  only?: { what: string; values: string[] };
  why: string;
}

export interface FunctionPermissions {
  key: string;
  description: string;
  /** What invokes it: schedules, event patterns, queues. */
  triggers: string[];
  /** Where a failed invocation or message ends up, and when. */
  failures: { when: string; queue: string }[];
  rows: PermissionRow[];
}

export function summarizePermissions(
  template: CloudFormationTemplate,
  naming: Naming,
): FunctionPermissions[] {
  const resources = template.Resources ?? {};
  const describe = (value: unknown) => describeResource(value, template, naming);
  return functionModels(template, naming).map((fn) => {
    const triggers = fn.rules.map((ruleId) => {
      const rule = propertiesOf(resources[ruleId]);
      if (typeof rule.ScheduleExpression === 'string') return `schedule ${rule.ScheduleExpression}`;
      const pattern = isRecord(rule.EventPattern) ? rule.EventPattern : {};
      const detail =
        isRecord(pattern.detail) && Array.isArray(pattern.detail.eventName)
          ? ` (${strings(pattern.detail.eventName).join(', ')})`
          : '';
      return `${strings(pattern['detail-type']).join(', ') || 'events'}${detail}`;
    });
    const failures: FunctionPermissions['failures'] = [];
    if (fn.failureDestination !== undefined) {
      const config = Object.values(resources).find(
        (resource) =>
          resource.Type === 'AWS::Lambda::EventInvokeConfig' &&
          referencedLogicalId(propertiesOf(resource).FunctionName) === fn.logicalId,
      );
      const retries = propertiesOf(config).MaximumRetryAttempts;
      failures.push({
        when: `after ${typeof retries === 'number' ? retries : 2} retries`,
        queue: describe(fn.failureDestination.raw),
      });
    }
    for (const queueId of fn.eventSourceQueues) {
      triggers.push(describe({ Ref: queueId }));
      const redrive = propertiesOf(resources[queueId]).RedrivePolicy;
      if (isRecord(redrive)) {
        failures.push({
          when: `after ${String(redrive.maxReceiveCount)} receives`,
          queue: describe(redrive.deadLetterTargetArn),
        });
      }
    }
    const rows = fn.statements
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => {
        const actions = strings(statement.Action);
        const context = statementContext(fn, statement);
        const reasons = [
          ...new Set(actions.map((action) => reasonFor(fn.key, action, context) ?? '(no reason documented)')),
        ];
        const only = describeCondition(statement.Condition);
        return {
          actions,
          resources: asArray(statement.Resource).map(describe),
          ...(only === undefined ? {} : { only }),
          why: reasons.join('; '),
        };
      });
    return { key: fn.key, description: fn.description, triggers, failures, rows };
  });
}

/**
 * A statement's condition as people read it: the partitions a `dynamodb:LeadingKeys` condition allows,
 * or, for any other condition, the condition itself (nothing granted is left out of the summary).
 */
function describeCondition(condition: unknown): PermissionRow['only'] {
  if (!isRecord(condition)) return undefined;
  const [operator, ...others] = Object.keys(condition);
  const byKey = operator === undefined ? undefined : condition[operator];
  if (
    others.length === 0 &&
    operator === 'ForAllValues:StringLike' &&
    isRecord(byKey) &&
    Object.keys(byKey).length === 1
  ) {
    const patterns = strings(byKey['dynamodb:LeadingKeys']);
    if (patterns.length > 0) return { what: 'partition keys', values: patterns };
  }
  return { what: 'condition', values: [JSON.stringify(condition)] };
}

/** Short ARNs for the terminal: `arn:aws:ecr:<region>:<account>:repository/x` → `ecr:repository/x`. */
function shortArn(resource: string): string {
  return resource.replace(
    /^arn:aws:([a-z0-9-]+):(<region>|[a-z0-9-]*):(<account>|\d*):/,
    (_, service, region) =>
      region === '<region>' || region === '' ? `${service}:` : `${service}:${region}:`,
  );
}

/** One line per statement, for the package check's output. */
export function renderPermissionsText(summary: readonly FunctionPermissions[]): string {
  const lines = ['Permissions per function (<region>, <account>, <stage>: those of the deployment):'];
  for (const fn of summary) {
    lines.push(
      `${fn.key}: ${fn.triggers.join('; ')}${fn.failures.length > 0 ? ` | failures ${fn.failures.map((f) => `${f.when}: ${f.queue}`).join('; ')}` : ''}`,
    );
    for (const row of fn.rows) {
      const only = row.only === undefined ? '' : ` (${row.only.what} ${row.only.values.join(', ')})`;
      lines.push(
        `  ${row.actions.join(' ')} → ${row.resources.map(shortArn).join(', ')}${only} — ${row.why}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The README section: a table per function (`preamble: false`: the tables alone). */
export function renderPermissionsMarkdown(
  summary: readonly FunctionPermissions[],
  options: { preamble?: boolean } = {},
): string {
  const code = (text: string) => `\`${text}\``;
  const escapePipes = (text: string) => text.replace(/\|/g, '\\|');
  const parts = [] as string[];
  if (options.preamble !== false)
    parts.push(
      'Generated from the template `npx osls package` builds with the committed `ecr-warden.yml` (`npm run docs:permissions`; `npm test` fails when this is stale). `<region>`, `<account>` and `<stage>` are those of the deployment; another `ecr-warden.yml` gives other repository patterns, and writes only where it turns remediation on with `dryRun: false`.',
    );
  for (const fn of summary) {
    parts.push(`#### ${code(fn.key)}`);
    const description = escapePipes(fn.description);
    const lines = [/[.!?]$/.test(description) ? description : `${description}.`];
    if (fn.triggers.length > 0)
      lines.push(`Runs on: ${fn.triggers.map((t) => code(escapePipes(t))).join(', ')}.`);
    if (fn.failures.length > 0) {
      lines.push(`Failures: ${fn.failures.map((f) => `${f.when}, ${code(f.queue)}`).join('; ')}.`);
    }
    parts.push(lines.join(' '));
    parts.push(
      [
        '| actions | resources | why |',
        '|---|---|---|',
        ...fn.rows.map(
          (row) =>
            `| ${row.actions.map(code).join('<br>')} | ${[
              ...row.resources.map((r) => code(escapePipes(r))),
              ...(row.only === undefined
                ? []
                : [`only ${row.only.what} ${row.only.values.map((v) => code(escapePipes(v))).join(', ')}`]),
            ].join('<br>')} | ${escapePipes(row.why)} |`,
        ),
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
