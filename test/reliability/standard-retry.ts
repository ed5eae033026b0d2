/**
 * The module-level AWS clients of shared/aws/ with standard instead of adaptive retry, for the fault
 * suite: the same retry decisions and attempts (maxAttempts as in production), without the adaptive
 * mode's client-side rate limiter, which waits in real time after throttling (seconds per test). With
 * `Math.random` stubbed to 0 the SDK's backoff is then zero as well.
 *
 *   jest.mock('../../../shared/aws/ecr-client', () => require('../../reliability/standard-retry').ecrClientModule());
 */
export function ecrClientModule() {
  const { ECRClient } = jest.requireActual<typeof import('@aws-sdk/client-ecr')>('@aws-sdk/client-ecr');
  return { ecrClient: new ECRClient({ retryMode: 'standard', maxAttempts: 8 }) };
}

export function ecsClientModule() {
  const { ECSClient } = jest.requireActual<typeof import('@aws-sdk/client-ecs')>('@aws-sdk/client-ecs');
  return { ecsClient: new ECSClient({ retryMode: 'standard', maxAttempts: 8 }) };
}

export function lambdaClientModule() {
  const { LambdaClient } =
    jest.requireActual<typeof import('@aws-sdk/client-lambda')>('@aws-sdk/client-lambda');
  return { lambdaClient: new LambdaClient({ retryMode: 'standard', maxAttempts: 8 }) };
}

export function regionalEcrClientsModule() {
  const actual = jest.requireActual<typeof import('../../shared/aws/regional-ecr-clients')>(
    '../../shared/aws/regional-ecr-clients',
  );
  return { ...actual, regionalEcrClients: actual.createRegionalEcrClients({ retryMode: 'standard' }) };
}
