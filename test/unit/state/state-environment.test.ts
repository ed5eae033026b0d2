import { EnvironmentError, readStateTableEnvironment } from '../../../shared/config/environment';

describe('readStateTableEnvironment', () => {
  it('returns the state table name', () => {
    const environment = readStateTableEnvironment({ STATE_TABLE_NAME: 'ecr-warden-prod-state' });

    expect(environment.STATE_TABLE_NAME).toBe('ecr-warden-prod-state');
  });

  it('names the variable when it is missing or empty', () => {
    expect(() => readStateTableEnvironment({})).toThrow(EnvironmentError);
    expect(() => readStateTableEnvironment({ STATE_TABLE_NAME: '' })).toThrow('STATE_TABLE_NAME is not set');
  });

  it('rejects a value that DynamoDB would not accept as a table name', () => {
    expect(() =>
      readStateTableEnvironment({ STATE_TABLE_NAME: 'arn:aws:dynamodb:us-east-1:1:table/x' }),
    ).toThrow(/STATE_TABLE_NAME must be a DynamoDB table name/);
    expect(() => readStateTableEnvironment({ STATE_TABLE_NAME: 'ab' })).toThrow(/STATE_TABLE_NAME/);
  });
});
