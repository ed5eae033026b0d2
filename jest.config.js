/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // @middy/core ships only ES modules: let swc turn them into CommonJS too.
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    // ecr-warden.yml is imported as text, as esbuild's text loader does in the Lambda bundles.
    '^.+\\.yml$': '<rootDir>/test/support/text-transform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'yml'],
};
