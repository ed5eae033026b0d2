import { packageStack } from '../../deploy/package-stack';

/**
 * Jest globalSetup of the `package` project (jest.config.js): packages the stack once per jest run,
 * before any package test reads `.serverless/`. A failed `osls package` fails the run with its output;
 * network attempts are recorded in the packaging report, which test/package/packaging.test.ts asserts on.
 */
export default function packageOnce(): void {
  const report = packageStack();
  process.stdout.write(`\npackage tests: osls package took ${report.seconds}s\n`);
}
