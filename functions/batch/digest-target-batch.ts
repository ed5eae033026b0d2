import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  processDigestTarget,
  type ScanFindingsDependencies,
  type ScanFindingsOutcome,
} from '../../shared/findings/scan-findings-service';

/**
 * scanFindings' second event source under an Organizations hub (issue 15): its target queue, one
 * message per governed account × region of the day's digest, read with ReportBatchItemFailures
 * through Powertools' BatchProcessor. A message that throws (malformed, ungoverned, a failed publish)
 * is a batch item failure and only it comes back; an unreachable account is not a failure (its
 * Account Unreachable report is the outcome). One message after the other: the event source mapping's
 * maximumConcurrency bounds the invocations, and so the state table's read rate.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export async function processDigestTargetBatch(
  event: SQSEvent,
  context: Context,
  dependencies: ScanFindingsDependencies,
  onOutcome: (outcome: ScanFindingsOutcome, messageId: string) => void,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const outcome = await processDigestTarget(
        { messageId: record.messageId, body: record.body },
        dependencies,
      );
      onOutcome(outcome, record.messageId);
    },
    processor,
    { context, processInParallel: false, throwOnFullBatchFailure: false },
  );
}

/** Whether a Lambda event is an SQS batch (the target queue) rather than an EventBridge event. */
export function isSqsBatch(event: unknown): event is SQSEvent {
  if (typeof event !== 'object' || event === null || !('Records' in event)) return false;
  const records = (event as { Records: unknown }).Records;
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
