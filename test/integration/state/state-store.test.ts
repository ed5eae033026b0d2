import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type PutCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  createStateStore,
  type StateItem,
  type StateStore,
  type StateStoreSettings,
  toEpochSeconds,
} from '../../../shared/aws/state-store';
import {
  InvalidStateItemError,
  StateBatchWriteError,
  StateItemTooLargeError,
  StateVersionConflictError,
} from '../../../shared/state/state-errors';
import { composeKey, composeKeyPrefix, splitKey, tagLedger } from '../../../shared/state/state-keys';
import { manualClock } from '../../support/manual-clock';
import { useStateTable } from '../../support/state-table';

const table = useStateTable();

/** When the tests' hand-moved clocks start unless told. */
const NOON = '2026-06-01T12:00:00Z';

function storeFor(clock = manualClock(NOON), overrides: Partial<StateStoreSettings> = {}): StateStore {
  return createStateStore({
    tableName: table.tableName,
    client: table.documentClient,
    now: clock.now,
    sleep: async () => undefined,
    ...overrides,
  });
}

describe('state store on dynalite', () => {
  describe('put and get', () => {
    it('reads back what it wrote, attributes included', async () => {
      const store = storeFor();
      const item = { pk: 'TAGS#team-a/api', sk: 'v1.2.0#2026-06-01T12:00:00.000Z', imageDigest: 'sha256:aa' };

      await store.put(item);
      const read = await store.get({ pk: item.pk, sk: item.sk });

      expect(read).toEqual(item);
    });

    it('returns undefined for a key that was never written', async () => {
      const store = storeFor();

      const read = await store.get({ pk: 'TAGS#team-a/api', sk: 'nothing' });

      expect(read).toBeUndefined();
    });

    it('hides an item whose expiresAt has passed although DynamoDB has not deleted it yet', async () => {
      const clock = manualClock(NOON);
      const store = storeFor(clock);
      const key = { pk: 'CLEANUP#team-a/api', sk: 'sha256:aa' };
      await store.put({ ...key, expiresAt: toEpochSeconds(clock.now()) + 60 });

      clock.advanceSeconds(60);
      const read = await store.get(key);
      const raw = await storeFor(manualClock('2026-06-01T11:00:00Z')).get(key);

      expect(read).toBeUndefined();
      expect(raw).toBeDefined();
    });
  });

  describe('putIfAbsent', () => {
    it('writes the first item and refuses the second with the same key', async () => {
      const store = storeFor();
      const key = { pk: 'CLEANUP#team-a/api', sk: 'sha256:aa' };

      const first = await store.putIfAbsent({ ...key, markedAt: '2026-06-01T12:00:00Z' });
      const second = await store.putIfAbsent({ ...key, markedAt: '2026-06-02T12:00:00Z' });

      expect([first, second]).toEqual([true, false]);
      expect(await store.get(key)).toMatchObject({ markedAt: '2026-06-01T12:00:00Z' });
    });

    it('treats an expired item as absent and replaces it', async () => {
      const clock = manualClock(NOON);
      const store = storeFor(clock);
      const key = { pk: 'CLEANUP#team-a/api', sk: 'sha256:aa' };
      await store.put({ ...key, expiresAt: toEpochSeconds(clock.now()) + 10, generation: 1 });

      clock.advanceSeconds(10);
      const written = await store.putIfAbsent({ ...key, generation: 2 });

      expect(written).toBe(true);
      expect(await store.get(key)).toEqual({ ...key, generation: 2 });
    });

    it('lets exactly one of many concurrent writers win', async () => {
      const store = storeFor();
      const key = { pk: 'CLEANUP#team-a/api', sk: 'sha256:aa' };

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, writer) => store.putIfAbsent({ ...key, writer })),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(key)).toMatchObject({ writer: results.indexOf(true) });
    });
  });

  describe('putIfNewer', () => {
    const key = { pk: 'FINDINGS#team-a/api', sk: 'sha256:aa#CVE-2026-0001' };

    it('replaces the stored item with one carrying a later event time', async () => {
      const store = storeFor();
      await store.put({ ...key, updatedAt: '2026-06-01T10:00:00.000Z', severity: 'HIGH' });

      const written = await store.putIfNewer(
        { ...key, updatedAt: '2026-06-01T11:00:00.000Z', severity: 'CRITICAL' },
        'updatedAt',
      );

      expect(written).toBe(true);
      expect(await store.get(key)).toMatchObject({ severity: 'CRITICAL' });
    });

    it('ignores an event that arrives late, after a newer one was stored', async () => {
      const store = storeFor();
      await store.put({ ...key, updatedAt: '2026-06-01T11:00:00.000Z', severity: 'CRITICAL' });

      const written = await store.putIfNewer(
        { ...key, updatedAt: '2026-06-01T10:00:00.000Z', severity: 'HIGH' },
        'updatedAt',
      );

      expect(written).toBe(false);
      expect(await store.get(key)).toMatchObject({ severity: 'CRITICAL' });
    });

    it('treats a redelivered event (same event time) as already applied', async () => {
      const store = storeFor();
      const item = { ...key, updatedAt: '2026-06-01T11:00:00.000Z', severity: 'CRITICAL' };
      await store.putIfNewer(item, 'updatedAt');

      const written = await store.putIfNewer({ ...item, severity: 'LOW' }, 'updatedAt');

      expect(written).toBe(false);
    });

    it('writes when nothing is stored, and compares numbers as numbers', async () => {
      const store = storeFor();

      const first = await store.putIfNewer({ ...key, sequence: 9 }, 'sequence');
      const second = await store.putIfNewer({ ...key, sequence: 10 }, 'sequence');

      expect([first, second]).toEqual([true, true]);
      expect(await store.get(key)).toMatchObject({ sequence: 10 });
    });

    it('refuses an item without the ordering attribute before calling DynamoDB', async () => {
      const store = storeFor();

      await expect(store.putIfNewer({ ...key }, 'updatedAt')).rejects.toThrow(InvalidStateItemError);
    });
  });

  describe('putVersioned', () => {
    const key = { pk: 'TAGS#team-a/api', sk: 'release-state' };

    it('creates at version 1 and increments on every write from the version read', async () => {
      const store = storeFor();

      const created = await store.putVersioned({ ...key, tags: 1 }, undefined);
      const updated = await store.putVersioned({ ...key, tags: 2 }, created);

      expect([created, updated]).toEqual([1, 2]);
      expect(await store.get(key)).toEqual({ ...key, tags: 2, version: 2 });
    });

    it('refuses a write from a stale read, so that the loser re-reads instead of overwriting', async () => {
      const store = storeFor();
      await store.putVersioned({ ...key, tags: 1 }, undefined);
      const readByA = await store.get(key);
      const readByB = await store.get(key);
      await store.putVersioned({ ...key, tags: 2 }, readByA?.version as number);

      const staleWrite = store.putVersioned({ ...key, tags: 3 }, readByB?.version as number);

      await expect(staleWrite).rejects.toThrow(StateVersionConflictError);
      expect(await store.get(key)).toMatchObject({ tags: 2, version: 2 });
    });

    it('refuses to create an item that another writer created first', async () => {
      const store = storeFor();
      await store.putVersioned({ ...key, writer: 'a' }, undefined);

      await expect(store.putVersioned({ ...key, writer: 'b' }, undefined)).rejects.toThrow(
        StateVersionConflictError,
      );
    });
  });

  describe('putIf and deleteIf', () => {
    it('writes and deletes only while the caller condition holds', async () => {
      const store = storeFor();
      const key = { pk: 'CLEANUP#team-a/api', sk: 'sha256:aa' };
      await store.put({ ...key, owner: 'worker-1' });
      const ownedBy = (owner: string) => ({
        expression: '#owner = :owner',
        names: { '#owner': 'owner' },
        values: { ':owner': owner },
      });

      const wrongOwnerWrite = await store.putIf({ ...key, owner: 'worker-2' }, ownedBy('worker-2'));
      const wrongOwnerDelete = await store.deleteIf(key, ownedBy('worker-2'));
      const rightOwnerDelete = await store.deleteIf(key, ownedBy('worker-1'));

      expect([wrongOwnerWrite, wrongOwnerDelete, rightOwnerDelete]).toEqual([false, false, true]);
      expect(await store.get(key)).toBeUndefined();
    });

    it('refuses a condition that reuses one of the store placeholders for something else', async () => {
      const store = storeFor();

      await expect(
        store.putIf({ pk: 'A', sk: 'B' }, { expression: '#pk = :now', values: { ':now': 1 } }),
      ).rejects.toThrow(/reserved/);
    });
  });

  describe('query', () => {
    it('reads one partition in sort-key order, restricted to a sort-key prefix', async () => {
      const store = storeFor();
      const repository = 'team-a/api';
      await store.put({
        ...tagLedger.key(repository, 'v1', new Date('2026-06-02T00:00:00Z')),
        imageDigest: 'b',
      });
      await store.put({
        ...tagLedger.key(repository, 'v1', new Date('2026-06-01T00:00:00Z')),
        imageDigest: 'a',
      });
      await store.put({
        ...tagLedger.key(repository, 'v10', new Date('2026-06-01T00:00:00Z')),
        imageDigest: 'x',
      });
      await store.put({
        ...tagLedger.key('team-b/api', 'v1', new Date('2026-06-01T00:00:00Z')),
        imageDigest: 'y',
      });

      const history = await store.query({
        pk: tagLedger.partition(repository),
        skPrefix: tagLedger.tagPrefix('v1'),
      });
      const newestFirst = await store.query({
        pk: tagLedger.partition(repository),
        skPrefix: tagLedger.tagPrefix('v1'),
        descending: true,
      });

      expect(history.map((item) => item.imageDigest)).toEqual(['a', 'b']);
      expect(newestFirst.map((item) => item.imageDigest)).toEqual(['b', 'a']);
    });

    it('follows LastEvaluatedKey across pages until DynamoDB stops returning one', async () => {
      const store = storeFor();
      const items = Array.from({ length: 23 }, (_, index) => ({
        pk: 'FINDINGS#team-a/api',
        sk: `sha256:aa#CVE-2026-${String(index).padStart(4, '0')}`,
      }));
      await store.batchPut(items);

      const pages: number[] = [];
      for await (const page of store.queryPages({ pk: 'FINDINGS#team-a/api', pageSize: 5 })) {
        pages.push(page.length);
      }

      expect(pages).toEqual([5, 5, 5, 5, 3]);
    });

    it('leaves expired items out and stops at the limit', async () => {
      const clock = manualClock(NOON);
      const store = storeFor(clock);
      const pk = 'CLEANUP#team-a/api';
      const soon = toEpochSeconds(clock.now()) + 30;
      const later = toEpochSeconds(clock.now()) + 3600;
      await store.batchPut([
        { pk, sk: 'sha256:01', expiresAt: soon },
        { pk, sk: 'sha256:02', expiresAt: later },
        { pk, sk: 'sha256:03' },
        { pk, sk: 'sha256:04', expiresAt: later },
      ]);

      clock.advanceSeconds(30);
      const live = await store.query({ pk, pageSize: 2 });
      const firstTwo = await store.query({ pk, limit: 2, pageSize: 1 });

      expect(live.map((item) => item.sk)).toEqual(['sha256:02', 'sha256:03', 'sha256:04']);
      expect(firstTwo.map((item) => item.sk)).toEqual(['sha256:02', 'sha256:03']);
    });

    it('keeps a # inside a key part from reading as a separator in prefix queries', async () => {
      const store = storeFor();
      await store.put({ pk: 'P', sk: composeKey('a', 'b', 'x') });
      await store.put({ pk: 'P', sk: composeKey('a#b', 'x') });

      const underA = await store.query({ pk: 'P', skPrefix: composeKeyPrefix('a') });
      const underAHashB = await store.query({ pk: 'P', skPrefix: composeKeyPrefix('a#b') });

      expect(underA.map((item) => splitKey(item.sk))).toEqual([['a', 'b', 'x']]);
      expect(underAHashB.map((item) => splitKey(item.sk))).toEqual([['a#b', 'x']]);
    });
  });

  describe('batch writes', () => {
    /** A DocumentClient whose send() the test decides; forwards to dynalite unless told otherwise. */
    function documentClientFrom(send: (command: unknown) => Promise<unknown>) {
      return { send: send as unknown as DynamoDBDocumentClient['send'] };
    }
    const forward = (command: unknown) => table.documentClient.send(command as PutCommand);
    const requestsOf = (command: BatchWriteCommand) => Object.values(command.input.RequestItems ?? {}).flat();

    it('writes more than 25 items in calls of at most 25', async () => {
      const sizes: number[] = [];
      const spying = documentClientFrom((command) => {
        if (command instanceof BatchWriteCommand) sizes.push(requestsOf(command).length);
        return forward(command);
      });
      const store = storeFor(manualClock(NOON), { client: spying });
      const items = Array.from({ length: 60 }, (_, index) => ({ pk: 'TAGS#r', sk: `t${index}` }));

      await store.batchPut(items);

      expect(sizes).toEqual([25, 25, 10]);
      expect(await store.query({ pk: 'TAGS#r' })).toHaveLength(60);
    });

    it('resends the UnprocessedItems that DynamoDB hands back until all are written', async () => {
      // DynamoDB returns UnprocessedItems under throttling; dynalite never does. This client lets
      // dynalite process only the first 10 requests of the first call and hands the rest back.
      const sentSizes: number[] = [];
      const throttling = documentClientFrom(async (command) => {
        if (!(command instanceof BatchWriteCommand)) return forward(command);
        const requests = requestsOf(command);
        sentSizes.push(requests.length);
        const processed = sentSizes.length === 1 ? requests.slice(0, 10) : requests;
        const unprocessed = requests.slice(processed.length);
        await forward(new BatchWriteCommand({ RequestItems: { [table.tableName]: processed } }));
        const output: BatchWriteCommandOutput = {
          UnprocessedItems: unprocessed.length > 0 ? { [table.tableName]: unprocessed } : {},
          $metadata: {},
        };
        return output;
      });
      const store = storeFor(manualClock(NOON), { client: throttling });
      const items: StateItem[] = Array.from({ length: 25 }, (_, index) => ({
        pk: 'TAGS#r',
        sk: `t${index}`,
      }));

      await store.batchPut(items);

      expect(sentSizes).toEqual([25, 15]);
      expect(await storeFor().query({ pk: 'TAGS#r' })).toHaveLength(25);
    });

    it('gives up with a typed error when items stay unprocessed', async () => {
      let calls = 0;
      const alwaysThrottled = documentClientFrom(async (command) => {
        calls += 1;
        return {
          UnprocessedItems: { [table.tableName]: requestsOf(command as BatchWriteCommand) },
          $metadata: {},
        };
      });
      const store = storeFor(manualClock(NOON), { client: alwaysThrottled, maxBatchAttempts: 3 });

      await expect(store.batchPut([{ pk: 'TAGS#r', sk: 't1' }])).rejects.toThrow(StateBatchWriteError);
      expect(calls).toBe(3);
    });

    it('deletes in batches', async () => {
      const store = storeFor();
      const items = Array.from({ length: 30 }, (_, index) => ({ pk: 'CLEANUP#r', sk: `d${index}` }));
      await store.batchPut(items);

      await store.batchDelete(items.slice(0, 28));

      expect((await store.query({ pk: 'CLEANUP#r' })).map((item) => item.sk)).toEqual(['d28', 'd29']);
    });

    it('refuses a batch that names one key twice, as BatchWriteItem would', async () => {
      const store = storeFor();

      await expect(
        store.batchPut([
          { pk: 'TAGS#r', sk: 't1' },
          { pk: 'TAGS#r', sk: 't1' },
        ]),
      ).rejects.toThrow(InvalidStateItemError);
    });
  });

  describe('DynamoDB limits', () => {
    it('turns DynamoDB refusing an item over 400 KB into StateItemTooLargeError', async () => {
      const store = storeFor();
      const item = { pk: 'FINDINGS#r', sk: 'big', description: 'x'.repeat(410 * 1024) };

      const write = store.put(item);

      await expect(write).rejects.toThrow(StateItemTooLargeError);
      await expect(write).rejects.toHaveProperty('cause.name', 'ValidationException');
    });

    it('accepts an item just under 400 KB', async () => {
      const store = storeFor();
      const item = { pk: 'FINDINGS#r', sk: 'big', description: 'x'.repeat(390 * 1024) };

      await store.put(item);

      expect((await store.get({ pk: item.pk, sk: item.sk }))?.description).toHaveLength(390 * 1024);
    });

    it('refuses an expiresAt in milliseconds, which TTL would read as a date thousands of years away', async () => {
      const store = storeFor();

      await expect(store.put({ pk: 'CLEANUP#r', sk: 'a', expiresAt: Date.now() })).rejects.toThrow(
        /whole epoch seconds/,
      );
    });
  });
});
