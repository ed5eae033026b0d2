import { EcrWardenError } from '../errors';

/** A state-table operation failed for a reason the caller cannot fix by retrying the same call. */
export class StateStoreError extends EcrWardenError {
  override name = 'StateStoreError';
}

/** An item breaks a rule of DynamoDB or of the table's layout; nothing was written. */
export class InvalidStateItemError extends StateStoreError {
  override name = 'InvalidStateItemError';
}

/**
 * DynamoDB refused the item for its size: at most 400 KB, attribute names included.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items
 */
export class StateItemTooLargeError extends InvalidStateItemError {
  override name = 'StateItemTooLargeError';
}

/**
 * An optimistic write lost: the item's version is no longer the one the caller read. Read again,
 * re-apply the change, write again.
 */
export class StateVersionConflictError extends StateStoreError {
  override name = 'StateVersionConflictError';

  constructor(
    readonly key: { pk: string; sk: string },
    readonly expectedVersion: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `state item ${key.pk} / ${key.sk} is no longer at version ${expectedVersion ?? '(absent)'}`,
      options,
    );
  }
}

/** BatchWriteItem kept returning UnprocessedItems after every retry. */
export class StateBatchWriteError extends StateStoreError {
  override name = 'StateBatchWriteError';

  constructor(
    readonly unprocessedCount: number,
    attempts: number,
  ) {
    super(`${unprocessedCount} state item(s) still unprocessed after ${attempts} BatchWriteItem attempts`);
  }
}
