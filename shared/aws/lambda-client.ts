import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * One Lambda client per execution environment, with adaptive retry: the in-use walk reads every
 * function version (Lambda throttles control-plane reads with TooManyRequestsException).
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const lambdaClient = new LambdaClient({ retryMode: 'adaptive', maxAttempts: 8 });
