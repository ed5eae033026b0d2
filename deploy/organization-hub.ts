import type { OrganizationConfig } from '../shared/config/schema-organization';
import type { IamStatement } from './iam/iam-statement';
import { stateTableStatement } from './iam/state-table-iam';
import {
  forwardingRoleNamePattern,
  MEMBER_ACCESS_FUNCTIONS,
  type MemberAccessFunction,
  memberStackTemplate,
  type RoleStatement,
} from './member-stack';
import {
  asArray,
  type CloudFormationResource,
  type CloudFormationTemplate,
  isRecord,
  propertiesOf,
  referencedLogicalId,
  resourcesOfType,
} from './template-guard/cloudformation';
import { functionRoleName } from './workload-reader-role';

/**
 * The hub side of an Organizations deployment (issue 15), applied by scripts/organization-hub.cjs to the
 * template osls compiled, only when ecr-warden.yml has an `organization` section (without one the
 * template is left exactly as it is):
 *
 * - HubEventBus (`<service>-<stage>-members`), whose policy admits events:PutEvents only from the
 *   governed accounts' forwarding roles (the member stack's), never `*` alone;
 * - each detector rule of the default bus (an event pattern, function targets) repeated on the hub bus,
 *   with the same pattern and targets, so that a member's events reach the same functions;
 * - each member-access function's sts:AssumeRole on the member role, and the Organizations reads when
 *   accounts come from OUs;
 * - and the member template (deploy/member-stack.ts), built from those functions' statements as
 *   compiled, so that the member role is scoped like the hub's own statements.
 */

/** What the plugin needs of the config, checked at variable resolution (before anything is built). */
export interface OrganizationHubSettings {
  memberRoleName: string;
  regions: string[];
  /** Governed accounts listed by id, excluded ones removed. */
  accounts: string[];
  /** OUs (or roots) whose accounts are governed. */
  organizationalUnits: string[];
  excludeAccounts: string[];
  organizationId?: string;
  organizationsRoleArn?: string;
}

export interface HubNaming {
  service: string;
  stage: string;
  /** The region the hub is packaged for (`provider.region`). */
  region: string;
}

export class OrganizationHubError extends Error {
  override name = 'OrganizationHubError';
}

export const HUB_BUS_ID = 'HubEventBus';
export const hubBusName = (naming: Pick<HubNaming, 'service' | 'stage'>): string =>
  `${naming.service}-${naming.stage}-members`;

/**
 * The settings, or null without `organization`. OUs need `organizationId`: the hub can then name the
 * organization's accounts only by aws:PrincipalOrgID (bus policy) and aws:ResourceOrgID (AssumeRole),
 * and without it either would be open to every AWS account.
 */
export function organizationHubSettings(
  organization: OrganizationConfig | undefined,
): OrganizationHubSettings | null {
  if (organization === undefined) return null;
  const excluded = new Set(organization.excludeAccounts);
  const organizationalUnits = organization.organizationalUnits ?? [];
  if (organizationalUnits.length > 0 && organization.organizationId === undefined) {
    throw new OrganizationHubError(
      "organization.organizationId is needed with organization.organizationalUnits: the hub bus and the AssumeRole permission name the OUs' accounts by organization (aws:PrincipalOrgID, aws:ResourceOrgID)",
    );
  }
  return {
    memberRoleName: organization.memberRoleName,
    regions: [...organization.regions],
    accounts: (organization.accounts ?? []).filter((account) => !excluded.has(account)),
    organizationalUnits: [...organizationalUnits],
    excludeAccounts: [...organization.excludeAccounts],
    ...(organization.organizationId === undefined ? {} : { organizationId: organization.organizationId }),
    ...(organization.organizationsRoleArn === undefined
      ? {}
      : { organizationsRoleArn: organization.organizationsRoleArn }),
  };
}

/**
 * sts:AssumeRole on exactly the member role of each listed account; for OUs, whose accounts are known
 * only at run time, on the member role name in any account, with aws:ResourceOrgID equal to the
 * organization: the role must belong to an account of the organization.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 */
