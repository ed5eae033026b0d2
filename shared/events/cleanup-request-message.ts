import { type CleanupRequest, cleanupRequestSchema } from '../cleanup/cleanup-request';
import { EventValidationError } from './event-validation-error';
import type { QueueMessage } from './queue-message';

/**
 * One message of the cleanup queue, as the SQS event source delivers it (`Records[].body`, the JSON
 * text cleanupScheduler sent). A body that is not JSON or not a CleanupRequest is a typed error naming
 * the message id and every problem; its message alone fails (a batch item failure), and after the
 * queue's maxReceiveCount it moves to the dead-letter queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (the SQS message event)
 */
export function parseCleanupRequestMessage(record: QueueMessage): CleanupRequest {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new EventValidationError('cleanup request', record.messageId, [
      `body is not JSON: ${(error as Error).message}`,
    ]);
  }
  const parsed = cleanupRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new EventValidationError(
    'cleanup request',
    record.messageId,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
  );
}
