import type { Logger } from '@aws-lambda-powertools/logger';
import { createLambdaContext } from '../../support/lambda-context';
import { type FunctionKey, loadHandler } from '../../support/load-handler';
import { sqsEvent } from '../cleanup/cleanup-worker-harness';
import { fifoBatch } from '../notifier/notifier-harness';

// Every handler as deployed, each in its own execution environment (a fresh module registry: a fresh
// logger, whose Powertools warnings are once per environment). The events are malformed, so that no
// handler gets as far as an AWS call: what is checked is the log lines of the invocation.
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
interface LogLine {
  level: string;
  message: string;
  correlation_id?: unknown;
}

beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDTESTECRWARDEN',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    DEPLOYMENT_ACCOUNT_ID: '123456789012',
    CLEANUP_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-cleanup',
    EVENT_BUS_NAME: 'ecr-warden-test',
    STATE_TABLE_NAME: 'ecr-warden-test-state',
    NOTIFICATION_DEAD_LETTER_QUEUE_URL:
      'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-notifications-dlq.fifo',
    GUARD_ROLE_ARN: 'arn:aws:iam::123456789012:role/ecr-warden-test-tagImmutability',
    POWERTOOLS_SERVICE_NAME: 'ecr-warden',
    POWERTOOLS_METRICS_NAMESPACE: 'ecr-warden',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

/** Loads the handler in a new execution environment (an empty config) and records every line its logger writes. */
function coldStart(key: FunctionKey): { handler: Handler; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const handler = loadHandler<Handler>(key, {
    config: {},
    beforeLoad: () => {
      const { logger } = require('../../../shared/logger') as { logger: Logger };
      logger.setLogLevel('DEBUG');
      // printLog is where every line that passes the level is written (protected in Powertools' types).
      const printer = logger as unknown as {
        printLog(level: number, item: { getAttributes(): unknown }): void;
      };
      jest.spyOn(printer, 'printLog').mockImplementation((_level, item) => {
        lines.push(item.getAttributes() as LogLine);
      });
    },
  });
  return { handler, lines };
}

/** A Scheduled Event whose detail is not an object: every EventBridge-fed handler rejects it at once. */
const malformedEvent = (id: string) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: 'not an object',
});

afterEach(() => jest.restoreAllMocks());

describe('correlation ids, the same mechanism in every handler', () => {
  it.each<FunctionKey>(['cleanupScheduler', 'tagImmutability', 'scanFindings', 'replicationAudit'])(
    '%s logs every line with the EventBridge event id, and no Powertools warning',
    async (key) => {
      const { handler, lines } = coldStart(key);
      const id = `correlation-${key}`;

      await expect(
        handler(malformedEvent(id), createLambdaContext(`ecr-warden-test-${key}`)),
      ).rejects.toThrow();

      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((line) => /correlation/i.test(line.message))).toEqual([]);
      expect(lines.map((line) => line.correlation_id)).toEqual(lines.map(() => id));
    },
  );

  it.each([
    ['cleanupWorker' as const, () => sqsEvent(['not JSON', 'not JSON either'])],
    ['slackNotifier' as const, () => fifoBatch(['not JSON', 'not JSON either'])],
  ])(
    "%s logs every line with the batch's first message id, and no Powertools warning",
    async (key, batch) => {
      const { handler, lines } = coldStart(key);
      const event = batch();

      const response = await handler(event, createLambdaContext(`ecr-warden-test-${key}`));

      expect(response).toMatchObject({ batchItemFailures: expect.any(Array) });
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((line) => /correlation/i.test(line.message))).toEqual([]);
      expect(lines.map((line) => line.correlation_id)).toEqual(lines.map(() => event.Records[0]?.messageId));
    },
  );
});
