import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook';
import { EcrWardenError } from '../errors';
import type { PermanentDeliveryRejection } from '../notify/delivery-rejection';
import type { SlackMessage } from '../notify/render-slack-message';
import {
  type Clock,
  createWebhookPacer,
  NotificationDeadlineError,
  systemClock,
  type WebhookPacer,
} from '../notify/webhook-pacer';
import { backoffDelay } from './backoff';

/**
 * Posts Block Kit messages to Slack incoming webhooks with `@slack/webhook` 8.0.2, adding what that
 * client leaves out:
 *
 * - a request timeout on every attempt (the client's `timeout` defaults to 0: a silent server would
 *   hang the call until Lambda kills it), never longer than the time the invocation has left;
 * - at most one post per second per webhook (./webhook-pacer.ts);
 * - HTTP 429: the client throws IncomingWebhookHTTPError at once, and the error carries the status and
 *   body but not the response headers. The client takes a `fetch` option (8.x uses global fetch), so
 *   each attempt gets a fetch wrapper that notes the `Retry-After` header of a 429 before handing the
 *   response back; the post then waits that long (seconds, or an HTTP date, RFC 9110 section 10.2.3)
 *   and tries again;
 * - HTTP 5xx, network errors and timeouts: retried with exponential backoff and full jitter, a few
 *   times. The client's own `retryConfig` (p-retry) is left off so that every wait is bounded by the
 *   invocation's deadline and observable;
 * - other 4xx (invalid_blocks, no_service, channel_is_archived...): Slack will refuse the same post
 *   again, so it fails at once with SlackRejectedError (`permanent`: the notifier records it and moves on);
 * - a 2xx whose body is not `ok`: the client resolves for any 2xx, yet Slack's only success answer is
 *   HTTP 200 with the body `ok` ("you'll receive a 200 ok response" ... "expressive errors" otherwise,
 *   https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling_errors). Anything
 *   else, e.g. 200 `invalid_payload`, is a rejection too, never counted as delivered;
 * - 408 Request Timeout (a proxy's answer, not one of Slack's) is retried like a 5xx.
 *
 * A webhook URL is a secret: it is never logged and never put in an error. Errors name the SSM
 * parameter that holds the URL, and carry Slack's error code (the response body, e.g. `invalid_blocks`).
 * Slack's answers: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 */
export interface SlackWebhookTarget {
  /** The webhook URL. Secret. */
  readonly url: string;
  /** The SSM parameter that holds the URL: names the webhook in errors and keys the pacer. */
  readonly webhookParameter: string;
}

export interface SlackPostObserver {
  /** Slack answered 429; the post waits `retryAfterMs` before trying again. */
  rateLimited?(retryAfterMs: number): void;
  /** A 5xx, network error or timeout; the post tries again after `delayMs`. */
  retrying?(attempt: number, problem: string, delayMs: number): void;
}

export interface SlackPostOptions {
  /** Epoch ms on the client's clock: nothing waits or is sent past it. */
  deadline: number;
  observer?: SlackPostObserver;
}

export interface SlackWebhookClient {
  /** Resolves once Slack answered `ok`; rejects with a SlackDeliveryError or NotificationDeadlineError. */
  post(
    target: SlackWebhookTarget,
    message: SlackMessage,
    options: SlackPostOptions,
  ): Promise<{ attempts: number }>;
}

/** A post Slack did not accept. */
export class SlackDeliveryError extends EcrWardenError {
  override name = 'SlackDeliveryError';

  constructor(
    readonly webhookParameter: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Slack refused the message (a 4xx other than 408 and 429, or a 2xx whose body is not `ok`): sending it
 * again cannot help. `permanent` marks it for the notifier (shared/notify/delivery-rejection.ts).
 */
export class SlackRejectedError extends SlackDeliveryError implements PermanentDeliveryRejection {
  override name = 'SlackRejectedError';
  readonly permanent = true;

  constructor(
    webhookParameter: string,
    readonly status: number,
    /** Slack's error code, e.g. `invalid_blocks`, `no_service`, `channel_is_archived`. */
    readonly slackError: string,
  ) {
    super(webhookParameter, `Slack refused the post to ${webhookParameter}: HTTP ${status} ${slackError}`);
  }
}

/** 5xx, network errors or timeouts on every attempt. */
export class SlackUnavailableError extends SlackDeliveryError {
  override name = 'SlackUnavailableError';

  constructor(
    webhookParameter: string,
    readonly attempts: number,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      webhookParameter,
      `Slack did not accept the post to ${webhookParameter} in ${attempts} attempts: ${problem}`,
      options,
    );
  }
}

/** Still 429 after the allowed number of rate-limited attempts. */
export class SlackRateLimitedError extends SlackDeliveryError {
  override name = 'SlackRateLimitedError';

  constructor(webhookParameter: string, attempts: number) {
    super(
      webhookParameter,
      `Slack kept rate-limiting the post to ${webhookParameter} (${attempts} HTTP 429 answers)`,
    );
  }
}

export interface SlackWebhookClientSettings {
  /** Per-attempt request timeout (default 8 s). */
  requestTimeoutMs?: number;
  /** Attempts per post across 5xx, network errors and timeouts (default 4). */
  maxAttempts?: number;
  /** 429 answers a post may get before it fails (default 5). */
  maxRateLimitedAttempts?: number;
  /** Backoff between attempts after a 5xx or network error: up to base·2^(n-1), capped, full jitter. */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number; random?: () => number };
  /** An attempt is not started with less time than this left before the deadline (default 1 s). */
  minimumAttemptMs?: number;
  /** Used when a 429 carries no usable Retry-After (default 1 s). */
  defaultRetryAfterMs?: number;
  clock?: Clock;
  pacer?: WebhookPacer;
  /** The fetch the webhook client uses (default: global fetch). */
  fetch?: FetchFunction;
}

