import { existsSync } from 'node:fs';
import { PACKAGING_REPORT, packageStack } from '../../deploy/package-stack';

/**
 * Jest globalSetup of the `package` project (jest.config.js): packages the stack once per jest run,
 * before any package test reads `.serverless/`. A failed `osls package` fails the run with its output;
 * network attempts are recorded in the packaging report, which test/package/packaging.test.ts asserts on.
 *
 * ECR_WARDEN_REUSE_PACKAGE=1 reuses the `.serverless/` of an earlier packaging while you work on the
 * tests themselves (`npm test` never sets it).
 */
export default function packageOnce(): void {
  if (process.env.ECR_WARDEN_REUSE_PACKAGE === '1' && existsSync(PACKAGING_REPORT)) {
    process.stdout.write('\npackage tests: reusing .serverless/ (ECR_WARDEN_REUSE_PACKAGE=1)\n');
    return;
  }
  const report = packageStack();
  process.stdout.write(`\npackage tests: osls package took ${report.seconds}s\n`);
}
