import type { AlertOnce } from '../findings/record-image-findings';
import { type IdempotencyGuard, IdempotencyInProgressError, type IdempotencyOptions } from './idempotency';

/**
 * "Publish this alert once" on the idempotency records of the state table. A key is done for 7 days,
 * far longer than EventBridge (24 h) or Lambda's asynchronous retries (6 h) redeliver an event; a claim
 * blocks other deliveries for 3 minutes, longer than scanFindings' timeout, so that a live holder never
 * loses it, and a crashed one frees it for the next retry.
 */
export const ALERT_IDEMPOTENCY: IdempotencyOptions = {
  ttlSeconds: 7 * 86_400,
  inProgressTimeoutSeconds: 180,
};

export function createAlertOnce(
  guard: IdempotencyGuard,
  options: IdempotencyOptions = ALERT_IDEMPOTENCY,
): AlertOnce {
  return {
    async run(key, publish) {
      try {
        const run = await guard.runOnce(key, options, publish);
        return run.status === 'executed' ? 'published' : 'duplicate';
      } catch (error) {
        if (error instanceof IdempotencyInProgressError) return 'busy';
        throw error;
      }
    },
  };
}
