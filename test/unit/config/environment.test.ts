import { EnvironmentError, readCleanupSchedulerEnvironment } from '../../../shared/config/environment';

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
