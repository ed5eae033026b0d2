/**
 * The fault and bad-input catalogue: what the suite in test/integration/reliability/ feeds each function
 * and what the function does, one row per test (describe-scenarios.ts ties them). README.md's
 * "Reliability" section is generated from it (`npm run docs:reliability`; a test fails when it is stale).
 *
 * Words used in `outcome`:
 * - "fails into its failure queue": the invocation throws; Lambda retries an asynchronous invocation twice,
 *   then sends the event and the error to the function's on-failure queue (an alarm fires on it).
 * - "item failure": an SQS-fed function reports the message in batchItemFailures; it comes back alone and,
 *   after the queue's maxReceiveCount, waits in the dead-letter queue (an alarm fires on it).
 * - Throttling and 5xx of ECR, ECS and Lambda come from the registry simulator behind the real SDK clients
 *   (their own retry strategy included); SQS, EventBridge, SSM and DynamoDB faults from aws-sdk-client-mock,
 *   i.e. what the code sees once the SDK's own retries are spent.
 */
import { FUNCTION_KEYS, type FunctionKey } from '../support/function-keys';

export type { FunctionKey };

export interface Scenario {
  fn: FunctionKey;
  id: string;
  kind: 'bad input' | 'fault';
  tried: string;
  outcome: string;
}

export const FUNCTION_ORDER: readonly FunctionKey[] = FUNCTION_KEYS;

