import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  InvalidStateItemError,
  StateBatchWriteError,
  StateItemTooLargeError,
  StateVersionConflictError,
} from '../state/state-errors';
import type { StateKey } from '../state/state-keys';
import { PARTITION_KEY, SORT_KEY, TIME_TO_LIVE_ATTRIBUTE } from '../state/table-definition';
import { stateDocumentClient } from './dynamodb-client';

/** An item of the state table: its key, an optional expiry (epoch seconds) and any other attributes. */
export interface StateItem extends StateKey {
  /** Epoch seconds after which the item no longer exists for readers, and DynamoDB's TTL deletes it. */
  expiresAt?: number;
  [attribute: string]: NativeAttributeValue;
}

/**
 * A condition for putIf/deleteIf in DynamoDB's condition-expression syntax. The store provides `#pk`,
 * `#expiresAt` and `:now` (the current time in epoch seconds); the caller names everything else.
 */
export interface WriteCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, NativeAttributeValue>;
}

export interface QueryRequest {
  pk: string;
  /** Only items whose sort key starts with this (see composeKeyPrefix). */
  skPrefix?: string;
  /** Descending sort-key order (e.g. newest first in the tag ledger). */
  descending?: boolean;
  /** Stop after this many (unexpired) items. */
  limit?: number;
  /** Items DynamoDB evaluates per Query call; smaller pages bound memory, and the tests page with it. */
  pageSize?: number;
  consistentRead?: boolean;
}

/** The item attribute that putVersioned increments: 1 on creation, +1 on every write. */
export const VERSION_ATTRIBUTE = 'version';

/**
 * The state table behind a small, typed surface. Every read hides expired items, because DynamoDB's
 * TTL deletes them only eventually and until then they still show up in reads and conditions; every
 * conditional write treats an expired item as absent for the same reason.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html
 */
export interface StateStore {
  readonly tableName: string;
  get<Item extends StateItem = StateItem>(
    key: StateKey,
    options?: { consistentRead?: boolean },
  ): Promise<Item | undefined>;
  /** Writes the item whatever is stored. */
  put(item: StateItem): Promise<void>;
  /** Writes the item only if none (or only an expired one) has its key. Returns whether it wrote. */
  putIfAbsent(item: StateItem): Promise<boolean>;
  /**
   * Writes the item only if the stored one is absent, expired, or has a smaller `orderAttribute`
   * (a number, or an ISO 8601 string) than this one: late or replayed events never overwrite newer
   * state. An equal value does not write, so a redelivered event is a no-op. Returns whether it wrote.
   */
  putIfNewer(item: StateItem, orderAttribute: string): Promise<boolean>;
  /**
   * Optimistic concurrency: writes the item with `version` = expectedVersion + 1 (1 when
   * expectedVersion is undefined, meaning "I read no item") if the stored version is still
   * expectedVersion. Returns the new version; throws StateVersionConflictError otherwise.
   */
  putVersioned(item: StateItem, expectedVersion: number | undefined): Promise<number>;
  /** Writes the item if `condition` holds for the stored item. Returns whether it wrote. */
  putIf(item: StateItem, condition: WriteCondition): Promise<boolean>;
  delete(key: StateKey): Promise<void>;
  /** Deletes the item if `condition` holds for it. Returns whether it deleted. */
  deleteIf(key: StateKey, condition: WriteCondition): Promise<boolean>;
  /** The unexpired items of one partition, in sort-key order, all pages read. */
  query<Item extends StateItem = StateItem>(request: QueryRequest): Promise<Item[]>;
  queryPages<Item extends StateItem = StateItem>(request: QueryRequest): AsyncGenerator<Item[]>;
  /** Unconditional puts in BatchWriteItem calls of at most 25, retrying UnprocessedItems. */
  batchPut(items: readonly StateItem[]): Promise<void>;
  batchDelete(keys: readonly StateKey[]): Promise<void>;
}

export interface StateStoreSettings {
  tableName: string;
  /** Defaults to the one DocumentClient of the execution environment. */
  client?: Pick<DynamoDBDocumentClient, 'send'>;
  now?: () => Date;
  /** Waits between BatchWriteItem retries; the tests pass a quick one. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** BatchWriteItem attempts per chunk before StateBatchWriteError (default 8). */
  maxBatchAttempts?: number;
}

/**
 * BatchWriteItem takes at most 25 put or delete requests per call.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
export const BATCH_WRITE_LIMIT = 25;

/**
 * Key sizes: a partition key value of 1 to 2048 bytes, a sort key value of 1 to 1024 bytes (UTF-8).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-partition-sort-keys
 */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * TTL needs epoch seconds. A value in milliseconds (Date.now()) would be read as a date tens of
 * thousands of years away and the item would never expire; anything above this (year 5138) is refused.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html
 */
const MAX_EXPIRES_AT_SECONDS = 100_000_000_000;

const BATCH_BACKOFF_BASE_MS = 50;
const BATCH_BACKOFF_CAP_MS = 2_000;