export function memberAssumeRoleStatements(settings: OrganizationHubSettings): IamStatement[] {
  const roleArn = (account: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/${settings.memberRoleName}`,
  });
  const statements: IamStatement[] = [];
  if (settings.accounts.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: [...new Set(settings.accounts)].sort().map(roleArn),
    });
  }
  if (settings.organizationalUnits.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: [roleArn('*')],
      Condition: { StringEquals: { 'aws:ResourceOrgID': settings.organizationId } },
    });
  }
  return statements;
}

/**
 * The Organizations reads of OU listings (shared/aws/organization-directory.ts), only with OUs: through
 * `organizationsRoleArn` when given (sts:AssumeRole on it alone), else the hub's own calls, scoped to the
 * organization's OUs, roots and accounts (the management account id is not known here: `*`).
 * DescribeOrganization names no resource type.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 */
export function organizationsReadStatements(settings: OrganizationHubSettings): IamStatement[] {
  if (settings.organizationalUnits.length === 0) return [];
  if (settings.organizationsRoleArn !== undefined) {
    return [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [settings.organizationsRoleArn] }];
  }
  const arn = (kind: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:organizations::*:${kind}/${settings.organizationId}/*`,
  });
  return [
    {
      Effect: 'Allow',
      Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      Resource: [arn('ou'), arn('root')],
    },
    { Effect: 'Allow', Action: ['organizations:ListParents'], Resource: [arn('account'), arn('ou')] },
    { Effect: 'Allow', Action: ['organizations:DescribeOrganization'], Resource: ['*'] },
  ];
}

/**
 * The hub bus policy: events:PutEvents from the member stacks' forwarding roles only (aws:PrincipalArn),
 * of the listed accounts (account principals) and, for OUs, of the organization's accounts under them
 * (aws:PrincipalOrgID and aws:PrincipalOrgPaths), the excluded accounts denied.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
export function hubBusPolicy(settings: OrganizationHubSettings, busArn: unknown): Record<string, unknown> {
  const fromForwarders = {
    ArnLike: {
      'aws:PrincipalArn': {
        'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${forwardingRoleNamePattern(settings.memberRoleName)}`,
      },
    },
  };
  const inOrganization =
    settings.organizationId === undefined ? {} : { 'aws:PrincipalOrgID': settings.organizationId };
  const root = (account: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:root` });
  const statements: Record<string, unknown>[] = [];
  if (settings.accounts.length > 0) {
    statements.push({
      Sid: 'GovernedAccountsForwarders',
      Effect: 'Allow',
      Principal: { AWS: [...new Set(settings.accounts)].sort().map(root) },
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: {
        ...fromForwarders,
        ...(settings.organizationId === undefined ? {} : { StringEquals: inOrganization }),
      },
    });
  }
  if (settings.organizationalUnits.length > 0) {
    statements.push({
      Sid: 'GovernedUnitsForwarders',
      Effect: 'Allow',
      // `*` with the organization and OU paths as conditions: the accounts of an OU are known at run time.
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: {
        ...fromForwarders,
        StringEquals: inOrganization,
        'ForAnyValue:StringLike': {
          // A path is `o-…/r-…/ou-…/…/`: a root is its first element, an OU may be at any depth.
          'aws:PrincipalOrgPaths': settings.organizationalUnits.map((unit) =>
            unit.startsWith('r-')
              ? `${settings.organizationId}/${unit}/*`
              : `${settings.organizationId}/*/${unit}/*`,
          ),
        },
      },
    });
    if (settings.excludeAccounts.length > 0) {
      statements.push({
        Sid: 'ExcludedAccounts',
        Effect: 'Deny',
        Principal: { AWS: [...new Set(settings.excludeAccounts)].sort().map(root) },
        Action: 'events:PutEvents',
        Resource: busArn,
      });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** A rule of the default bus that invokes functions on an event pattern: a detector's rule. */
function isDetectorRule(template: CloudFormationTemplate, rule: CloudFormationResource): boolean {
  const props = propertiesOf(rule);
  const targets = asArray(props.Targets);
  return (
    props.EventPattern !== undefined &&
    props.EventBusName === undefined &&
    targets.length > 0 &&
    targets.every((target) => {
      const id = isRecord(target) ? referencedLogicalId(target.Arn) : undefined;
      return id !== undefined && template.Resources?.[id]?.Type === 'AWS::Lambda::Function';
    })
  );
}

