import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { guardMemberTemplate } from '../../deploy/template-guard/guard-member-template';
import { guardTemplate } from '../../deploy/template-guard/guard-template';
import { cleanupWorkerRoleName, workloadReaderRoleTemplate } from '../../deploy/workload-reader-role';
import { LISTED_ACCOUNTS, ORGANIZATIONAL_UNITS, withOrganization } from '../package/organization-variant';
import { CheckResults } from './check-results';
import { packageOrganizationHub } from './organization-package';
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
 * The Organizations templates (issue 15): `osls package` of a hub with accounts listed, for real
 * (./organization-package.ts: the plugins, the member template written), and the OU form as the package
 * tests apply it (test/package/organization-variant.ts). Both pairs pass the template guard; cfn-lint
 * finds nothing in any (W3005 ignored as in .cfnlintrc: the generated DependsOn of each function's role).
 */
async function lintOrganizationTemplates(results: CheckResults, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-organization-'));
  try {
    const packaged = packageOrganizationHub(`organization: ${JSON.stringify(LISTED_ACCOUNTS)}\n`);
    const naming = { service: 'ecr-warden', stage: packaged.report.stage };
    // The package tests' variant is what osls packages, but for what the bundles change: the config
    // (with `organization`) is bundled, so each function's code hash and version id differ, and osls
    // stamps each packaging's S3 keys. Keys compared sorted (osls leaves `EventBusName: undefined` in a
    // default-bus rule, which places the key differently in the copy on the hub bus).
    const applied = withOrganization(LISTED_ACCOUNTS);
    const sorted = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sorted)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .filter(([key]) => key !== 'S3Key' && key !== 'CodeSha256')
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, inner]) => [key, sorted(inner)]),
            )
          : value;
    const comparable = (value: unknown) =>
      JSON.stringify(sorted(value)).replace(/LambdaVersion[A-Za-z0-9]+/g, 'LambdaVersion');
    results.expect(
      comparable(packaged.hub) === comparable(applied.hub) &&
        comparable(packaged.member) === comparable(applied.member),
      'osls package of a hub gives the templates the package tests check (test/package/organization-variant.ts), bundle hashes aside',
      'the packaged hub or member template differs from the applied variant',
    );
    const variants = { listed: packaged, units: withOrganization(ORGANIZATIONAL_UNITS) };
    const files = Object.entries(variants).flatMap(([name, { hub, member }]) => {
      const failures = [
        ...guardTemplate(hub, naming).failures,
        ...guardMemberTemplate(member, hub, naming, { organizationId: 'o-a1b2c3d4e5' }).failures,
      ];
      results.expect(
        failures.length === 0,
        `the organization (${name}) hub and member templates pass the template guard${name === 'listed' ? ` (osls package in ${packaged.report.seconds} s, ${packaged.report.networkAttempts.length} network attempts)` : ''}`,
        failures[0] ?? '',
      );
      const hubFile = join(dir, `hub-${name}.json`);
      const memberFile = join(dir, `member-${name}.json`);
      writeFileSync(hubFile, JSON.stringify(hub, null, 2));
      writeFileSync(memberFile, JSON.stringify(member, null, 2));
      return [hubFile, memberFile];
    });
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