export const SCENARIOS: readonly Scenario[] = [
  // ── cleanupScheduler ───────────────────────────────────────────────────────────────────────────────
  {
    fn: 'cleanupScheduler',
    id: 'missing-detail',
    kind: 'bad input',
    tried: 'a Scheduled Event without `detail`',
    outcome: 'EventValidationError naming `detail`; no ECR or SQS call; fails into its failure queue',
  },
  {
    fn: 'cleanupScheduler',
    id: 'wrong-types',
    kind: 'bad input',
    tried: '`time` a number, `resources` a string',
    outcome: 'EventValidationError naming both fields; no AWS call; fails into its failure queue',
  },
  {
    fn: 'cleanupScheduler',
    id: 'unknown-detail-type',
    kind: 'bad input',
    tried: 'an S3 "Object Created" event',
    outcome:
      'EventValidationError naming `detail-type` and `source`; no AWS call; fails into its failure queue',
  },
  {
    fn: 'cleanupScheduler',
    id: 'huge-payload',
    kind: 'bad input',
    tried: 'a 1 MB event (`detail` a 1 MB string)',
    outcome: 'EventValidationError under 1 KB (the payload is not echoed); no AWS call',
  },
  {
    fn: 'cleanupScheduler',
    id: 'ecr-throttled',
    kind: 'fault',
    tried: 'DescribeRepositories throttled twice',
    outcome: 'the SDK retries; every covered repository queued once',
  },
  {
    fn: 'cleanupScheduler',
    id: 'ecr-5xx',
    kind: 'fault',
    tried: 'DescribeRepositories answers 500 on every attempt',
    outcome: "ServerException after the SDK's 8 attempts; nothing queued; fails into its failure queue",
  },
  {
    fn: 'cleanupScheduler',
    id: 'sqs-entries-throttled',
    kind: 'fault',
    tried: "SendMessageBatch refuses every entry twice (`ThrottlingException`, not the sender's fault)",
    outcome: 'entries retried with backoff; each repository queued once',
  },
  {
    fn: 'cleanupScheduler',
    id: 'sqs-5xx-resume',
    kind: 'fault',
    tried: 'SendMessageBatch fails as a whole (500), then the retry of the same event succeeds',
    outcome:
      "QueueSendError fails the first run; the retry queues identical messages (same run id: cleanupWorker cleans a run's repository once)",
  },

  // ── cleanupWorker ──────────────────────────────────────────────────────────────────────────────────
  {
    fn: 'cleanupWorker',
    id: 'malformed-body',
    kind: 'bad input',
    tried: 'a message body that is not JSON, next to a valid one',
    outcome: 'item failure for that message alone (EventValidationError logged); the valid one is cleaned',
  },
  {
    fn: 'cleanupWorker',
    id: 'wrong-types',
    kind: 'bad input',
    tried: '`repositoryName` a number, `runId` an array',
    outcome: 'item failure, the log naming both fields; no AWS call, nothing published',
  },
  {
    fn: 'cleanupWorker',
    id: 'not-sqs',
    kind: 'bad input',
    tried: 'an EventBridge event instead of an SQS batch',
    outcome: 'the invocation fails (Powertools: unexpected batch type) before any AWS call',
  },
  {
    fn: 'cleanupWorker',
    id: 'huge-payload',
    kind: 'bad input',
    tried: 'a 1 MB message (`repositoryName` of 1 MB)',
    outcome: 'item failure, the log naming `repositoryName` in under 1 KB; no AWS call',
  },
  {
    fn: 'cleanupWorker',
    id: 'ecr-throttled',
    kind: 'fault',
    tried: 'DescribeImages and BatchDeleteImage throttled 4 times',
    outcome: 'the SDK retries; the same 3 images are deleted, each once, as without faults',
  },
  {
    fn: 'cleanupWorker',
    id: 'ecs-unavailable',
    kind: 'fault',
    tried: 'ECS answers 503 on every attempt',
    outcome:
      'nothing deleted (an image in use could not be ruled out): the message is acknowledged with a held Cleanup Report naming the ECS and Lambda sources (the next scheduled run reads them again)',
  },
  {
    fn: 'cleanupWorker',
    id: 'publish-fails-resume',
    kind: 'fault',
    tried: 'PutEvents fails (500) after the deletions, then the message comes back',
    outcome:
      'item failure with the 3 deletions kept as run progress; the redelivery deletes nothing again and publishes one Cleanup Report counting them',
  },
  {
    fn: 'cleanupWorker',
    id: 'dynamodb-throttled',
    kind: 'fault',
    tried: 'the state table throttles the idempotency claim, then the message comes back',
    outcome: 'item failure before ECR is read; the redelivery cleans the repository once',
  },
  {
    fn: 'cleanupWorker',
    id: 'cap-progress-throttled',
    kind: 'fault',
    tried:
      'maxDeletionShare 0.5 on 300 images, all expired: the progress write after the first BatchDeleteImage call (100 deleted) is throttled, then the message comes back',
    outcome:
      'item failure; the redelivery keeps to the limit recorded before the first delete and counts the 100 as deleted: 150 deleted in all (cap 150), the Cleanup Report and DeletionShare say 150 of 300 (50 %)',
  },
  {
    fn: 'cleanupWorker',
    id: 'cap-timeout-after-delete',
    kind: 'fault',
    tried:
      'same repository: Lambda times out between the first BatchDeleteImage call (100 deleted) and its progress write; the message comes back once the claim lapses',
    outcome:
      'the in-flight digests recorded before the call count as deleted: 150 deleted in all (cap 150), reported 150 of 300, DeletionShare 50 %',
  },
  {
    fn: 'cleanupWorker',
    id: 'cap-limit-write-fails',
    kind: 'fault',
    tried: "same repository: the write of the run's limit record is throttled, then the message comes back",
    outcome:
      'item failure before any BatchDeleteImage call (nothing deleted without a recorded limit); the redelivery deletes 150 (cap 150), reported 150 of 300',
  },
  {
    fn: 'cleanupWorker',
    id: 'duplicate-delivery',
    kind: 'fault',
    tried: 'the same request delivered again after it was done',
    outcome: 'acknowledged without an AWS call ((run, repository) idempotency record); one Cleanup Report',
  },

  // ── tagImmutability ────────────────────────────────────────────────────────────────────────────────
  {
    fn: 'tagImmutability',
    id: 'missing-detail',
    kind: 'bad input',
    tried: 'a CloudTrail record without `detail`',
    outcome:
      'EventValidationError naming `detail`; no AWS call, nothing published; fails into its failure queue',
  },
  {
    fn: 'tagImmutability',
    id: 'wrong-types',
    kind: 'bad input',
    tried: '`eventName` a number, `eventTime` "yesterday"',
    outcome: 'EventValidationError naming both fields; no AWS call; fails into its failure queue',
  },
  {
    fn: 'tagImmutability',
    id: 'unknown-detail-type',
    kind: 'bad input',
    tried: 'an "ECR Image Scan" event',
    outcome:
      'EventValidationError listing the detail-types it takes; no AWS call; fails into its failure queue',
  },
  {
    fn: 'tagImmutability',
    id: 'huge-payload',
    kind: 'bad input',
    tried: 'a 1 MB PUSH event (`repository-name` of 1 MB)',
    outcome: 'EventValidationError naming `detail.repository-name`, under 1 KB; no AWS call',
  },
  {
    fn: 'tagImmutability',
    id: 'object-property-detail-type',
    kind: 'bad input',
    tried: 'detail-type `constructor`, `__proto__`, `toString`, `hasOwnProperty`',
    outcome:
      'EventValidationError listing the detail-types it takes, for each (not a TypeError); no AWS call',
  },
  {
    fn: 'tagImmutability',
    id: 'forged-account',
    kind: 'bad input',
    tried:
      'a CloudTrail CreateRepository record claiming account 999999999999 (envelope and `recipientAccountId`), the repository drifting',
    outcome:
      'UngovernedEventError naming 999999999999 and the governed account; the repository not fixed, nothing published, no state written; fails into its failure queue',
  },
  {
    fn: 'tagImmutability',
    id: 'foreign-region',
    kind: 'bad input',
    tried: 'the same record from eu-west-1 (envelope `region` and `detail.awsRegion`)',
    outcome:
      'UngovernedEventError naming eu-west-1 and us-east-1; no AWS call, nothing published, no state written',
  },
  {
    fn: 'tagImmutability',
    id: 'ecr-throttled',
    kind: 'fault',
    tried: 'DescribeRepositories and PutImageTagMutability throttled 3 times',
    outcome: 'the SDK retries; the drift is fixed and reported once',
  },
  {
    fn: 'tagImmutability',
    id: 'remediation-5xx',
    kind: 'fault',
    tried: 'PutImageTagMutability answers 500 on every attempt',
    outcome:
      "after the SDK's 8 attempts the drift is reported with remediation `failed` and the error, the repository unchanged; the invocation succeeds",
  },
  {
    fn: 'tagImmutability',
    id: 'publish-fails-retry',
    kind: 'fault',
    tried: 'PutEvents fails (500) after the fix, then Lambda retries the event',
    outcome:
      "the invocation fails after the fix; the retry finds the repository fixed and publishes the event kept in the drift ledger's outbox: reported once, fixed once",
  },
  {
    fn: 'tagImmutability',
    id: 'publish-fails-sweep',
    kind: 'fault',
    tried: 'PutEvents fails after the fix and on both Lambda retries, then the schedule sweeps',
    outcome:
      'the event goes to the failure queue; the sweep publishes the fix from the outbox, once (the next sweep publishes nothing)',
  },
  {
    fn: 'tagImmutability',
    id: 'dynamodb-throttled',
    kind: 'fault',
    tried: 'the state table throttles the idempotency claim, then Lambda retries',
    outcome: 'the invocation fails before any ECR call; the retry fixes and reports the drift once',
  },
  {
    fn: 'tagImmutability',
    id: 'duplicate-event',
    kind: 'fault',
    tried: 'the same CloudTrail record delivered twice',
    outcome: 'the second delivery is a duplicate (idempotency record): no AWS call, one report',
  },

  // ── scanFindings ───────────────────────────────────────────────────────────────────────────────────
  {
    fn: 'scanFindings',
    id: 'missing-detail',
    kind: 'bad input',
    tried: 'an "ECR Image Scan" event without `detail`',
    outcome:
      'EventValidationError naming `detail`; no AWS call, no state written; fails into its failure queue',
  },
  {
    fn: 'scanFindings',
    id: 'wrong-types',
    kind: 'bad input',
    tried: '`image-tags` a string, a severity count "one"',
    outcome: 'EventValidationError naming both fields; no AWS call; fails into its failure queue',
  },
  {
    fn: 'scanFindings',
    id: 'unknown-detail-type',
    kind: 'bad input',
    tried: 'an "ECR Image Action" event',
    outcome: 'EventValidationError naming `detail-type`; no AWS call; fails into its failure queue',
  },
  {
    fn: 'scanFindings',
    id: 'huge-payload',
    kind: 'bad input',
    tried: 'a 1 MB event (`repository-name` of 1 MB)',
    outcome: 'EventValidationError naming `repository-name`, under 1 KB; no AWS call',
  },
  {
    fn: 'scanFindings',
    id: 'object-property-detail-type',
    kind: 'bad input',
    tried: 'detail-type `constructor`, `__proto__`, `toString`, `hasOwnProperty`',
    outcome: 'EventValidationError naming `detail-type`, for each (not a TypeError); no AWS call',
  },
  {
    fn: 'scanFindings',
    id: 'forged-account',
    kind: 'bad input',
    tried: 'an ECR Image Scan claiming account 999999999999 (envelope and repository ARN)',
    outcome:
      'UngovernedEventError naming 999999999999 and the governed account; no AWS call, nothing published, no state written; fails into its failure queue',
  },
  {
    fn: 'scanFindings',
    id: 'foreign-region',
    kind: 'bad input',
    tried:
      'an Inspector2 Finding whose image is in eu-west-1 (`detail.resources[0]`), the envelope saying us-east-1',
    outcome:
      'UngovernedEventError naming `detail.resources.0.region` and eu-west-1; no AWS call, nothing published, no state written',
  },
  {
    fn: 'scanFindings',
    id: 'ecr-throttled',
    kind: 'fault',
    tried: 'DescribeImageScanFindings throttled 3 times',
    outcome: 'the SDK retries; one Vulnerability Alert',
  },
  {
    fn: 'scanFindings',
    id: 'ecr-5xx-retry',
    kind: 'fault',
    tried: 'DescribeImageScanFindings answers 500 on every attempt, then Lambda retries',
    outcome: 'the invocation fails before the ledger is written; the retry publishes one alert',
  },
  {
    fn: 'scanFindings',
    id: 'publish-fails-retry',
    kind: 'fault',
    tried: 'PutEvents fails (500), then Lambda retries',
    outcome: "the invocation fails and releases the alert's claim; the retry publishes one alert",
  },
  {
    fn: 'scanFindings',
    id: 'ledger-write-fails-after-alert',
    kind: 'fault',
    tried: 'the findings ledger write throttled after the alert was published, then Lambda retries',
    outcome:
      "the invocation fails; the retry finds the alert's idempotency record done and writes the ledger: one alert, not two",
  },
  {
    fn: 'scanFindings',
    id: 'duplicate-event',
    kind: 'fault',
    tried: 'the same scan event delivered twice',
    outcome: 'one alert: the findings are already in the ledger',
  },

  // ── replicationAudit ───────────────────────────────────────────────────────────────────────────────
  {
    fn: 'replicationAudit',
    id: 'missing-detail',
    kind: 'bad input',
    tried: 'an "ECR Replication Action" without `detail`',
    outcome:
      'EventValidationError naming `detail`; no AWS call, no state written; fails into its failure queue',
  },
  {
    fn: 'replicationAudit',
    id: 'wrong-types',
    kind: 'bad input',
    tried: '`result` "FAILURE" (ECR says FAILED), `image-digest` a number',
    outcome: 'EventValidationError naming both fields; no AWS call; fails into its failure queue',
  },
  {
    fn: 'replicationAudit',
    id: 'unknown-detail-type',
    kind: 'bad input',
    tried: 'an "ECR Image Scan" event',
    outcome: 'EventValidationError naming the detail-type; no AWS call; fails into its failure queue',
  },
  {
    fn: 'replicationAudit',
    id: 'huge-payload',
    kind: 'bad input',
    tried: 'a 1 MB event (`repository-name` of 1 MB)',
    outcome: 'EventValidationError naming `repository-name`, under 1 KB; no AWS call',
  },
  {
    fn: 'replicationAudit',
    id: 'object-property-detail-type',
    kind: 'bad input',
    tried: 'detail-type `constructor`, `__proto__`, `toString`, `hasOwnProperty`',
    outcome: 'EventValidationError naming the detail-type, for each; no AWS call',
  },
  {
    fn: 'replicationAudit',
    id: 'forged-account',
    kind: 'bad input',
    tried: 'a FAILED replication whose `source-account` is 999999999999',
    outcome:
      'UngovernedEventError naming `detail.source-account` and the governed account; no AWS call, no alert, no state written; fails into its failure queue',
  },
  {
    fn: 'replicationAudit',
    id: 'foreign-region',
    kind: 'bad input',
    tried:
      'a replication event from ap-south-1 (not in `replication.destinationRegions`), and a scheduled audit claiming eu-west-1',
    outcome:
      'UngovernedEventError for each, naming the region and the governed ones (us-east-1, us-west-2 for the replication event); no AWS call, nothing published',
  },
  {
    fn: 'replicationAudit',
    id: 'ecr-throttled',
    kind: 'fault',
    tried: 'the scheduled audit with 30% of DescribeRepositories and DescribeImages calls throttled',
    outcome: 'the SDK retries; the same report as without throttling, published once',
  },
  {
    fn: 'replicationAudit',
    id: 'region-unreachable',
    kind: 'fault',
    tried: 'the destination region unreachable (connection refused) during the audit',
    outcome:
      'the audit completes and publishes its report, not clean, with us-west-2 `region-unreachable`; the invocation succeeds',
  },
  {
    fn: 'replicationAudit',
    id: 'publish-fails-retry',
    kind: 'fault',
    tried: 'PutEvents fails (500) on a failed-replication alert, then Lambda retries',
    outcome:
      "the invocation fails; the retry publishes one Replication Failure (the alert's claim was released)",
  },
  {
    fn: 'replicationAudit',
    id: 'dynamodb-throttled',
    kind: 'fault',
    tried: "the state table throttles the alert's idempotency claim, then Lambda retries",
    outcome: 'the invocation fails before anything is published; the retry publishes one Replication Failure',
  },
  {
    fn: 'replicationAudit',
    id: 'duplicate-event',
    kind: 'fault',
    tried: 'the same failed-replication event delivered twice',
    outcome: 'the second delivery is a duplicate: one Replication Failure',
  },

  // ── slackNotifier ──────────────────────────────────────────────────────────────────────────────────
  {
    fn: 'slackNotifier',
    id: 'malformed-body',
    kind: 'bad input',
    tried: 'a message body that is not JSON, ahead of a valid one',
    outcome:
      'item failure for it and the message behind it (FIFO order is kept), the log naming the JSON error; nothing posted',
  },
  {
    fn: 'slackNotifier',
    id: 'wrong-types',
    kind: 'bad input',
    tried: '`severity` "urgent", `summary` a number',
    outcome: 'item failure, the log naming both fields; nothing posted',
  },
  {
    fn: 'slackNotifier',
    id: 'unknown-detail-type',
    kind: 'bad input',
    tried: 'a governance event of an unknown detail-type',
    outcome: 'item failure, the log listing the detail-types it knows; nothing posted',
  },
  {
    fn: 'slackNotifier',
    id: 'huge-payload',
    kind: 'bad input',
    tried: 'a 1 MB governance event (`summary` of 1 MB)',
    outcome:
      'item failure, the log naming `detail.summary` (at most 300 characters) in under 1 KB; nothing posted',
  },
  {
    fn: 'slackNotifier',
    id: 'ssm-throttled',
    kind: 'fault',
    tried: 'GetParameter (the webhook URL) throttled, then the message comes back',
    outcome: 'item failure before any post; the redelivery posts once',
  },
  {
    fn: 'slackNotifier',
    id: 'slack-5xx',
    kind: 'fault',
    tried: 'Slack answers 500 four times, then the message comes back',
    outcome: '4 attempts with backoff, then item failure; the redelivery posts once',
  },
  {
    fn: 'slackNotifier',
    id: 'slack-down-parked',
    kind: 'fault',
    tried: 'Slack answers 500 to the first of 3 messages on its first and second receive',
    outcome:
      'receive 1: 4 attempts, item failure for all 3 (FIFO); receive 2: 4 more, the message is parked in the notifications DLQ (same body, alarm) and the 2 behind it are posted: one failing message holds the queue at most 720 s + 120 s',
  },
  {
    fn: 'slackNotifier',
    id: 'dynamodb-throttled',
    kind: 'fault',
    tried: 'the state table throttles the delivery claim, then the message comes back',
    outcome: 'item failure before any post; the redelivery posts once',
  },
  {
    fn: 'slackNotifier',
    id: 'broken-route',
    kind: 'fault',
    tried:
      'one of two routes answers 404 `no_service` to every post of a batch of 10, then the batch comes back',
    outcome:
      'no item failure: 10 of 10 posted to the healthy route, each rejection recorded (route, event, status), logged and counted in NotificationsRejected (alarm); the redelivery posts and retries nothing',
  },
  {
    fn: 'slackNotifier',
    id: 'slack-200-not-ok',
    kind: 'fault',
    tried: 'Slack answers HTTP 200 with the body `invalid_payload` instead of `ok`',
    outcome:
      'a rejection, not a delivery: recorded, logged with status 200, counted in NotificationsRejected',
  },
  {
    fn: 'slackNotifier',
    id: 'duplicate-delivery',
    kind: 'fault',
    tried: 'the same message delivered again after it was posted',
    outcome: 'posted once: the second delivery finds the (event, channel) record done',
  },
];
