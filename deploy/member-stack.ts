/**
 * The member stack of an Organizations hub (issue 15): what a service-managed StackSet deploys in each
 * governed account × region. This module starts with the EventBridge patterns the member stack
 * forwards to the hub bus; the template itself is built further down.
 */

/** An EventBridge event pattern, as serverless.yml writes them under `eventBridge.pattern`. */
export type EventPattern = Readonly<Record<string, unknown>>;

/**
 * The events a member account forwards to the hub bus: exactly the patterns of the detectors' rules on
 * the default bus in serverless.yml (test/package asserts they stay equal), so that a member's events
 * reach the same functions as the hub's own. Forwarded events keep their `account` and `region` (the
 * member's): the detectors check both against the governed directory.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 *
 * Keys are the forwarding rules' names in the member template (logical id `Forward<Key>Rule`).
 */
export const MEMBER_FORWARDED_EVENT_PATTERNS = {
  /** tagImmutability: the ECR repository-setting calls the repository guard reacts to, from CloudTrail. */
  RepositoryChanges: {
    source: ['aws.ecr'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ecr.amazonaws.com'],
      eventName: [
        'CreateRepository',
        'PutImageTagMutability',
        'SetRepositoryPolicy',
        'DeleteLifecyclePolicy',
        'PutRegistryScanningConfiguration',
      ],
      errorCode: [{ exists: false }],
    },
  },
  /** tagImmutability: successful pushes feed the tag ledger. */
  ImagePushes: {
    source: ['aws.ecr'],
    'detail-type': ['ECR Image Action'],
    detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
  },
  /** scanFindings: basic scanning, one event per completed scan. */
  ImageScans: {
    source: ['aws.ecr'],
    'detail-type': ['ECR Image Scan'],
  },
  /** scanFindings: enhanced scanning (Amazon Inspector), once per image after its first scan. */
  InspectorScans: {
    source: ['aws.inspector2'],
    'detail-type': ['Inspector2 Scan'],
  },
  /** scanFindings: enhanced scanning, once per package finding created, updated or closed. */
  InspectorFindings: {
    source: ['aws.inspector2'],
    'detail-type': ['Inspector2 Finding'],
    detail: { type: ['PACKAGE_VULNERABILITY'] },
  },
  /** replicationAudit: ECR emits it in the destination region. */
  ReplicationActions: {
    source: ['aws.ecr'],
    'detail-type': ['ECR Replication Action'],
  },
} as const satisfies Record<string, EventPattern>;

export type MemberForwardedEvent = keyof typeof MEMBER_FORWARDED_EVENT_PATTERNS;

// ── the member role and the forwarding rules ────────────────────────────────────────────────────────

/**
 * The hub functions that act in member accounts through the member role. The slack notifier never does:
 * it only reads the hub's own queue, table and parameters.
 */
export const MEMBER_ACCESS_FUNCTIONS = [
  'cleanupScheduler',
  'cleanupWorker',
  'tagImmutability',
  'scanFindings',
  'replicationAudit',
] as const;
export type MemberAccessFunction = (typeof MEMBER_ACCESS_FUNCTIONS)[number];

/**
 * What each hub function calls in a member account, one action a line. The member role gets, for each
 * function, the function's OWN statements for these actions (deploy/iam/, serverless.yml), so an action
 * is scoped in a member account exactly as in the hub's own account, and a write the config does not
 * grant the hub function (cleanup.dryRun, remediate) is not granted in the member account either. An
 * action listed here that the function's own role does not hold is not granted: add it to its builder
 * first. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
 */
/** The services whose calls act on an account's own resources: a member-access function's action of one of these is a member-account action (test/package/organization.test.ts holds the lists to it). */
export const MEMBER_ACCOUNT_SERVICES = [
  'ecr',
  'ecs',
  'lambda',
  'eks',
  'batch',
  'apprunner',
  'inspector2',
] as const;

/**
 * Own-account actions a member-access function never calls in a member account, so that the member
 * role never holds them. The worker reads the Kubernetes clusters of `cleanup.protect` (named by the
 * hub's config, in the hub's account or a workload account through its reader role) with its own role's
 * EKS access entries; a member account's in-use picture is its ECS and Lambda (and Batch, App Runner,
 * Inspector when configured: shared/inuse/in-use-sources.ts governedPlaceSources), never its clusters.
 */
