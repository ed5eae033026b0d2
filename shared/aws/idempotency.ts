import { randomUUID } from 'node:crypto';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { IdempotencyInProgressError, type RunOnceGuard, type RunOnceOptions } from '../state/run-once';
import { StateStoreError } from '../state/state-errors';
import { idempotencyRecords } from '../state/state-keys';
import { expiresAfter, type StateItem, type StateStore, toEpochSeconds } from './state-store';

/**
 * "Do this once" across retries and duplicate deliveries (EventBridge and SQS deliver at least once),
 * e.g. "the same governance event delivered twice posts once in Slack".
 *
 * A record goes IN_PROGRESS when a caller claims its key, and COMPLETED when that caller finishes.
 * An IN_PROGRESS record is a lease: if its holder crashes (Lambda timeout, out of memory), the record
 * stays IN_PROGRESS until `lockedUntil`, and then the next delivery may claim it and retry. A holder
 * that fails cleanly releases the record at once. Records expire (TTL) `ttlSeconds` after completion;
 * after that the same key is new again. The shape follows Powertools for AWS Lambda's idempotency
 * utility (INPROGRESS / COMPLETED, in-progress expiry), on the project's own single table.
 */

export type IdempotencyStatus = 'IN_PROGRESS' | 'COMPLETED';

export interface IdempotencyRecord extends StateItem {
  status: IdempotencyStatus;
  /** Random token of the claim that wrote the record: only its holder may complete or release it. */
  owner: string;
  claimedAt: string;
  /** Epoch seconds until which an IN_PROGRESS claim blocks others. */
  lockedUntil?: number;
  completedAt?: string;
  /** What the first run returned, for duplicates to report (keep it small: 400 KB per item). */
  result?: NativeAttributeValue;
}

/** The run-once port's options (shared/state/run-once.ts), the same for every caller. */
export type IdempotencyOptions = RunOnceOptions;

export type IdempotencyClaim =
  | {
      status: 'claimed';
      /** Marks the work done; duplicates then see `completed`. Throws IdempotencyLeaseLostError. */
      complete(result?: NativeAttributeValue): Promise<void>;
      /** Gives the claim up after a failure, so that a retry may claim at once. */
      release(): Promise<void>;
    }
  | { status: 'completed'; completedAt: string; result?: NativeAttributeValue }
  | { status: 'in-progress'; lockedUntil: Date };

export type IdempotentRun<Result> =
  | { status: 'executed'; result: Result }
  | { status: 'duplicate'; completedAt: string; result?: NativeAttributeValue };

export { IdempotencyInProgressError };

/**
 * The claim was taken over (its lease ran out and another delivery claimed the key) or expired before
 * completion: the work may have been done twice. Raise inProgressTimeoutSeconds.
 */
export class IdempotencyLeaseLostError extends StateStoreError {
  override name = 'IdempotencyLeaseLostError';

  constructor(readonly idempotencyKey: string) {
    super(`the claim on ${idempotencyKey} was lost before it completed`);
  }
}

/** The run-once port's implementation on the state table, with the claim itself for callers that need it. */
export interface IdempotencyGuard extends RunOnceGuard {
  claimOnce(key: string, options: IdempotencyOptions): Promise<IdempotencyClaim>;
  /**
   * Runs `action` unless the key was already done: claims, runs, completes with the action's result
   * (when it is storable), or releases and rethrows if the action throws. Throws
   * IdempotencyInProgressError while another delivery holds the key.
   */
  runOnce<Result>(
    key: string,
    options: IdempotencyOptions,
    action: () => Promise<Result>,
    storeResult?: (result: Result) => NativeAttributeValue,
  ): Promise<IdempotentRun<Result>>;
}

/** Claims race only with records that vanish in between (expired, released): a few rounds settle it. */
const MAX_CLAIM_ROUNDS = 3;

