import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createInUseIndexReader, createInUseIndexWriter } from '../../../shared/aws/in-use-index-store';
import { createStateStore, type StateStore } from '../../../shared/aws/state-store';
import type { InUseReason } from '../../../shared/cleanup/cleanup-reasons';
import { IN_USE_INDEX_TTL_DAYS } from '../../../shared/inuse/in-use-index';
import { inUseIndex } from '../../../shared/state/state-keys';
import { kubernetesPodUse, PAYMENTS_API_SERVICE_USE } from '../../support/in-use-reasons';
import { manualClock } from '../../support/manual-clock';
import { useStateTable } from '../../support/state-table';

const table = useStateTable();

const LOCATION = { registryId: '111111111111', region: 'us-east-1', repositoryName: 'team-a/api' };
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const pod = kubernetesPodUse;
const SERVICE = PAYMENTS_API_SERVICE_USE;

const clock = (start = '2026-06-01T06:00:00Z') => manualClock(start);

function storeOn(
  now: () => Date,
  client: Pick<DynamoDBDocumentClient, 'send'> = table.documentClient,
): StateStore {
  return createStateStore({ tableName: table.tableName, client, now, sleep: async () => undefined });
}

/** A store on a hand-moved clock, in which pod p/a was just recorded running digest 1 of LOCATION. */
async function storeRecordingOnePod() {
  const time = clock();
  const store = storeOn(time.now);
  await createInUseIndexWriter(store).recordInUse(
    LOCATION,
    new Map([[digest(1), [pod('p', 'a')]]]),
    time.now(),
  );
  return { time, store };
}

const warnings: unknown[][] = [];
const logger = { warn: (...args: unknown[]) => warnings.push(args) };
beforeEach(() => {
  warnings.length = 0;
});

