import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type CleanupWorkerDependencies, openCleanupBatch } from '../../shared/cleanup/process-cleanup-batch';

/**
 * cleanupWorker's Lambda plumbing: the cleanup queue (a standard queue read with
 * ReportBatchItemFailures) through Powertools' BatchProcessor, each message handed to the domain's
 * batch (shared/cleanup/process-cleanup-batch.ts); a message that throws is reported as a batch item
 * failure and only it comes back. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * Messages are handled one after the other (`processInParallel: false`): the event source mapping's
 * maximumConcurrency bounds how many invocations run at once, so at most that many repositories are
 * read and cleaned at a time, and the ECR API rate stays bounded whatever the size of the registry.
 */
export async function processCleanupBatch(
  event: SQSEvent,
  context: Context,
  dependencies: CleanupWorkerDependencies,
): Promise<SQSBatchResponse> {
  const batch = await openCleanupBatch(dependencies, () => context.getRemainingTimeInMillis());
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(
    event,
    (record: SQSRecord) => batch.cleanMessage(record),
    processor,
    {
      context,
      processInParallel: false,
      // A batch whose every message failed is reported as such rather than thrown: Lambda returns each
      // message to the queue either way, and each failure is already logged.
      throwOnFullBatchFailure: false,
    },
  );
  batch.finish({ messages: event.Records.length, failed: response.batchItemFailures.length });
  return response;
}
