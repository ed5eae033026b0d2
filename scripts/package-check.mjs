#!/usr/bin/env node
/**
 * `npm run package:check`: package the service offline and check what would be deployed.
 *
 * 1. Runs `npx osls package --stage ci` from a clean `.serverless/`, with no AWS credentials, no AWS
 *    config files, and every DNS lookup or TCP connection refused (scripts/block-network.cjs).
 * 2. Reads `.serverless/cloudformation-template-update-stack.json` and `serverless-state.json` and
 *    checks each function: Lambda resource, runtime, architecture, own IAM role with exactly the
 *    statements listed in EXPECTED_STATEMENTS below, environment, events, on-failure path, log
 *    retention; across the template, the template guard's rules (deploy/template-guard/guard-template.ts:
 *    IAM scoping, failure paths and their alarms, the alarm topic), and encrypted queues; DynamoDB tables on demand, KMS-encrypted, with point-in-time
 *    recovery; the state table built from shared/state/table-definition.ts (keys, TTL, protection per
 *    stage) and exported as the StateTableName output.
 * 3. Opens each zip artifact: a minified bundle with its source map, nothing from node_modules, and no
 *    `require` of a package that is not in the bundle.
 * 4. Prints the permissions of every function (what, on which resources, why) and checks that README.md
 *    holds the same summary (`--write`, i.e. `npm run docs:permissions`, updates it).
 *
 * Prints one line per failed check and exits 1, or prints a summary and exits 0.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZipEntries } from './zip-entries.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const serverlessDir = join(root, '.serverless');
const STAGE = 'ci';
/** `--write`: update README.md's permissions summary instead of failing when it is stale. */
const WRITE_README = process.argv.includes('--write');
const LOG_RETENTION_DAYS = 30;

/** The public contract of function keys (DESIGN.md). */
const FUNCTION_KEYS = [
  'cleanupScheduler',
  'cleanupWorker',
  'tagImmutability',
  'scanFindings',
  'replicationAudit',
  'slackNotifier',
];

const getAtt = (logicalId) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const ecrRepositories = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript
  'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*',
};

/**
 * The webhook parameters that `notifications.routes` of ecr-warden.yml names (loaded through tsx and
 * validated as the functions do). slackNotifier may read exactly these, by ARN; the ARN is built here
 * independently of deploy/iam/slack-notifier-iam.ts, which builds the template's statement.
 */
const wardenConfig = createRequire(import.meta.url)('tsx/cjs/api')
  .require('../shared/config/load-config.ts', fileURLToPath(import.meta.url))
  .loadConfigFile(join(root, 'ecr-warden.yml'), 'ecr-warden.yml');
const webhookParameters = [
  ...new Set(wardenConfig.notifications.routes.map((route) => route.webhookParameter)),
].sort();
const ssmParameterArn = (name) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
});

/**
 * replicationAudit reads ECR in this region and replication.destinationRegions, on the repositories
 * replication.repositoryPrefixes covers (every repository without prefixes), and writes only when
 * replication.remediate has dryRun: false. Built here independently of deploy/iam/replication-audit-iam.ts.
 */
const replication = wardenConfig.replication;
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable, not JavaScript
const THIS_REGION = '${AWS::Region}';
const replicationDestinations = [...new Set(replication.destinationRegions)].sort();
const replicationPrefixes =
  replication.repositoryPrefixes.length === 0 ? [''] : [...new Set(replication.repositoryPrefixes)].sort();
const ecrRepositoryArns = (regions, prefixes) =>
  regions.flatMap((region) =>
    prefixes.map((prefix) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ecr:${region}:\${AWS::AccountId}:repository/${prefix}*`,
    })),
  );
const replicationRemediation =
  replication.remediate !== undefined && !replication.remediate.dryRun ? replication.remediate : undefined;
const replicationAlignActions = [
  ...new Set(
    (replicationRemediation?.alignSettings ?? []).map(
      (setting) =>
        ({
          'tag-mutability': 'ecr:PutImageTagMutability',
          'lifecycle-policy': 'ecr:PutLifecyclePolicy',
          'repository-policy': 'ecr:SetRepositoryPolicy',
        })[setting],
    ),
  ),
];

/**
 * tagImmutability (the repository guard) reads the repositories immutability.rules cover, each read only
 * when a rule needs it, and writes only where a rule turns remediation on and dryRun is false. Built here
 * independently of deploy/iam/repository-guard-iam.ts, except the glob → IAM ARN pattern conversion
 * (repositoryArnPatterns, unit-tested in test/unit/immutability/repository-guard-iam.test.ts).
 */
const guard = wardenConfig.immutability;
const tsxRequire = (module) =>
  createRequire(import.meta.url)('tsx/cjs/api').require(module, fileURLToPath(import.meta.url));
const { repositoryArnPatterns } = tsxRequire('../deploy/iam/repository-guard-iam.ts');
const { WATCHED_API_CALL_NAMES } = tsxRequire('../shared/immutability/api-call.ts');
const guardRepositoryArns = (rules) =>
  repositoryArnPatterns(rules.flatMap((rule) => rule.repositories)).map((pattern) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${pattern}`,
  }));
const guardRepositoryActions = [
  ['ecr:DescribeImages', guard.rules],
  ['ecr:BatchGetRepositoryScanningConfiguration', guard.rules.filter((rule) => rule.scanning)],
  ['ecr:GetLifecyclePolicy', guard.rules.filter((rule) => rule.lifecyclePolicy)],
  ['ecr:GetRepositoryPolicy', guard.rules.filter((rule) => rule.repositoryPolicy)],
  ...(guard.dryRun
    ? []
    : [
        ['ecr:PutImageTagMutability', guard.rules.filter((rule) => rule.remediate)],
        ['ecr:PutLifecyclePolicy', guard.rules.filter((rule) => rule.lifecyclePolicy?.remediate)],
      ]),
].filter(([, rules]) => rules.length > 0);
const guardStatementsByResources = new Map();
for (const [action, rules] of guardRepositoryActions) {
  const key = JSON.stringify(guardRepositoryArns(rules));
  guardStatementsByResources.set(key, [...(guardStatementsByResources.get(key) ?? []), action]);
}
const guardProtectsTags = guard.rules.some((rule) => rule.protectedTags.length > 0);
const guardRemediatesScanning = !guard.dryRun && guard.rules.some((rule) => rule.scanning?.remediate);