export const HUB_ONLY_ACTIONS: Readonly<Partial<Record<MemberAccessFunction, readonly string[]>>> = {
  cleanupWorker: ['eks:ListClusters', 'eks:DescribeCluster'],
};

export const MEMBER_ACCOUNT_ACTIONS: Readonly<Record<MemberAccessFunction, readonly string[]>> = {
  cleanupScheduler: ['ecr:DescribeRepositories'],
  cleanupWorker: [
    'ecr:DescribeImages',
    'ecr:BatchGetImage',
    'ecr:GetLifecyclePolicy',
    'ecr:BatchDeleteImage',
    'ecr:UpdateImageStorageClass',
    // The in-use picture of the member account (deploy/iam/workload-read-iam.ts).
    'ecs:ListClusters',
    'ecs:ListServices',
    'ecs:ListTasks',
    'ecs:DescribeServices',
    // Service revisions (on main since the ecs-revisions merge): granted once the worker holds them.
    'ecs:ListServiceDeployments',
    'ecs:DescribeServiceRevisions',
    'ecs:DescribeTasks',
    'ecs:ListTaskDefinitions',
    'ecs:DescribeTaskDefinition',
    'lambda:ListFunctions',
    'lambda:GetFunction',
    'lambda:ListVersionsByFunction',
    'lambda:ListAliases',
    'batch:DescribeJobDefinitions',
    'apprunner:ListServices',
    'apprunner:DescribeService',
    'inspector2:ListCoverage',
  ],
  tagImmutability: [
    'ecr:DescribeRepositories',
    'ecr:DescribeImages',
    'ecr:BatchGetRepositoryScanningConfiguration',
    'ecr:GetLifecyclePolicy',
    'ecr:GetRepositoryPolicy',
    'ecr:GetRegistryScanningConfiguration',
    'ecr:PutImageTagMutability',
    'ecr:PutLifecyclePolicy',
    'ecr:PutRegistryScanningConfiguration',
    'ecs:ListClusters',
    'ecs:ListTasks',
    'ecs:DescribeTasks',
    'lambda:ListFunctions',
    'lambda:GetFunction',
  ],
  scanFindings: ['ecr:DescribeImageScanFindings'],
  replicationAudit: [
    'ecr:DescribeRegistry',
    'ecr:GetRegistryScanningConfiguration',
    'ecr:DescribeRepositories',
    'ecr:DescribeImages',
    'ecr:GetLifecyclePolicy',
    'ecr:GetRepositoryPolicy',
    'ecr:BatchGetRepositoryScanningConfiguration',
    'ecr:DescribeImageReplicationStatus',
    'ecr:StartReplicationBackfill',
    'ecr:PutImageTagMutability',
    'ecr:PutLifecyclePolicy',
    'ecr:SetRepositoryPolicy',
  ],
};

/** A statement as a function's role holds it (the packaged template's shape). */
export interface RoleStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable, not JavaScript
const OWN_REGION = '${AWS::Region}';

/**
 * A hub function's own-account statements, kept to the actions it calls in member accounts, in each
 * governed region: the role is global, so `${AWS::Region}` (the hub's region in the hub template) becomes
 * each governed region, while `${AWS::AccountId}` stays the account the member stack is in. Resources in
 * a named region (replication destinations, a cluster ARN) and `*` stay as they are.
 */
export function memberStatementsOf(
  fn: MemberAccessFunction,
  own: readonly RoleStatement[],
  regions: readonly string[],
): RoleStatement[] {
  const wanted = new Set(MEMBER_ACCOUNT_ACTIONS[fn]);
  return own.flatMap((statement): RoleStatement[] => {
    if (statement.Effect !== 'Allow') return [];
    const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
      (action) => wanted.has(action),
    );
    const resources = (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).flatMap(
      (resource) => inEachRegion(resource, regions),
    );
    if (actions.length === 0 || resources.length === 0) return [];
    return [
      {
        Effect: 'Allow',
        Action: actions,
        Resource: [...new Map(resources.map((resource) => [JSON.stringify(resource), resource])).values()],
        ...(statement.Condition === undefined ? {} : { Condition: statement.Condition }),
      },
    ];
  });
}

function inEachRegion(resource: unknown, regions: readonly string[]): unknown[] {
  // An ARN naming one account (a cluster given by ARN in the hub config) is that account's, not this one's.
  if (typeof resource === 'string' && /^arn:[^:]+:[^:]+:[^:]*:\d{12}:/.test(resource)) return [];
  const sub = isSub(resource) ? resource['Fn::Sub'] : undefined;
  if (typeof sub !== 'string' || !sub.includes(OWN_REGION)) return [resource];
  return regions.map((region) => ({ 'Fn::Sub': sub.replaceAll(OWN_REGION, region) }));
}

