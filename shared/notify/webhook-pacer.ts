import { EcrWardenError } from '../errors';

/** Time as the notifier sees it. Tests pass a virtual clock whose sleep advances time at once. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/**
 * Waiting (for the pacer, a Retry-After or a backoff) would run past the time the invocation has left.
 * The message fails instead, and the queue delivers it again later; nothing waits past the Lambda timeout.
 */
export class NotificationDeadlineError extends EcrWardenError {
  override name = 'NotificationDeadlineError';

  constructor(
    readonly waitMs: number,
    readonly remainingMs: number,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `${reason}: waiting ${Math.ceil(waitMs)} ms would pass the invocation's deadline (${Math.max(0, Math.floor(remainingMs))} ms left)`,
      options,
    );
  }
}

/**
 * Slack accepts about one message per second per incoming webhook ("Posting messages: 1 per second,
 * short bursts >1 allowed", https://docs.slack.dev/apis/web-api/rate-limits) and answers HTTP 429 with
 * Retry-After beyond that. The pacer spaces the posts to one webhook at least `intervalMs` apart, and
 * holds a webhook back for as long as Slack's Retry-After asks.
 *
 * It remembers within one execution environment. Across environments, the notification queue is FIFO
 * with a single message group, so one batch at a time is in flight; two environments could still post
 * back to back at a batch boundary, a short burst Slack tolerates.
 *
 * Callers post to one webhook one at a time (the notifier handles a batch in order).
 */
export interface WebhookPacer {
  /**
   * Waits for the webhook's next slot and takes it. Throws NotificationDeadlineError, without waiting,
   * when the slot comes after `deadline` (epoch ms).
   */
  acquire(webhook: string, deadline: number): Promise<void>;
  /** No post to this webhook before `until` (epoch ms), e.g. after a 429 with Retry-After. */
  holdUntil(webhook: string, until: number): void;
}

export function createWebhookPacer(settings: { clock?: Clock; intervalMs?: number } = {}): WebhookPacer {
  const clock = settings.clock ?? systemClock;
  const intervalMs = settings.intervalMs ?? 1_000;
  const nextSlot = new Map<string, number>();

  return {
    async acquire(webhook, deadline) {
      const now = clock.now();
      const slot = nextSlot.get(webhook) ?? now;
      const wait = slot - now;
      if (slot > deadline) {
        throw new NotificationDeadlineError(wait, deadline - now, 'Slack webhook rate limit');
      }
      if (wait > 0) await clock.sleep(wait);
      nextSlot.set(webhook, Math.max(nextSlot.get(webhook) ?? 0, clock.now() + intervalMs));
    },
    holdUntil(webhook, until) {
      nextSlot.set(webhook, Math.max(nextSlot.get(webhook) ?? 0, until));
    },
  };
}
