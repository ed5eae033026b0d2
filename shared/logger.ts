import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Resolves a correlation-id path such as `id` or `Records[0].messageId` in an event: names joined by
 * dots, each optionally followed by `[index]`. Anything missing, or of the wrong type, resolves to
 * `undefined` (the logger then sets no id); the function never throws, so a hostile event cannot fail
 * the invocation here, before its validation names what is wrong with it.
 *
 * Why not Powertools' own `search` (@aws-lambda-powertools/jmespath, full JMESPath): the handlers use
 * the two fixed paths of CORRELATION_ID_PATHS, and JMESPath adds 24 KB to every bundle, parsed at every
 * cold start, for expressions nobody writes. A path outside this grammar is a programming error and
 * throws at the first invocation that uses it (the correlation-id test runs every handler).
 */
export function searchCorrelationId(path: string, event: unknown): unknown {
  if (!CORRELATION_ID_PATH.test(path)) throw new Error(`unsupported correlation id path: ${path}`);
  let value: unknown = event;
  for (const [, name, index] of path.matchAll(PATH_STEP)) {
    if (name !== undefined) {
      value =
        typeof value === 'object' && value !== null && Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
    } else {
      value = Array.isArray(value) ? value[Number(index)] : undefined;
    }
    if (value === undefined) return undefined;
  }
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

const CORRELATION_ID_PATH = /^[A-Za-z_][\w-]*(?:\[\d+\])*(?:\.[A-Za-z_][\w-]*(?:\[\d+\])*)*$/;
const PATH_STEP = /([A-Za-z_][\w-]*)|\[(\d+)\]/g;

/**
 * The one logger, created once per execution environment. Service name and level come from
 * POWERTOOLS_SERVICE_NAME and LOG_LEVEL (set for every function in serverless.yml).
 *
 * `correlationIdSearchFn` is what makes the middleware's `correlationIdPath` work: without it
 * Powertools warns on every cold start and sets no correlation id (Powertools' Logger docs, "Setting a
 * correlation ID", and Logger#setCorrelationId in @aws-lambda-powertools/logger 2.35.0, which warns
 * "correlationIdPath is set but no search function was provided" and returns when there is none).
 */
export const logger = new Logger({ correlationIdSearchFn: searchCorrelationId });

/**
 * Where each handler finds its correlation id, the same way in all six: `injectLambdaContext(logger,
 * { correlationIdPath: CORRELATION_ID_PATHS.<trigger>, resetKeys: true })`.
 */
export const CORRELATION_ID_PATHS = {
  /**
   * EventBridge events (rules and schedules): the event id. It is also what the on-failure queue's
   * record and the idempotency keys carry, so one id finds an event's every trace.
   */
  eventBridge: 'id',
  /**
   * SQS batches have no one id per invocation: the first message's id names the batch (the record that
   * ReportBatchItemFailures returns, the one a DLQ redrive shows). Lines about one message name it
   * in their own `messageId`.
   */
  sqsBatch: 'Records[0].messageId',
} as const;

/**
 * The logger port of the domain code: a constant message and context objects. Powertools' Logger (the
 * one above) fits; tests pass recorders.
 */
export interface StructuredLogger {
  debug(message: string, ...context: Record<string, unknown>[]): void;
  info(message: string, ...context: Record<string, unknown>[]): void;
  warn(message: string, ...context: Record<string, unknown>[]): void;
  error(message: string, ...context: Record<string, unknown>[]): void;
}
