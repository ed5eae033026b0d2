import { IncomingWebhook } from '@slack/webhook';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { createIdempotencyGuard, type IdempotencyOptions } from '../../../shared/aws/idempotency';
import { createStateStore } from '../../../shared/aws/state-store';
import { useStateTable } from '../../support/state-table';

const table = useStateTable();
const CHANNEL = '/services/T0001/B0001/security';
const OPTIONS: IdempotencyOptions = { ttlSeconds: 7 * 24 * 3600, inProgressTimeoutSeconds: 60 };

let receiver: SlackReceiver;
beforeEach(async () => {
  receiver = await startSlackReceiver();
});
afterEach(async () => {
  await receiver.close();
});

/** How the notifier will deliver: once per governance event id, through the real webhook client. */
function createDelivery() {
  const store = createStateStore({ tableName: table.tableName, client: table.documentClient });
  const guard = createIdempotencyGuard({ store });
  const webhook = new IncomingWebhook(receiver.url(CHANNEL));
  return (event: { id: string; summary: string }) =>
    guard.runOnce(
      `slack#${CHANNEL}#${event.id}`,
      OPTIONS,
      () => webhook.send(event.summary),
      (r) => r.text,
    );
}

describe('idempotent Slack delivery (dynalite + Slack receiver)', () => {
  it('posts a governance event delivered twice only once', async () => {
    const deliver = createDelivery();
    const event = { id: '1f6c2a7e-0b7d-4d8e-9a55-3c1d2e4f5a6b', summary: 'CVE-2026-0001 in team-a/api' };

    const first = await deliver(event);
    const second = await deliver({ ...event });

    expect(first.status).toBe('executed');
    expect(second).toMatchObject({ status: 'duplicate', result: 'ok' });
    expect(receiver.posts(CHANNEL).map((post) => post.body)).toEqual([
      { text: 'CVE-2026-0001 in team-a/api' },
    ]);
  });

  it('posts again on redelivery when the first attempt failed at Slack', async () => {
    receiver.respondWith(CHANNEL, [{ type: 'server-error', status: 503 }]);
    const deliver = createDelivery();
    const event = { id: '2a7d', summary: 'tag v1.2.0 moved' };

    await expect(deliver(event)).rejects.toMatchObject({ statusCode: 503 });
    const redelivery = await deliver(event);

    expect(redelivery.status).toBe('executed');
    expect(receiver.posts(CHANNEL).map((post) => post.response?.status)).toEqual([503, 200]);
  });
});
