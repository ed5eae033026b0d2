import { join } from 'node:path';
import { repositoryArnPatterns } from '../../deploy/iam/repository-guard-iam';
import { PACKAGE_ROOT, PACKAGE_STAGE } from '../../deploy/package-stack';
import { loadConfigFile } from '../../shared/config/load-config';
import {
  leadingKeyPatterns,
  readOnlyLeadingKeyPatterns,
  type StateTableFunction,
} from '../../shared/state/state-access';
import { getAtt } from './packaged-stack';

/**
 * The IAM statements each function's role must hold, besides its own log-group statement: exact
 * actions and resources (and condition). A function that is not listed here fails its test; add its
 * statements when adding the function, so that every permission is reviewed twice.
 *
 * Written from the committed ecr-warden.yml (loaded and validated as the functions load it), and
 * independently of the builders in deploy/iam/ that write the template's statements, except the
 * glob → IAM ARN pattern conversion (repositoryArnPatterns, unit-tested in
 * test/unit/immutability/repository-guard-iam.test.ts) and the state table's partition patterns
 * (leadingKeyPatterns, whose test proves them against the key builders).
 */
export interface ExpectedStatement {
  Action: string[];
  Resource: unknown[];
  Condition?: unknown;
}

export const wardenConfig = loadConfigFile(join(PACKAGE_ROOT, 'ecr-warden.yml'), 'ecr-warden.yml');

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable, not JavaScript
const THIS_REGION = '${AWS::Region}';
const ecrRepositories = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript
  'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*',
};
const regionalArn = (service: string, resource: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});
const ecrRepositoryArns = (regions: readonly string[], prefixes: readonly string[]) =>
  regions.flatMap((region) =>
    prefixes.map((prefix) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ecr:${region}:\${AWS::AccountId}:repository/${prefix}*`,
    })),
  );
const repositoryArnsOf = (rules: readonly { repositories: readonly string[] }[]) =>
  repositoryArnPatterns(rules.flatMap((rule) => rule.repositories)).map((pattern) =>
    regionalArn('ecr', `repository/${pattern}`),
  );
const governanceBusArn = regionalArn('events', `event-bus/ecr-warden-${PACKAGE_STAGE}`);
const sorted = <T>(values: Iterable<T>): T[] => [...new Set(values)].sort();

/**
 * A function's statement on the state table: the actions, on the table, and only on the partitions of
 * the key families it owns (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`).
 */
const onOwnStatePartitions = (key: StateTableFunction, actions: string[]): ExpectedStatement => ({
  Action: actions,
  Resource: [getAtt('StateTable')],
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(key) } },
});

/** A read-only statement on the families a function reads but does not own (the in-use index). */
const onSharedStatePartitions = (key: StateTableFunction, actions: string[]): ExpectedStatement => ({
  Action: actions,
  Resource: [getAtt('StateTable')],
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': readOnlyLeadingKeyPatterns(key) } },
});

/** The sqs event serverless-iam-roles-per-function adds: this queue and nothing else. */
const readsQueue = (queueId: string): ExpectedStatement => ({
  Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  Resource: [getAtt(queueId)],
});
const sendsTo = (queueId: string): ExpectedStatement => ({
  Action: ['sqs:SendMessage'],
  Resource: [getAtt(queueId)],
});
const unlessEmpty = (resources: unknown[], statement: (resources: unknown[]) => ExpectedStatement) =>
  resources.length === 0 ? [] : [statement(resources)];

/**
 * cleanupWorker may delete (and read) images only in the repositories cleanup.rules covers; it writes
 * only where a rule can make it: none in a dry run; a `native` rule can expire and transition, a written
 * policy only what its actions say.
 */
