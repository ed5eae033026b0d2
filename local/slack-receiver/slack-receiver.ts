import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { LOOPBACK_HOST, type LoopbackStartOptions, startOnLoopback } from '../loopback';
import { findBlockKitViolation } from './block-kit-limits';

/**
 * A stand-in for Slack's incoming webhooks on 127.0.0.1, for tests and local runs: it answers a
 * webhook post as Slack does and records every post. Per webhook path, a test can script the next
 * answers: a 429 with Retry-After, a 5xx, a slow answer, or none at all.
 *
 * Slack's behaviour it reproduces (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * - a webhook is `POST https://hooks.slack.com/services/T…/B…/secret` with a JSON body holding `text`,
 *   `blocks` and/or `attachments`;
 * - success is HTTP 200 with the text/plain body `ok`;
 * - errors are an HTTP status with a text/plain error code: 400 `invalid_payload` (unreadable body),
 *   400 `no_text` (nothing to show), 400 `too_many_attachments` (more than 100), 400 `invalid_blocks`
 *   (a Block Kit limit broken, see ./block-kit-limits.ts), 404 `no_service` (unknown webhook);
 * - beyond about one message per second per webhook, HTTP 429 with `Retry-After` in seconds
 *   (https://docs.slack.dev/apis/web-api/rate-limits).
 */

export const DEFAULT_WEBHOOK_PATH = '/services/T000/B000/XXXX';

/** An answer scripted for one request. */
export type ScriptedResponse =
  /** Answer as Slack would: validate the payload, then 200 `ok` or the Slack error. */
  | { type: 'slack' }
  /** 429 with `Retry-After: retryAfterSeconds`. */
  | { type: 'rate-limited'; retryAfterSeconds: number }
  /** A server error, 500 `rollup_error` unless told otherwise. */
  | { type: 'server-error'; status?: number; body?: string }
  /** Any other Slack error, e.g. `{ status: 410, body: 'channel_is_archived' }`. */
  | { type: 'error'; status: number; body: string }
  /** Wait, then answer with `then` (Slack's own answer by default). */
  | { type: 'delay'; milliseconds: number; then?: ScriptedResponse }
  /** Read the request and never answer: the connection stays open until the client gives up. */
  | { type: 'no-response' };

export interface RecordedPost {
  path: string;
  method: string;
  /** Lower-cased header names, as Node reports them. */
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The payload, parsed from JSON (or from the `payload` field of a form); undefined if unreadable. */
  body: unknown;
  receivedAt: Date;
  /** 1 for the first request to this path, 2 for the second, … */
  requestNumber: number;
  /** What the receiver answered; `undefined` while a delayed answer is pending or when it held the request. */
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Why the payload was refused, e.g. `blocks[0].text.text: 3001 characters, at most 3000 are allowed`. */
  rejection?: string;
}

export interface SlackReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The webhook URL for `path` (default DEFAULT_WEBHOOK_PATH). */
  url(path?: string): string;
  /** The posts received so far, oldest first: all of them, or those to `path`. Copies. */
  posts(path?: string): RecordedPost[];
  /**
   * Scripts the answers to the next requests to `path`, one per request, in order; once they are
   * used up the receiver answers as Slack again. Replaces any unused script for that path.
   */
  respondWith(path: string, responses: readonly ScriptedResponse[]): void;
  /** Forgets the posts and the scripts. */
  reset(): void;
  /** Stops listening, drops every open connection (held ones too) and cancels pending delays. */
  close(): Promise<void>;
}

export interface SlackReceiverOptions extends LoopbackStartOptions {
  /** Check Block Kit limits and answer `invalid_blocks` like Slack (default true). */
  validateBlocks?: boolean;
}

/** Slack refuses messages with more than 100 attachments (`too_many_attachments`). */
const MAX_ATTACHMENTS = 100;
/** The receiver refuses bodies above this size (413) instead of buffering without bound. */
const MAX_BODY_BYTES = 1024 * 1024;
const WEBHOOK_PATH = /^\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+$/;

