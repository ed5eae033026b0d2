/**
 * shared/aws/dynamodb-client with its module-level clients pointed at this jest run's dynalite server,
 * for the tests that run a handler as deployed:
 *
 *   jest.mock('../../../shared/aws/dynamodb-client', () =>
 *     require('../../support/dynalite-dynamodb-client').dynaliteDynamoDbClientModule(),
 *   );
 *
 * Everything is loaded with jest.requireActual: through a plain import the mocked module would load itself.
 * A failing call fails the test at once (maxAttempts 1).
 */
export function dynaliteDynamoDbClientModule() {
  const actual = jest.requireActual<typeof import('../../shared/aws/dynamodb-client')>(
    '../../shared/aws/dynamodb-client',
  );
  const { createLocalDynamoDbClient } =
    jest.requireActual<typeof import('../../local/state-table')>('../../local/state-table');
  const { dynamoDbTestEndpoint } =
    jest.requireActual<typeof import('./dynamodb-endpoint')>('./dynamodb-endpoint');
  const client = createLocalDynamoDbClient(dynamoDbTestEndpoint(), { maxAttempts: 1 });
  return { ...actual, dynamoDbClient: client, stateDocumentClient: actual.createStateDocumentClient(client) };
}
