import {
  leadingKeyPatterns,
  readOnlyLeadingKeyPatterns,
  STATE_TABLE_FUNCTIONS,
  type StateTableFunction,
} from '../../shared/state/state-access';
import { templateReferences } from '../iam/default-execution-role';
import { ITEM_ACTIONS, READ_ONLY_ACTIONS } from '../iam/state-table-iam';
import {
  asArray,
  type CloudFormationTemplate,
  isRecord,
  type PolicyStatement,
  propertiesOf,
  referencedLogicalId,
  resourcesOfType,
  statementsOf,
  strings,
} from './cloudformation';
import {
  DESTRUCTIVE_ACTIONS,
  hasActionWildcard,
  isRepositoryArn,
  RESOURCE_STAR_ACTIONS,
  stringLikePatternsOverlap,
} from './iam-rules';
import { KNOWN_METRICS } from './known-metrics';
import { reasonFor } from './permission-reasons';
import { type FunctionModel, functionModels, type Naming } from './service-model';

/**
 * The template guard: rules that hold for every function and every queue of the packaged template,
 * whatever the function does, so that a function added tomorrow is held to them without anyone listing
 * it. (test/package/ checks each function's exact statements, events and settings besides.)
 *
 * - IAM, on every role and policy: no NotAction/NotResource, no wildcard action (`*`, `ecr:*`),
 *   `Resource: "*"` only for actions IAM gives no resource type (iam-rules.ts, with their Service
 *   Authorization Reference pages); destructive ECR actions only on repository ARNs; every action a
 *   function holds has a documented reason (permission-reasons.ts). Every role that Lambda may assume is
 *   some function's own (osls's unused shared IamRoleLambdaExecution is not left behind), and every
 *   `Ref`, `Fn::GetAtt`, `Fn::Sub` variable and `DependsOn` names something of the template.
 * - DynamoDB: a function's statement on a table of the stack names only item actions and carries a
 *   `ForAllValues:StringLike` (or `StringEquals`) condition on `dynamodb:LeadingKeys` whose patterns
 *   start with a literal prefix; no two functions' patterns overlap (shared/state/state-access.ts).
 * - Resource policies that admit an AWS service (KMS key policies, SNS topic and SQS queue policies):
 *   each such Allow is bound to this account (`aws:SourceAccount`), or, in topic and queue policies, to
 *   a resource of the stack (`aws:SourceArn`), so that the service cannot act for another account's
 *   resources (the confused deputy).
 * - Failure paths: a function invoked asynchronously (an EventBridge rule or schedule) has an on-failure
 *   destination that is a queue of the stack and that its role may write; an SQS event source has a
 *   dead-letter queue (redrive policy); a rule target other than a function has a dead-letter queue.
 *   Every such dead-letter or failure queue keeps messages 14 days and has a depth alarm.
 * - Alarms: every function has an Errors and a Throttles alarm; every alarm notifies an encrypted SNS
 *   topic of the stack (a customer managed key CloudWatch may use, with rotation; a topic policy that
 *   lets only this account's alarms publish; its ARN an output); alarms on custom metrics read the
 *   namespace the functions write (POWERTOOLS_METRICS_NAMESPACE) and a metric they write.
 * - Every log group has a retention.
 */
export interface GuardResult {
  checks: number;
  failures: string[];
}

/** A check that counts itself and keeps the reason of each that fails. */
export function checker(): { check: Check; result: () => GuardResult } {
  const failures: string[] = [];
  let checks = 0;
  const check: Check = (condition, reason) => {
    checks += 1;
    if (!condition) failures.push(reason);
    return condition;
  };
  return { check, result: () => ({ checks, failures }) };
}

const DLQ_RETENTION_SECONDS = 1_209_600; // 14 days, the SQS maximum