export async function startSlackReceiver(options: SlackReceiverOptions = {}): Promise<SlackReceiver> {
  const validateBlocks = options.validateBlocks ?? true;
  const posts: RecordedPost[] = [];
  const scripts = new Map<string, ScriptedResponse[]>();
  const requestCounts = new Map<string, number>();
  const pendingDelays = new Set<NodeJS.Timeout>();
  let closed = false;

  const server = createServer((request, response) => {
    const receivedAt = new Date();
    readBody(request)
      .then((rawBody) => {
        const path = new URL(request.url ?? '/', 'http://receiver').pathname;
        const requestNumber = (requestCounts.get(path) ?? 0) + 1;
        requestCounts.set(path, requestNumber);
        const post: RecordedPost = {
          path,
          method: request.method ?? 'GET',
          headers: { ...request.headers },
          rawBody,
          body: parsePayload(rawBody, request.headers['content-type']),
          receivedAt,
          requestNumber,
        };
        posts.push(post);
        const scripted = scripts.get(path)?.shift() ?? { type: 'slack' };
        answer(post, scripted, response);
      })
      .catch((error: unknown) => {
        // Too large, or the client went away while sending: nothing was recorded.
        if (!response.headersSent && !response.destroyed) {
          send(response, error instanceof BodyTooLargeError ? 413 : 400, 'invalid_payload');
        }
      });
  });

  function answer(post: RecordedPost, scripted: ScriptedResponse, response: ServerResponse): void {
    switch (scripted.type) {
      case 'slack': {
        const { status, body, rejection } = answerAsSlack(post, validateBlocks);
        if (rejection !== undefined) post.rejection = rejection;
        post.response = send(response, status, body);
        return;
      }
      case 'rate-limited':
        post.response = send(response, 429, 'rate_limited', {
          'Retry-After': String(scripted.retryAfterSeconds),
        });
        return;
      case 'server-error':
        post.response = send(response, scripted.status ?? 500, scripted.body ?? 'rollup_error');
        return;
      case 'error':
        post.response = send(response, scripted.status, scripted.body);
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          pendingDelays.delete(timer);
          if (!response.destroyed) answer(post, scripted.then ?? { type: 'slack' }, response);
        }, scripted.milliseconds);
        pendingDelays.add(timer);
        return;
      }
      case 'no-response':
        // Hold the connection; close() or the client's own timeout ends it.
        return;
    }
  }

  // Loopback only: the receiver is never reachable from another machine. Started and reached within
  // a deadline, or a one-line LocalServerError.
  const port = await startOnLoopback(server, 'the local Slack receiver', options);
  const origin = `http://${LOOPBACK_HOST}:${port}`;

  return {
    origin,
    url: (path = DEFAULT_WEBHOOK_PATH) => `${origin}${path}`,
    posts: (path) =>
      posts
        .filter((post) => path === undefined || post.path === path)
        .map((post) => ({ ...post, headers: { ...post.headers } })),
    respondWith(path, responses) {
      scripts.set(path, [...responses]);
    },
    reset() {
      posts.length = 0;
      scripts.clear();
      requestCounts.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of pendingDelays) clearTimeout(timer);
      pendingDelays.clear();
      const stopped = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // Held requests and keep-alive sockets would keep close() waiting: end them.
      server.closeAllConnections();
      await stopped;
    },
  };
}

function answerAsSlack(
  post: RecordedPost,
  validateBlocks: boolean,
): { status: number; body: string; rejection?: string } {
  if (post.method !== 'POST') {
    return { status: 405, body: 'invalid_method', rejection: `${post.method} instead of POST` };
  }
  if (!WEBHOOK_PATH.test(post.path)) {
    return { status: 404, body: 'no_service', rejection: `${post.path} is not a webhook path` };
  }
  const payload = post.body;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { status: 400, body: 'invalid_payload', rejection: 'the body is not a JSON object' };
  }
  const { text, blocks, attachments } = payload as Record<string, unknown>;
  if (Array.isArray(attachments) && attachments.length > MAX_ATTACHMENTS) {
    return {
      status: 400,
      body: 'too_many_attachments',
      rejection: `${attachments.length} attachments, at most ${MAX_ATTACHMENTS} are allowed`,
    };
  }
  if (blocks !== undefined && validateBlocks) {
    const violation = findBlockKitViolation(blocks);
    if (violation !== undefined) return { status: 400, body: 'invalid_blocks', rejection: violation };
  }
  const hasText = typeof text === 'string' && text.trim() !== '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) {
    return { status: 400, body: 'no_text', rejection: 'no text, blocks or attachments' };
  }
  return { status: 200, body: 'ok' };
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  extraHeaders: Record<string, string> = {},
): { status: number; headers: Record<string, string>; body: string } {
  const headers = { 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders };
  if (!response.destroyed) {
    response.writeHead(status, headers);
    response.end(body);
  }
  return { status, headers, body };
}

class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Slack reads JSON bodies, and form bodies whose `payload` field holds the JSON. */
function parsePayload(rawBody: string, contentType: string | undefined): unknown {
  try {
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(rawBody).get('payload');
      return payload === null ? undefined : JSON.parse(payload);
    }
    return JSON.parse(rawBody);
  } catch {
    return undefined;
  }
}