const NAMES = { '#pk': PARTITION_KEY, '#expiresAt': TIME_TO_LIVE_ATTRIBUTE } as const;
/** The stored item does not exist for readers: never written, or expired and not yet deleted by TTL. */
const ABSENT = 'attribute_not_exists(#pk) OR #expiresAt <= :now';

/** Epoch seconds, the unit of `expiresAt`. */
export function toEpochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** `expiresAt` for an item that should live `seconds` from `now`. */
export function expiresAfter(seconds: number, now: Date): number {
  return toEpochSeconds(now) + Math.ceil(seconds);
}

export function createStateStore(settings: StateStoreSettings): StateStore {
  const { tableName } = settings;
  const client = settings.client ?? stateDocumentClient;
  const now = settings.now ?? (() => new Date());
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxBatchAttempts = settings.maxBatchAttempts ?? 8;
  const nowSeconds = () => toEpochSeconds(now());

  const isLive = (item: Record<string, unknown>): boolean => {
    const expiresAt = item[TIME_TO_LIVE_ATTRIBUTE];
    return typeof expiresAt !== 'number' || expiresAt > nowSeconds();
  };

  async function conditionalPut(item: StateItem, condition: WriteCondition): Promise<boolean> {
    validateItem(item);
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw translateWriteError(error, item);
    }
  }

  /** Merges a caller's condition with the store's own placeholders, refusing a clash. */
  function withStorePlaceholders(condition: WriteCondition): WriteCondition {
    const { expression } = condition;
    const names: Record<string, string> = { ...NAMES };
    const values: Record<string, NativeAttributeValue> = { ':now': nowSeconds() };
    for (const [placeholder, name] of Object.entries(condition.names ?? {})) {
      if (placeholder in names && names[placeholder] !== name) {
        throw new InvalidStateItemError(
          `condition placeholder ${placeholder} is reserved by the state store`,
        );
      }
      names[placeholder] = name;
    }
    for (const [placeholder, value] of Object.entries(condition.values ?? {})) {
      if (placeholder in values) {
        throw new InvalidStateItemError(
          `condition placeholder ${placeholder} is reserved by the state store`,
        );
      }
      values[placeholder] = value;
    }
    // DynamoDB refuses placeholders that the expression does not use.
    return {
      expression,
      names: pickUsed(names, expression),
      values: pickUsed(values, expression),
    };
  }

  async function* queryPages<Item extends StateItem>(request: QueryRequest): AsyncGenerator<Item[]> {
    const prefix = request.skPrefix;
    let remaining = request.limit ?? Number.POSITIVE_INFINITY;
    let exclusiveStartKey: Record<string, NativeAttributeValue> | undefined;
    // One Query call returns at most 1 MB (and at most Limit evaluated items); the next page starts
    // after LastEvaluatedKey, and only its absence means the end.
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression:
            prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
          // Filtered after the read: expired items still cost read capacity until TTL deletes them.
          FilterExpression: 'attribute_not_exists(#expiresAt) OR #expiresAt > :now',
          ExpressionAttributeNames: {
            ...NAMES,
            ...(prefix === undefined ? {} : { '#sk': SORT_KEY }),
          },
          ExpressionAttributeValues: {
            ':pk': request.pk,
            ':now': nowSeconds(),
            ...(prefix === undefined ? {} : { ':prefix': prefix }),
          },
          ScanIndexForward: request.descending !== true,
          ConsistentRead: request.consistentRead,
          Limit: request.pageSize,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      const items = (page.Items ?? []).slice(0, remaining) as Item[];
      remaining -= items.length;
      if (items.length > 0) yield items;
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey !== undefined && remaining > 0);
  }

  async function batchWrite(
    requests: { PutRequest?: { Item: StateItem }; DeleteRequest?: { Key: StateKey } }[],
    keys: readonly StateKey[],
  ): Promise<void> {
    // A BatchWriteItem call may not hold two requests for one key (ValidationException).
    const seen = new Set<string>();
    for (const key of keys) {
      const id = JSON.stringify([key.pk, key.sk]);
      if (seen.has(id)) {
        throw new InvalidStateItemError(`batch holds the key ${key.pk} / ${key.sk} twice`);
      }
      seen.add(id);
    }
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
      // Unprocessed items (throttling, internal errors) are retried with exponential backoff and full
      // jitter, as the BatchWriteItem reference asks; a bounded number of times.
      // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        if (attempt > maxBatchAttempts) throw new StateBatchWriteError(pending.length, maxBatchAttempts);
        if (attempt > 1) {
          const ceiling = Math.min(BATCH_BACKOFF_CAP_MS, BATCH_BACKOFF_BASE_MS * 2 ** (attempt - 2));
          await sleep(Math.random() * ceiling);
        }
        let output: BatchWriteCommandOutput;
        try {
          output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        } catch (error) {
          throw translateWriteError(error, undefined);
        }
        pending = (output.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  }

  return {
    tableName,

    async get<Item extends StateItem>(key: StateKey, options: { consistentRead?: boolean } = {}) {
      const output = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { [PARTITION_KEY]: key.pk, [SORT_KEY]: key.sk },
          ConsistentRead: options.consistentRead,
        }),
      );
      const item = output.Item;
      return item !== undefined && isLive(item) ? (item as Item) : undefined;
    },

    async put(item) {
      validateItem(item);
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: item }));
      } catch (error) {
        throw translateWriteError(error, item);
      }
    },

    async putIfAbsent(item) {
      return conditionalPut(item, withStorePlaceholders({ expression: ABSENT }));
    },

    async putIfNewer(item, orderAttribute) {
      const order = item[orderAttribute];
      if (!(typeof order === 'number' || typeof order === 'string')) {
        throw new InvalidStateItemError(
          `putIfNewer needs ${orderAttribute} to be a number or a string on ${item.pk} / ${item.sk}`,
        );
      }
      // A stored value of another type compares false: such an item is never overwritten here.
      return conditionalPut(
        item,
        withStorePlaceholders({
          expression: `${ABSENT} OR #order < :order`,
          names: { '#order': orderAttribute },
          values: { ':order': order },
        }),
      );
    },

    async putVersioned(item, expectedVersion) {
      const version = (expectedVersion ?? 0) + 1;
      const written = await conditionalPut(
        { ...item, [VERSION_ATTRIBUTE]: version },
        expectedVersion === undefined
          ? withStorePlaceholders({ expression: ABSENT })
          : withStorePlaceholders({
              // An expired item is gone for readers: nobody can hold its version.
              expression: '#version = :expected AND (attribute_not_exists(#expiresAt) OR #expiresAt > :now)',
              names: { '#version': VERSION_ATTRIBUTE },
              values: { ':expected': expectedVersion },
            }),
      );
      if (!written) throw new StateVersionConflictError({ pk: item.pk, sk: item.sk }, expectedVersion);
      return version;
    },

    async putIf(item, condition) {
      return conditionalPut(item, withStorePlaceholders(condition));
    },

    async delete(key) {
      await client.send(
        new DeleteCommand({ TableName: tableName, Key: { [PARTITION_KEY]: key.pk, [SORT_KEY]: key.sk } }),
      );
    },

    async deleteIf(key, condition) {
      const resolved = withStorePlaceholders(condition);
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { [PARTITION_KEY]: key.pk, [SORT_KEY]: key.sk },
            ConditionExpression: resolved.expression,
            ExpressionAttributeNames: resolved.names,
            ExpressionAttributeValues: resolved.values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    },

    async query<Item extends StateItem>(request: QueryRequest) {
      const items: Item[] = [];
      for await (const page of queryPages<Item>(request)) items.push(...page);
      return items;
    },

    queryPages,

    async batchPut(items) {
      for (const item of items) validateItem(item);
      await batchWrite(
        items.map((item) => ({ PutRequest: { Item: item } })),
        items,
      );
    },

    async batchDelete(keys) {
      await batchWrite(
        keys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } })),
        keys,
      );
    },
  };
}

