/**
 * The slice of a CloudFormation template the template guard reads: what `osls package` writes to
 * `.serverless/cloudformation-template-update-stack.json`. Values are loosely typed (intrinsic functions
 * anywhere), so the readers below check shapes instead of trusting them.
 */

export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CloudFormationTemplate {
  Parameters?: Record<string, unknown>;
  Resources?: Record<string, CloudFormationResource>;
  Outputs?: Record<string, { Value?: unknown; [key: string]: unknown }>;
}

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resourcesOfType(
  template: CloudFormationTemplate,
  type: string,
): [logicalId: string, resource: CloudFormationResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

export function propertiesOf(resource: CloudFormationResource | undefined): Record<string, unknown> {
  return isRecord(resource?.Properties) ? resource.Properties : {};
}

/** The logical id `{ Ref: X }`, `{ 'Fn::GetAtt': [X, ...] }` or `!GetAtt X.Arn` points at, if any. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** The statements of an IAM policy document (one statement or a list). */
export function statementsOf(document: unknown): PolicyStatement[] {
  if (!isRecord(document)) return [];
  return asArray(document.Statement).filter(isRecord) as PolicyStatement[];
}

/** Every identity-policy statement of an IAM role, inline policies and attached AWS::IAM::Policy both. */
export function roleStatements(template: CloudFormationTemplate, roleId: string): PolicyStatement[] {
  const role = template.Resources?.[roleId];
  const inline = asArray(propertiesOf(role).Policies).flatMap((policy) =>
    isRecord(policy) ? statementsOf(policy.PolicyDocument) : [],
  );
  const attached = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      asArray(propertiesOf(policy).Roles).some((r) => referencedLogicalId(r) === roleId),
    )
    .flatMap(([, policy]) => statementsOf(propertiesOf(policy).PolicyDocument));
  return [...inline, ...attached];
}

export const strings = (value: unknown): string[] =>
  asArray(value).filter((item): item is string => typeof item === 'string');

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': '<region>',
  'AWS::AccountId': '<account>',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * A resource as people read it: pseudo parameters become `aws`, `<region>`, `<account>`; a reference to
 * a resource of the template becomes its name (`sqs ecr-warden-<stage>-cleanup`), and the stage in
 * names becomes `<stage>`, so that the summary holds for every stage.
 */
export function describeResource(
  value: unknown,
  template: CloudFormationTemplate,
  naming: { service: string; stage: string },
): string {
  const prefix = `${naming.service}-${naming.stage}`;
  const unstage = (text: string) => text.split(prefix).join(`${naming.service}-<stage>`);
  if (typeof value === 'string') return unstage(value);
  if (!isRecord(value)) return JSON.stringify(value);
  if (typeof value.Ref === 'string') {
    return PSEUDO_PARAMETERS[value.Ref] ?? describeNamed(value.Ref, template, unstage);
  }
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string' || Array.isArray(sub)) {
    const text = typeof sub === 'string' ? sub : String(sub[0]);
    return unstage(
      text.replace(/\$\{([^}]+)\}/g, (_, name: string) => PSEUDO_PARAMETERS[name] ?? `<${name}>`),
    );
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map((part) => describeResource(part, template, naming)).join(join[0]);
  }
  const logicalId = referencedLogicalId(value);
  if (logicalId !== undefined) return describeNamed(logicalId, template, unstage);
  return JSON.stringify(value);
}

const NAME_PROPERTIES: Record<string, [kind: string, property: string]> = {
  'AWS::SQS::Queue': ['sqs', 'QueueName'],
  'AWS::DynamoDB::Table': ['dynamodb table', 'TableName'],
  'AWS::Events::EventBus': ['event bus', 'Name'],
  'AWS::SNS::Topic': ['sns', 'TopicName'],
  'AWS::Lambda::Function': ['lambda', 'FunctionName'],
};

function describeNamed(logicalId: string, template: CloudFormationTemplate, unstage: (s: string) => string) {
  const resource = template.Resources?.[logicalId];
  const naming = resource === undefined ? undefined : NAME_PROPERTIES[resource.Type];
  const name = naming === undefined ? undefined : propertiesOf(resource)[naming[1]];
  return naming !== undefined && typeof name === 'string' ? `${naming[0]} ${unstage(name)}` : logicalId;
}