export function guardTemplate(template: CloudFormationTemplate, naming: Naming): GuardResult {
  const { check, result } = checker();
  const resources = template.Resources ?? {};
  const typeOf = (logicalId: string | undefined) =>
    logicalId === undefined ? undefined : resources[logicalId]?.Type;
  const functions = functionModels(template, naming);

  // ── IAM, template-wide ──────────────────────────────────────────────────────────────────────────
  for (const [id, statement] of identityStatements(template)) checkIdentityStatement(id, statement, check);
  for (const [busId, bus] of resourcesOfType(template, 'AWS::Events::EventBus')) {
    checkBusPolicy(busId, propertiesOf(bus).Policy, check);
  }

  // ── roles and references ────────────────────────────────────────────────────────────────────────
  const functionRoles = new Set(functions.map((fn) => fn.roleId));
  for (const [roleId, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    const assumedByLambda = statementsOf(propertiesOf(role).AssumeRolePolicyDocument).some(
      (statement) =>
        isRecord(statement.Principal) &&
        strings(statement.Principal.Service).includes('lambda.amazonaws.com'),
    );
    if (!assumedByLambda) continue;
    check(
      functionRoles.has(roleId),
      `${roleId}: a Lambda execution role no function of the stack uses grants what nobody needs: remove it (osls's shared IamRoleLambdaExecution: scripts/omit-default-role.cjs)`,
    );
  }
  const declared = new Set([...Object.keys(resources), ...Object.keys(template.Parameters ?? {})]);
  for (const reference of templateReferences(template)) {
    check(
      declared.has(reference.logicalId) || reference.logicalId.startsWith('AWS::'),
      `${reference.at}: refers to ${reference.logicalId}, which the template does not define`,
    );
  }

  // ── DynamoDB: each function on its own partitions ───────────────────────────────────────────────
  const tables = new Set(resourcesOfType(template, 'AWS::DynamoDB::Table').map(([id]) => id));
  const partitionPatterns = new Map<string, string[]>(); // function → LeadingKeys patterns
  for (const fn of functions) {
    for (const statement of fn.statements) {
      const onTable = asArray(statement.Resource).some((resource) => {
        const id = referencedLogicalId(resource);
        return id !== undefined && tables.has(id);
      });
      const actions = strings(statement.Action).filter((action) => action.startsWith('dynamodb:'));
      if (statement.Effect !== 'Allow' || !onTable || actions.length === 0) continue;
      const patterns = leadingKeysOf(statement.Condition);
      check(
        patterns.length > 0,
        `${fn.key}: its statement on ${[...tables].join(', ')} has no ForAllValues:StringLike condition on dynamodb:LeadingKeys; limit it to the partitions it owns (shared/state/state-access.ts)`,
      );
      for (const action of actions) {
        check(
          ITEM_ACTIONS.has(action),
          `${fn.key}: "${action}" names no item, so dynamodb:LeadingKeys cannot limit it (ForAllValues holds for no keys at all)`,
        );
      }
      for (const pattern of patterns) {
        check(
          !/^[*?]/.test(pattern),
          `${fn.key}: dynamodb:LeadingKeys pattern "${pattern}" starts with a wildcard: it reaches every partition`,
        );
      }
      if (actions.every((action) => READ_ONLY_ACTIONS.has(action))) {
        // A read-only statement: it may reach only families shared with the function for reading
        // (shared/state/state-access.ts `readers`), and owns nothing.
        const shared = new Set(isStateTableFunction(fn.key) ? readOnlyLeadingKeyPatterns(fn.key) : []);
        const owned = new Set(isStateTableFunction(fn.key) ? leadingKeyPatterns(fn.key) : []);
        for (const pattern of patterns) {
          check(
            shared.has(pattern) || owned.has(pattern),
            `${fn.key}: reads dynamodb:LeadingKeys "${pattern}", a family neither owned by nor shared with it (shared/state/state-access.ts)`,
          );
        }
        continue;
      }
      partitionPatterns.set(fn.key, [...(partitionPatterns.get(fn.key) ?? []), ...patterns]);
    }
  }
  const owners = [...partitionPatterns];
  for (const [index, [fn, patterns]] of owners.entries()) {
    for (const [other, otherPatterns] of owners.slice(index + 1)) {
      for (const pattern of patterns) {
        const shared = otherPatterns.find((candidate) => stringLikePatternsOverlap(pattern, candidate));
        check(
          shared === undefined,
          `${fn} and ${other}: dynamodb:LeadingKeys patterns "${pattern}" and "${shared}" overlap; each key family has one owner (shared/state/state-access.ts)`,
        );
      }
    }
  }

  // ── resource policies that admit AWS services: bound to this account ────────────────────────────
  const servicePolicies: [string, string, unknown][] = Object.entries(resources).flatMap(
    ([id, resource]): [string, string, unknown][] => {
      const props = propertiesOf(resource);
      if (resource.Type === 'AWS::KMS::Key') return [[id, resource.Type, props.KeyPolicy]];
      if (resource.Type === 'AWS::SNS::TopicPolicy' || resource.Type === 'AWS::SQS::QueuePolicy') {
        return [[id, resource.Type, props.PolicyDocument]];
      }
      return [];
    },
  );
  for (const [id, type, document] of servicePolicies) {
    for (const statement of statementsOf(document)) {
      const services = isRecord(statement.Principal) ? strings(statement.Principal.Service) : [];
      if (statement.Effect !== 'Allow' || services.length === 0) continue;
      const condition = isRecord(statement.Condition) ? statement.Condition : {};
      const boundToAccount = isThisAccount(conditionValue(condition, 'StringEquals', 'aws:SourceAccount'));
      const boundToStackResource = ['ArnEquals', 'ArnLike'].some((operator) => {
        const source = referencedLogicalId(conditionValue(condition, operator, 'aws:SourceArn'));
        return source !== undefined && resources[source] !== undefined;
      });
      // KMS: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html (global
      // condition keys refine what a service may do with the key for you).
      check(
        boundToAccount || (type !== 'AWS::KMS::Key' && boundToStackResource),
        type === 'AWS::KMS::Key'
          ? `${id}: its key policy lets ${services.join(', ')} use the key for any account; add StringEquals aws:SourceAccount: !Ref AWS::AccountId`
          : `${id}: it admits ${services.join(', ')} for any account's resources; add StringEquals aws:SourceAccount: !Ref AWS::AccountId or an aws:SourceArn of a resource of the stack`,
      );
    }
  }

  // ── per function ────────────────────────────────────────────────────────────────────────────────
  const deadLetterQueues = new Map<string, string>(); // queue → what it collects
  for (const fn of functions) {
    checkReasons(fn);
    const isAsync = fn.rules.length > 0;
    if (isAsync) {
      const destination = fn.failureDestination?.logicalId;
      if (
        check(
          destination !== undefined && typeOf(destination) === 'AWS::SQS::Queue',
          `${fn.key}: invoked asynchronously by ${fn.rules.join(', ')} but has no on-failure destination queue in the stack (destinations.onFailure)`,
        ) &&
        destination !== undefined
      ) {
        deadLetterQueues.set(destination, `${fn.key}'s on-failure destination`);
        check(
          fn.statements.some(
            (statement) =>
              statement.Effect === 'Allow' &&
              strings(statement.Action).includes('sqs:SendMessage') &&
              asArray(statement.Resource).some((resource) => referencedLogicalId(resource) === destination),
          ),
          `${fn.key}: its role may not sqs:SendMessage to its on-failure destination ${destination} (Lambda writes it with the function's role)`,
        );
      }
    }
    for (const queueId of fn.eventSourceQueues) {
      const redrive = propertiesOf(resources[queueId]).RedrivePolicy;
      const target = isRecord(redrive) ? referencedLogicalId(redrive.deadLetterTargetArn) : undefined;
      if (
        check(
          target !== undefined && typeOf(target) === 'AWS::SQS::Queue',
          `${fn.key}: its event source ${queueId} has no dead-letter queue in the stack (RedrivePolicy)`,
        ) &&
        target !== undefined
      ) {
        deadLetterQueues.set(target, `${queueId}'s dead-letter queue`);
      }
    }
    check(
      fn.otherEventSources.length === 0,
      `${fn.key}: an event source mapping reads something other than a queue of the stack: ${JSON.stringify(fn.otherEventSources)}`,
    );
    for (const metric of ['Errors', 'Throttles']) {
      check(
        alarms(template).some(
          (alarm) =>
            alarm.Namespace === 'AWS/Lambda' &&
            alarm.MetricName === metric &&
            asArray(alarm.Dimensions).some(
              (dimension) =>
                isRecord(dimension) &&
                dimension.Name === 'FunctionName' &&
                referencedLogicalId(dimension.Value) === fn.logicalId,
            ),
        ),
        `${fn.key}: no ${metric} alarm (AWS/Lambda ${metric}, FunctionName !Ref ${fn.logicalId})`,
      );
    }
  }

  function checkReasons(fn: FunctionModel): void {
    for (const statement of fn.statements) {
      if (statement.Effect !== 'Allow') continue;
      const context = statementContext(fn, statement);
      for (const action of strings(statement.Action)) {
        check(
          reasonFor(fn.key, action, context) !== undefined,
          `${fn.key}: no documented reason for "${action}": add it to deploy/template-guard/permission-reasons.ts`,
        );
      }
    }
  }

  // Rule targets that are not functions (queues, buses): EventBridge's own dead-letter queue.
  for (const [ruleId, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
    for (const target of asArray(propertiesOf(rule).Targets).filter(isRecord)) {
      if (typeOf(referencedLogicalId(target.Arn)) === 'AWS::Lambda::Function') continue;
      const dlq = isRecord(target.DeadLetterConfig)
        ? referencedLogicalId(target.DeadLetterConfig.Arn)
        : undefined;
      if (
        check(
          dlq !== undefined && typeOf(dlq) === 'AWS::SQS::Queue',
          `${ruleId}: target ${String(target.Id)} has no dead-letter queue in the stack (DeadLetterConfig)`,
        ) &&
        dlq !== undefined
      ) {
        deadLetterQueues.set(dlq, `${ruleId}'s undeliverable events`);
      }
    }
  }
  // A dead-letter queue that feeds another queue's redrive counts too (e.g. a FIFO queue's FIFO DLQ).
  for (const [queueId, queue] of resourcesOfType(template, 'AWS::SQS::Queue')) {
    const redrive = propertiesOf(queue).RedrivePolicy;
    const target = isRecord(redrive) ? referencedLogicalId(redrive.deadLetterTargetArn) : undefined;
    if (target !== undefined && !deadLetterQueues.has(target)) {
      deadLetterQueues.set(target, `${queueId}'s dead-letter queue`);
    }
  }

  for (const [queueId, role] of deadLetterQueues) {
    check(
      propertiesOf(resources[queueId]).MessageRetentionPeriod === DLQ_RETENTION_SECONDS,
      `${queueId} (${role}): keep messages 14 days (MessageRetentionPeriod: ${DLQ_RETENTION_SECONDS}), the longest SQS allows`,
    );
    check(
      alarms(template).some(
        (alarm) =>
          alarm.Namespace === 'AWS/SQS' &&
          alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          alarm.Threshold === 0 &&
          alarm.ComparisonOperator === 'GreaterThanThreshold' &&
          asArray(alarm.Dimensions).some(
            (dimension) =>
              isRecord(dimension) &&
              dimension.Name === 'QueueName' &&
              referencedLogicalId(dimension.Value) === queueId,
          ),
      ),
      `${queueId} (${role}): no alarm on ApproximateNumberOfMessagesVisible > 0 (QueueName !GetAtt ${queueId}.QueueName)`,
    );
  }

  // ── alarms and their topic ──────────────────────────────────────────────────────────────────────
  const topics = new Set<string>();
  for (const [alarmId, resource] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
    const alarm = propertiesOf(resource);
    const actions = asArray(alarm.AlarmActions).map(referencedLogicalId);
    check(
      actions.length > 0 && actions.every((id) => typeOf(id) === 'AWS::SNS::Topic'),
      `${alarmId}: its AlarmActions must notify an SNS topic of the stack`,
    );
    for (const id of actions) if (id !== undefined) topics.add(id);
    if (typeof alarm.Namespace === 'string' && !alarm.Namespace.startsWith('AWS/')) {
      check(
        typeof alarm.MetricName === 'string' && KNOWN_METRICS.has(alarm.MetricName),
        `${alarmId}: no function writes the metric ${String(alarm.MetricName)} (deploy/template-guard/known-metrics.ts)`,
      );
      for (const fn of functions) {
        const variables = propertiesOf(resources[fn.logicalId]).Environment;
        const namespace =
          isRecord(variables) && isRecord(variables.Variables)
            ? variables.Variables.POWERTOOLS_METRICS_NAMESPACE
            : undefined;
        check(
          namespace === alarm.Namespace,
          `${alarmId}: reads namespace ${alarm.Namespace} but ${fn.key} writes its metrics to ${String(namespace)} (POWERTOOLS_METRICS_NAMESPACE)`,
        );
      }
    }
  }
  for (const topicId of topics) checkAlarmTopic(topicId);

  function checkAlarmTopic(topicId: string): void {
    const keyId = referencedLogicalId(propertiesOf(resources[topicId]).KmsMasterKeyId);
    // The AWS managed aws/sns key does not let CloudWatch publish: a customer managed key must.
    // https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
    if (
      check(
        keyId !== undefined && typeOf(keyId) === 'AWS::KMS::Key',
        `${topicId}: the alarm topic must be encrypted with a customer managed KMS key of the stack (KmsMasterKeyId: !Ref <key>; CloudWatch cannot use alias/aws/sns)`,
      ) &&
      keyId !== undefined
    ) {
      const key = propertiesOf(resources[keyId]);
      check(key.EnableKeyRotation === true, `${keyId}: EnableKeyRotation must be true`);
      const statements = statementsOf(key.KeyPolicy);
      check(
        statements.some(
          (statement) =>
            statement.Effect === 'Allow' &&
            isRecord(statement.Principal) &&
            statement.Principal.Service === 'cloudwatch.amazonaws.com' &&
            ['kms:Decrypt', 'kms:GenerateDataKey*'].every((action) =>
              strings(statement.Action).includes(action),
            ),
        ),
        `${keyId}: its key policy must let cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (or alarms cannot publish)`,
      );
      for (const statement of statements) {
        const wildcard = strings(statement.Action).filter(hasActionWildcard);
        const isAccountRoot =
          isRecord(statement.Principal) && arnText(statement.Principal.AWS).endsWith(':root');
        check(
          wildcard.every(
            (action) => action === 'kms:GenerateDataKey*' || (action === 'kms:*' && isAccountRoot),
          ),
          `${keyId}: only the account root may hold kms:* in the key policy (got ${wildcard.join(', ')} for ${JSON.stringify(statement.Principal)})`,
        );
      }
    }
    const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').filter(([, policy]) =>
      asArray(propertiesOf(policy).Topics).some((topic) => referencedLogicalId(topic) === topicId),
    );
    check(
      policies.some(([, policy]) =>
        statementsOf(propertiesOf(policy).PolicyDocument).some(
          (statement) =>
            statement.Effect === 'Allow' &&
            isRecord(statement.Principal) &&
            statement.Principal.Service === 'cloudwatch.amazonaws.com' &&
            strings(statement.Action).every((action) => action === 'sns:Publish') &&
            isRecord(statement.Condition) &&
            JSON.stringify(statement.Condition).includes('aws:SourceAccount'),
        ),
      ),
      `${topicId}: a topic policy must let cloudwatch.amazonaws.com sns:Publish, for this account's alarms only (aws:SourceAccount)`,
    );
    check(
      Object.values(template.Outputs ?? {}).some((output) => referencedLogicalId(output.Value) === topicId),
      `${topicId}: no stack output gives its ARN (people subscribe to it)`,
    );
  }

  // ── log groups ──────────────────────────────────────────────────────────────────────────────────
  for (const [id, group] of resourcesOfType(template, 'AWS::Logs::LogGroup')) {
    check(
      typeof propertiesOf(group).RetentionInDays === 'number',
      `${id}: no RetentionInDays (logs kept forever)`,
    );
  }

  return result();
}

type Check = (condition: boolean, reason: string) => boolean;

/**
 * The rules every identity statement of every template (the hub's and the member's) is held to: no
 * NotAction/NotResource, no wildcard action, `*` only for actions without a resource type, destructive
 * ECR actions only on repository ARNs, and sts:AssumeRole on a role ARN with a wildcard only with
 * aws:ResourceOrgID: the one wildcard the hub needs, for the member role in the accounts of OUs, known
 * only at run time (deploy/organization-hub.ts); the condition keeps it to the organization's accounts.
 */
export function checkIdentityStatement(id: string, statement: PolicyStatement, check: Check): void {
  check(statement.NotAction === undefined, `${id}: a statement uses NotAction`);
  check(statement.NotResource === undefined, `${id}: a statement uses NotResource`);
  if (statement.Effect !== 'Allow') return;
  const resourcesOfStatement = asArray(statement.Resource);
  const onStar = resourcesOfStatement.includes('*');
  for (const action of strings(statement.Action)) {
    check(!hasActionWildcard(action), `${id}: wildcard action "${action}"`);
    check(
      !onStar || RESOURCE_STAR_ACTIONS[action] !== undefined,
      `${id}: "${action}" is allowed on Resource "*"; scope it to ARNs (only actions without a resource type may use "*": deploy/template-guard/iam-rules.ts)`,
    );
    if (DESTRUCTIVE_ACTIONS.has(action) && !onStar) {
      check(
        resourcesOfStatement.every((resource) => isRepositoryArn(arnText(resource))),
        `${id}: destructive "${action}" must be scoped to ECR repository ARNs (got ${JSON.stringify(resourcesOfStatement)})`,
      );
    }
    if (
      action === 'sts:AssumeRole' &&
      resourcesOfStatement.some((resource) => arnText(resource).includes('*'))
    ) {
      const condition = isRecord(statement.Condition) ? statement.Condition : {};
      check(
        typeof conditionValue(condition, 'StringEquals', 'aws:ResourceOrgID') === 'string',
        `${id}: sts:AssumeRole on a role ARN pattern (${JSON.stringify(resourcesOfStatement)}) needs StringEquals aws:ResourceOrgID: the organization's accounts only`,
      );
    }
  }
}

/**
 * An event bus's resource policy: only events:PutEvents is admitted, and never from anyone: each Allow
 * names account principals, or `*` with aws:PrincipalOrgID, and (the member stacks' forwarding roles)
 * an aws:PrincipalArn.
 */
export function checkBusPolicy(busId: string, policy: unknown, check: Check): void {
  for (const statement of statementsOf(policy)) {
    if (statement.Effect !== 'Allow') continue;
    const condition = isRecord(statement.Condition) ? statement.Condition : {};
    check(
      strings(statement.Action).every((action) => action === 'events:PutEvents'),
      `${busId}: its policy admits ${JSON.stringify(statement.Action)}; a bus admits events:PutEvents only`,
    );
    const anyone =
      statement.Principal === '*' ||
      (isRecord(statement.Principal) && strings(statement.Principal.AWS).includes('*'));
    check(
      !anyone || typeof conditionValue(condition, 'StringEquals', 'aws:PrincipalOrgID') === 'string',
      `${busId}: its policy admits Principal "*" without StringEquals aws:PrincipalOrgID: any AWS account could put events`,
    );
    check(
      conditionValue(condition, 'ArnLike', 'aws:PrincipalArn') !== undefined ||
        conditionValue(condition, 'ArnEquals', 'aws:PrincipalArn') !== undefined,
      `${busId}: its policy admits PutEvents without an aws:PrincipalArn condition: only the member stacks' forwarding roles may put events`,
    );
  }
}

/** The patterns of a `ForAllValues:StringLike` / `ForAllValues:StringEquals` on `dynamodb:LeadingKeys`. */
function leadingKeysOf(condition: unknown): string[] {
  if (!isRecord(condition)) return [];
  return ['ForAllValues:StringLike', 'ForAllValues:StringEquals'].flatMap((operator) =>
    strings(conditionValue(condition, operator, 'dynamodb:LeadingKeys')),
  );
}

export function conditionValue(condition: Record<string, unknown>, operator: string, key: string): unknown {
  const byKey = condition[operator];
  return isRecord(byKey) ? byKey[key] : undefined;
}

/** `!Ref AWS::AccountId`, or a Fn::Sub of `${AWS::AccountId}` alone. */
export function isThisAccount(value: unknown): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
  return isRecord(value) && (value.Ref === 'AWS::AccountId' || value['Fn::Sub'] === '${AWS::AccountId}');
}

