import { join } from 'node:path';
import { ConfigError } from '../../../shared/config/config-error';
import {
  loadConfigFile,
  parseConfig,
  parseConfigText,
  validateConfig,
} from '../../../shared/config/load-config';

const validPolicy = () => ({
  rules: [
    {
      rulePriority: 1,
      description: 'untagged after 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
});

/** The issues of an invalid configuration as `path: message` lines. */
function issuesOf(data: unknown): string[] {
  const validation = validateConfig(data);
  if (validation.ok) throw new Error('expected the configuration to be invalid');
  return validation.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('parseConfig', () => {
  it('fills in the documented defaults for an empty file', () => {
    const config = parseConfigText('');

    expect(config.cleanup).toEqual({
      schedule: 'rate(1 day)',
      dryRun: true,
      rules: [],
      protect: {
        tags: [],
        taskDefinitionRevisions: 3,
        // Issue 14's sources are all off: the in-use picture is this account's ECS and Lambda, as before.
        workloadAccounts: [],
        workloadRoleName: 'ecr-warden-workload-reader',
        batch: false,
        appRunner: false,
        external: [],
      },
      keepAtLeast: 0,
    });
  });

  it('keeps "native" and returns a policy document parsed by the lifecycle module', () => {
    const config = parseConfig({
      cleanup: {
        rules: [
          { repositories: ['team-a/**'], policy: validPolicy() },
          { repositories: ['**/*-cache'], policy: 'native' },
        ],
      },
    });

    expect(config.cleanup.rules[0]?.policy).toEqual(validPolicy());
    expect(config.cleanup.rules[1]?.policy).toBe('native');
  });

  it('reports a lifecycle policy violation under the path of the rule that holds the policy', () => {
    const policy = validPolicy();
    const [rule] = policy.rules;
    if (rule) rule.selection.countNumber = 0;

    const issues = issuesOf({
      cleanup: {
        rules: [
          { repositories: ['a/*'], policy: 'native' },
          { repositories: ['b/*'], policy },
        ],
      },
    });

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      /^cleanup\.rules\[1\]\.policy\.rules\[0\]\.selection\.countNumber: .*\(rulePriority 1\)$/,
    );
  });

  it('reports every problem at once, each with its path', () => {
    const issues = issuesOf({
      cleanup: {
        schedule: 'every day',
        dryRun: 'no',
        keepAtLeast: -1,
        maxDeletionsPerRepository: 0,
        protect: { taskDefinitionRevisions: 1.5 },
        rules: [{ repositories: [], policy: 'native' }, { policy: 42 }],
      },
    });

    expect(issues).toEqual([
      expect.stringMatching(/^cleanup\.schedule: must be rate\(<n> <unit>\)/),
      'cleanup.dryRun: must be true or false',
      'cleanup.rules[0].repositories: must list at least one repository glob',
      'cleanup.rules[1].repositories: is required',
      'cleanup.rules[1].policy: must be "native" or a lifecycle policy document ({ rules: [...] })',
      'cleanup.protect.taskDefinitionRevisions: must be a whole number',
      'cleanup.keepAtLeast: must be >= 0',
      'cleanup.maxDeletionsPerRepository: must be >= 1',
    ]);
  });

  it('reports an unknown key, so that a misspelt safety limit is not silently ignored', () => {
    const issues = issuesOf({ cleanup: { maxDeletionPerRepository: 10 } });

    expect(issues).toEqual(['cleanup.maxDeletionPerRepository: unknown key']);
  });

  it('refuses a rule whose globs only exclude', () => {
    const issues = issuesOf({ cleanup: { rules: [{ repositories: ['!legacy/**'], policy: 'native' }] } });

    expect(issues).toEqual([
      'cleanup.rules[0].repositories: needs at least one glob that selects repositories (a list of only "!" exclusions selects nothing)',
    ]);
  });

  it.each([
    ['rate(1 day)'],
    ['rate(5 minutes)'],
    ['rate(12 hours)'],
    ['cron(0 3 * * ? *)'],
    ['cron(0 3 ? * MON-FRI *)'],
  ])('accepts the schedule expression %s', (schedule) => {
    expect(validateConfig({ cleanup: { schedule } }).ok).toBe(true);
  });

  it.each([
    ['rate(1 days)', 'rate(1 ...) takes a singular unit: minute, hour or day'],
    ['rate(2 day)', 'rate(2 ...) takes a plural unit: minutes, hours or days'],
    ['rate(0 days)', 'a rate must be at least 1'],
    [
      'cron(0 3 * * MON *)',
      'a cron expression needs `?` in either day-of-month or day-of-week, e.g. cron(0 3 * * ? *)',
    ],
  ])('explains why EventBridge would refuse the schedule expression %s', (schedule, message) => {
    expect(issuesOf({ cleanup: { schedule } })).toEqual([`cleanup.schedule: ${message}`]);
  });

  it('throws a ConfigError whose message lists every issue', () => {
    let thrown: unknown;
    try {
      parseConfig({ cleanup: { dryRun: 1, keepAtLeast: 'all' } }, 'ecr-warden.yml');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).name).toBe('ConfigError');
    expect((thrown as ConfigError).message).toBe(
      [
        'ecr-warden.yml is invalid:',
        '  cleanup.dryRun: must be true or false',
        '  cleanup.keepAtLeast: must be a whole number',
      ].join('\n'),
    );
  });
});

describe('parseConfigText', () => {
  it('reports a YAML syntax error with its line and column', () => {
    expect(() => parseConfigText('cleanup:\n  dryRun: true\n  dryRun: false\n')).toThrow(
      /ecr-warden\.yml is invalid:\n {2}YAML Map keys must be unique at line 3, column 3 \(DUPLICATE_KEY\)/,
    );
  });
});

describe('loadConfigFile', () => {
  it('accepts the example ecr-warden.yml committed at the repository root', () => {
    const config = loadConfigFile(join(__dirname, '..', '..', '..', 'ecr-warden.yml'));

    expect(config.cleanup.dryRun).toBe(true);
    expect(config.cleanup.rules.length).toBeGreaterThan(0);
  });

  it('reports a file that cannot be read as a ConfigError naming the file', () => {
    expect(() => loadConfigFile('/nonexistent/ecr-warden.yml')).toThrow(
      /^\/nonexistent\/ecr-warden\.yml is invalid:\n {2}cannot read the file: ENOENT/,
    );
  });
});