export function createIdempotencyGuard(settings: {
  store: StateStore;
  now?: () => Date;
  newToken?: () => string;
}): IdempotencyGuard {
  const { store } = settings;
  const now = settings.now ?? (() => new Date());
  const newToken = settings.newToken ?? randomUUID;

  async function claimOnce(idempotencyKey: string, options: IdempotencyOptions): Promise<IdempotencyClaim> {
    validateOptions(options);
    const key = idempotencyRecords.key(idempotencyKey);
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round += 1) {
      const claimedAt = now();
      const owner = newToken();
      const record: IdempotencyRecord = {
        ...key,
        status: 'IN_PROGRESS',
        owner,
        claimedAt: claimedAt.toISOString(),
        lockedUntil: expiresAfter(options.inProgressTimeoutSeconds, claimedAt),
        // Never expire a live claim: TTL would free the key while its holder still works.
        expiresAt: expiresAfter(Math.max(options.ttlSeconds, options.inProgressTimeoutSeconds), claimedAt),
      };
      // Free when absent or expired (the store's own rule), or when an IN_PROGRESS lease ran out.
      const claimed = await store.putIf(record, {
        expression:
          'attribute_not_exists(#pk) OR #expiresAt <= :now OR (#status = :inProgress AND #lockedUntil <= :now)',
        names: { '#status': 'status', '#lockedUntil': 'lockedUntil' },
        values: { ':inProgress': 'IN_PROGRESS' },
      });
      if (claimed) return heldClaim(idempotencyKey, record, options);

      const existing = await store.get<IdempotencyRecord>(key, { consistentRead: true });
      if (existing === undefined) continue; // released or expired since our attempt: try again
      if (existing.status === 'COMPLETED') {
        return {
          status: 'completed',
          completedAt: existing.completedAt ?? existing.claimedAt,
          ...(existing.result === undefined ? {} : { result: existing.result }),
        };
      }
      const lockedUntil = existing.lockedUntil ?? 0;
      if (lockedUntil > toEpochSeconds(now())) {
        return { status: 'in-progress', lockedUntil: new Date(lockedUntil * 1000) };
      }
      // The lease ran out between our write and our read: claim again.
    }
    throw new StateStoreError(`could not claim ${idempotencyKey} in ${MAX_CLAIM_ROUNDS} rounds`);
  }

  function heldClaim(
    idempotencyKey: string,
    record: IdempotencyRecord,
    options: IdempotencyOptions,
  ): IdempotencyClaim {
    const heldByUs = {
      expression: '#owner = :owner AND #status = :inProgress',
      names: { '#owner': 'owner', '#status': 'status' },
      values: { ':owner': record.owner, ':inProgress': 'IN_PROGRESS' },
    };
    return {
      status: 'claimed',
      async complete(result) {
        const completedAt = now();
        const { lockedUntil: _lease, ...claim } = record;
        const completed: IdempotencyRecord = {
          ...claim,
          status: 'COMPLETED',
          completedAt: completedAt.toISOString(),
          expiresAt: expiresAfter(options.ttlSeconds, completedAt),
          ...(result === undefined ? {} : { result }),
        };
        if (!(await store.putIf(completed, heldByUs))) throw new IdempotencyLeaseLostError(idempotencyKey);
      },
      async release() {
        // Nothing to undo if the claim was lost meanwhile: the new holder owns the record.
        await store.deleteIf({ pk: record.pk, sk: record.sk }, heldByUs);
      },
    };
  }

  return {
    claimOnce,

    async runOnce(key, options, action, storeResult) {
      const claim = await claimOnce(key, options);
      if (claim.status === 'completed') {
        return {
          status: 'duplicate',
          completedAt: claim.completedAt,
          ...(claim.result === undefined ? {} : { result: claim.result }),
        };
      }
      if (claim.status === 'in-progress') throw new IdempotencyInProgressError(key, claim.lockedUntil);
      let result: Awaited<ReturnType<typeof action>>;
      try {
        result = await action();
      } catch (error) {
        // The action's error is what matters; if the release fails too, the lease frees the key later.
        await claim.release().catch(() => undefined);
        throw error;
      }
      await claim.complete(storeResult?.(result));
      return { status: 'executed', result };
    },
  };
}

function validateOptions(options: IdempotencyOptions): void {
  for (const [name, value] of Object.entries(options)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new StateStoreError(`idempotency option ${name} must be a positive number of seconds`);
    }
  }
}
