import { ECRClient } from '@aws-sdk/client-ecr';

/**
 * One ECR client per execution environment, reused across invocations (connection reuse, one
 * credential resolution). ECR publishes no TPS for DescribeRepositories, DescribeImages or
 * BatchDeleteImage and answers bursts with ThrottlingException, so the client uses adaptive retry:
 * it backs off and rate-limits itself client-side when it sees throttling.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const ecrClient = new ECRClient({ retryMode: 'adaptive', maxAttempts: 8 });