/** The Allow and Deny statements of every identity policy of the template: role inline policies and policies. */
export function identityStatements(template: CloudFormationTemplate): [string, PolicyStatement][] {
  return Object.entries(template.Resources ?? {}).flatMap(([id, resource]): [string, PolicyStatement][] => {
    const props = propertiesOf(resource);
    if (resource.Type === 'AWS::IAM::Role') {
      return asArray(props.Policies).flatMap((policy) =>
        isRecord(policy)
          ? statementsOf(policy.PolicyDocument).map((s): [string, PolicyStatement] => [id, s])
          : [],
      );
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      return statementsOf(props.PolicyDocument).map((s): [string, PolicyStatement] => [id, s]);
    }
    return [];
  });
}

export function statementContext(fn: FunctionModel, statement: PolicyStatement) {
  const targets = asArray(statement.Resource).map(referencedLogicalId);
  return {
    eventSource:
      targets.length > 0 && targets.every((id) => id !== undefined && fn.eventSourceQueues.includes(id)),
    failureDestination:
      fn.failureDestination?.logicalId !== undefined &&
      targets.length > 0 &&
      targets.every((id) => id === fn.failureDestination?.logicalId),
  };
}

/** An ARN as text: a string, or the template of an `Fn::Sub` with each `${Variable}` as `x`. */
export function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value)) {
    const sub = value['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
    if (typeof text === 'string') return text.replace(/\$\{[^}]+\}/g, 'x');
  }
  return '';
}

function alarms(template: CloudFormationTemplate): Record<string, unknown>[] {
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => propertiesOf(alarm));
}

function isStateTableFunction(key: string): key is StateTableFunction {
  return (STATE_TABLE_FUNCTIONS as readonly string[]).includes(key);
}
