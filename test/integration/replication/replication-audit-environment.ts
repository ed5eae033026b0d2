/**
 * The environment serverless.yml gives replicationAudit. Imported (for its effect) before the handler,
 * which reads it at module load as Lambda's init phase does.
 */
export const EVENT_BUS_NAME = 'ecr-warden-test';
export const STATE_TABLE_NAME = `ecr-warden-test-${process.pid}-replication-audit-state`;

process.env.EVENT_BUS_NAME = EVENT_BUS_NAME;
process.env.STATE_TABLE_NAME = STATE_TABLE_NAME;
process.env.AWS_REGION = 'us-east-1';
// serverless.yml sets it from AWS::AccountId: the source account the audit governs.
process.env.DEPLOYMENT_ACCOUNT_ID = '123456789012';
process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTECRWARDEN';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
process.env.POWERTOOLS_SERVICE_NAME = 'ecr-warden';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'ecr-warden';
// Keep test output readable; log calls still run.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
