import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLedger, RouteDelivery } from '../notify/governance-notifier';
import type { IdempotencyGuard, IdempotencyOptions } from './idempotency';

/**
 * The notifier's record of which (governance event, route) deliveries are done, as idempotency records in
 * the state table (./idempotency.ts, key family `IDEMPOTENCY#slack-notification#<route>#<event id>`):
 * EventBridge and SQS deliver at least once, and a message whose other route failed comes back, yet each
 * route posts an event once. A route Slack refused for good is recorded the same way, COMPLETED with the
 * result `{ outcome: 'rejected', status, slackError }`, so that no redelivery tries it again.
 */
export const SLACK_DELIVERY_IDEMPOTENCY: IdempotencyOptions = {
  // As long as the dead-letter queues keep a message (14 days): a message redriven from the DLQ after a
  // fix posts only to the routes it had not reached.
  ttlSeconds: 14 * 24 * 3600,
  // Longer than slackNotifier's timeout (120 s in serverless.yml), so that a live post never loses its
  // claim; shorter than the queue's visibility timeout (720 s), so that the claim of a crashed invocation
  // has run out by the time SQS delivers the message again.
  inProgressTimeoutSeconds: 180,
};

export function createSlackDeliveryLedger(settings: {
  guard: Pick<IdempotencyGuard, 'runOnce'>;
  options?: IdempotencyOptions;
}): DeliveryLedger {
  const options = settings.options ?? SLACK_DELIVERY_IDEMPOTENCY;
  return {
    async runOnce(key, deliver) {
      const run = await settings.guard.runOnce(key, options, deliver, (delivery) => ({ ...delivery }));
      if (run.status === 'executed') return { delivery: run.result, earlier: false };
      return { delivery: readRecordedDelivery(run.result), earlier: true };
    },
  };
}

/** Records written before rejections were recorded hold the result `'posted'`: they were posts. */
function readRecordedDelivery(result: NativeAttributeValue): RouteDelivery {
  if (
    typeof result === 'object' &&
    result !== null &&
    result.outcome === 'rejected' &&
    typeof result.status === 'number' &&
    typeof result.slackError === 'string'
  ) {
    return { outcome: 'rejected', status: result.status, slackError: result.slackError };
  }
  return { outcome: 'posted' };
}
