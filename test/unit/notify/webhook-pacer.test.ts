import { parseRetryAfter } from '../../../shared/aws/slack-webhook-client';
import {
  type Clock,
  createWebhookPacer,
  NotificationDeadlineError,
} from '../../../shared/notify/webhook-pacer';

function virtualClock(start = 0) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

const FAR = Number.MAX_SAFE_INTEGER;

describe('createWebhookPacer', () => {
  it('spaces posts to one webhook at least 1 s apart and leaves other webhooks alone', async () => {
    const { clock, sleeps } = virtualClock();
    const pacer = createWebhookPacer({ clock });

    await pacer.acquire('/a', FAR);
    await pacer.acquire('/b', FAR);
    await pacer.acquire('/a', FAR);
    await pacer.acquire('/a', FAR);

    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('does not wait when the webhook was last used more than 1 s ago', async () => {
    const { clock, sleeps, advance } = virtualClock();
    const pacer = createWebhookPacer({ clock });

    await pacer.acquire('/a', FAR);
    advance(1_500);
    await pacer.acquire('/a', FAR);

    expect(sleeps).toEqual([]);
  });

  it('holds a webhook back until a Retry-After has passed', async () => {
    const { clock, sleeps } = virtualClock();
    const pacer = createWebhookPacer({ clock });

    await pacer.acquire('/a', FAR);
    pacer.holdUntil('/a', 30_000);
    await pacer.acquire('/a', FAR);

    expect(sleeps).toEqual([30_000]);
  });

  it('throws NotificationDeadlineError, without waiting, when the next slot is past the deadline', async () => {
    const { clock, sleeps } = virtualClock();
    const pacer = createWebhookPacer({ clock });
    pacer.holdUntil('/a', 10_000);

    await expect(pacer.acquire('/a', 5_000)).rejects.toThrow(NotificationDeadlineError);
    await expect(pacer.acquire('/a', 5_000)).rejects.toThrow(
      "waiting 10000 ms would pass the invocation's deadline (5000 ms left)",
    );
    expect(sleeps).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-01T06:00:00Z');

  it('reads delay-seconds, which Slack sends', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 1 ', now)).toBe(1_000);
  });

  it('reads an HTTP date as the time until then', () => {
    expect(parseRetryAfter('Sun, 01 Nov 2026 06:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Sun, 01 Nov 2026 05:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for a missing or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
