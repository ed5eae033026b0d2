import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueMessage } from '../../shared/events/queue-message';

/**
 * An Organizations hub's target queue (issue 15: one message per governed account × region, read with
 * ReportBatchItemFailures) through Powertools' BatchProcessor: a message that throws is a batch item
 * failure and only it comes back; after the queue's maxReceiveCount it moves to the dead-letter queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * One message after the other (`processInParallel: false`): the event source mapping's
 * maximumConcurrency bounds how many targets are worked at once, and so the ECR API rate.
 */
export async function processTargetBatch(
  event: SQSEvent,
  context: Context,
  handleMessage: (message: QueueMessage & { sentAt: Date }) => Promise<unknown>,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    (record: SQSRecord) =>
      handleMessage({
        messageId: record.messageId,
        body: record.body,
        sentAt: sentAt(record),
      }),
    processor,
    { context, processInParallel: false, throwOnFullBatchFailure: false },
  );
}

/** When the schedule's invocation queued the message (`SentTimestamp`, epoch ms): the run's time for its work. */
function sentAt(record: SQSRecord): Date {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) ? new Date(sent) : new Date();
}

/** Whether a Lambda event is an SQS batch (the target queue's) rather than an EventBridge event. */
export function isSqsEvent(event: unknown): event is SQSEvent {
  if (typeof event !== 'object' || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every(
      (record) =>
        typeof record === 'object' &&
        record !== null &&
        (record as { eventSource?: unknown }).eventSource === 'aws:sqs',
    )
  );
}
