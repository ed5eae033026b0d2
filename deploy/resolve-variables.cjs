'use strict';

/**
 * The one variable source of serverless.yml: `custom.warden: ${file(./deploy/resolve-variables.cjs)}`,
 * read as `${self:custom.warden.<name>}`.
 *
 * osls resolves variables before it packages or deploys anything, so validating ecr-warden.yml here makes
 * `osls package` and `osls deploy` stop, with every config error listed, before a bundle is built or a
 * stack is touched. It validates with the same zod schema the functions use at cold start (shared/config,
 * TypeScript, loaded through tsx, which osls itself depends on to read TS configs), once, and hands
 * serverless.yml what shapes the stack: schedules, each function's IAM statements (deploy/iam/), the
 * deletion-share alarm's threshold, the generated alarms (deploy/alarms.ts, with custom.alarmDefaults)
 * and the state table's definition (shared/state/table-definition.ts, the one the code and the tests
 * use).
 *
 * Runs offline: it reads one local file and needs no AWS credentials.
 */

const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

const CONFIG_FILE = 'ecr-warden.yml';

const load = (module) => requireTypeScript(module, __filename);

function loadWardenConfig() {
  const { loadConfigFile } = load('../shared/config/load-config.ts');
  try {
    return loadConfigFile(path.join(__dirname, '..', CONFIG_FILE), CONFIG_FILE);
  } catch (error) {
    if (error && error.name === 'ConfigError') {
      // osls prints `error.stack` of a resolver error: make it the message alone, which already lists
      // every issue with its path.
      error.stack = `${error.message}\n`;
    }
    throw error;
  }
}

/**
 * @param {{ service: string, stage: string, region: string, alarmDefaults: object }} stack
 * @param {object} [config] the validated ecr-warden.yml (tests pass their own)
 */
function resolveVariables({ service, stage, region, alarmDefaults }, config = loadWardenConfig()) {
  const { stateTableReadStatement, stateTableStatement } = load('./iam/state-table-iam.ts');
  const table = load('../shared/state/table-definition.ts');
  const protection = table.stateTableProtection(stage);
  return {
    cleanupSchedule: config.cleanup.schedule,
    // CleanupDeletionShareAlarm: the share of a repository one run may delete, in percent (DeletionShare).
    cleanupDeletionShareAlarmPercent:
      100 *
      (config.cleanup.maxDeletionShare ??
        load('../shared/cleanup/plan-repository-cleanup.ts').DEFAULT_MAX_DELETION_SHARE),
    // cleanupWorker's role: ECR writes only where a rule can use them and dryRun is false, the reads on
    // the repositories the cleanup rules' globs cover (deploy/iam/cleanup-worker-iam.ts).
    cleanupWorkerIamStatements: load('./iam/cleanup-worker-iam.ts').cleanupWorkerIamStatements(
      config.cleanup,
    ),
    // The in-use readers cleanup.protect does not use stay out of the bundles (deploy/bundle-defines.ts).
    bundleDefines: {
      ...load('./bundle-defines.ts').bundleDefines(config.cleanup.protect),
      // Issue 15: the hub's code only in the bundles of a config with `organization`.
      ...load('./bundle-defines.ts').organizationBundleDefines(config),
    },
    // An EKS access entry (AmazonEKSViewPolicy) for the worker's role on each cluster named by name
    // (deploy/in-use-resources.ts); none without clusters.
    inUseResources: load('./in-use-resources.ts').eksAccessEntryResources(
      config.cleanup.protect.kubernetes?.clusters,
      'CleanupWorkerIamRoleLambdaExecution',
    ),
    // cleanup.protect.kubernetes.vpc: the worker runs in the clusters' VPC to reach private endpoints
    // (null when absent: the function gets no VpcConfig).
    cleanupWorkerVpc: cleanupWorkerVpc(config.cleanup.protect.kubernetes?.vpc),
    // The workload-reader role for cleanup.protect.workloadAccounts, written by
    // scripts/write-workload-reader-template.cjs to .serverless/ecr-warden-workload-reader.json.
    workloadReaderTemplate: workloadReaderTemplate(config.cleanup.protect, { service, stage, region }),
    scanningDigestSchedule: config.scanning.digest.schedule,
    // scanFindings: the findings ledger and its index, the idempotency records of alerts and digests.
    scanFindingsStateStatement: stateTableStatement('scanFindings', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]),
    // scanFindings: GetItem (an alert's image) and Query (the digest, per repository) on the cleanup
    // worker's in-use index, nothing else there.
    scanFindingsInUseIndexStatement: stateTableReadStatement('scanFindings', [
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]),
    // tagImmutability (the repository guard): its sweep, and its role's statements, derived from the
    // `immutability` section (writes only where remediation is on and dryRun is false).
    tagImmutabilitySchedule: config.immutability.schedule,
    tagImmutabilityIamStatements: load('./iam/repository-guard-iam.ts').repositoryGuardIamStatements(
      config.immutability,
    ),
    replicationAuditSchedule: config.replication.schedule,
    replicationAuditIamStatements: load('./iam/replication-audit-iam.ts').replicationAuditIamStatements(
      config.replication,
      { eventBusName: `${service}-${stage}` },
    ),
    // slackNotifier: ssm:GetParameter on exactly the webhook parameters the routes name.
    slackNotifierIamStatements: load('./iam/slack-notifier-iam.ts').slackNotifierIamStatements(
      config.notifications.routes,
    ),
    // The look-alike alarms (Errors/Throttles per function, depth per queue, ecr-warden metric alarms).
    alarmResources: load('./alarms.ts').buildAlarmResources(`${service}-${stage}`, alarmDefaults),
    stateTable: {
      // Copies: osls must not hold (and later mutate) the module's own arrays.
      keySchema: table.STATE_TABLE_KEY_SCHEMA.map((element) => ({ ...element })),
      attributeDefinitions: table.STATE_TABLE_ATTRIBUTE_DEFINITIONS.map((attribute) => ({ ...attribute })),
      billingMode: table.STATE_TABLE_BILLING_MODE,
      timeToLiveAttribute: table.TIME_TO_LIVE_ATTRIBUTE,
      deletionPolicy: protection.deletionPolicy,
      deletionProtectionEnabled: protection.deletionProtectionEnabled,
    },
  };
}

function cleanupWorkerVpc(vpc) {
  return vpc === undefined
    ? null
    : { subnetIds: [...vpc.subnetIds], securityGroupIds: [...vpc.securityGroupIds] };
}

function workloadReaderTemplate(protect, hub) {
  const roles = load('./workload-reader-role.ts');
  const input = roles.workloadReaderRoleInput(protect, hub);
  return input === undefined ? null : roles.workloadReaderRoleTemplate(input);
}

module.exports = async ({ resolveVariable }) =>
  resolveVariables({
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('sls:stage'),
    region: await resolveVariable('self:provider.region'),
    alarmDefaults: await resolveVariable('self:custom.alarmDefaults'),
  });
module.exports.resolveVariables = resolveVariables;
