import type { Context } from 'aws-lambda';
import type { DemoWorld } from './world';

/**
 * What the demo sections hand the real handlers: the Lambda context of a function of the demo stack
 * (ecr-warden-demo-<functionKey>), and EventBridge events as the rules would deliver them.
 */
export function demoLambdaContext(
  functionKey: string,
  settings: {
    memoryLimitInMB: string;
    /** What getRemainingTimeInMillis answers, throughout (default 900,000: a 15-minute timeout). */
    remainingMs?: number;
    awsRequestId?: string;
    callbackWaitsForEmptyEventLoop?: boolean;
  },
): Context {
  const functionName = `ecr-warden-demo-${functionKey}`;
  const remainingMs = settings.remainingMs ?? 900_000;
  return {
    callbackWaitsForEmptyEventLoop: settings.callbackWaitsForEmptyEventLoop ?? false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: settings.memoryLimitInMB,
    awsRequestId: settings.awsRequestId ?? 'demo',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'demo',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An EventBridge event of an account and region (usually the world's). */
export function demoEvent<Detail>(
  where: Pick<DemoWorld, 'account' | 'region'>,
  event: {
    id: string;
    detailType: string;
    source: string;
    time: string;
    resources?: string[];
    detail: Detail;
  },
) {
  return {
    version: '0',
    id: event.id,
    'detail-type': event.detailType,
    source: event.source,
    account: where.account,
    time: event.time,
    region: where.region,
    resources: event.resources ?? [],
    detail: event.detail,
  };
}

/** The event a schedule rule of the demo stack sends, by default at the world's asOf. */
export function scheduledEvent(
  world: DemoWorld,
  id: string,
  ruleName: string,
  time = world.asOf.toISOString(),
) {
  return demoEvent(world, {
    id,
    detailType: 'Scheduled Event',
    source: 'aws.events',
    time,
    resources: [`arn:aws:events:${world.region}:${world.account}:rule/${ruleName}`],
    detail: {},
  });
}
