// The deploy stops before anything is created when ecr-warden.yml is invalid: osls resolves serverless.yml's
// variables first, and deploy/resolve-variables.cjs validates the file
// there. Run on a scratch copy of the service with an invalid ecr-warden.yml, with no AWS credentials and
// every network connection refused (scripts/block-network.cjs records any attempt).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../support/cli';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-warden-deploy-'));
  for (const entry of ['serverless.yml', 'package.json', 'scripts', 'deploy', 'shared', 'functions']) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function osls(command: string) {
  const networkLog = join(dir, 'network-attempts.log');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), command, '--stage', 'ci'],
    {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...env,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
        AWS_CONFIG_FILE: join(dir, 'no-config'),
        AWS_EC2_METADATA_DISABLED: 'true',
        CI: '1',
        NODE_OPTIONS: `--require ${join(ROOT, 'scripts', 'block-network.cjs')}`,
        PACKAGE_CHECK_NETWORK_LOG: networkLog,
      },
    },
  );
  return {
    status: run.status,
    output: `${run.stdout}${run.stderr}`,
    networkAttempts: existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '',
  };
}

describe('deploying with an invalid ecr-warden.yml', () => {
  it('stops while resolving variables, naming every problem, before any AWS call or build', () => {
    writeFileSync(
      join(dir, 'ecr-warden.yml'),
      'cleanup:\n  maxDeletionShare: 2\nimmutability:\n  rules:\n    - repositories: ["**"]\n      mode: SOMETIMES\n',
    );

    const deploy = osls('deploy');

    expect(deploy.status).toBe(1);
    expect(deploy.output).toContain('ecr-warden.yml is invalid:');
    expect(deploy.output).toContain('cleanup.maxDeletionShare: must be <= 1');
    expect(deploy.output).toContain('immutability.rules[0].mode: must be one of');
    expect(deploy.networkAttempts).toBe('');
    expect(existsSync(join(dir, '.serverless'))).toBe(false);
  });
});