/**
 * cleanupWorker may delete (and read) images only in the repositories cleanup.rules covers: the globs'
 * IAM patterns (repositoryArnPatterns, shared with the repository guard and unit-tested there).
 */
const regionalArn = (service, resource) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});
const repositoryArnsOf = (rules) =>
  repositoryArnPatterns(rules.flatMap((rule) => rule.repositories)).map((pattern) =>
    regionalArn('ecr', `repository/${pattern}`),
  );
const cleanupRepositoryArns = repositoryArnsOf(wardenConfig.cleanup.rules);
// Writes only where a rule can make them: none in a dry run; a `native` rule can expire and transition,
// a written policy only what its actions say.
const cleanupWriteArns = (actionType) =>
  wardenConfig.cleanup.dryRun
    ? []
    : repositoryArnsOf(
        wardenConfig.cleanup.rules.filter(
          (rule) => rule.policy === 'native' || rule.policy.rules.some((r) => r.action.type === actionType),
        ),
      );
const cleanupDeleteArns = cleanupWriteArns('expire');
const cleanupArchiveArns = cleanupWriteArns('transition');

/**
 * A function's statement on the state table: the actions, on the table, and only on the partitions of the
 * key families it owns (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`). The patterns come from
 * shared/state/state-access.ts, whose test proves them against the key builders; the statement's shape
 * is written here independently of deploy/iam/state-table-iam.ts.
 */
const { leadingKeyPatterns } = tsxRequire('../shared/state/state-access.ts');
const onOwnStatePartitions = (key, actions) => ({
  Action: actions,
  Resource: [getAtt('StateTable')],
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(key) } },
});

/**
 * The IAM statements each function's role must hold, besides its own log-group statement: exact
 * actions and resources. A function that is not listed here fails the check; add its statements when
 * adding the function, so that every permission is reviewed twice.
 */
// Today's bundles are 326-576 KB minified (bench/init-time.mjs): the 600 KB ceiling catches a YAML
// parser (115 KB), classic zod instead of zod/mini (about 60 KB: one classic import keeps it), zod's
// locales (all of them instead of `en` alone: 290 KB) or the SDK's full credential chain (100 KB)
// coming back, each of which init pays for on every cold start.
const BUNDLE_CEILING_BYTES = 600_000;

