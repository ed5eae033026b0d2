// `npm run demo`: the demo bundle built and run as the README's quick start runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from '../../support/cli';

function runDemo(...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--disable-warning=NodeVersionSupportWarning', 'dist/demo.js', ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-demo.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

describe('npm run demo', () => {
  it('runs every section on the sample registry without AWS and exits 0', () => {
    const run = runDemo();

    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('== Native lifecycle policies, previewed offline');
    expect(run.stdout).toMatch(/payments\/api: \d+ of \d+ images would expire/);
  });

  it('prints the same report as JSON with --json', () => {
    const run = runDemo('--json');

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.sections.map((section: { title: string }) => section.title)).toContain(
      'Native lifecycle policies, previewed offline',
    );
  });
});
