import { STSClient } from '@aws-sdk/client-sts';

/**
 * One STS client per execution environment, in the function's region (SDK v3 calls STS's regional
 * endpoint), with adaptive retry: STS throttles AssumeRole per account (`Throttling`).
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const stsClient = new STSClient({ retryMode: 'adaptive', maxAttempts: 5 });