function cleanupWorkerStatements(): ExpectedStatement[] {
  const { cleanup } = wardenConfig;
  const writeArns = (actionType: string) =>
    cleanup.dryRun
      ? []
      : repositoryArnsOf(
          cleanup.rules.filter(
            (rule) => rule.policy === 'native' || rule.policy.rules.some((r) => r.action.type === actionType),
          ),
        );
  return [
    readsQueue('CleanupQueue'),
    ...unlessEmpty(writeArns('expire'), (Resource) => ({ Action: ['ecr:BatchDeleteImage'], Resource })),
    ...unlessEmpty(writeArns('transition'), (Resource) => ({
      Action: ['ecr:UpdateImageStorageClass'],
      Resource,
    })),
    ...unlessEmpty(repositoryArnsOf(cleanup.rules), (Resource) => ({
      Action: ['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy'],
      Resource,
    })),
    // Read-only ECS and Lambda: scoped where the action has a resource type, else "*".
    {
      Action: ['ecs:DescribeServices', 'ecs:ListServiceDeployments'],
      Resource: [regionalArn('ecs', 'service/*')],
    },
    // DescribeServiceRevisions requires both resource types, `service` and `service-revision`.
    {
      Action: ['ecs:DescribeServiceRevisions'],
      Resource: [regionalArn('ecs', 'service/*'), regionalArn('ecs', 'service-revision/*')],
    },
    { Action: ['ecs:DescribeTasks'], Resource: [regionalArn('ecs', 'task/*')] },
    {
      Action: [
        'ecs:ListClusters',
        'ecs:ListServices',
        'ecs:ListTasks',
        'ecs:ListTaskDefinitions',
        'ecs:DescribeTaskDefinition',
      ],
      Resource: ['*'],
    },
    { Action: ['lambda:ListFunctions'], Resource: ['*'] },
    {
      Action: ['lambda:GetFunction', 'lambda:ListVersionsByFunction', 'lambda:ListAliases'],
      Resource: [regionalArn('lambda', 'function:*')],
    },
    { Action: ['events:PutEvents'], Resource: [getAtt('GovernanceEventBus')] },
    onOwnStatePartitions('cleanupWorker', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ]),
  ];
}

/**
 * slackNotifier reads exactly the SecureString parameters the routes name, by ARN. No statement without
 * routes (IAM refuses one without resources), and no kms:Decrypt (the aws/ssm key's policy covers it).
 */
