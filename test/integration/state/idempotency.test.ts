import {
  createIdempotencyGuard,
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  type IdempotencyOptions,
} from '../../../shared/aws/idempotency';
import { createStateStore } from '../../../shared/aws/state-store';
import { idempotencyRecords } from '../../../shared/state/state-keys';
import { manualClock } from '../../support/manual-clock';
import { useStateTable } from '../../support/state-table';

const table = useStateTable();

const OPTIONS: IdempotencyOptions = { ttlSeconds: 24 * 3600, inProgressTimeoutSeconds: 120 };
const EVENT_ID = 'governance-event-6a1f0c3e';

function setUp() {
  const { now, advanceSeconds } = manualClock('2026-06-01T12:00:00Z');
  const store = createStateStore({ tableName: table.tableName, client: table.documentClient, now });
  return { store, guard: createIdempotencyGuard({ store, now }), advanceSeconds };
}

describe('idempotency guard on dynalite', () => {
  describe('claimOnce', () => {
    it('claims a key that was never seen', async () => {
      const { guard } = setUp();

      const claim = await guard.claimOnce(EVENT_ID, OPTIONS);

      expect(claim.status).toBe('claimed');
    });

    it('reports a claimed, unfinished key as in progress until its lease ends', async () => {
      const { guard } = setUp();
      await guard.claimOnce(EVENT_ID, OPTIONS);

      const second = await guard.claimOnce(EVENT_ID, OPTIONS);

      expect(second).toEqual({ status: 'in-progress', lockedUntil: new Date('2026-06-01T12:02:00Z') });
    });

    it('reports a completed key as completed, with the stored result', async () => {
      const { guard, advanceSeconds } = setUp();
      const first = await guard.claimOnce(EVENT_ID, OPTIONS);
      if (first.status !== 'claimed') throw new Error('expected a claim');
      advanceSeconds(5);
      await first.complete({ slackResponse: 'ok' });

      const duplicate = await guard.claimOnce(EVENT_ID, OPTIONS);

      expect(duplicate).toEqual({
        status: 'completed',
        completedAt: '2026-06-01T12:00:05.000Z',
        result: { slackResponse: 'ok' },
      });
    });

    it('lets a retry claim the key after a holder crashed and its lease ran out', async () => {
      const { guard, advanceSeconds } = setUp();
      await guard.claimOnce(EVENT_ID, OPTIONS); // the holder crashes and never completes

      advanceSeconds(OPTIONS.inProgressTimeoutSeconds);
      const retry = await guard.claimOnce(EVENT_ID, OPTIONS);

      expect(retry.status).toBe('claimed');
    });

    it('lets a retry claim the key at once after the holder released it', async () => {
      const { guard } = setUp();
      const first = await guard.claimOnce(EVENT_ID, OPTIONS);
      if (first.status !== 'claimed') throw new Error('expected a claim');

      await first.release();
      const retry = await guard.claimOnce(EVENT_ID, OPTIONS);

      expect(retry.status).toBe('claimed');
    });

    it('forgets a completed key once its record expired, even before TTL deletes it', async () => {
      const { guard, store, advanceSeconds } = setUp();
      const first = await guard.claimOnce(EVENT_ID, OPTIONS);
      if (first.status !== 'claimed') throw new Error('expected a claim');
      await first.complete();

      advanceSeconds(OPTIONS.ttlSeconds);
      const later = await guard.claimOnce(EVENT_ID, OPTIONS);

      expect(later.status).toBe('claimed');
      expect(await store.get(idempotencyRecords.key(EVENT_ID))).toMatchObject({ status: 'IN_PROGRESS' });
    });

    it('stores the record with an expiry in epoch seconds for DynamoDB TTL', async () => {
      const { guard, store } = setUp();
      const first = await guard.claimOnce(EVENT_ID, OPTIONS);
      if (first.status !== 'claimed') throw new Error('expected a claim');

      await first.complete();
      const record = await store.get(idempotencyRecords.key(EVENT_ID));

      expect(record).toMatchObject({
        status: 'COMPLETED',
        expiresAt: Date.parse('2026-06-02T12:00:00Z') / 1000,
      });
      expect(record).not.toHaveProperty('lockedUntil');
    });

    it('refuses to complete a claim that another delivery took over after the lease ran out', async () => {
      const { guard, advanceSeconds } = setUp();
      const slow = await guard.claimOnce(EVENT_ID, OPTIONS);
      if (slow.status !== 'claimed') throw new Error('expected a claim');
      advanceSeconds(OPTIONS.inProgressTimeoutSeconds + 1);
      const takeover = await guard.claimOnce(EVENT_ID, OPTIONS);

      const lateCompletion = slow.complete();

      expect(takeover.status).toBe('claimed');
      await expect(lateCompletion).rejects.toThrow(IdempotencyLeaseLostError);
    });

    it('gives the key to exactly one of many concurrent deliveries', async () => {
      const { guard } = setUp();

      const claims = await Promise.all(Array.from({ length: 8 }, () => guard.claimOnce(EVENT_ID, OPTIONS)));

      expect(claims.filter((claim) => claim.status === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim.status === 'in-progress')).toHaveLength(7);
    });

    it('refuses options that are not positive durations', async () => {
      const { guard } = setUp();

      await expect(
        guard.claimOnce(EVENT_ID, { ttlSeconds: 0, inProgressTimeoutSeconds: 60 }),
      ).rejects.toThrow(/ttlSeconds/);
    });
  });

  describe('runOnce', () => {
    it('runs the action for the first delivery and reports the second as a duplicate', async () => {
      const { guard } = setUp();
      const action = jest.fn(async () => 'posted');

      const first = await guard.runOnce(EVENT_ID, OPTIONS, action, (result) => result);
      const second = await guard.runOnce(EVENT_ID, OPTIONS, action);

      expect(first).toEqual({ status: 'executed', result: 'posted' });
      expect(second).toMatchObject({ status: 'duplicate', result: 'posted' });
      expect(action).toHaveBeenCalledTimes(1);
    });

    it('releases the key when the action fails, so that the redelivery runs it again', async () => {
      const { guard } = setUp();
      const failing = jest.fn(async () => {
        throw new Error('Slack answered 503');
      });
      const succeeding = jest.fn(async () => 'posted');

      const firstDelivery = guard.runOnce(EVENT_ID, OPTIONS, failing);
      await expect(firstDelivery).rejects.toThrow('Slack answered 503');
      const redelivery = await guard.runOnce(EVENT_ID, OPTIONS, succeeding);

      expect(redelivery.status).toBe('executed');
      expect(succeeding).toHaveBeenCalledTimes(1);
    });

    it('fails a delivery that arrives while another one holds the key, so that the queue retries it', async () => {
      const { guard } = setUp();
      await guard.claimOnce(EVENT_ID, OPTIONS);
      const action = jest.fn(async () => 'posted');

      const concurrent = guard.runOnce(EVENT_ID, OPTIONS, action);

      await expect(concurrent).rejects.toThrow(IdempotencyInProgressError);
      expect(action).not.toHaveBeenCalled();
    });
  });
});