describe('in-use index on dynalite', () => {
  it('records where each in-use digest runs and reads it back, by digest and by repository', async () => {
    const time = clock();
    const store = storeOn(time.now);
    const inUse = new Map<string, InUseReason[]>([
      [digest(1), [pod('payments', 'a'), pod('payments', 'b'), pod('payments', 'c'), SERVICE]],
      [digest(2), [{ kind: 'task-definition-revision', family: 'api', revision: 6 }]],
    ]);

    await createInUseIndexWriter(store).recordInUse(LOCATION, inUse, time.now());
    const reader = createInUseIndexReader(store, { logger });

    expect(await reader.lookUpInUse(LOCATION, digest(1))).toEqual({
      summary: '3 pods in prod-eks/payments, ECS service payments-api in 222222222222',
      places: [
        {
          kind: 'in-use-kubernetes-pod',
          state: 'running',
          cluster: 'prod-eks',
          namespace: 'payments',
          name: 'payments',
          count: 3,
        },
        {
          kind: 'in-use-ecs-service',
          state: 'running',
          account: '222222222222',
          region: 'us-east-1',
          name: 'payments-api',
          count: 1,
        },
      ],
      placeCount: 2,
      asOf: '2026-06-01T06:00:00.000Z',
    });
    const repository = await reader.lookUpRepository(LOCATION);
    expect([...repository.keys()].sort()).toEqual([digest(1), digest(2)]);
    expect(repository.get(digest(2))?.summary).toBe('task definition api (1 revision)');
    expect(warnings).toEqual([]);
  });

  it('knows nothing of a digest never recorded, nor of the same repository in another registry or region', async () => {
    const { store } = await storeRecordingOnePod();
    const reader = createInUseIndexReader(store, { logger });

    expect(await reader.lookUpInUse(LOCATION, digest(9))).toBeUndefined();
    expect(await reader.lookUpInUse({ ...LOCATION, registryId: '999999999999' }, digest(1))).toBeUndefined();
    expect(await reader.lookUpInUse({ ...LOCATION, region: 'eu-west-1' }, digest(1))).toBeUndefined();
    expect((await reader.lookUpRepository({ ...LOCATION, region: 'eu-west-1' })).size).toBe(0);
  });

  it(`lets a record expire ${IN_USE_INDEX_TTL_DAYS} days after it was written, with the table's TTL attribute`, async () => {
    const { time, store } = await storeRecordingOnePod();
    const stored = await store.get(inUseIndex.key(LOCATION, digest(1)));
    const reader = createInUseIndexReader(store, { logger });

    expect(stored?.expiresAt).toBe(Date.parse('2026-06-04T06:00:00Z') / 1000);
    time.advanceHours(IN_USE_INDEX_TTL_DAYS * 24 - 1);
    expect(await reader.lookUpInUse(LOCATION, digest(1))).toBeDefined();
    time.advanceHours(1);
    expect(await reader.lookUpInUse(LOCATION, digest(1))).toBeUndefined();
    expect((await reader.lookUpRepository(LOCATION)).size).toBe(0);
  });

  it('forgets digests no longer in use at the next plan, and moves asOf on for the rest', async () => {
    const time = clock();
    const store = storeOn(time.now);
    const writer = createInUseIndexWriter(store);
    await writer.recordInUse(
      LOCATION,
      new Map([
        [digest(1), [pod('p', 'a')]],
        [digest(2), [pod('p', 'b')]],
      ]),
      time.now(),
    );
    time.advanceHours(24);

    await writer.recordInUse(LOCATION, new Map([[digest(2), [pod('p', 'b'), pod('p', 'c')]]]), time.now());
    const reader = createInUseIndexReader(store, { logger });

    expect(await reader.lookUpInUse(LOCATION, digest(1))).toBeUndefined();
    expect(await reader.lookUpInUse(LOCATION, digest(2))).toMatchObject({
      summary: '2 pods in prod-eks/p',
      asOf: '2026-06-02T06:00:00.000Z',
    });
  });

  it('forgets everything of a repository that no longer runs anything', async () => {
    const time = clock();
    const store = storeOn(time.now);
    const writer = createInUseIndexWriter(store);
    await writer.recordInUse(LOCATION, new Map([[digest(1), [pod('p', 'a')]]]), time.now());
    time.advanceHours(1);

    await writer.recordInUse(LOCATION, new Map(), time.now());

    expect((await createInUseIndexReader(store, { logger }).lookUpRepository(LOCATION)).size).toBe(0);
  });

  it('writes a repository of 60 in-use digests in BatchWriteItem calls of 25, retrying unprocessed items', async () => {
    const time = clock();
    const batches: number[] = [];
    let refusedOnce = false;
    // Passes every call to dynalite, records the batch sizes and, once, hands back part of a batch as
    // unprocessed (what DynamoDB does under throttling).
    const client: Pick<DynamoDBDocumentClient, 'send'> = {
      async send(command: Parameters<DynamoDBDocumentClient['send']>[0]) {
        if (!(command instanceof BatchWriteCommand)) return table.documentClient.send(command as never);
        const requests = Object.values(command.input.RequestItems ?? {})[0] ?? [];
        batches.push(requests.length);
        if (!refusedOnce) {
          refusedOnce = true;
          const [first, ...rest] = requests;
          await table.documentClient.send(
            new BatchWriteCommand({ RequestItems: { [table.tableName]: rest } }),
          );
          return { UnprocessedItems: { [table.tableName]: [first] } };
        }
        return table.documentClient.send(command);
      },
    } as Pick<DynamoDBDocumentClient, 'send'>;
    const inUse = new Map(Array.from({ length: 60 }, (_, i) => [digest(i + 1), [pod('p', `pod-${i}`)]]));

    await createInUseIndexWriter(storeOn(time.now, client)).recordInUse(LOCATION, inUse, time.now());

    expect(batches).toEqual([25, 1, 25, 10]);
    expect(
      (await createInUseIndexReader(storeOn(time.now), { logger }).lookUpRepository(LOCATION)).size,
    ).toBe(60);
  });

  it('keeps an item far below 400 KB whatever the picture: a DaemonSet in 500 namespaces', async () => {
    const time = clock();
    const store = storeOn(time.now);
    const reasons = Array.from({ length: 500 }, (_, i) => pod(`namespace-${i}`, `agent-${i}`));

    await createInUseIndexWriter(store).recordInUse(LOCATION, new Map([[digest(1), reasons]]), time.now());
    const record = await createInUseIndexReader(store, { logger }).lookUpInUse(LOCATION, digest(1));

    expect(record?.places).toHaveLength(20);
    expect(record?.placeCount).toBe(500);
    expect(record?.summary).toMatch(/and 495 more$/);
  });

  it('answers "not known" when the table cannot be read, and says why', async () => {
    const time = clock();
    const failing = {
      async send() {
        throw Object.assign(new Error('User is not authorized to perform: dynamodb:GetItem'), {
          name: 'AccessDeniedException',
        });
      },
    };
    const reader = createInUseIndexReader(storeOn(time.now, failing), { logger });

    expect(await reader.lookUpInUse(LOCATION, digest(1))).toBeUndefined();
    expect((await reader.lookUpRepository(LOCATION)).size).toBe(0);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toEqual([
      'in-use index lookup failed: where the image runs is not known',
      {
        repositoryName: 'team-a/api',
        error: 'AccessDeniedException: User is not authorized to perform: dynamodb:GetItem',
      },
    ]);
  });
});
