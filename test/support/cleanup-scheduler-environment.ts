/**
 * The environment serverless.yml gives cleanupScheduler. Imported (for its effect) before the handler,
 * which reads it at module load as Lambda's init phase does.
 */
export const CLEANUP_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-cleanup';

process.env.CLEANUP_QUEUE_URL = CLEANUP_QUEUE_URL;
process.env.POWERTOOLS_SERVICE_NAME = 'ecr-warden';
// Keep test output readable; log calls still run.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