const isSub = (value: unknown): value is { 'Fn::Sub': unknown } =>
  typeof value === 'object' && value !== null && 'Fn::Sub' in value;

/** What the member template is built from: package-time facts of the hub, and the hub functions' statements. */
export interface MemberStackInput {
  /** `organization.memberRoleName`. */
  memberRoleName: string;
  /** `organization.organizationId`: the trust then requires aws:PrincipalOrgID. */
  organizationId?: string | undefined;
  /** `organization.regions`: where the member role acts, and where the StackSet deploys. */
  regions: readonly string[];
  /** The hub's region (`osls package --region`): the hub bus is there. */
  hubRegion: string;
  /** The hub bus's name (`<service>-<stage>-members`). */
  hubBusName: string;
  /** Each member-access function's role name in the hub and its own statements. */
  functions: Readonly<
    Record<MemberAccessFunction, { roleName: string; statements: readonly RoleStatement[] }>
  >;
}

/**
 * IAM's limit on one managed policy, whitespace not counted. Managed rather than inline policies: a
 * role's inline policies share 10,240 characters, which the per-region statements of a few regions
 * reach; each managed policy has its own 6,144 (a role takes 10 by default, 5 here).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const MANAGED_POLICY_LIMIT = 6_144;
// AWS::Events::Rule Name: 1-64 characters; IAM role names 1-64.
const MAX_NAME = 64;

/** The forwarding role's name in a region: fixed, so that the hub bus policy can name it by ARN pattern. */
export const forwardingRoleNamePattern = (memberRoleName: string): string => `${memberRoleName}-events-*`;

/** `MemberPolicyCleanupWorker`: the member role's policy for one hub function. */
export const memberPolicyLogicalId = (fn: MemberAccessFunction): string =>
  `MemberPolicy${fn.charAt(0).toUpperCase()}${fn.slice(1)}`;

export class MemberStackError extends Error {
  override name = 'MemberStackError';
}

