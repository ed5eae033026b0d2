import { AWS_REGION_PATTERN } from '../config/schema-protect';
import * as z from '../zod';
import { EventValidationError } from './event-validation-error';
import type { QueueMessage } from './queue-message';

/**
 * The scheduled work of an Organizations hub (issue 15) that runs per governed account × region: the
 * repository guard's sweep, the replication audit and the vulnerability digest. The schedule's
 * invocation sends one message per target to the function's own target queue, and the same function,
 * through its SQS event source, does the work of one target per message: 500 accounts × 3 regions fit
 * the same 15-minute function, and the queue's maximum concurrency bounds the ECR API rate.
 *
 * A contract between two deployments of the code (a message may outlive a deploy), so it is versioned
 * like the cleanup request: a breaking change bumps `schemaVersion` and the reader keeps the old one
 * for at least the queue's retention period.
 */
export const TARGET_WORK = ['repository-guard', 'replication-audit', 'vulnerability-digest'] as const;
export type TargetWork = (typeof TARGET_WORK)[number];

export const targetMessageSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** Which function's work this is: a message sent to the wrong queue fails here, not halfway through. */
  work: z.enum(TARGET_WORK),
  /** The governed (member) account to work in. */
  account: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  region: z.string().check(z.regex(AWS_REGION_PATTERN, 'must be an AWS region such as us-east-1')),
  /**
   * The schedule run that queued this target: the Scheduled Event's id. A retried run sends the same
   * runId, so `runId/work/account/region` keys what must happen once per run (the Account Unreachable
   * event). Bounded like the cleanup request's, so that a hostile message fails here and not as an
   * oversized DynamoDB key.
   */
  runId: z.string().check(z.minLength(1), z.maxLength(256)),
});

export type TargetMessage = z.output<typeof targetMessageSchema>;

/** The message for one account × region of one run. */
export function buildTargetMessage(
  work: TargetWork,
  target: { account: string; region: string },
  runId: string,
): TargetMessage {
  return { schemaVersion: 1, work, account: target.account, region: target.region, runId };
}

/**
 * One message of a target queue as the SQS event source delivers it (`Records[].body`). A body that
 * is not JSON, not a target message, or a target message for another `work` is a typed error naming
 * the message id and every problem: that message alone fails (a batch item failure), and after the
 * queue's maxReceiveCount it moves to the dead-letter queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (the SQS message event)
 */
export function parseTargetMessage(record: QueueMessage, expectedWork: TargetWork): TargetMessage {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new EventValidationError(`${expectedWork} target message`, record.messageId, [
      `body is not JSON: ${(error as Error).message}`,
    ]);
  }
  const parsed = targetMessageSchema.safeParse(body);
  if (!parsed.success) {
    throw new EventValidationError(
      `${expectedWork} target message`,
      record.messageId,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    );
  }
  if (parsed.data.work !== expectedWork) {
    throw new EventValidationError(`${expectedWork} target message`, record.messageId, [
      `work: "${parsed.data.work}" is not this function's work ("${expectedWork}")`,
    ]);
  }
  return parsed.data;
}
