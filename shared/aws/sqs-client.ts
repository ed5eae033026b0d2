import { SQSClient } from '@aws-sdk/client-sqs';

/** One SQS client per execution environment, with adaptive retry (see ecr-client.ts). */
export const sqsClient = new SQSClient({ retryMode: 'adaptive', maxAttempts: 8 });