const EXPECTED_STATEMENTS = {
  cleanupScheduler: [
    { Action: ['ecr:DescribeRepositories'], Resource: [ecrRepositories] },
    { Action: ['sqs:SendMessage'], Resource: [getAtt('CleanupQueue')] },
    { Action: ['sqs:SendMessage'], Resource: [getAtt('CleanupSchedulerFailureQueue')] },
  ],
  cleanupWorker: [
    // Its sqs event, added by serverless-iam-roles-per-function: the cleanup queue and nothing else.
    {
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: [getAtt('CleanupQueue')],
    },
    // Deletes and archives only where a rule can (never in a dry run), and reads, only in the
    // repositories cleanup.rules covers (none without a rule).
    ...(cleanupDeleteArns.length === 0
      ? []
      : [{ Action: ['ecr:BatchDeleteImage'], Resource: cleanupDeleteArns }]),
    ...(cleanupArchiveArns.length === 0
      ? []
      : [{ Action: ['ecr:UpdateImageStorageClass'], Resource: cleanupArchiveArns }]),
    ...(cleanupRepositoryArns.length === 0
      ? []
      : [
          {
            Action: ['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy'],
            Resource: cleanupRepositoryArns,
          },
        ]),
    // Read-only ECS and Lambda: scoped where the action has a resource type, else "*".
    { Action: ['ecs:DescribeServices'], Resource: [regionalArn('ecs', 'service/*')] },
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
  ],
  slackNotifier: [
    // Its sqs event, added by serverless-iam-roles-per-function: its own queue and nothing else.
    {
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: [getAtt('NotificationQueue')],
    },
    // Webhook URLs: exactly the SecureString parameters the routes name. No statement without routes (IAM
    // refuses one without resources), and no kms:Decrypt (the aws/ssm key's policy covers decryption).
    ...(webhookParameters.length === 0
      ? []
      : [{ Action: ['ssm:GetParameter'], Resource: webhookParameters.map(ssmParameterArn) }]),
    // Idempotency records: get, conditional put, conditional delete; never UpdateItem.
    onOwnStatePartitions('slackNotifier', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
    // Parks a message still failing at its 2nd receive in its own DLQ, so that the FIFO group moves on.
    { Action: ['sqs:SendMessage'], Resource: [getAtt('NotificationDeadLetterQueue')] },
  ],
  scanFindings: [
    // Read-only scan findings; nothing that changes the registry.
    { Action: ['ecr:DescribeImageScanFindings'], Resource: [ecrRepositories] },
    {
      Action: ['events:PutEvents'],
      Resource: [
        {
          'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/ecr-warden-${STAGE}`,
        },
      ],
    },
    // The findings ledger and the idempotency records of alerts: never UpdateItem, Scan or BatchWriteItem.
    onOwnStatePartitions('scanFindings', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]),
    { Action: ['sqs:SendMessage'], Resource: [getAtt('ScanFindingsFailureQueue')] },
  ],
  tagImmutability: [
    { Action: ['ecr:DescribeRepositories'], Resource: [ecrRepositories] },
    ...[...guardStatementsByResources].map(([resources, actions]) => ({
      Action: actions,
      Resource: JSON.parse(resources),
    })),
    // Registry-level actions: IAM has no resource type for them.
    ...(guardRemediatesScanning
      ? [
          {
            Action: ['ecr:GetRegistryScanningConfiguration', 'ecr:PutRegistryScanningConfiguration'],
            Resource: ['*'],
          },
        ]
      : []),
    // "Is the previous image still in use?" for Tag Moved: list actions on "*", describes scoped.
    ...(guardProtectsTags
      ? [
          { Action: ['ecs:ListClusters', 'ecs:ListTasks', 'lambda:ListFunctions'], Resource: ['*'] },
          {
            Action: ['ecs:DescribeTasks'],
            Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task/*` }],
          },
          {
            Action: ['lambda:GetFunction'],
            Resource: [
              { 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:*` },
            ],
          },
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
    { Action: ['sqs:SendMessage'], Resource: [getAtt('TagImmutabilityFailureQueue')] },
  ],
  replicationAudit: [
    {
      Action: ['ecr:DescribeRepositories'],
      Resource: ecrRepositoryArns([THIS_REGION, ...replicationDestinations], ['']),
    },
    {
      Action: [
        'ecr:BatchGetRepositoryScanningConfiguration',
        'ecr:DescribeImages',
        'ecr:GetLifecyclePolicy',
        'ecr:GetRepositoryPolicy',
      ],
      Resource: ecrRepositoryArns([THIS_REGION, ...replicationDestinations], replicationPrefixes),
    },
    {
      Action: ['ecr:DescribeImageReplicationStatus'],
      Resource: ecrRepositoryArns([THIS_REGION], replicationPrefixes),
    },
    // Registry-level reads: no resource type exists for them.
    { Action: ['ecr:DescribeRegistry', 'ecr:GetRegistryScanningConfiguration'], Resource: ['*'] },
    {
      Action: ['events:PutEvents'],
      Resource: [
        {
          'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/ecr-warden-${STAGE}`,
        },
      ],
    },
    { Action: ['sqs:SendMessage'], Resource: [getAtt('ReplicationAuditFailureQueue')] },
    // Idempotency records of failure alerts.
    onOwnStatePartitions('replicationAudit', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
    ...(replicationRemediation?.backfill
      ? [{ Action: ['ecr:StartReplicationBackfill'], Resource: ['*'] }]
      : []),
    ...(replicationAlignActions.length > 0 && replicationDestinations.length > 0
      ? [
          {
            Action: replicationAlignActions,
            Resource: ecrRepositoryArns(replicationDestinations, replicationPrefixes),
          },
        ]
      : []),
  ],
};

/**
 * The state table as shared/state/table-definition.ts defines it (loaded through tsx, as serverless.yml's
 * variable source loads it): the template must hold exactly this key schema and TTL attribute.
 */
const STATE_TABLE_ID = 'StateTable';
const stateTableDefinition = createRequire(import.meta.url)('tsx/cjs/api').require(
  '../shared/state/table-definition.ts',
  fileURLToPath(import.meta.url),
);

/** Requires a bundle may leave unresolved: optional packages the AWS SDK loads inside try/catch. */
const OPTIONAL_REQUIRES = new Set(['@aws-sdk/signature-v4-crt', 'aws-crt']);

const failures = [];
let checks = 0;
function check(condition, reason) {
  checks += 1;
  if (!condition) failures.push(reason);
  return Boolean(condition);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const asArray = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

// ── 1. Package ────────────────────────────────────────────────────────────────────────────────────

const startedAt = performance.now();
rmSync(serverlessDir, { recursive: true, force: true });

const scratch = mkdtempSync(join(tmpdir(), 'ecr-warden-package-check-'));
const networkLog = join(scratch, 'network-attempts.log');
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^AWS_/.test(name)));
Object.assign(env, {
  // No credentials anywhere: no profile files, no instance metadata.
  AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
  AWS_CONFIG_FILE: join(scratch, 'no-config'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  CI: '1',
  // osls 4.3.1 has no telemetry, update check or notifications (removed from the fork; its source reads
  // none of these variables). Set anyway so that a swap to another framework build stays quiet.
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  // What osls does read: fail on deprecated configuration instead of printing a warning.
  SLS_DEPRECATION_NOTIFICATION_MODE: 'error',
  npm_config_update_notifier: 'false',
  npm_config_offline: 'true',
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ''} --require ${join(root, 'scripts', 'block-network.cjs')}`.trim(),
  PACKAGE_CHECK_NETWORK_LOG: networkLog,
});

const packaging = spawnSync('npx', ['--no-install', 'osls', 'package', '--stage', STAGE], {
  cwd: root,
  env,
  encoding: 'utf8',
});
const packagingSeconds = (performance.now() - startedAt) / 1000;
const networkAttempts = existsSync(networkLog) ? readFileSync(networkLog, 'utf8').trim().split('\n') : [];
rmSync(scratch, { recursive: true, force: true });

if (packaging.status !== 0) {
  process.stderr.write(`${packaging.stdout ?? ''}${packaging.stderr ?? ''}\n`);
  finish([
    `osls package --stage ${STAGE} failed (exit ${packaging.status ?? packaging.signal}): see its output above`,
  ]);
}
for (const attempt of networkAttempts) check(false, attempt);

// ── 2. Template ──────────────────────────────────────────────────────────────────────────────────

const template = readJson(join(serverlessDir, 'cloudformation-template-update-stack.json'));
const state = readJson(join(serverlessDir, 'serverless-state.json'));
const resources = template.Resources ?? {};
const functions = state.service.functions ?? {};
const byType = (type) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const normalize = (key) =>
  `${key.charAt(0).toUpperCase()}${key.slice(1)}`.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');

check(Object.keys(functions).length > 0, 'serverless.yml defines no function');
const roleUsers = new Map();

for (const [key, fn] of Object.entries(functions)) {
  check(
    FUNCTION_KEYS.includes(key),
    `function "${key}" is not one of the contract keys (${FUNCTION_KEYS.join(', ')})`,
  );
  const logicalId = `${normalize(key)}LambdaFunction`;
  const lambda = resources[logicalId];
  if (
    !check(lambda?.Type === 'AWS::Lambda::Function', `${key}: no AWS::Lambda::Function resource ${logicalId}`)
  )
    continue;
  const props = lambda.Properties;

  check(props.Runtime === 'nodejs22.x', `${key}: runtime is ${props.Runtime}, expected nodejs22.x`);
  check(
    same(props.Architectures, ['arm64']),
    `${key}: architectures ${JSON.stringify(props.Architectures)}, expected ["arm64"]`,
  );

  const variables = props.Environment?.Variables ?? {};
  check(
    String(variables.NODE_OPTIONS ?? '')
      .split(/\s+/)
      .includes('--enable-source-maps'),
    `${key}: environment NODE_OPTIONS must include --enable-source-maps (got ${JSON.stringify(variables.NODE_OPTIONS)})`,
  );
  for (const name of ['POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL']) {
    check(
      typeof variables[name] === 'string' && variables[name] !== '',
      `${key}: environment ${name} is not set`,
    );
  }
  // The detectors' governed scope: the deployment's own account, never one an event claims.
  check(
    same(variables.DEPLOYMENT_ACCOUNT_ID, { Ref: 'AWS::AccountId' }),
    `${key}: environment DEPLOYMENT_ACCOUNT_ID must be !Ref AWS::AccountId (got ${JSON.stringify(variables.DEPLOYMENT_ACCOUNT_ID)})`,
  );

  // Its own role.
  const roleId = props.Role?.['Fn::GetAtt']?.[0];
  const role = resources[roleId];
  check(
    roleId !== 'IamRoleLambdaExecution',
    `${key}: uses the shared role IamRoleLambdaExecution; give it iamRoleStatements`,
  );
  if (
    check(role?.Type === 'AWS::IAM::Role', `${key}: role ${roleId} is not an AWS::IAM::Role in the template`)
  ) {
    roleUsers.set(roleId, [...(roleUsers.get(roleId) ?? []), key]);
    checkFunctionStatements(key, fn, role);
  }

  // Log retention.
  const logGroup = resources[`${normalize(key)}LogGroup`];
  check(
    logGroup?.Properties?.RetentionInDays === LOG_RETENTION_DAYS,
    `${key}: log group retention is ${logGroup?.Properties?.RetentionInDays ?? 'unset (logs kept forever)'}, expected ${LOG_RETENTION_DAYS} days`,
  );

  // Events.
  const events = fn.events ?? [];
  for (const [index, event] of events.entries()) checkEvent(key, logicalId, index, event);
  const isAsync = events.some((event) => event.schedule || event.eventBridge);
  if (isAsync) {
    const invokeConfig = byType('AWS::Lambda::EventInvokeConfig').find(([, r]) =>
      same(r.Properties.FunctionName, { Ref: logicalId }),
    );
    check(
      invokeConfig?.[1].Properties.DestinationConfig?.OnFailure?.Destination !== undefined,
      `${key}: invoked asynchronously but has no on-failure destination (destinations.onFailure)`,
    );
  }
}

for (const [roleId, users] of roleUsers) {
  check(users.length === 1, `role ${roleId} is shared by ${users.join(', ')}; each function needs its own`);
}
// osls's shared default role is gone (scripts/omit-default-role.cjs): no role is left that no function runs
// with, such as one holding every function's event sources, failure queues and a log prefix of all stages.
check(
  resources.IamRoleLambdaExecution === undefined,
  "IamRoleLambdaExecution: osls's shared default role is in the template; no function uses it (scripts/omit-default-role.cjs removes it)",
);
for (const [roleId] of byType('AWS::IAM::Role')) {
  check(roleUsers.has(roleId), `${roleId}: an IAM role no function runs with`);
}

// Across the template, for every function and queue alike: the template guard (deploy/template-guard/):
// no wildcard actions, "*" only where IAM has no resource type, destructive actions on repository ARNs,
// a reason for every permission, a failure path and an alarm for every asynchronous path, an encrypted
// alarm topic, log retention.
{
  const guard = tsxRequire('../deploy/template-guard/guard-template.ts').guardTemplate(template, {
    service: state.service.service,
    stage: STAGE,
  });
  checks += guard.checks - guard.failures.length;
  for (const failure of guard.failures) check(false, failure);
}

// Queues: encrypted at rest; a redrive policy is bounded.
for (const [id, queue] of byType('AWS::SQS::Queue')) {
  check(
    queue.Properties?.SqsManagedSseEnabled === true || queue.Properties?.KmsMasterKeyId !== undefined,
    `${id}: queue is not encrypted (SqsManagedSseEnabled: true)`,
  );
}
const cleanupQueue = resources.CleanupQueue?.Properties;
check(
  cleanupQueue?.RedrivePolicy?.maxReceiveCount === 3 &&
    same(cleanupQueue.RedrivePolicy.deadLetterTargetArn, getAtt('CleanupDeadLetterQueue')),
  'CleanupQueue: RedrivePolicy must send to CleanupDeadLetterQueue after 3 receives',
);
// cleanupWorker: its event source mapping bounds concurrency (and so the ECR API rate), and its role
// does not update image pull times when it reads index manifests.
if (functions.cleanupWorker !== undefined) {
  const mapping = byType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
    same(m.Properties.FunctionName, getAtt('CleanupWorkerLambdaFunction')),
  );
  const maximumConcurrency = mapping?.[1].Properties.ScalingConfig?.MaximumConcurrency;
  check(
    same(mapping?.[1].Properties.EventSourceArn, getAtt('CleanupQueue')) &&
      Number.isInteger(maximumConcurrency) &&
      maximumConcurrency >= 2 &&
      maximumConcurrency <= 10,
    `cleanupWorker: its CleanupQueue event source must set maximumConcurrency (2-10), got ${maximumConcurrency}`,
  );
  // Its circuit-breaker alarm fires above the share ecr-warden.yml allows (cleanup.maxDeletionShare).
  const shareAlarm = resources.CleanupDeletionShareAlarm?.Properties;
  const share =
    wardenConfig.cleanup.maxDeletionShare ??
    tsxRequire('../shared/cleanup/plan-repository-cleanup.ts').DEFAULT_MAX_DELETION_SHARE;
  check(
    shareAlarm?.MetricName ===
      tsxRequire('../shared/metrics/cleanup-metrics.ts').CLEANUP_METRICS.deletionShare &&
      shareAlarm.Threshold === 100 * share &&
      shareAlarm.ComparisonOperator === 'GreaterThanThreshold' &&
      same(shareAlarm.Dimensions, [
        { Name: 'service', Value: 'ecr-warden' },
        { Name: 'DryRun', Value: 'false' },
      ]),
    `CleanupDeletionShareAlarm: must alarm on DeletionShare (service, DryRun=false) > ${100 * share}% (cleanup.maxDeletionShare)`,
  );
  check(
    byType('AWS::ECR::PullTimeUpdateExclusion').some(([, r]) =>
      same(r.Properties.PrincipalArn, getAtt('CleanupWorkerIamRoleLambdaExecution')),
    ),
    'cleanupWorker: no AWS::ECR::PullTimeUpdateExclusion for its role (its manifest reads would count as pulls)',
  );
}

// Queue policies: only an AWS service principal, for one source ARN (confused-deputy protection).
for (const [id, policy] of byType('AWS::SQS::QueuePolicy')) {
  for (const statement of asArray(policy.Properties?.PolicyDocument?.Statement)) {
    check(
      statement.Effect !== 'Allow' ||
        (typeof statement.Principal?.Service === 'string' &&
          statement.Condition?.ArnEquals?.['aws:SourceArn'] !== undefined),
      `${id}: an Allow statement must name a service principal and an aws:SourceArn condition (got ${JSON.stringify(statement)})`,
    );
  }
}

// Notifications: the ecr-warden bus → a rule on source "ecr-warden" → a FIFO queue with one message group →
// slackNotifier; a FIFO dead-letter queue after 5 receives, and the rule's own (standard) dead-letter queue.
{
  const bus = resources.GovernanceEventBus;
  check(
    bus?.Type === 'AWS::Events::EventBus' && bus.Properties?.Name === `${state.service.service}-${STAGE}`,
    `GovernanceEventBus: an AWS::Events::EventBus named ${state.service.service}-${STAGE} is required`,
  );
  check(
    same(template.Outputs?.GovernanceEventBusName?.Value, { Ref: 'GovernanceEventBus' }),
    'GovernanceEventBus: no stack output GovernanceEventBusName (Ref GovernanceEventBus)',
  );

  const queue = resources.NotificationQueue?.Properties ?? {};
  check(
    queue.FifoQueue === true &&
      String(queue.QueueName).endsWith('.fifo') &&
      queue.ContentBasedDeduplication === true,
    'NotificationQueue: must be a FIFO queue (name ending .fifo) with ContentBasedDeduplication',
  );
  check(
    queue.RedrivePolicy?.maxReceiveCount === 5 &&
      same(queue.RedrivePolicy.deadLetterTargetArn, getAtt('NotificationDeadLetterQueue')),
    'NotificationQueue: RedrivePolicy must send to NotificationDeadLetterQueue after 5 receives',
  );
  check(
    resources.NotificationDeadLetterQueue?.Properties?.FifoQueue === true,
    'NotificationDeadLetterQueue: the dead-letter queue of a FIFO queue must be FIFO',
  );
  const notifierTimeout = resources.SlackNotifierLambdaFunction?.Properties?.Timeout;
  check(
    typeof notifierTimeout === 'number' && queue.VisibilityTimeout >= 6 * notifierTimeout,
    `NotificationQueue: VisibilityTimeout ${queue.VisibilityTimeout} must be at least 6 × slackNotifier's timeout (${notifierTimeout})`,
  );
  const mapping = byType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
    same(m.Properties.FunctionName, getAtt('SlackNotifierLambdaFunction')),
  )?.[1].Properties;
  check(
    same(mapping?.EventSourceArn, getAtt('NotificationQueue')) &&
      mapping.BatchSize === 10 &&
      asArray(mapping.FunctionResponseTypes).includes('ReportBatchItemFailures'),
    'slackNotifier: must read NotificationQueue in batches of 10 with ReportBatchItemFailures',
  );

  const rules = byType('AWS::Events::Rule').filter(([, rule]) =>
    asArray(rule.Properties.Targets).some((target) => same(target.Arn, getAtt('NotificationQueue'))),
  );
  if (check(rules.length === 1, `NotificationQueue: ${rules.length} rules target it, expected 1`)) {
    const [ruleId, rule] = rules[0];
    const target = asArray(rule.Properties.Targets).find((t) => same(t.Arn, getAtt('NotificationQueue')));
    check(
      same(rule.Properties.EventBusName, { Ref: 'GovernanceEventBus' }) &&
        same(rule.Properties.EventPattern, { source: ['ecr-warden'] }) &&
        rule.Properties.State !== 'DISABLED',
      `${ruleId}: must be an enabled rule on GovernanceEventBus matching source ["ecr-warden"]`,
    );
    const group = target.SqsParameters?.MessageGroupId;
    check(
      typeof group === 'string' && group !== '' && !group.includes('$'),
      `${ruleId}: the FIFO target needs a constant SqsParameters.MessageGroupId (got ${JSON.stringify(group)})`,
    );
    check(
      same(target.DeadLetterConfig?.Arn, getAtt('NotificationRuleDeadLetterQueue')) &&
        resources.NotificationRuleDeadLetterQueue?.Properties?.FifoQueue !== true,
      `${ruleId}: undeliverable events must go to NotificationRuleDeadLetterQueue (a standard queue)`,
    );
    check(target.RoleArn === undefined, `${ruleId}: an SQS target uses the queue policy, not a RoleArn`);
    for (const queueId of ['NotificationQueue', 'NotificationRuleDeadLetterQueue']) {
      const allowed = byType('AWS::SQS::QueuePolicy').some(
        ([, policy]) =>
          asArray(policy.Properties.Queues).some((q) => same(q, { Ref: queueId })) &&
          asArray(policy.Properties.PolicyDocument?.Statement).some(
            (statement) =>
              statement.Effect === 'Allow' &&
              statement.Principal?.Service === 'events.amazonaws.com' &&
              same(asArray(statement.Action), ['sqs:SendMessage']) &&
              same(asArray(statement.Resource), [getAtt(queueId)]) &&
              same(statement.Condition?.ArnEquals?.['aws:SourceArn'], getAtt(ruleId)),
          ),
      );
      check(
        allowed,
        `${queueId}: its queue policy must let events.amazonaws.com SendMessage for ${ruleId} (aws:SourceArn) only`,
      );
    }
  }
}

// DynamoDB tables: on-demand, encrypted with KMS, point-in-time recovery on.
for (const [id, table] of byType('AWS::DynamoDB::Table')) {
  const props = table.Properties ?? {};
  check(
    props.BillingMode === 'PAY_PER_REQUEST',
    `${id}: BillingMode is ${props.BillingMode}, expected PAY_PER_REQUEST`,
  );
  check(
    props.SSESpecification?.SSEEnabled === true,
    `${id}: not encrypted with KMS (SSESpecification.SSEEnabled: true)`,
  );
  check(
    props.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true,
    `${id}: point-in-time recovery is off (PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true)`,
  );
}

// The state table: built from shared/state/table-definition.ts, protected as that module says.
const stateTable = resources[STATE_TABLE_ID];
if (
  check(stateTable?.Type === 'AWS::DynamoDB::Table', `no AWS::DynamoDB::Table resource ${STATE_TABLE_ID}`)
) {
  const props = stateTable.Properties ?? {};
  const expectedName = `${state.service.service}-${STAGE}-state`;
  check(
    props.TableName === expectedName,
    `${STATE_TABLE_ID}: TableName is ${props.TableName}, expected ${expectedName}`,
  );
  check(
    same(props.KeySchema, stateTableDefinition.STATE_TABLE_KEY_SCHEMA),
    `${STATE_TABLE_ID}: KeySchema ${JSON.stringify(props.KeySchema)} differs from shared/state/table-definition.ts`,
  );
  check(
    same(props.AttributeDefinitions, stateTableDefinition.STATE_TABLE_ATTRIBUTE_DEFINITIONS),
    `${STATE_TABLE_ID}: AttributeDefinitions ${JSON.stringify(props.AttributeDefinitions)} differ from shared/state/table-definition.ts`,
  );
  check(
    same(props.TimeToLiveSpecification, {
      AttributeName: stateTableDefinition.TIME_TO_LIVE_ATTRIBUTE,
      Enabled: true,
    }),
    `${STATE_TABLE_ID}: TTL must be enabled on ${stateTableDefinition.TIME_TO_LIVE_ATTRIBUTE} (got ${JSON.stringify(props.TimeToLiveSpecification)})`,
  );
  const protection = stateTableDefinition.stateTableProtection(STAGE);
  check(
    stateTable.DeletionPolicy === protection.deletionPolicy &&
      stateTable.UpdateReplacePolicy === protection.deletionPolicy &&
      props.DeletionProtectionEnabled === protection.deletionProtectionEnabled,
    `${STATE_TABLE_ID}: DeletionPolicy/UpdateReplacePolicy/DeletionProtectionEnabled are ${stateTable.DeletionPolicy}/${stateTable.UpdateReplacePolicy}/${props.DeletionProtectionEnabled}, expected ${protection.deletionPolicy}/${protection.deletionPolicy}/${protection.deletionProtectionEnabled} for stage ${STAGE}`,
  );
  check(
    same(stateTableDefinition.stateTableProtection('prod'), {
      deletionPolicy: 'Retain',
      deletionProtectionEnabled: true,
    }),
    `${STATE_TABLE_ID}: the prod stage must retain the table and protect it from deletion`,
  );
  check(
    same(template.Outputs?.StateTableName?.Value, { Ref: STATE_TABLE_ID }),
    `${STATE_TABLE_ID}: no stack output StateTableName (Ref ${STATE_TABLE_ID})`,
  );
}
for (const [key] of Object.entries(functions)) {
  const variables = resources[`${normalize(key)}LambdaFunction`]?.Properties?.Environment?.Variables ?? {};
  if (variables.STATE_TABLE_NAME !== undefined) {
    check(
      same(variables.STATE_TABLE_NAME, { Ref: STATE_TABLE_ID }),
      `${key}: STATE_TABLE_NAME must be !Ref ${STATE_TABLE_ID} (got ${JSON.stringify(variables.STATE_TABLE_NAME)})`,
    );
  }
}

// The repository guard: CloudTrail repository changes and successful pushes from this region's default
// bus, its sweep schedule, the ecr-warden bus by name, and its own role's ARN (to ignore its own calls).
if (resources.TagImmutabilityLambdaFunction !== undefined) {
  const logicalId = 'TagImmutabilityLambdaFunction';
  const rules = byType('AWS::Events::Rule').filter(([, rule]) =>
    asArray(rule.Properties.Targets).some((target) => same(target.Arn, getAtt(logicalId))),
  );
  const patterned = rules.filter(([, rule]) => rule.Properties.EventPattern !== undefined);
  const cloudTrail = patterned.find(
    ([, rule]) => rule.Properties.EventPattern['detail-type']?.[0] === 'AWS API Call via CloudTrail',
  );
  check(
    cloudTrail !== undefined &&
      cloudTrail[1].Properties.EventBusName === undefined &&
      same(cloudTrail[1].Properties.EventPattern.source, ['aws.ecr']) &&
      same(cloudTrail[1].Properties.EventPattern.detail?.eventSource, ['ecr.amazonaws.com']) &&
      same(
        [...(cloudTrail[1].Properties.EventPattern.detail?.eventName ?? [])].sort(),
        [...WATCHED_API_CALL_NAMES].sort(),
      ) &&
      same(cloudTrail[1].Properties.EventPattern.detail?.errorCode, [{ exists: false }]),
    `tagImmutability: needs a default-bus rule on source aws.ecr, "AWS API Call via CloudTrail", eventSource ecr.amazonaws.com, eventName ${WATCHED_API_CALL_NAMES.join('/')}, errorCode absent`,
  );
  const push = patterned.find(
    ([, rule]) => rule.Properties.EventPattern['detail-type']?.[0] === 'ECR Image Action',
  );
  check(
    push !== undefined &&
      push[1].Properties.EventBusName === undefined &&
      same(push[1].Properties.EventPattern, {
        source: ['aws.ecr'],
        'detail-type': ['ECR Image Action'],
        detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
      }),
    'tagImmutability: needs a default-bus rule on "ECR Image Action" with action-type PUSH and result SUCCESS',
  );
  check(
    rules.some(([, rule]) => rule.Properties.ScheduleExpression === guard.schedule),
    `tagImmutability: no schedule rule "${guard.schedule}" (immutability.schedule)`,
  );
  const variables = resources[logicalId].Properties.Environment?.Variables ?? {};
  check(
    variables.EVENT_BUS_NAME === `${state.service.service}-${STAGE}`,
    `tagImmutability: EVENT_BUS_NAME must be the ecr-warden bus ${state.service.service}-${STAGE} (got ${JSON.stringify(variables.EVENT_BUS_NAME)})`,
  );
  check(
    same(variables.GUARD_ROLE_ARN, getAtt(resources[logicalId].Properties.Role?.['Fn::GetAtt']?.[0])),
    `tagImmutability: GUARD_ROLE_ARN must be its own role's ARN (got ${JSON.stringify(variables.GUARD_ROLE_ARN)})`,
  );
}

// ── 3. Artifacts ─────────────────────────────────────────────────────────────────────────────────

const zips = readdirSync(serverlessDir).filter((name) => name.endsWith('.zip'));
const artifactSizes = [];
for (const [key, fn] of Object.entries(functions)) {
  const artifact = basename(fn.package?.artifact ?? `${key}.zip`);
  if (!check(zips.includes(artifact), `${key}: artifact .serverless/${artifact} is missing`)) continue;
  artifactSizes.push(`${key} ${(readFileSync(join(serverlessDir, artifact)).length / 1024).toFixed(0)} KiB`);
  checkArtifact(key, fn, join(serverlessDir, artifact));
}
for (const zip of zips) {
  check(
    Object.entries(functions).some(([key, fn]) => basename(fn.package?.artifact ?? `${key}.zip`) === zip),
    `.serverless/${zip} belongs to no function: is package.individually still true?`,
  );
}

// ── 4. Permissions summary: printed, and kept in README.md between the permissions markers ──────────

{
  const summary = tsxRequire('../deploy/template-guard/permissions-summary.ts');
  const sections = tsxRequire('../local/docs/readme-sections.ts');
  const permissions = summary.summarizePermissions(template, {
    service: state.service.service,
    stage: STAGE,
  });
  if (failures.length === 0) process.stdout.write(summary.renderPermissionsText(permissions));
  const markdown = summary.renderPermissionsMarkdown(permissions);
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  if (WRITE_README) {
    writeFileSync(readmePath, sections.replaceSection(readme, 'permissions', markdown));
    process.stdout.write('package-check: README.md permissions summary written\n');
  } else {
    check(
      sections.isSectionCurrent(readme, 'permissions', markdown),
      'README.md: the permissions summary is stale; run `npm run docs:permissions` and commit README.md',
    );
  }
}

finish(failures);

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

function checkFunctionStatements(key, fn, role) {
  const statements = (role.Properties.Policies ?? []).flatMap((policy) =>
    asArray(policy.PolicyDocument?.Statement),
  );
  const logGroupName = `/aws/lambda/${fn.name}`;
  const [logs, ...rest] = statements;
  check(
    logs !== undefined &&
      asArray(logs.Action).every((action) => String(action).startsWith('logs:')) &&
      asArray(logs.Resource).every((resource) =>
        JSON.stringify(resource).includes(`:log-group:${logGroupName}:`),
      ),
    `${key}: the first statement of its role must allow logs on its own log group ${logGroupName} only`,
  );

  const expected = EXPECTED_STATEMENTS[key];
  if (
    !check(
      expected !== undefined,
      `${key}: no expected IAM statements in scripts/package-check.mjs (EXPECTED_STATEMENTS)`,
    )
  )
    return;
  // A condition is part of what is granted: a statement matches only with exactly the expected one.
  const describe = (statement) =>
    JSON.stringify({
      Action: asArray(statement.Action).slice().sort(),
      Resource: asArray(statement.Resource),
      ...(statement.Condition === undefined ? {} : { Condition: statement.Condition }),
    });
  const actual = rest.map((statement) => {
    check(statement.Effect === 'Allow', `${key}: unexpected statement ${JSON.stringify(statement)}`);
    return describe(statement);
  });
  const wanted = expected.map(describe);
  for (const statement of wanted) {
    const index = actual.indexOf(statement);
    if (check(index !== -1, `${key}: missing IAM statement ${statement}`)) actual.splice(index, 1);
  }
  for (const statement of actual) check(false, `${key}: unexpected IAM statement ${statement}`);
}

function checkEvent(key, logicalId, index, event) {
  const [type] = Object.keys(event);
  const targetsFunction = (rule) =>
    asArray(rule.Properties.Targets).some((target) => same(target.Arn, getAtt(logicalId)));
  const hasInvokePermission = (ruleId, principal) =>
    byType('AWS::Lambda::Permission').some(
      ([, permission]) =>
        same(permission.Properties.FunctionName, getAtt(logicalId)) &&
        permission.Properties.Principal === principal &&
        (ruleId === undefined ||
          same(permission.Properties.SourceArn, getAtt(ruleId)) ||
          sourceArnNamesRule(permission.Properties.SourceArn, resources[ruleId]?.Properties?.Name)),
    );
  switch (type) {
    case 'schedule': {
      const rates = asArray(event.schedule.rate ?? event.schedule);
      for (const rate of rates) {
        const rule = byType('AWS::Events::Rule').find(
          ([, r]) => r.Properties.ScheduleExpression === rate && targetsFunction(r),
        );
        if (
          check(
            rule !== undefined,
            `${key}: events[${index}] no EventBridge rule "${rate}" targets ${logicalId}`,
          )
        ) {
          check(
            rule[1].Properties.State !== 'DISABLED',
            `${key}: events[${index}] schedule rule ${rule[0]} is disabled`,
          );
          check(
            hasInvokePermission(rule[0], 'events.amazonaws.com'),
            `${key}: events[${index}] rule ${rule[0]} may not invoke the function`,
          );
        }
      }
      return;
    }
    case 'eventBridge': {
      const rule = byType('AWS::Events::Rule').find(
        ([, r]) => r.Properties.EventPattern !== undefined && targetsFunction(r),
      );
      if (
        check(
          rule !== undefined,
          `${key}: events[${index}] no EventBridge rule with a pattern targets ${logicalId}`,
        )
      ) {
        check(
          hasInvokePermission(rule[0], 'events.amazonaws.com'),
          `${key}: events[${index}] rule ${rule[0]} may not invoke the function`,
        );
      }
      return;
    }
    case 'sqs': {
      const mapping = byType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
        same(m.Properties.FunctionName, getAtt(logicalId)),
      );
      if (
        check(mapping !== undefined, `${key}: events[${index}] no SQS event source mapping for ${logicalId}`)
      ) {
        check(
          asArray(mapping[1].Properties.FunctionResponseTypes).includes('ReportBatchItemFailures'),
          `${key}: events[${index}] SQS event source must report batch item failures (functionResponseType: ReportBatchItemFailures)`,
        );
        // A FIFO queue takes batches of at most 10 and no batching window.
        // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
        const props = mapping[1].Properties;
        const queueId = props.EventSourceArn?.['Fn::GetAtt']?.[0];
        if (resources[queueId]?.Properties?.FifoQueue === true) {
          check(
            props.BatchSize >= 1 &&
              props.BatchSize <= 10 &&
              props.MaximumBatchingWindowInSeconds === undefined,
            `${key}: events[${index}] FIFO queue ${queueId} takes a batch size of 1-10 and no batching window (got ${props.BatchSize}, ${props.MaximumBatchingWindowInSeconds})`,
          );
        }
      }
      return;
    }
    default:
      check(
        false,
        `${key}: events[${index}] is a "${type}" event, which scripts/package-check.mjs cannot check yet`,
      );
  }
}

/**
 * For `eventBridge` events osls names the rule and builds the permission's SourceArn from that name:
 * `Fn::Join [":", [arn, partition, events, region, account, Fn::Join ["/", [rule, <Name>]]]]`.
 */
function sourceArnNamesRule(sourceArn, ruleName) {
  const parts = sourceArn?.['Fn::Join']?.[1];
  const last = Array.isArray(parts) ? parts.at(-1)?.['Fn::Join'] : undefined;
  return (
    typeof ruleName === 'string' &&
    Array.isArray(parts) &&
    parts[2] === 'events' &&
    last?.[0] === '/' &&
    same(last[1], ['rule', ruleName])
  );
}

function checkArtifact(key, fn, zipPath) {
  let entries;
  try {
    entries = readZipEntries(readFileSync(zipPath));
  } catch (error) {
    check(false, `${key}: cannot read ${basename(zipPath)}: ${error.message}`);
    return;
  }
  const names = entries.map((entry) => entry.name);
  check(
    !names.some(
      (name) =>
        name === 'node_modules/' || name.startsWith('node_modules/') || name.includes('/node_modules/'),
    ),
    `${key}: ${basename(zipPath)} contains node_modules (everything must be bundled)`,
  );

  const bundleName = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;
  const bundle = entries.find((entry) => entry.name === bundleName);
  if (!check(bundle !== undefined, `${key}: ${basename(zipPath)} has no ${bundleName}`)) return;
  const code = bundle.read().toString('utf8');
  check(
    code.length <= BUNDLE_CEILING_BYTES,
    `${key}: ${bundleName} is ${(code.length / 1000).toFixed(0)} KB minified, over the ${BUNDLE_CEILING_BYTES / 1000} KB ceiling`,
  );
  const lines = code.split('\n');
  check(
    code.length / lines.length > 500,
    `${key}: ${bundleName} does not look minified (${lines.length} lines for ${code.length} characters)`,
  );
  check(
    /\/\/# sourceMappingURL=[^\n]+\.js\.map\s*$/.test(code),
    `${key}: ${bundleName} does not end with a sourceMappingURL comment`,
  );

  const map = entries.find((entry) => entry.name === `${bundleName}.map`);
  if (check(map !== undefined, `${key}: ${basename(zipPath)} has no source map ${bundleName}.map`)) {
    let parsed;
    try {
      parsed = JSON.parse(map.read().toString('utf8'));
    } catch {
      parsed = undefined;
    }
    check(
      parsed?.version === 3 && typeof parsed.mappings === 'string' && parsed.mappings.length > 0,
      `${key}: ${bundleName}.map is not a source map`,
    );
    check(
      asArray(parsed?.sources).some((source) => source.endsWith(`${bundleName.replace(/\.js$/, '.ts')}`)),
      `${key}: ${bundleName}.map does not map back to ${bundleName.replace(/\.js$/, '.ts')}`,
    );
  }

  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const unresolved = [
    ...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1])),
  ].filter((name) => !builtins.has(name) && !OPTIONAL_REQUIRES.has(name));
  check(
    unresolved.length === 0,
    `${key}: ${bundleName} requires packages that are not bundled: ${unresolved.join(', ')}`,
  );
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    finish([`cannot read ${path.slice(root.length + 1)}: ${error.message}`]);
  }
}

function finish(reasons) {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  if (reasons.length > 0) {
    for (const reason of reasons) process.stderr.write(`package-check: FAIL ${reason}\n`);
    process.stderr.write(`package-check: ${reasons.length} failed check(s) in ${seconds}s\n`);
    process.exit(1);
  }
  process.stdout.write(
    `package-check: ok, ${Object.keys(functions).length} function(s), ${checks} checks, ` +
      `osls package ${packagingSeconds.toFixed(1)}s, total ${seconds}s (${artifactSizes.join(', ')})\n`,
  );
  process.exit(0);
}
