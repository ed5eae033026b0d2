import { StateStoreError } from './state-errors';

/**
 * The run-once port: "do this once per key" across retries and duplicate deliveries (EventBridge and
 * SQS deliver at least once). Declared here, beside the state table's other concepts, and imported by
 * every domain that needs it (cleanup, findings, replication, the repository guard); the one
 * implementation is shared/aws/idempotency.ts, on the state table. Tests may pass their own.
 */

export interface RunOnceOptions {
  /** How long after completion duplicates are recognised (the record's TTL). */
  ttlSeconds: number;
  /**
   * How long a claim blocks other deliveries before it is presumed crashed and may be retried. Make it
   * longer than the function's timeout, so that a live holder never loses its claim.
   */
  inProgressTimeoutSeconds: number;
}

export type RunOnceResult<Result> =
  | { status: 'executed'; result: Result }
  /** `result` is what the first run stored, when it stored anything. */
  | { status: 'duplicate'; completedAt: string; result?: unknown };

export interface RunOnceGuard {
  /**
   * Runs `action` unless the key was already done: claims, runs, completes, or releases and rethrows if
   * the action throws. Throws IdempotencyInProgressError while another delivery holds the key.
   */
  runOnce<Result>(
    key: string,
    options: RunOnceOptions,
    action: () => Promise<Result>,
  ): Promise<RunOnceResult<Result>>;
}

/** Another delivery holds the claim: fail this one so that the queue redelivers it later. */
export class IdempotencyInProgressError extends StateStoreError {
  override name = 'IdempotencyInProgressError';

  constructor(
    readonly idempotencyKey: string,
    readonly lockedUntil: Date,
  ) {
    super(`${idempotencyKey} is being processed by another delivery until ${lockedUntil.toISOString()}`);
  }
}
