import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';

const ALERTS = '/services/T0001/B0001/alerts';
const DIGEST = '/services/T0001/B0002/digest';

let receiver: SlackReceiver;

beforeEach(async () => {
  receiver = await startSlackReceiver();
});

afterEach(async () => {
  await receiver.close();
});

/**
 * @slack/webhook 8 throws IncomingWebhookHTTPError on a 429 without the response headers. Its `fetch`
 * option takes the function it calls: wrapping the global fetch lets the caller see every response,
 * Retry-After included, before the client turns it into an error.
 */
function fetchRecordingResponses() {
  const responses: { status: number; retryAfter: string | null }[] = [];
  const fetchFn: FetchFunction = async (url, init) => {
    const response = await fetch(url, init);
    responses.push({ status: response.status, retryAfter: response.headers.get('retry-after') });
    return response;
  };
  return { fetchFn, responses };
}

/** How many whole seconds Slack asked to wait, from a Retry-After header (seconds only, as Slack sends). */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Slack receiver with the real @slack/webhook client', () => {
  it('answers a post 200 ok and records its path, headers and body', async () => {
    const webhook = new IncomingWebhook(receiver.url(ALERTS));

    const result = await webhook.send({
      text: 'CVE-2026-0001 in team-a/api',
      blocks: [section('*critical*')],
    });

    expect(result).toEqual({ text: 'ok' });
    const [post] = receiver.posts(ALERTS);
    expect(post).toMatchObject({
      path: ALERTS,
      method: 'POST',
      requestNumber: 1,
      body: { text: 'CVE-2026-0001 in team-a/api', blocks: [section('*critical*')] },
      response: { status: 200, body: 'ok', headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
    });
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['user-agent']).toMatch(/@slack:webhook/);
    expect(post?.receivedAt).toBeInstanceOf(Date);
  });

  it('keeps the posts of each webhook apart', async () => {
    await new IncomingWebhook(receiver.url(ALERTS)).send('one');
    await new IncomingWebhook(receiver.url(DIGEST)).send('two');
    await new IncomingWebhook(receiver.url(ALERTS)).send('three');

    const alerts = receiver.posts(ALERTS);
    const all = receiver.posts();

    expect(alerts.map((post) => post.body)).toEqual([{ text: 'one' }, { text: 'three' }]);
    expect(alerts.map((post) => post.requestNumber)).toEqual([1, 2]);
    expect(all).toHaveLength(3);
  });

  describe('rate limiting', () => {
    it('answers 429 with Retry-After, which the client sees only through its fetch option', async () => {
      receiver.respondWith(ALERTS, [{ type: 'rate-limited', retryAfterSeconds: 7 }]);
      const { fetchFn, responses } = fetchRecordingResponses();
      const webhook = new IncomingWebhook(receiver.url(ALERTS), { fetch: fetchFn });

      const sending = webhook.send('rate me');

      await expect(sending).rejects.toBeInstanceOf(IncomingWebhookHTTPError);
      await expect(sending).rejects.toMatchObject({ statusCode: 429, body: 'rate_limited' });
      expect(responses).toEqual([{ status: 429, retryAfter: '7' }]);
    });

    it('lets a client that honours Retry-After deliver on its next attempt, no sooner than asked', async () => {
      receiver.respondWith(ALERTS, [{ type: 'rate-limited', retryAfterSeconds: 1 }]);
      const { fetchFn, responses } = fetchRecordingResponses();
      const webhook = new IncomingWebhook(receiver.url(ALERTS), { fetch: fetchFn });

      // What the notifier does: on a 429, wait Retry-After seconds, then send again (bounded).
      let result: { text: string } | undefined;
      for (let attempt = 1; attempt <= 3 && result === undefined; attempt += 1) {
        try {
          result = await webhook.send('wait for it');
        } catch (error) {
          const waitSeconds = retryAfterSeconds(responses.at(-1)?.retryAfter ?? null);
          if (
            !(error instanceof IncomingWebhookHTTPError && error.statusCode === 429) ||
            waitSeconds === undefined
          ) {
            throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
        }
      }

      expect(result).toEqual({ text: 'ok' });
      const [limited, delivered] = receiver.posts(ALERTS);
      expect([limited?.response?.status, delivered?.response?.status]).toEqual([429, 200]);
      const waitedMs = (delivered?.receivedAt.getTime() ?? 0) - (limited?.receivedAt.getTime() ?? 0);
      expect(waitedMs).toBeGreaterThanOrEqual(1000);
    });

    it('scripts answers per request: only the listed requests are limited', async () => {
      receiver.respondWith(ALERTS, [
        { type: 'rate-limited', retryAfterSeconds: 1 },
        { type: 'rate-limited', retryAfterSeconds: 2 },
      ]);
      const webhook = new IncomingWebhook(receiver.url(ALERTS));

      const outcomes = [];
      for (let request = 0; request < 3; request += 1) {
        outcomes.push(
          await webhook.send('x').then(
            () => 200,
            (error: IncomingWebhookHTTPError) => error.statusCode,
          ),
        );
      }
      const other = await new IncomingWebhook(receiver.url(DIGEST)).send('y');

      expect(outcomes).toEqual([429, 429, 200]);
      expect(receiver.posts(ALERTS).map((post) => post.response?.headers['Retry-After'])).toEqual([
        '1',
        '2',
        undefined,
      ]);
      expect(other).toEqual({ text: 'ok' });
    });
  });

  describe('server errors', () => {
    it('answers a scripted 503, which the client reports without retrying by default', async () => {
      receiver.respondWith(ALERTS, [{ type: 'server-error', status: 503, body: 'service_unavailable' }]);
      const webhook = new IncomingWebhook(receiver.url(ALERTS));

      const sending = webhook.send('x');

      await expect(sending).rejects.toMatchObject({ statusCode: 503, body: 'service_unavailable' });
      expect(receiver.posts(ALERTS)).toHaveLength(1);
    });

    it('lets a client configured to retry 5xx deliver on its second attempt', async () => {
      receiver.respondWith(ALERTS, [{ type: 'server-error' }]);
      const webhook = new IncomingWebhook(receiver.url(ALERTS), {
        retryConfig: { retries: 2, minTimeout: 1, maxTimeout: 1, factor: 1 },
      });

      const result = await webhook.send('x');

      expect(result).toEqual({ text: 'ok' });
      expect(receiver.posts(ALERTS).map((post) => post.response?.status)).toEqual([500, 200]);
    });

    it('answers any other Slack error it is told to', async () => {
      receiver.respondWith(ALERTS, [{ type: 'error', status: 410, body: 'channel_is_archived' }]);

      const sending = new IncomingWebhook(receiver.url(ALERTS)).send('x');

      await expect(sending).rejects.toMatchObject({ statusCode: 410, body: 'channel_is_archived' });
    });
  });

  describe('slow and silent webhooks', () => {
    it('answers after a delay, and the client that waits gets ok', async () => {
      receiver.respondWith(ALERTS, [{ type: 'delay', milliseconds: 50 }]);

      const result = await new IncomingWebhook(receiver.url(ALERTS)).send('x');

      expect(result).toEqual({ text: 'ok' });
    });

    it('makes a client with a timeout give up on a webhook that never answers', async () => {
      receiver.respondWith(ALERTS, [{ type: 'no-response' }]);
      const webhook = new IncomingWebhook(receiver.url(ALERTS), { timeout: 100 });

      const sending = webhook.send('x');

      await expect(sending).rejects.toBeInstanceOf(IncomingWebhookRequestError);
      // The client aborts with AbortSignal.timeout(); in jest's sandbox the DOMException is not an
      // Error of the test's realm, so the client wraps it as Error('TimeoutError: ...').
      await expect(sending).rejects.toHaveProperty('original.message', expect.stringMatching(/timeout/i));
      const [post] = receiver.posts(ALERTS);
      expect(post?.body).toEqual({ text: 'x' });
      expect(post?.response).toBeUndefined();
    });

    it('makes a client with a timeout give up on an answer slower than the timeout', async () => {
      receiver.respondWith(ALERTS, [{ type: 'delay', milliseconds: 5_000 }]);
      const webhook = new IncomingWebhook(receiver.url(ALERTS), { timeout: 100 });

      const sending = webhook.send('x');

      await expect(sending).rejects.toBeInstanceOf(IncomingWebhookRequestError);
    });

    it('closes promptly while a request is held open', async () => {
      receiver.respondWith(ALERTS, [{ type: 'no-response' }]);
      const sending = new IncomingWebhook(receiver.url(ALERTS)).send('x');
      await waitUntil(() => receiver.posts(ALERTS).length === 1);

      await receiver.close();

      await expect(sending).rejects.toBeInstanceOf(IncomingWebhookRequestError);
    });
  });

  describe('payload validation as Slack does it', () => {
    const refusal = async (payload: Parameters<IncomingWebhook['send']>[0]) => {
      const error = await new IncomingWebhook(receiver.url(ALERTS)).send(payload).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      return error instanceof IncomingWebhookHTTPError ? `${error.statusCode} ${error.body}` : error;
    };

    it('refuses more than 50 blocks with 400 invalid_blocks', async () => {
      const blocks = Array.from({ length: 51 }, (_, index) => section(`finding ${index}`));

      expect(await refusal({ text: 'x', blocks })).toBe('400 invalid_blocks');
      expect(await refusal({ text: 'x', blocks: blocks.slice(0, 50) })).toBeUndefined();
      expect(receiver.posts(ALERTS)[0]?.rejection).toBe('blocks: 51 blocks, at most 50 are allowed');
    });

    it('refuses a section text over 3,000 characters and accepts exactly 3,000', async () => {
      expect(await refusal({ text: 'x', blocks: [section('a'.repeat(3001))] })).toBe('400 invalid_blocks');
      expect(await refusal({ text: 'x', blocks: [section('a'.repeat(3000))] })).toBeUndefined();
    });

    it('refuses a header over 150 characters, or one that is not plain_text', async () => {
      const header = (text: string, type = 'plain_text') => ({ type: 'header', text: { type, text } });

      expect(await refusal({ text: 'x', blocks: [header('h'.repeat(151))] })).toBe('400 invalid_blocks');
      expect(await refusal({ text: 'x', blocks: [header('release', 'mrkdwn')] })).toBe('400 invalid_blocks');
      expect(await refusal({ text: 'x', blocks: [header('h'.repeat(150))] })).toBeUndefined();
    });

    it('refuses a section with more than 10 fields, or a field over 2,000 characters', async () => {
      const field = (text: string) => ({ type: 'mrkdwn', text });
      const withFields = (fields: object[]) => ({ text: 'x', blocks: [{ type: 'section', fields }] });

      expect(await refusal(withFields(Array.from({ length: 11 }, () => field('f'))))).toBe(
        '400 invalid_blocks',
      );
      expect(await refusal(withFields([field('f'.repeat(2001))]))).toBe('400 invalid_blocks');
      expect(await refusal(withFields(Array.from({ length: 10 }, () => field('f'))))).toBeUndefined();
    });

    it('refuses a message with nothing to show with 400 no_text', async () => {
      expect(await refusal({ text: '' })).toBe('400 no_text');
    });

    it('refuses more than 100 attachments with 400 too_many_attachments', async () => {
      const attachments = Array.from({ length: 101 }, () => ({ text: 'a' }));

      expect(await refusal({ attachments })).toBe('400 too_many_attachments');
    });

    it('answers 404 no_service for a path that is not a webhook', async () => {
      const error = await new IncomingWebhook(receiver.url('/api/chat.postMessage'))
        .send('x')
        .catch((e) => e);

      expect(error).toMatchObject({ statusCode: 404, body: 'no_service' });
    });

    it('answers 400 invalid_payload for a body that is not JSON', async () => {
      const response = await fetch(receiver.url(ALERTS), { method: 'POST', body: '{not json' });

      expect([response.status, await response.text()]).toEqual([400, 'invalid_payload']);
    });

    it('reads the legacy form encoding with the JSON in its payload field', async () => {
      const response = await fetch(receiver.url(ALERTS), {
        method: 'POST',
        body: new URLSearchParams({ payload: JSON.stringify({ text: 'legacy' }) }),
      });

      expect([response.status, await response.text()]).toEqual([200, 'ok']);
      expect(receiver.posts(ALERTS)[0]?.body).toEqual({ text: 'legacy' });
    });
  });
});

/** Polls a condition a bounded number of times (the receiver records a post once its body is read). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}
