// `ecr-warden repositories audit`: the built CLI on snapshots (a child process, as users run it), and
// the live path in-process against the registry simulator (a child process cannot be given one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRepositoriesAudit } from '../../../cli/repositories-command';
import type { InstalledSimulator, RegistrySimulator } from '../../../local/registry-sim';
import { buildCli, type CliRun, expectOneLineError, ROOT, runCli } from '../../support/cli';
import { useRegistrySimulator } from '../../support/registry-simulator';
import { scratchDirPerTest } from '../../support/scratch-dir';

// The sample registry (local/sample-data/sample-registry.json) as `ecr-warden snapshot` writes it.
const SAMPLE = join(ROOT, 'local', 'sample-data', 'sample-snapshot.json');
const DEMO_CONFIG = join(ROOT, 'local', 'demo', 'ecr-warden.demo.yml');
const EXAMPLE_SNAPSHOT = join(ROOT, 'examples', 'snapshot', 'snapshot.json');

const GUARD_CONFIG = `immutability:
  dryRun: false
  rules:
    - repositories: ["**"]
      remediate: true
      scanning: {}
      encryption: {}
      repositoryPolicy: {}
`;

// biome-ignore lint/suspicious/noExplicitAny: the report is read as the JSON a script would read
type Json = any;

const scratch = scratchDirPerTest('ecr-warden-repositories-audit-');

function audit(...args: string[]): CliRun {
  return runCli('repositories', 'audit', ...args);
}

beforeAll(buildCli);

describe('ecr-warden repositories audit --snapshot', () => {
  it('finds the sample registry’s planted drifts, one row per repository, and exits 1', () => {
    const run = audit(
      '--config',
      DEMO_CONFIG,
      '--snapshot',
      SAMPLE,
      '--region',
      'us-east-1',
      '--output',
      'json',
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toBe('ecr-warden: 4 drift(s) in 4 of 8 covered repositories\n');
    const report: Json = JSON.parse(run.stdout);
    const drifts = report.repositories.flatMap((repository: Json) =>
      repository.checks
        .filter((check: Json) => check.status === 'drift')
        .map((check: Json) => [repository.repositoryName, check.baseline, check.remediation]),
    );
    expect(drifts).toEqual([
      ['payments/worker', 'tag-immutability', 'would-apply'],
      ['tools/ci-runner', 'repository-policy', 'report-only'],
      ['web/admin', 'lifecycle-policy', 'would-apply'],
      ['web/frontend', 'encryption', 'report-only'],
    ]);
    expect(report.summary).toEqual({ repositories: 8, covered: 8, compliant: 4, drifts: 4, unknown: 0 });
  });

  it('prints a table with a column per baseline and what remediation would do', () => {
    const run = audit('--config', DEMO_CONFIG, '--snapshot', SAMPLE, '--region', 'us-east-1');

    const row = run.stdout.split('\n').find((line) => line.startsWith('payments/worker'));
    expect(run.stdout).toMatch(
      /^REPOSITORY +RULE +TAGS +SCANNING +LIFECYCLE +ENCRYPTION +POLICY +REMEDIATION$/m,
    );
    expect(row?.split(/\s{2,}/)).toEqual([
      'payments/worker',
      'rules[0]',
      'DRIFT',
      'ok',
      'ok',
      'ok',
      'ok',
      'dry run: PutImageTagMutability IMMUTABLE_WITH_EXCLUSION (dev-*, latest)',
    ]);
  });

  it('reads ecr-warden snapshot’s format, showing as unknown what the snapshot does not hold', () => {
    const snapshot = JSON.parse(readFileSync(EXAMPLE_SNAPSHOT, 'utf8'));
    snapshot.repositories[0].repositoryPolicyText = JSON.stringify({
      Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }],
    });
    snapshot.repositories[0].scanningConfiguration = { scanFrequency: 'SCAN_ON_PUSH' };

    const run = audit(
      '--config',
      scratch.write('ecr-warden.yml', GUARD_CONFIG),
      '--snapshot',
      scratch.write('s.json', JSON.stringify(snapshot)),
      '--output',
      'json',
    );

    const report: Json = JSON.parse(run.stdout);
    const first = report.repositories.find(
      (r: Json) => r.repositoryName === snapshot.repositories[0].repository.repositoryName,
    );
    expect(first.checks.map((check: Json) => [check.baseline, check.status])).toEqual([
      ['tag-immutability', 'compliant'],
      ['scanning', 'compliant'],
      ['encryption', 'drift'],
      ['repository-policy', 'drift'],
    ]);
    const other = report.repositories.find((r: Json) => r !== first);
    expect(
      other.checks.filter((check: Json) => check.status === 'unknown').map((check: Json) => check.baseline),
    ).toEqual(['scanning', 'repository-policy']);
    expect(run.status).toBe(1);
  });

  it('asks for --region when the snapshot holds several regions', () => {
    expectOneLineError(
      audit('--config', DEMO_CONFIG, '--snapshot', SAMPLE),
      /holds registries in us-east-1, us-west-2: pass --region\n$/,
    );
  });

  it('names a config file that does not exist, and an invalid rule, on one line', () => {
    expectOneLineError(
      audit('--config', scratch.path('missing.yml'), '--snapshot', SAMPLE),
      /config file not found: /,
    );
    expectOneLineError(
      audit(
        '--config',
        scratch.write(
          'bad.yml',
          'immutability:\n  rules:\n    - repositories: ["**"]\n      mode: IMMUTABLE_WITH_EXCLUSION\n',
        ),
        '--snapshot',
        SAMPLE,
      ),
      /immutability\.rules\[0\]\.exclusions: IMMUTABLE_WITH_EXCLUSION needs 1 to 5 exclusion filters, got 0\n$/,
    );
  });
});

describe('ecr-warden repositories audit (live)', () => {
  let sim: RegistrySimulator;
  let env: InstalledSimulator;

  useRegistrySimulator((installed) => ({ sim, env } = installed));

  it('reads the account with read-only calls only, whatever remediation the config turns on', async () => {
    sim.addRepository('team-a/api');
    sim.addRepository('team-a/web', { imageTagMutability: 'IMMUTABLE', encryptionType: 'KMS' });
    const output: string[] = [];

    const run = runRepositoriesAudit(
      { config: scratch.write('ecr-warden.yml', GUARD_CONFIG), region: 'us-east-1', output: 'json' },
      (text) => output.push(text),
    );

    await expect(run).rejects.toMatchObject({
      exitCode: 1,
      message: '4 drift(s) in 2 of 2 covered repositories',
    });
    expect(Object.keys(env.calls.byApi()).sort()).toEqual([
      'BatchGetRepositoryScanningConfiguration',
      'DescribeRepositories',
      'GetRepositoryPolicy',
    ]);
    expect(JSON.parse(output.join('')).source).toBe('live us-east-1');
  });
});
