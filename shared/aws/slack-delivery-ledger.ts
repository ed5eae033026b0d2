import type { DeliveryLedger } from '../notify/governance-notifier';
import type { IdempotencyGuard, IdempotencyOptions } from './idempotency';

/**
 * The notifier's record of which (governance event, route) posts are done, as idempotency records in the
 * state table (./idempotency.ts): EventBridge and SQS deliver at least once, and a message whose other
 * route failed comes back, yet each route posts an event once.
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
    async runOnce(key, post) {
      const run = await settings.guard.runOnce(key, options, post, () => 'posted');
      return run.status === 'executed' ? 'posted' : 'duplicate';
    },
  };
}