/** The functions that build the governed directory at cold start (organizationalUnits: from Organizations). */
const DIRECTORY_FUNCTIONS = [...MEMBER_ACCESS_FUNCTIONS, 'slackNotifier'] as const;
const isMemberAccessFunction = (key: string): key is MemberAccessFunction =>
  (MEMBER_ACCESS_FUNCTIONS as readonly string[]).includes(key);

/** The statements of a function's own inline policy (serverless-iam-roles-per-function), to extend in place. */
function policyStatementsOf(resources: Record<string, CloudFormationResource>, key: string): unknown[] {
  const policy = asArray(propertiesOf(resources[roleLogicalId(key)]).Policies)[0];
  const document = isRecord(policy) ? policy.PolicyDocument : undefined;
  if (
    resources[functionLogicalId(key)] === undefined ||
    !isRecord(document) ||
    !Array.isArray(document.Statement)
  ) {
    throw new OrganizationHubError(
      `${key}: no function ${functionLogicalId(key)} with an inline policy on ${roleLogicalId(key)} in the compiled template`,
    );
  }
  return document.Statement;
}

const functionLogicalId = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;
const roleLogicalId = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1)}IamRoleLambdaExecution`;

/**
 * Adds the hub's resources and statements to the compiled template (in place) and returns the member
 * template. Throws OrganizationHubError when a member-access function or its role is missing.
 */
export function applyOrganizationHub(
  template: CloudFormationTemplate,
  settings: OrganizationHubSettings,
  naming: HubNaming,
): Record<string, unknown> {
  const resources = template.Resources ?? {};
  template.Resources = resources;
  const busArn = { 'Fn::GetAtt': [HUB_BUS_ID, 'Arn'] };

  // The detectors' rules, repeated on the hub bus (same pattern, same targets), each with its permission.
  for (const [ruleId, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
    if (!isDetectorRule(template, rule)) continue;
    const props = propertiesOf(rule);
    const memberRuleId = `${ruleId}Members`;
    resources[memberRuleId] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        ...structuredClone(props),
        ...(typeof props.Name === 'string' ? { Name: `${props.Name}-members` } : {}),
        EventBusName: { Ref: HUB_BUS_ID },
      },
    };
    asArray(props.Targets).forEach((target, index) => {
      resources[`${memberRuleId}LambdaPermission${index + 1}`] = {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: isRecord(target) ? target.Arn : undefined,
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [memberRuleId, 'Arn'] },
        },
      };
    });
  }

  // The hub bus and its policy (the `Policy` property of AWS::Events::EventBus).
  resources[HUB_BUS_ID] = {
    Type: 'AWS::Events::EventBus',
    Properties: {
      Name: hubBusName(naming),
      Policy: hubBusPolicy(settings, {
        'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${hubBusName(naming)}`,
      }),
    },
  };
  template.Outputs = {
    ...(template.Outputs ?? {}),
    HubEventBusArn: {
      Description: 'The bus the member stacks forward their ECR, Inspector and CloudTrail events to',
      Value: busArn,
    },
  };

  // sts:AssumeRole and the Organizations reads for each function that acts in member accounts; the
  // Organizations reads alone for the notifier, which matches routes' OUs through the same directory.
  const functions = {} as Record<MemberAccessFunction, { roleName: string; statements: RoleStatement[] }>;
  for (const key of DIRECTORY_FUNCTIONS) {
    const statements = policyStatementsOf(resources, key);
    if (isMemberAccessFunction(key)) {
      functions[key] = {
        roleName: functionRoleName(naming.service, naming.stage, key, naming.region),
        statements: structuredClone(statements) as RoleStatement[],
      };
      statements.push(...memberAssumeRoleStatements(settings));
    }
    statements.push(...organizationsReadStatements(settings));
  }

  addHubScheduledWork(resources, naming);

  return memberStackTemplate({
    memberRoleName: settings.memberRoleName,
    ...(settings.organizationId === undefined ? {} : { organizationId: settings.organizationId }),
    regions: settings.regions,
    hubRegion: naming.region,
    hubBusName: hubBusName(naming),
    functions,
  });
}

/**
 * The functions whose scheduled work a hub fans out as one message per governed account × region
 * (shared/events/target-message.ts): each gets its own target queue, read by a second event source on
 * the same function (one target per invocation: a sweep or an audit of one account × region has the
 * function's whole timeout), with a dead-letter queue and its depth alarm, and `TARGET_QUEUE_URL`.
 */
