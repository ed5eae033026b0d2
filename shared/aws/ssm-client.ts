import { SSMClient } from '@aws-sdk/client-ssm';

/** One SSM client per execution environment, reused across invocations, with adaptive retry. */
export const ssmClient = new SSMClient({ retryMode: 'adaptive', maxAttempts: 5 });
