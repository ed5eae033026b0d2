import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanupWorkerRoleName, workloadReaderRoleTemplate } from '../../deploy/workload-reader-role';
import { LISTED_ACCOUNTS, ORGANIZATIONAL_UNITS, withOrganization } from '../package/organization-variant';
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
  await lintWorkloadReaderTemplates(results, log);
  if (!existsSync(TEMPLATE)) {
    results.expect(
      false,
      'the packaged template exists',
      `${TEMPLATE} is missing: run npx tsx deploy/package-stack.ts first`,
    );
    return results.failures;
  }
  await lintOrganizationTemplates(results, log);
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

/**
 * The workload-reader role template (deploy/workload-reader-role.ts), as the StackSet deploys it: the
 * fewest sources (ECS and Lambda) and every source, in named regions and in all.
 */
async function lintWorkloadReaderTemplates(
  results: CheckResults,
  log: (line: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-workload-reader-'));
  try {
    const workerRoleName = cleanupWorkerRoleName('ecr-warden', 'prod', 'us-east-1');
    const variants = {
      'ecs-lambda': {
        roleName: 'ecr-warden-workload-reader',
        workerRoleName,
        batch: false,
        appRunner: false,
      },
      'every-source': {
        roleName: 'ecr-warden-workload-reader',
        workerRoleName,
        hubAccountId: '111111111111',
        regions: ['us-east-1', 'eu-west-1'],
        kubernetesClusters: ['prod-eks'],
        batch: true,
        appRunner: true,
      },
    };
    const files = Object.entries(variants).map(([name, input]) => {
      const file = join(dir, `workload-reader-${name}.json`);
      writeFileSync(file, JSON.stringify(workloadReaderRoleTemplate(input), null, 2));
      return file;
    });
    const run = await runCommand(
      'cfn-lint',
      ['--non-zero-exit-code', 'informational', '--format', 'parseable', ...files],
      {
        timeoutMs: 120_000,
      },
    );
    const findings = run.stdout.split('\n').filter((line) => /:[EWI]\d{4}:/.test(line));
    for (const finding of findings) log(`     cfn-lint: ${finding.replace(`${dir}/`, '')}`);
    results.expect(
      run.status === 0 && findings.length === 0,
      `the workload-reader role templates have no error, warning or note (${files.length} variants)`,
      run.timedOut
        ? 'timed out'
        : `exit ${run.status}: ${findings[0] ?? run.stderr.trim().split('\n')[0] ?? ''}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Organizations templates (issue 15): the hub template as a config with `organization` packages it
 * and the member template it comes with, for accounts listed and for OUs (test/package/organization-variant.ts
 * applies the step scripts/organization-hub.cjs runs at package time). W3005 is ignored as in .cfnlintrc
 * (the generated DependsOn of each function's role); anything else, error or warning, fails.
 */
async function lintOrganizationTemplates(results: CheckResults, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-organization-'));
  try {
    const files = Object.entries({ listed: LISTED_ACCOUNTS, units: ORGANIZATIONAL_UNITS }).flatMap(
      ([name, organization]) => {
        const { hub, member } = withOrganization(organization);
        const hubFile = join(dir, `hub-${name}.json`);
        const memberFile = join(dir, `member-${name}.json`);
        writeFileSync(hubFile, JSON.stringify(hub, null, 2));
        writeFileSync(memberFile, JSON.stringify(member, null, 2));
        return [hubFile, memberFile];
      },
    );
    const run = await runCommand(
      'cfn-lint',
      [
        '--non-zero-exit-code',
        'informational',
        '--format',
        'parseable',
        '--ignore-checks',
        'W3005',
        '--',
        ...files,
      ],
      { timeoutMs: 300_000 },
    );
    const findings = run.stdout.split('\n').filter((line) => /:[EWI]\d{4}:/.test(line));
    for (const finding of findings) log(`     cfn-lint: ${finding.replace(`${dir}/`, '')}`);
    results.expect(
      run.status === 0 && findings.length === 0,
      `the organization hub and member templates have no error, warning or note (${files.length} templates, ${(run.elapsedMs / 1000).toFixed(1)} s)`,
      run.timedOut
        ? 'timed out'
        : `exit ${run.status}: ${findings[0] ?? run.stderr.trim().split('\n')[0] ?? ''}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
