import { ECSClient } from '@aws-sdk/client-ecs';

/**
 * One ECS client per execution environment, with adaptive retry: the in-use walk lists and describes
 * every cluster, service and task, and ECS throttles bursts per account (ThrottlingException).
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const ecsClient = new ECSClient({ retryMode: 'adaptive', maxAttempts: 8 });
