import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** One EventBridge client per execution environment, reused across invocations. */
export const eventBridgeClient = new EventBridgeClient({ retryMode: 'adaptive', maxAttempts: 5 });
