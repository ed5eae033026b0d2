import type { Logger } from '@aws-lambda-powertools/logger';
import { createLambdaContext } from '../../support/lambda-context';
import { sqsEvent } from '../cleanup/cleanup-worker-harness';
import { fifoBatch } from '../notifier/notifier-harness';

// Every handler as deployed, each in its own execution environment (a fresh module registry: a fresh
// logger, whose Powertools warnings are once per environment). The events are malformed, so that no
// handler gets as far as an AWS call: what is checked is the log lines of the invocation.
jest.mock('../../../shared/config/bundled-config', () => ({
  loadBundledConfig: () => require('../../../shared/config/load-config').parseConfig({}),
}));

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

/** Loads `functions/<file>` in a new execution environment and records every line its logger writes. */
function coldStart(file: string): { handler: Handler; lines: LogLine[] } {
  const lines: LogLine[] = [];
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    const { logger } = require('../../../shared/logger') as { logger: Logger };
    logger.setLogLevel('DEBUG');
    // printLog is where every line that passes the level is written (protected in Powertools' types).
    const printer = logger as unknown as {
      printLog(level: number, item: { getAttributes(): unknown }): void;
    };
    jest.spyOn(printer, 'printLog').mockImplementation((_level, item) => {
      lines.push(item.getAttributes() as LogLine);
    });
    ({ handler } = require(`../../../functions/${file}`) as { handler: Handler });
  });
  if (handler === undefined) throw new Error(`functions/${file} did not load`);
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
  it.each([
    ['cleanupScheduler', 'cleanup-scheduler'],
    ['tagImmutability', 'tag-immutability'],
    ['scanFindings', 'scan-findings'],
    ['replicationAudit', 'replication-audit'],
  ])('%s logs every line with the EventBridge event id, and no Powertools warning', async (key, file) => {
    const { handler, lines } = coldStart(file);
    const id = `correlation-${key}`;

    await expect(
      handler(malformedEvent(id), createLambdaContext(`ecr-warden-test-${key}`)),
    ).rejects.toThrow();

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => /correlation/i.test(line.message))).toEqual([]);
    expect(lines.map((line) => line.correlation_id)).toEqual(lines.map(() => id));
  });

  it.each([
    ['cleanupWorker', 'cleanup-worker', () => sqsEvent(['not JSON', 'not JSON either'])],
    ['slackNotifier', 'slack-notifier', () => fifoBatch(['not JSON', 'not JSON either'])],
  ])(
    "%s logs every line with the batch's first message id, and no Powertools warning",
    async (key, file, batch) => {
      const { handler, lines } = coldStart(file);
      const event = batch();

      const response = await handler(event, createLambdaContext(`ecr-warden-test-${key}`));

      expect(response).toMatchObject({ batchItemFailures: expect.any(Array) });
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((line) => /correlation/i.test(line.message))).toEqual([]);
      expect(lines.map((line) => line.correlation_id)).toEqual(lines.map(() => event.Records[0]?.messageId));
    },
  );
});
