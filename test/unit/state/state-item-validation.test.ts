import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStateStore, expiresAfter, toEpochSeconds } from '../../../shared/aws/state-store';
import { InvalidStateItemError } from '../../../shared/state/state-errors';

/** Items are checked before anything is sent: this client fails the test if it is ever called. */
const unreachable = {
  send: (() => {
    throw new Error('the store called DynamoDB for an item it should have refused');
  }) as unknown as DynamoDBDocumentClient['send'],
};
const store = createStateStore({ tableName: 'ecr-warden-test-state', client: unreachable });

describe('state item validation', () => {
  it('refuses an empty partition or sort key, which DynamoDB rejects', async () => {
    await expect(store.put({ pk: '', sk: 'a' })).rejects.toThrow(InvalidStateItemError);
    await expect(store.put({ pk: 'a', sk: '' })).rejects.toThrow(/sk must be a non-empty string/);
  });

  it('refuses keys longer than DynamoDB allows, counted in UTF-8 bytes', async () => {
    await expect(store.put({ pk: 'é'.repeat(1025), sk: 'a' })).rejects.toThrow(/pk is 2050 bytes/);
    await expect(store.put({ pk: 'a', sk: 'x'.repeat(1025) })).rejects.toThrow(/sk is 1025 bytes/);
  });

  it('refuses an expiresAt that is not whole epoch seconds', async () => {
    await expect(store.put({ pk: 'a', sk: 'b', expiresAt: 1_780_000_000.5 })).rejects.toThrow(
      /whole epoch seconds/,
    );
    await expect(store.putIfAbsent({ pk: 'a', sk: 'b', expiresAt: 1_780_000_000_000 })).rejects.toThrow(
      /whole epoch seconds/,
    );
  });

  it('computes expiry in epoch seconds, rounding partial seconds up', () => {
    const now = new Date('2026-06-01T12:00:00.750Z');

    expect(toEpochSeconds(now)).toBe(1_780_315_200);
    expect(expiresAfter(1.2, now)).toBe(1_780_315_202);
  });
});
