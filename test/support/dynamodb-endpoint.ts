/** Set by test/support/dynalite-global-setup.ts to the dynalite server's URL, e.g. http://127.0.0.1:41941. */
export const DYNAMODB_ENDPOINT_VARIABLE = 'ECR_WARDEN_TEST_DYNAMODB_ENDPOINT';

export function dynamoDbTestEndpoint(): string {
  const endpoint = process.env[DYNAMODB_ENDPOINT_VARIABLE];
  if (endpoint === undefined || endpoint === '') {
    throw new Error(
      `${DYNAMODB_ENDPOINT_VARIABLE} is not set: run the tests through jest, whose globalSetup (jest.config.js) starts dynalite`,
    );
  }
  return endpoint;
}
