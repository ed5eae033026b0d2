/** What both projects share. */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  // Integration tests run real servers (dynalite, the Slack receiver) and the AWS SDK's own retry
  // backoff; on a busy 2-core CI machine 5 s is too tight for the slowest (about 4 s alone).
  testTimeout: 20_000,
  transform: {
    // @middy/core ships only ES modules: let swc turn them into CommonJS too.
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    // ecr-warden.yml is imported as parsed data, as scripts/esbuild-plugins.cjs does in the Lambda bundles.
    '^.+\\.yml$': '<rootDir>/test/support/yaml-transform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'yml'],
};

/**
 * Two projects, each with its own globalSetup; jest runs a project's setup only when one of its tests
 * is selected, so `npx jest test/unit/...` never packages.
 * @type {import('jest').Config}
 */
module.exports = {
  testTimeout: shared.testTimeout,
  projects: [
    {
      ...shared,
      displayName: 'unit-and-integration',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
      // One dynalite (DynamoDB) server on loopback for the run; tests create their own tables on it.
      // The setup exports its URL to the workers through ECR_WARDEN_TEST_DYNAMODB_ENDPOINT.
      globalSetup: '<rootDir>/test/support/dynalite-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/dynalite-global-teardown.ts',
    },
    {
      ...shared,
      // The template and artifacts `osls package` writes (deploy/package-stack.ts, run once by the setup).
      displayName: 'package',
      roots: ['<rootDir>/test/package'],
      globalSetup: '<rootDir>/test/package/package-global-setup.ts',
    },
  ],
};
