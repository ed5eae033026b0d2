import {
  EnvironmentError,
  readCleanupSchedulerEnvironment,
  readScanFindingsEnvironment,
} from '../../../shared/config/environment';
import { readReplicationAuditEnvironment } from '../../../shared/config/replication-audit-environment';
import { readRepositoryGuardEnvironment } from '../../../shared/config/repository-guard-environment';

const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-dev-cleanup';

describe('readCleanupSchedulerEnvironment', () => {
  it('returns the cleanup queue URL', () => {
    const environment = readCleanupSchedulerEnvironment({ CLEANUP_QUEUE_URL: queueUrl });

    expect(environment.CLEANUP_QUEUE_URL).toBe(queueUrl);
  });

  it('names the variable when it is missing', () => {
    expect(() => readCleanupSchedulerEnvironment({})).toThrow(EnvironmentError);
    expect(() => readCleanupSchedulerEnvironment({})).toThrow('CLEANUP_QUEUE_URL is not set');
  });

  it('treats an empty variable as missing', () => {
    expect(() => readCleanupSchedulerEnvironment({ CLEANUP_QUEUE_URL: '' })).toThrow(
      'CLEANUP_QUEUE_URL is not set',
    );
  });

  it('rejects a value that is not an https URL, naming the variable', () => {
    expect(() => readCleanupSchedulerEnvironment({ CLEANUP_QUEUE_URL: 'ecr-warden-dev-cleanup' })).toThrow(
      /CLEANUP_QUEUE_URL must be an https SQS queue URL/,
    );
  });
});

describe('the deployment location of the detectors (their governed scope)', () => {
  const scanFindings = {
    EVENT_BUS_NAME: 'ecr-warden-dev',
    STATE_TABLE_NAME: 'ecr-warden-dev-state',
    DEPLOYMENT_ACCOUNT_ID: '123456789012',
    AWS_REGION: 'us-east-1',
  };
  const readers: [string, (env: Record<string, string | undefined>) => unknown, Record<string, string>][] = [
    ['scanFindings', readScanFindingsEnvironment, scanFindings],
    [
      'tagImmutability',
      readRepositoryGuardEnvironment,
      { ...scanFindings, GUARD_ROLE_ARN: 'arn:aws:iam::123456789012:role/ecr-warden-dev-tagImmutability' },
    ],
    ['replicationAudit', readReplicationAuditEnvironment, scanFindings],
  ];

  it.each(readers)('%s reads its own account and region at cold start', (_, read, env) => {
    expect(read(env)).toMatchObject({ DEPLOYMENT_ACCOUNT_ID: '123456789012', AWS_REGION: 'us-east-1' });
  });

  it.each(readers)('%s fails its cold start without DEPLOYMENT_ACCOUNT_ID', (_, read, env) => {
    expect(() => read({ ...env, DEPLOYMENT_ACCOUNT_ID: undefined })).toThrow(
      'DEPLOYMENT_ACCOUNT_ID is not set',
    );
  });

  it.each(readers)('%s refuses an account id or region that is not one', (_, read, env) => {
    expect(() => read({ ...env, DEPLOYMENT_ACCOUNT_ID: 'AccountId', AWS_REGION: 'local' })).toThrow(
      /DEPLOYMENT_ACCOUNT_ID must be a 12-digit AWS account id; AWS_REGION must be an AWS region/,
    );
  });
});
