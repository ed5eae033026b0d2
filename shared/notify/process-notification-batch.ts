import {
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
  SqsFifoShortCircuitError,
} from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { StructuredLogger } from '../logger';
import type { GovernanceNotifier } from './governance-notifier';
import { type Clock, systemClock } from './webhook-pacer';

/**
 * One batch of the notification queue: an SQS FIFO queue with a single message group, read by the
 * event source mapping with ReportBatchItemFailures, so the batch is at most 10 messages in order.
 *
 * Messages are handled one at a time, in order, by Powertools' SqsFifoPartialProcessorAsync: at the
 * first message that fails, it stops and reports that message and every later one as batch item
 * failures, as Lambda asks for FIFO queues ("stop processing messages after the first failure and
 * return all failed and unprocessed messages in batchItemFailures", to keep their order).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * https://docs.aws.amazon.com/powertools/typescript/latest/features/batch/ (FIFO queues)
 *
 * The trade-off: a message that cannot be delivered (Slack down, a malformed event, a missing webhook
 * parameter) holds back the messages behind it: they return to the queue with it, and the single
 * message group delivers nothing else until it is deleted or moved to the dead-letter queue. Left to
 * SQS's redrive that is maxReceiveCount (5) × the visibility timeout (720 s) = 1 hour, and the messages
 * behind it, received as often, would reach the dead-letter queue with it, unposted. So the hold is
 * bounded here: a message that fails again at its `parkAfterReceives`-th receive (default 2) is parked
 * in the dead-letter queue by the notifier (`parking`) and acknowledged, and the batch goes on. Worst
 * case, one failing message holds the group for one visibility timeout plus two invocations: the first
 * receive fails (≤ 120 s, the function timeout), the message is visible again 720 s after that receive,
 * the second receive fails again and parks it (≤ 120 s): at most 720 + 120 = 840 s. If parking fails
 * too, the message fails as before (nothing is acknowledged that is not parked) and SQS's redrive
 * remains the bound. Permanent Slack rejections never hold the group (./governance-notifier.ts).
 * A malformed message fails fast (no delivery attempt, no wait) and the routes of an event that were
 * already posted are not posted again, so the cost of a retry is the wait, never a duplicate.
 *
 * A full batch failure is returned as batch item failures rather than thrown: for a FIFO queue the
 * effect is the same (every message returns), and the failure is already logged and counted.
 */
/** Where a message still failing at its `parkAfterReceives`-th receive goes (shared/aws/notification-parking.ts). */
export interface NotificationParking {
  park(message: { messageId: string; body: string }, reason: string): Promise<void>;
}

/** The receive at which a message that fails again is parked: the second, i.e. after one retry. */
export const DEFAULT_PARK_AFTER_RECEIVES = 2;

export interface NotificationBatchDependencies {
  notifier: GovernanceNotifier;
  logger: StructuredLogger;
  /** Without it, failing messages are left to the queue's own redrive (maxReceiveCount). */
  parking?: NotificationParking;
  /** Default DEFAULT_PARK_AFTER_RECEIVES; keep it below the queue's maxReceiveCount (5). */
  parkAfterReceives?: number;
  /** The clock the Slack client and pacer use, so that the deadline is on the same time line. */
  clock?: Clock;
  /**
   * Time kept back from the invocation's remaining time, for what follows the last post: completing or
   * releasing idempotency records and returning the response (default 5 s).
   */
  safetyMarginMs?: number;
}

export async function processNotificationBatch(
  event: SQSEvent,
  context: Context,
  dependencies: NotificationBatchDependencies,
): Promise<SQSBatchResponse> {
  const { notifier, logger } = dependencies;
  const clock = dependencies.clock ?? systemClock;
  const deadline = clock.now() + context.getRemainingTimeInMillis() - (dependencies.safetyMarginMs ?? 5_000);

  const processor = new SqsFifoPartialProcessorAsync();
  const parkAfterReceives = dependencies.parkAfterReceives ?? DEFAULT_PARK_AFTER_RECEIVES;
  const handleRecord = async (record: SQSRecord) => {
    const message = { messageId: record.messageId, body: record.body };
    try {
      return await notifier.notify(message, deadline);
    } catch (error) {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      if (dependencies.parking === undefined || !(receiveCount >= parkAfterReceives)) throw error;
      try {
        await dependencies.parking.park(message, describeError(error));
      } catch (parkingError) {
        logger.error('could not park the failing notification; it returns to the queue', {
          messageId: record.messageId,
          receiveCount,
          error: parkingError,
        });
        throw error;
      }
      logger.error('notification still failing; parked in the dead-letter queue so that the queue moves on', {
        messageId: record.messageId,
        receiveCount,
        error,
      });
      return undefined;
    }
  };
  const response = await processPartialResponse(event, handleRecord, processor, {
    context,
    throwOnFullBatchFailure: false,
  });

  // The processor keeps each failure's error next to its record: tell the messages that failed from
  // those returned unprocessed behind them.
  const returnedForOrder = processor.errors.flatMap((error, index) => {
    const record = processor.failureMessages[index];
    return error instanceof SqsFifoShortCircuitError && record !== undefined && 'messageId' in record
      ? [record.messageId]
      : [];
  });
  logger.info('notification batch handled', {
    messages: event.Records.length,
    failed: response.batchItemFailures.length - returnedForOrder.length,
    returnedToKeepOrder: returnedForOrder.length,
    ...(returnedForOrder.length > 0 ? { returnedMessageIds: returnedForOrder } : {}),
  });
  return response;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
