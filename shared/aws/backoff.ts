/**
 * Retry timing for the batch APIs whose responses report failures entry by entry (SQS
 * SendMessageBatch, EventBridge PutEvents): the SDK retries failed calls, not failed entries.
 * Exponential backoff with full jitter, as AWS recommends:
 * https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
export interface RetryTiming {
  /** Attempts per entry, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected by tests so that retries take no time. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry 1 waits up to baseDelayMs, each next one up to twice as long, never more than maxDelayMs. */
export function backoffDelay(
  retry: number,
  timing: Pick<RetryTiming, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling * timing.random());
}
