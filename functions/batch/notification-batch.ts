import {
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
  SqsFifoShortCircuitError,
} from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type NotificationBatchDependencies,
  openNotificationBatch,
} from '../../shared/notify/process-notification-batch';

/**
 * slackNotifier's Lambda plumbing: the notification queue (SQS FIFO, one message group,
 * ReportBatchItemFailures) through Powertools' SqsFifoPartialProcessorAsync, each message handed to the
 * domain's batch (shared/notify/process-notification-batch.ts, which also explains the parking).
 *
 * Messages are handled one at a time, in order: at the first message that fails, the processor stops
 * and reports that message and every later one as batch item failures, as Lambda asks for FIFO queues
 * ("stop processing messages after the first failure and return all failed and unprocessed messages in
 * batchItemFailures", to keep their order).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * https://docs.aws.amazon.com/powertools/typescript/latest/features/batch/ (FIFO queues)
 *
 * A full batch failure is returned as batch item failures rather than thrown: for a FIFO queue the
 * effect is the same (every message returns), and the failure is already logged and counted.
 */
export async function processNotificationBatch(
  event: SQSEvent,
  context: Context,
  dependencies: NotificationBatchDependencies,
): Promise<SQSBatchResponse> {
  const batch = openNotificationBatch(dependencies, context.getRemainingTimeInMillis());
  const processor = new SqsFifoPartialProcessorAsync();
  const response = await processPartialResponse(
    event,
    (record: SQSRecord) => batch.notifyMessage(record, Number(record.attributes.ApproximateReceiveCount)),
    processor,
    { context, throwOnFullBatchFailure: false },
  );

  // The processor keeps each failure's error next to its record: tell the messages that failed from
  // those returned unprocessed behind them.
  const returnedForOrder = processor.errors.flatMap((error, index) => {
    const record = processor.failureMessages[index];
    return error instanceof SqsFifoShortCircuitError && record !== undefined && 'messageId' in record
      ? [record.messageId]
      : [];
  });
  batch.finish({
    messages: event.Records.length,
    failures: response.batchItemFailures.length,
    returnedForOrder,
  });
  return response;
}