function slackNotifierStatements(): ExpectedStatement[] {
  const webhookParameters = sorted(wardenConfig.notifications.routes.map((route) => route.webhookParameter));
  return [
    readsQueue('NotificationQueue'),
    ...unlessEmpty(
      webhookParameters.map((name) => regionalArn('ssm', `parameter${name}`)),
      (Resource) => ({ Action: ['ssm:GetParameter'], Resource }),
    ),
    // Idempotency records: get, conditional put, conditional delete; never UpdateItem.
    onOwnStatePartitions('slackNotifier', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
    // Parks a message still failing at its 2nd receive in its own DLQ, so that the FIFO group moves on.
    sendsTo('NotificationDeadLetterQueue'),
  ];
}

/**
 * tagImmutability (the repository guard) reads the repositories immutability.rules cover, each read
 * only when a rule needs it, and writes only where a rule turns remediation on and dryRun is false.
 */
function repositoryGuardStatements(): ExpectedStatement[] {
  const guard = wardenConfig.immutability;
  const actionsAndRules: [string, typeof guard.rules][] = [
    ['ecr:DescribeImages', guard.rules],
    ['ecr:BatchGetRepositoryScanningConfiguration', guard.rules.filter((rule) => rule.scanning)],
    ['ecr:GetLifecyclePolicy', guard.rules.filter((rule) => rule.lifecyclePolicy)],
    ['ecr:GetRepositoryPolicy', guard.rules.filter((rule) => rule.repositoryPolicy)],
    ...(guard.dryRun
      ? []
      : ([
          ['ecr:PutImageTagMutability', guard.rules.filter((rule) => rule.remediate)],
          ['ecr:PutLifecyclePolicy', guard.rules.filter((rule) => rule.lifecyclePolicy?.remediate)],
        ] as [string, typeof guard.rules][])),
  ];
  // One statement per set of resources, with every action on exactly those resources.
  const actionsByResources = new Map<string, string[]>();
  for (const [action, rules] of actionsAndRules) {
    if (rules.length === 0) continue;
    const key = JSON.stringify(repositoryArnsOf(rules));
    actionsByResources.set(key, [...(actionsByResources.get(key) ?? []), action]);
  }
  const protectsTags = guard.rules.some((rule) => rule.protectedTags.length > 0);
  const remediatesScanning = !guard.dryRun && guard.rules.some((rule) => rule.scanning?.remediate);
  return [
    { Action: ['ecr:DescribeRepositories'], Resource: [ecrRepositories] },
    ...[...actionsByResources].map(([resources, actions]) => ({
      Action: actions,
      Resource: JSON.parse(resources) as unknown[],
    })),
    // Registry-level actions: IAM has no resource type for them.
    ...(remediatesScanning
      ? [
          {
            Action: ['ecr:GetRegistryScanningConfiguration', 'ecr:PutRegistryScanningConfiguration'],
            Resource: ['*'],
          },
        ]
      : []),
    // "Is the previous image still in use?" for Tag Moved: list actions on "*", describes scoped.
    ...(protectsTags
      ? [
          { Action: ['ecs:ListClusters', 'ecs:ListTasks', 'lambda:ListFunctions'], Resource: ['*'] },
          { Action: ['ecs:DescribeTasks'], Resource: [regionalArn('ecs', 'task/*')] },
          { Action: ['lambda:GetFunction'], Resource: [regionalArn('lambda', 'function:*')] },
          // ... and where it runs, from the cleanup worker's in-use index: one GetItem, read only.
          onSharedStatePartitions('tagImmutability', ['dynamodb:GetItem']),
        ]
      : []),
    // Tag and drift ledgers, idempotency records.
    onOwnStatePartitions('tagImmutability', [
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]),
    { Action: ['events:PutEvents'], Resource: [getAtt('GovernanceEventBus')] },
    sendsTo('TagImmutabilityFailureQueue'),
  ];
}

/**
 * replicationAudit reads ECR in this region and replication.destinationRegions, on the repositories
 * replication.repositoryPrefixes covers (every repository without prefixes), and writes only when
 * replication.remediate has dryRun: false.
 */
function replicationAuditStatements(): ExpectedStatement[] {
  const { replication } = wardenConfig;
  const destinations = sorted(replication.destinationRegions);
  const prefixes =
    replication.repositoryPrefixes.length === 0 ? [''] : sorted(replication.repositoryPrefixes);
  const remediation =
    replication.remediate !== undefined && !replication.remediate.dryRun ? replication.remediate : undefined;
  const ALIGN_ACTIONS = {
    'tag-mutability': 'ecr:PutImageTagMutability',
    'lifecycle-policy': 'ecr:PutLifecyclePolicy',
    'repository-policy': 'ecr:SetRepositoryPolicy',
  } as const;
  const alignActions = [
    ...new Set((remediation?.alignSettings ?? []).map((setting) => ALIGN_ACTIONS[setting])),
  ];
  return [
    {
      Action: ['ecr:DescribeRepositories'],
      Resource: ecrRepositoryArns([THIS_REGION, ...destinations], ['']),
    },
    {
      Action: [
        'ecr:BatchGetRepositoryScanningConfiguration',
        'ecr:DescribeImages',
        'ecr:GetLifecyclePolicy',
        'ecr:GetRepositoryPolicy',
      ],
      Resource: ecrRepositoryArns([THIS_REGION, ...destinations], prefixes),
    },
    {
      Action: ['ecr:DescribeImageReplicationStatus'],
      Resource: ecrRepositoryArns([THIS_REGION], prefixes),
    },
    // Registry-level reads: no resource type exists for them.
    { Action: ['ecr:DescribeRegistry', 'ecr:GetRegistryScanningConfiguration'], Resource: ['*'] },
    { Action: ['events:PutEvents'], Resource: [governanceBusArn] },
    sendsTo('ReplicationAuditFailureQueue'),
    // Idempotency records of failure alerts.
    onOwnStatePartitions('replicationAudit', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
    ...(remediation?.backfill ? [{ Action: ['ecr:StartReplicationBackfill'], Resource: ['*'] }] : []),
    ...(alignActions.length > 0 && destinations.length > 0
      ? [{ Action: alignActions, Resource: ecrRepositoryArns(destinations, prefixes) }]
      : []),
  ];
}

export const EXPECTED_STATEMENTS: Readonly<Record<string, ExpectedStatement[]>> = {
  cleanupScheduler: [
    { Action: ['ecr:DescribeRepositories'], Resource: [ecrRepositories] },
    sendsTo('CleanupQueue'),
    sendsTo('CleanupSchedulerFailureQueue'),
  ],
  cleanupWorker: cleanupWorkerStatements(),
  slackNotifier: slackNotifierStatements(),
  scanFindings: [
    // Read-only scan findings; nothing that changes the registry.
    { Action: ['ecr:DescribeImageScanFindings'], Resource: [ecrRepositories] },
    { Action: ['events:PutEvents'], Resource: [governanceBusArn] },
    // The findings ledger and the idempotency records of alerts: never UpdateItem, Scan or BatchWriteItem.
    onOwnStatePartitions('scanFindings', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]),
    // Where an alerted image runs: the cleanup worker's in-use index, read only.
    onSharedStatePartitions('scanFindings', ['dynamodb:GetItem', 'dynamodb:Query']),
    sendsTo('ScanFindingsFailureQueue'),
  ],
  tagImmutability: repositoryGuardStatements(),
  replicationAudit: replicationAuditStatements(),
};
