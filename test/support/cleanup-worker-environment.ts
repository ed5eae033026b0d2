/**
 * The environment serverless.yml gives cleanupWorker (and cleanupScheduler, for end-to-end tests).
 * Imported (for its effect) before the handlers, which read it at module load as Lambda's init phase
 * does. AWS_REGION is what Lambda sets: the module-level clients find their region in it.
 */
export const CLEANUP_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-cleanup';
export const EVENT_BUS_NAME = 'ecr-warden-test';
export const STATE_TABLE_NAME = `ecr-warden-test-${process.pid}-cleanup-worker-state`;

process.env.AWS_REGION = 'us-east-1';
process.env.CLEANUP_QUEUE_URL = CLEANUP_QUEUE_URL;
process.env.EVENT_BUS_NAME = EVENT_BUS_NAME;
process.env.STATE_TABLE_NAME = STATE_TABLE_NAME;
process.env.POWERTOOLS_SERVICE_NAME = 'ecr-warden';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'ecr-warden';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// Keep test output readable; log calls still run.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
