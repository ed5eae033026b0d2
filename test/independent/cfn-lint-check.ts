import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CheckResults } from './check-results';
import { runCommand } from './run-command';

/**
 * cfn-lint (AWS's CloudFormation linter: `pip install cfn-lint`) on the templates `osls package`
 * wrote into .serverless/, with the settings of .cfnlintrc (which templates, which rule is ignored
 * and why). Errors fail the check; warnings and informational findings are listed.
 */
const ROOT = resolve(__dirname, '../..');
const TEMPLATE = join(ROOT, '.serverless/cloudformation-template-update-stack.json');

export async function runCfnLintCheck(log: (line: string) => void): Promise<string[]> {
  const results = new CheckResults('cfn-lint', log);
  if (!existsSync(TEMPLATE)) {
    results.expect(
      false,
      'the packaged template exists',
      `${TEMPLATE} is missing: run npx tsx deploy/package-stack.ts first`,
    );
    return results.failures;
  }
  const run = await runCommand('cfn-lint', ['--non-zero-exit-code', 'error', '--format', 'parseable'], {
    cwd: ROOT,
    timeoutMs: 300_000,
  });
  // parseable: file:line:column:endLine:endColumn:RULE:message, one finding a line.
  const findings = run.stdout.split('\n').filter((line) => /:[EWI]\d{4}:/.test(line));
  const errors = findings.filter((line) => /:E\d{4}:/.test(line));
  for (const finding of findings) log(`     cfn-lint: ${finding.replace(`${ROOT}/`, '')}`);
  results.expect(
    run.status === 0 && errors.length === 0,
    `the packaged templates have no error (${errors.length} errors, ${findings.length - errors.length} warnings or notes, ${(run.elapsedMs / 1000).toFixed(1)} s)`,
    run.timedOut ? 'timed out' : `exit ${run.status}: ${run.stderr.trim().split('\n')[0] ?? ''}`,
  );
  return results.failures;
}
