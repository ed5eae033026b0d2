import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';

/**
 * The one logger, created once per execution environment. Service name and level come from
 * POWERTOOLS_SERVICE_NAME and LOG_LEVEL (set for every function in serverless.yml).
 *
 * `correlationIdSearchFn` is what makes the middleware's `correlationIdPath` work: without it
 * Powertools warns on every cold start and sets no correlation id. Powertools' own `search` is the
 * JMESPath implementation of @aws-lambda-powertools/jmespath (with its powertools_json functions);
 * Powertools' Logger docs, "Setting a correlation ID", and Logger#setCorrelationId in
 * @aws-lambda-powertools/logger 2.35.0, which warns "correlationIdPath is set but no search function
 * was provided" and returns when there is none.
 */
export const logger = new Logger({ correlationIdSearchFn: search });

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