export const TARGET_QUEUE_FUNCTIONS = [
  { key: 'tagImmutability', name: 'tag-immutability-targets', work: 'repository guard sweeps' },
  { key: 'replicationAudit', name: 'replication-audit-targets', work: 'replication audits' },
  { key: 'scanFindings', name: 'scan-findings-targets', work: 'vulnerability digests' },
] as const;

// After 3 receives a target message waits in the DLQ (as cleanup requests do); 14 days, SQS's longest.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
const TARGET_MAX_RECEIVES = 3;
const RETENTION_SECONDS = 1_209_600;
// Lambda's guidance for an SQS event source: a visibility timeout of at least six times the function's.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
const VISIBILITY_PER_TIMEOUT = 6;

function addHubScheduledWork(resources: Record<string, CloudFormationResource>, naming: HubNaming): void {
  const depthAlarm = Object.values(resources).find(
    (resource) =>
      resource.Type === 'AWS::CloudWatch::Alarm' &&
      propertiesOf(resource).MetricName === 'ApproximateNumberOfMessagesVisible',
  );
  for (const { key, name, work } of TARGET_QUEUE_FUNCTIONS) {
    const Key = `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
    const queueId = `${Key}TargetQueue`;
    const deadLetterId = `${Key}TargetDeadLetterQueue`;
    const fn = propertiesOf(resources[functionLogicalId(key)]);
    const timeout = typeof fn.Timeout === 'number' ? fn.Timeout : 900;
    resources[deadLetterId] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${naming.service}-${naming.stage}-${name}-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: RETENTION_SECONDS,
      },
    };
    resources[queueId] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${naming.service}-${naming.stage}-${name}`,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: VISIBILITY_PER_TIMEOUT * timeout,
        MessageRetentionPeriod: RETENTION_SECONDS,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
          maxReceiveCount: TARGET_MAX_RECEIVES,
        },
      },
    };
    resources[`${Key}EventSourceMappingSQS${queueId}`] = {
      Type: 'AWS::Lambda::EventSourceMapping',
      DependsOn: roleLogicalId(key),
      Properties: {
        BatchSize: 1,
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { 'Fn::GetAtt': [functionLogicalId(key), 'Arn'] },
        Enabled: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        // Bounds the ECR calls per second the fan-out makes across accounts.
        ScalingConfig: { MaximumConcurrency: 5 },
      },
    };
    environmentOf(fn).TARGET_QUEUE_URL = { Ref: queueId };
    policyStatementsOf(resources, key).push(
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [queueId, 'Arn'] }] },
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: [{ 'Fn::GetAtt': [queueId, 'Arn'] }],
      },
    );
    if (depthAlarm !== undefined) {
      resources[`${deadLetterId}DepthAlarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          ...structuredClone(propertiesOf(depthAlarm)),
          AlarmName: `${naming.service}-${naming.stage}-${name}-dlq-not-empty`,
          AlarmDescription: `${name}-dlq: ${work} of one governed account × region that failed ${TARGET_MAX_RECEIVES} times: read the error in ${key} logs, fix, then redrive`,
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }],
        },
      };
    }
  }

  // cleanupScheduler of a hub reports unreachable accounts itself, once per run: the ecr-warden bus
  // and its run-once records in the state table, as the worker has them.
  const worker = propertiesOf(resources[functionLogicalId('cleanupWorker')]);
  const scheduler = propertiesOf(resources[functionLogicalId('cleanupScheduler')]);
  const workerVariables = environmentOf(worker);
  const schedulerVariables = environmentOf(scheduler);
  schedulerVariables.EVENT_BUS_NAME = workerVariables.EVENT_BUS_NAME;
  schedulerVariables.STATE_TABLE_NAME = workerVariables.STATE_TABLE_NAME;
  policyStatementsOf(resources, 'cleanupScheduler').push(
    {
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [{ 'Fn::GetAtt': ['GovernanceEventBus', 'Arn'] }],
    },
    stateTableStatement('cleanupScheduler', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
  );
}

/** A compiled function's `Environment.Variables`, created when it has none. */
function environmentOf(properties: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(properties.Environment)) properties.Environment = { Variables: {} };
  const environment = properties.Environment as Record<string, unknown>;
  if (!isRecord(environment.Variables)) environment.Variables = {};
  return environment.Variables as Record<string, unknown>;
}