/**
 * The member template (`.serverless/ecr-warden-member.json`): one template for every governed account and
 * region, for a service-managed StackSet. What differs per hub deployment is a parameter (HubAccountId);
 * what the config decides (actions, regions, role names) is built in at package time.
 *
 * - MemberRole (`organization.memberRoleName`), created once per account, in the stack instance of
 *   `RoleRegion` (IAM is global: a second instance with the same role name would fail), and not in the
 *   hub account itself (the hub's functions act there with their own roles). It trusts exactly the hub
 *   functions' roles (IAM resolves role principals when the policy is saved: deploy the hub first), with
 *   aws:PrincipalOrgID when the organization id is known.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * - One managed policy per hub function (MemberPolicy<Function>), from MEMBER_ACCOUNT_ACTIONS.
 * - The forwarding rules (one per MEMBER_FORWARDED_EVENT_PATTERNS entry) on this region's default bus,
 *   each targeting the hub bus with the region's forwarding role, which may only events:PutEvents on that
 *   bus and which only EventBridge of this account may assume (aws:SourceAccount). Not created in the hub
 *   account's own hub region, whose default bus the detectors already read.
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 */
export function memberStackTemplate(input: MemberStackInput): Record<string, unknown> {
  const longestRegion = Math.max(...input.regions.map((region) => region.length), input.hubRegion.length);
  const forwarderLength = `${input.memberRoleName}-events-`.length + longestRegion;
  if (forwarderLength > MAX_NAME) {
    throw new MemberStackError(
      `organization.memberRoleName "${input.memberRoleName}" is too long: the member stack's forwarding role "<memberRoleName>-events-<region>" would have ${forwarderLength} characters (IAM allows ${MAX_NAME})`,
    );
  }
  const policies = Object.fromEntries(
    MEMBER_ACCESS_FUNCTIONS.flatMap((fn) => {
      const statements = memberStatementsOf(fn, input.functions[fn].statements, input.regions);
      if (statements.length === 0) return [];
      const document = { Version: '2012-10-17', Statement: statements };
      const size = JSON.stringify(document).replace(/\s/g, '').length;
      if (size > MANAGED_POLICY_LIMIT) {
        throw new MemberStackError(
          `the member role's ${fn} policy would have ${size} characters, more than IAM's ${MANAGED_POLICY_LIMIT} for one managed policy: fewer repository globs or regions`,
        );
      }
      return [
        [
          memberPolicyLogicalId(fn),
          {
            Type: 'AWS::IAM::ManagedPolicy',
            Condition: 'CreatesMemberRole',
            Properties: {
              Description: `ecr-warden ${fn}: what it does in this account (MEMBER_ACCOUNT_ACTIONS)`,
              Roles: [{ Ref: 'MemberRole' }],
              PolicyDocument: document,
            },
          },
        ],
      ];
    }),
  );
  const roleRegion = input.regions.includes(input.hubRegion)
    ? input.hubRegion
    : (input.regions[0] ?? input.hubRegion);
  const hubRoleArns = MEMBER_ACCESS_FUNCTIONS.map((fn) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/${input.functions[fn].roleName}`,
  }));
  const hubBusArn = {
    'Fn::Sub': `arn:\${AWS::Partition}:events:\${HubRegion}:\${HubAccountId}:event-bus/${input.hubBusName}`,
  };
  const forwardingRoleName = { 'Fn::Sub': `${input.memberRoleName}-events-\${AWS::Region}` };

  const rules = Object.fromEntries(
    Object.entries(MEMBER_FORWARDED_EVENT_PATTERNS).map(([name, pattern]) => [
      `Forward${name}Rule`,
      {
        Type: 'AWS::Events::Rule',
        Condition: 'ForwardsEvents',
        Properties: {
          Description: `ecr-warden: forward ${name} to the hub bus`,
          EventPattern: pattern,
          State: 'ENABLED',
          Targets: [
            { Id: 'ecr-warden-hub', Arn: hubBusArn, RoleArn: { 'Fn::GetAtt': ['ForwardingRole', 'Arn'] } },
          ],
        },
      },
    ]),
  );

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'ecr-warden member stack: the role the ecr-warden hub functions assume in this account, and the rules that forward ECR, Inspector and CloudTrail events to the hub bus',
    Parameters: {
      HubAccountId: {
        Type: 'String',
        Description: 'The account the ecr-warden hub is deployed in',
        AllowedPattern: '^\\d{12}$',
        ConstraintDescription: 'a 12-digit AWS account id',
      },
      HubRegion: {
        Type: 'String',
        Description: 'The region of the ecr-warden hub (its bus)',
        Default: input.hubRegion,
        AllowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      },
      RoleRegion: {
        Type: 'String',
        Description: 'The one region whose stack instance creates the member role (IAM is global)',
        Default: roleRegion,
        AllowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      },
    },
    Conditions: {
      IsHubAccount: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, { Ref: 'HubAccountId' }] },
      IsRoleRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'RoleRegion' }] },
      IsHubRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'HubRegion' }] },
      CreatesMemberRole: {
        'Fn::And': [{ Condition: 'IsRoleRegion' }, { 'Fn::Not': [{ Condition: 'IsHubAccount' }] }],
      },
      ForwardsEvents: {
        'Fn::Not': [{ 'Fn::And': [{ Condition: 'IsHubAccount' }, { Condition: 'IsHubRegion' }] }],
      },
    },
    Resources: {
      MemberRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'CreatesMemberRole',
        Properties: {
          RoleName: input.memberRoleName,
          Description:
            'ecr-warden hub functions: governance of this account (reads; writes only as the hub config allows)',
          // Role chaining (a Lambda role assuming this one) caps the session at one hour anyway.
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: hubRoleArns },
                Action: 'sts:AssumeRole',
                ...(input.organizationId === undefined
                  ? {}
                  : { Condition: { StringEquals: { 'aws:PrincipalOrgID': input.organizationId } } }),
              },
            ],
          },
        },
      },
      ...policies,
      ForwardingRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'ForwardsEvents',
        Properties: {
          RoleName: forwardingRoleName,
          Description: 'EventBridge: forward ecr-warden events of this account and region to the hub bus',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sts:AssumeRole',
                // Only this account's rules (the confused deputy).
                Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'ecr-warden-forward-to-hub',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: [hubBusArn] }],
              },
            },
          ],
        },
      },
      ...rules,
    },
    Outputs: {
      MemberRoleArn: {
        Condition: 'CreatesMemberRole',
        Description: 'The role the ecr-warden hub functions assume in this account',
        Value: { 'Fn::GetAtt': ['MemberRole', 'Arn'] },
      },
    },
  };
}
