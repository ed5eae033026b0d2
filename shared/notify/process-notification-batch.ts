import type { QueueMessage } from '../events/queue-message';
import type { StructuredLogger } from '../logger';
import type { GovernanceNotifier, NotificationOutcome } from './governance-notifier';
import { type Clock, systemClock } from './webhook-pacer';

/**
 * One batch of the notification queue, message by message: an SQS FIFO queue with a single message
 * group, read by the event source mapping with ReportBatchItemFailures, so the batch is at most 10
 * messages in order. functions/batch/notification-batch.ts hands the messages over one at a time, in
 * order, and stops at the first that fails (what Lambda asks for FIFO queues).
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

/** A batch under way: its messages are delivered one after the other, then it is finished. */
export interface NotificationBatch {
  /**
   * Delivers one message (`receiveCount`: SQS's ApproximateReceiveCount); throws when it must come back.
   * A message still failing at its `parkAfterReceives`-th receive is parked and resolves undefined.
   */
  notifyMessage(message: QueueMessage, receiveCount: number): Promise<NotificationOutcome | undefined>;
  /** Logs the batch's figures: `returnedForOrder` are the messages returned unprocessed behind a failure. */
  finish(counts: { messages: number; failures: number; returnedForOrder: readonly string[] }): void;
}

/** Opens a batch; `remainingTimeMs` is the invocation's time left (Lambda's context) at its start. */
export function openNotificationBatch(
  dependencies: NotificationBatchDependencies,
  remainingTimeMs: number,
): NotificationBatch {
  const { notifier, logger } = dependencies;
  const clock = dependencies.clock ?? systemClock;
  const deadline = clock.now() + remainingTimeMs - (dependencies.safetyMarginMs ?? 5_000);
  const parkAfterReceives = dependencies.parkAfterReceives ?? DEFAULT_PARK_AFTER_RECEIVES;

  const notifyMessage = async (record: QueueMessage, receiveCount: number) => {
    const message = { messageId: record.messageId, body: record.body };
    try {
      return await notifier.notify(message, deadline);
    } catch (error) {
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

  return {
    notifyMessage,
    finish({ messages, failures, returnedForOrder }) {
      logger.info('notification batch handled', {
        messages,
        failed: failures - returnedForOrder.length,
        returnedToKeepOrder: returnedForOrder.length,
        ...(returnedForOrder.length > 0 ? { returnedMessageIds: returnedForOrder } : {}),
      });
    },
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
