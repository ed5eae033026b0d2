/**
 * The stack's near-identical CloudWatch alarms, generated from two lists instead of written out by hand
 * in serverless.yml: an Errors and a Throttles alarm per function, a depth alarm per dead-letter or
 * failure queue, and one alarm per ecr-warden metric that counts failures nothing else surfaces
 * (NotificationsRejected). serverless.yml includes them through deploy/resolve-variables.cjs (custom.warden.alarmResources); the one alarm
 * of its own kind (DeletionShare, its threshold from ecr-warden.yml) is written out in
 * deploy/resources/alarms.yml, beside its reason.
 * The template guard (deploy/template-guard/, run by test/package/iam.test.ts) fails when a function or a
 * dead-letter/failure queue has no alarm.
 *
 * What each alarm shares (statistic, period, threshold, AlarmActions/OKActions on the alarm topic) is
 * serverless.yml's `custom.alarmDefaults`, passed in, so that it is written once for both kinds.
 */

export interface FunctionAlarmSource {
  /** The function key in serverless.yml (a public contract), e.g. `cleanupWorker`. */
  key: string;
  /** What an error means for this function and where its failed work waits. */
  whenItFails: string;
}

export interface QueueAlarmSource {
  /** The queue's logical id in serverless.yml. */
  logicalId: string;
  /** Its name after `<service>-<stage>-`, as the queue is named. */
  name: string;
  /** What a message in it is. */
  holds: string;
}

export const FUNCTION_ALARMS: readonly FunctionAlarmSource[] = [
  {
    key: 'cleanupScheduler',
    whenItFails:
      'the cleanup schedule run failed or timed out; after two retries the event waits in the cleanup-scheduler-failures queue',
  },
  {
    key: 'cleanupWorker',
    whenItFails:
      'a cleanup invocation crashed or timed out; its messages come back and, after 3 receives, wait in the cleanup DLQ',
  },
  {
    key: 'tagImmutability',
    whenItFails:
      'a repository guard invocation failed (malformed event, incomplete sweep); after two retries it waits in the tag-immutability-failures queue',
  },
  {
    key: 'scanFindings',
    whenItFails:
      'a scan event was not recorded (malformed event, ledger or ECR failure); after two retries it waits in the scan-findings-failures queue',
  },
  {
    key: 'replicationAudit',
    whenItFails:
      'a replication event or audit failed; after two retries it waits in the replication-audit-failures queue',
  },
  {
    key: 'slackNotifier',
    whenItFails:
      'a notifier invocation crashed or timed out; its messages come back and, after 5 receives, wait in the notifications DLQ',
  },
];

export const QUEUE_ALARMS: readonly QueueAlarmSource[] = [
  {
    logicalId: 'CleanupDeadLetterQueue',
    name: 'cleanup-dlq',
    holds:
      'cleanup requests that failed 3 times (a repository not cleaned): read the error in cleanupWorker logs, fix, then redrive',
  },
  {
    logicalId: 'CleanupSchedulerFailureQueue',
    name: 'cleanup-scheduler-failures',
    holds: 'cleanup schedule runs that failed after Lambda retries (the event and the error)',
  },
  {
    logicalId: 'TagImmutabilityFailureQueue',
    name: 'tag-immutability-failures',
    holds: 'repository guard events that failed after Lambda retries (the event and the error)',
  },
  {
    logicalId: 'ScanFindingsFailureQueue',
    name: 'scan-findings-failures',
    holds: 'scan events that failed after Lambda retries: their findings were not alerted',
  },
  {
    logicalId: 'ReplicationAuditFailureQueue',
    name: 'replication-audit-failures',
    holds: 'replication events or audits that failed after Lambda retries',
  },
  {
    logicalId: 'NotificationDeadLetterQueue',
    name: 'notifications-dlq',
    holds: 'governance events that could not be posted to Slack after 5 attempts',
  },
  {
    logicalId: 'NotificationRuleDeadLetterQueue',
    name: 'notification-rule-dlq',
    holds: 'governance events EventBridge could not deliver to the notification queue',
  },
];

export interface MetricAlarmSource {
  logicalId: string;
  /** Its name after `<service>-<stage>-`. */
  name: string;
  /** An ecr-warden metric (POWERTOOLS_METRICS_NAMESPACE), with its `service` dimension. */
  metricName: string;
  description: string;
}

