import { LAMBDA_TEST_ENVIRONMENT } from './load-handler';

/**
 * The environment serverless.yml gives cleanupWorker and cleanupScheduler, as loadHandler's `env`: the
 * handlers read it at module load, as Lambda's init phase does.
 */
export const CLEANUP_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-cleanup';
export const EVENT_BUS_NAME = LAMBDA_TEST_ENVIRONMENT.EVENT_BUS_NAME;
export const STATE_TABLE_NAME = `ecr-warden-test-${process.pid}-cleanup-worker-state`;

export const CLEANUP_TEST_ENVIRONMENT = { ...LAMBDA_TEST_ENVIRONMENT, CLEANUP_QUEUE_URL, STATE_TABLE_NAME };