type AttemptOutcome =
  | { kind: 'ok' }
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'rejected'; status: number; slackError: string }
  | { kind: 'retryable'; problem: string; cause: unknown };

/** Slack's error codes are short words; anything longer is cut before it reaches an error message. */
const MAX_SLACK_ERROR_LENGTH = 100;

/** The whole body of Slack's one success answer (HTTP 200). */
const SLACK_SUCCESS_BODY = 'ok';

function describeSlackError(body: string): string {
  return body.trim().slice(0, MAX_SLACK_ERROR_LENGTH) || '(no body)';
}

export function createSlackWebhookClient(settings: SlackWebhookClientSettings = {}): SlackWebhookClient {
  const clock = settings.clock ?? systemClock;
  const pacer = settings.pacer ?? createWebhookPacer({ clock });
  const requestTimeoutMs = settings.requestTimeoutMs ?? 8_000;
  const maxAttempts = settings.maxAttempts ?? 4;
  const maxRateLimitedAttempts = settings.maxRateLimitedAttempts ?? 5;
  const minimumAttemptMs = settings.minimumAttemptMs ?? 1_000;
  const defaultRetryAfterMs = settings.defaultRetryAfterMs ?? 1_000;
  const backoff = {
    baseDelayMs: settings.backoff?.baseDelayMs ?? 500,
    maxDelayMs: settings.backoff?.maxDelayMs ?? 8_000,
    random: settings.backoff?.random ?? Math.random,
  };
  const fetchFunction: FetchFunction = settings.fetch ?? ((url, init) => globalThis.fetch(url, init));

  async function attempt(url: string, message: SlackMessage, timeoutMs: number): Promise<AttemptOutcome> {
    let retryAfter: string | null = null;
    let status = 0;
    let signal: AbortSignal | undefined;
    const webhook = new IncomingWebhook(url, {
      timeout: timeoutMs,
      retryConfig: { retries: 0 },
      fetch: async (input, init) => {
        // The client's timeout signal: aborted means the attempt timed out.
        signal = init?.signal;
        const response = await fetchFunction(input, init);
        status = response.status;
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
        return response;
      },
    });
    try {
      const answer = await webhook.send({ text: message.text, blocks: message.blocks });
      if (answer.text.trim() === SLACK_SUCCESS_BODY) return { kind: 'ok' };
      return { kind: 'rejected', status, slackError: describeSlackError(answer.text) };
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        if (error.statusCode === 429) {
          return {
            kind: 'rate-limited',
            retryAfterMs: parseRetryAfter(retryAfter, clock.now()) ?? defaultRetryAfterMs,
          };
        }
        if (error.statusCode >= 500 || error.statusCode === 408) {
          return { kind: 'retryable', problem: `HTTP ${error.statusCode}`, cause: error };
        }
        return {
          kind: 'rejected',
          status: error.statusCode,
          slackError: describeSlackError(String(error.body ?? '')),
        };
      }
      if (error instanceof IncomingWebhookRequestError) {
        const timedOut = signal?.aborted === true;
        return {
          kind: 'retryable',
          problem: timedOut
            ? `no answer within ${timeoutMs} ms`
            : `request failed (${describeCause(error.original)})`,
          cause: error.original,
        };
      }
      throw error;
    }
  }

  return {
    async post(target, message, { deadline, observer }) {
      const key = target.webhookParameter;
      // The last moment an attempt may start, leaving it minimumAttemptMs to complete.
      const lastStart = deadline - minimumAttemptMs;
      let attempts = 0;
      let failures = 0;
      let rateLimited = 0;
      for (;;) {
        await pacer.acquire(key, lastStart);
        const timeLeft = deadline - clock.now();
        attempts += 1;
        const outcome = await attempt(target.url, message, Math.max(1, Math.min(requestTimeoutMs, timeLeft)));
        switch (outcome.kind) {
          case 'ok':
            return { attempts };
          case 'rejected':
            throw new SlackRejectedError(key, outcome.status, outcome.slackError);
          case 'rate-limited': {
            rateLimited += 1;
            observer?.rateLimited?.(outcome.retryAfterMs);
            const until = clock.now() + outcome.retryAfterMs;
            pacer.holdUntil(key, until);
            if (rateLimited >= maxRateLimitedAttempts) throw new SlackRateLimitedError(key, rateLimited);
            if (until > lastStart) {
              throw new NotificationDeadlineError(
                outcome.retryAfterMs,
                deadline - clock.now(),
                `Slack asked to retry the post to ${key} after ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
              );
            }
            break; // the pacer waits until `until`
          }
          case 'retryable': {
            failures += 1;
            if (failures >= maxAttempts) {
              throw new SlackUnavailableError(key, attempts, outcome.problem, { cause: outcome.cause });
            }
            const delay = backoffDelay(failures, backoff);
            if (clock.now() + delay > lastStart) {
              throw new NotificationDeadlineError(
                delay,
                deadline - clock.now(),
                `retrying the post to ${key} after ${outcome.problem}`,
                { cause: outcome.cause },
              );
            }
            observer?.retrying?.(attempts, outcome.problem, delay);
            await clock.sleep(delay);
            break;
          }
        }
      }
    },
  };
}

/**
 * `Retry-After` is delay-seconds or an HTTP date (RFC 9110 section 10.2.3); Slack sends seconds.
 * Returns milliseconds, or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its weekday and month; anything else (e.g. "-5") is not one.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The network error's code or message, e.g. `ECONNREFUSED`: names no URL, whose path is the secret. */
function describeCause(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error.message;
}