export const METRIC_ALARMS: readonly MetricAlarmSource[] = [
  {
    // slackNotifier writes NotificationsRejected (once per route dimension, once without) when Slack
    // refuses a post for good (404 no_service, 403 invalid_token, 410 channel_is_archived, 200 not `ok`,
    // ...). The notifier records it and moves on, so nothing reaches the DLQ: this alarm is how a person
    // hears of it.
    logicalId: 'NotificationsRejectedAlarm',
    name: 'notifications-rejected',
    metricName: 'NotificationsRejected',
    description:
      'slackNotifier: Slack rejected a notification for good (revoked webhook, archived channel, refused payload); the logs name route, event, status and Slack error; fix or remove the route; the message was acknowledged, not sent to the DLQ',
  },
  {
    // cleanupWorker writes InUseSourceFailures for each repository it held because an in-use source
    // (ECS, Lambda, a cluster, a workload account's role, an external list) could not be read. The
    // message is acknowledged and the Cleanup Report says so, so nothing reaches the DLQ: this alarm is
    // how a person hears that cleanup has stopped deleting.
    logicalId: 'InUseSourceFailuresAlarm',
    name: 'in-use-source-failures',
    metricName: 'InUseSourceFailures',
    description:
      'cleanupWorker: an in-use source could not be read (AccessDenied, unreachable cluster, role not assumable, stale external list), so cleanup deleted nothing in the repositories it held; the Cleanup Report and the logs name the source and the reason',
  },
  {
    // An Organizations hub's functions write AccountsUnreachable once per run and governed account ×
    // region they could not act in (shared/metrics/account-reachability-metrics.ts) and go on with the
    // others, so nothing fails: this alarm, and the Account Unreachable event, are how a person hears.
    logicalId: 'AccountsUnreachableAlarm',
    name: 'accounts-unreachable',
    metricName: 'AccountsUnreachable',
    description:
      'A governed account x region could not be acted in (member role missing or not trusting the hub, region not enabled, SCP deny): nothing was done there; the Account Unreachable event names the account, region, work, role and reason',
  },
];

// Throttles mean the same for every function: Lambda's own retries, not the function's.
const THROTTLES_MEAN =
  'Lambda refused invocations (account or function concurrency exhausted); asynchronous events are retried for up to 6 hours, SQS messages come back';

export interface AlarmDefaults {
  lambda: Record<string, unknown>;
  queueDepth: Record<string, unknown>;
}

type Resource = { Type: 'AWS::CloudWatch::Alarm'; Properties: Record<string, unknown> };

/** The alarm resources, by logical id. `namePrefix` is `<service>-<stage>`. */
export function buildAlarmResources(
  namePrefix: string,
  defaults: AlarmDefaults,
  functions: readonly FunctionAlarmSource[] = FUNCTION_ALARMS,
  queues: readonly QueueAlarmSource[] = QUEUE_ALARMS,
  metrics: readonly MetricAlarmSource[] = METRIC_ALARMS,
): Record<string, Resource> {
  const resources: Record<string, Resource> = {};
  for (const { key, whenItFails } of functions) {
    // osls's logical ids: `cleanupWorker` → `CleanupWorkerLambdaFunction`.
    const capitalized = `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
    for (const [metric, meaning] of [
      ['Errors', whenItFails],
      ['Throttles', THROTTLES_MEAN],
    ] as const) {
      resources[`${capitalized}${metric}Alarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          ...defaults.lambda,
          AlarmName: `${namePrefix}-${key}-${metric.toLowerCase()}`,
          AlarmDescription: `${key} ${metric.toLowerCase()}: ${meaning}`,
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${capitalized}LambdaFunction` } }],
        },
      };
    }
  }
  for (const { logicalId, name, holds } of queues) {
    resources[`${logicalId}DepthAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ...defaults.queueDepth,
        AlarmName: `${namePrefix}-${name}-not-empty`,
        AlarmDescription: `${name}: ${holds}`,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId, 'QueueName'] } }],
      },
    };
  }
  for (const { logicalId, name, metricName, description } of metrics) {
    resources[logicalId] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ...defaults.lambda,
        AlarmName: `${namePrefix}-${name}`,
        AlarmDescription: description,
        Namespace: 'ecr-warden',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: 'ecr-warden' }],
      },
    };
  }
  return resources;
}
