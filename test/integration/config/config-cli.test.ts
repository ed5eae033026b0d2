// `ecr-warden config validate` and `ecr-warden config schema`, run as a child process.
import { readFileSync } from 'node:fs';
import { buildConfigJsonSchema } from '../../../shared/config/json-schema';
import { buildCli, expectOneLineError, runCli } from '../../support/cli';
import { scratchDirPerTest } from '../../support/scratch-dir';

const scratch = scratchDirPerTest('ecr-warden-config-');

beforeAll(buildCli);

describe('ecr-warden config validate', () => {
  it('accepts the committed ecr-warden.yml by default and says in one line what it turns on', () => {
    const run = runCli('config', 'validate');

    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'ecr-warden.yml is valid: cleanup 2 rules (dry run), immutability 1 rule (dry run), scanning minSeverity HIGH, 0 suppressions, replication 1 destination region, notifications 0 routes\n',
    );
  });

  it('lists every problem of an invalid file with its path and exits 2', () => {
    const file = scratch.write(
      'bad.yml',
      [
        'cleanup:',
        '  dryrun: false',
        '  maxDeletionShare: 2',
        '  rules:',
        '    - repositories: ["team/**"]',
        '      policy:',
        '        rules:',
        '          - rulePriority: 1',
        '            selection: { tagStatus: untagged, countType: imageCountMoreThan, countNumber: 0 }',
        '            action: { type: expire }',
        'scanning:',
        '  minSeverity: SEVERE',
        '',
      ].join('\n'),
    );

    const run = runCli('config', 'validate', file);

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `ecr-warden: ${file} is invalid (4 problems)`,
      '  - cleanup.rules[0].policy.rules[0].selection.countNumber: must be a positive integer (0 is not accepted) (rulePriority 1)',
      '  - cleanup.maxDeletionShare: must be <= 1 (1 allows a run to empty a repository)',
      '  - cleanup.dryrun: unknown key',
      '  - scanning.minSeverity: must be one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED',
    ]);
  });

  it('reports a YAML syntax error with its line in one line, exit 2', () => {
    const file = scratch.write('syntax.yml', 'cleanup:\n  rules: [\n');

    const run = runCli('config', 'validate', file);

    expectOneLineError(run, /syntax\.yml is invalid: YAML .* at line \d+, column \d+/);
  });

  it('reports a file that cannot be read in one line, exit 2', () => {
    const run = runCli('config', 'validate', scratch.path('missing.yml'));

    expectOneLineError(run, /missing\.yml is invalid: cannot read the file: ENOENT/);
  });

  it('takes one file at most', () => {
    const run = runCli('config', 'validate', 'a.yml', 'b.yml');

    expectOneLineError(run, /config validate takes one FILE, got 2/);
  });
});

describe('ecr-warden config schema', () => {
  it('prints the JSON Schema generated from the zod schema', () => {
    const run = runCli('config', 'schema');

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(buildConfigJsonSchema());
  });

  it('writes it to --output', () => {
    const output = scratch.path('schema.json');

    const run = runCli('config', 'schema', '--output', output);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`wrote ${output}\n`);
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(buildConfigJsonSchema());
  });

  it('is listed in the help', () => {
    const run = runCli('help');

    expect(run.stdout).toContain('config validate [FILE]');
    expect(run.stdout).toContain('config schema [--output FILE]');
  });
});