function pickUsed<Value>(
  placeholders: Record<string, Value>,
  expression: string,
): Record<string, Value> | undefined {
  const used = Object.entries(placeholders).filter(([placeholder]) =>
    new RegExp(`${placeholder}(?![A-Za-z0-9_])`).test(expression),
  );
  return used.length === 0 ? undefined : Object.fromEntries(used);
}

function validateItem(item: StateItem): void {
  const where = `${String(item.pk)} / ${String(item.sk)}`;
  for (const [attribute, maxBytes] of [
    [PARTITION_KEY, MAX_PARTITION_KEY_BYTES],
    [SORT_KEY, MAX_SORT_KEY_BYTES],
  ] as const) {
    const value: unknown = item[attribute];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidStateItemError(`${attribute} must be a non-empty string (item ${where})`);
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > maxBytes) {
      throw new InvalidStateItemError(
        `${attribute} is ${bytes} bytes, DynamoDB allows ${maxBytes} (item ${where})`,
      );
    }
  }
  const expiresAt: unknown = item[TIME_TO_LIVE_ATTRIBUTE];
  if (
    expiresAt !== undefined &&
    !(
      typeof expiresAt === 'number' &&
      Number.isInteger(expiresAt) &&
      expiresAt > 0 &&
      expiresAt < MAX_EXPIRES_AT_SECONDS
    )
  ) {
    throw new InvalidStateItemError(
      `${TIME_TO_LIVE_ATTRIBUTE} must be whole epoch seconds, got ${String(expiresAt)} (item ${where})`,
    );
  }
}

/**
 * A failed condition is the SDK error named ConditionalCheckFailedException (HTTP 400).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_Errors
 */
function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * An item over 400 KB is refused with a ValidationException ("Item size has exceeded the maximum
 * allowed size"); it becomes a typed error, since retrying cannot help.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items
 */
function translateWriteError(error: unknown, item: StateItem | undefined): unknown {
  if (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /item size .*exceeded/i.test(error.message)
  ) {
    const where = item === undefined ? 'an item of the batch' : `item ${item.pk} / ${item.sk}`;
    return new StateItemTooLargeError(`${where} is larger than DynamoDB's 400 KB item limit`, {
      cause: error,
    });
  }
  return error;
}
