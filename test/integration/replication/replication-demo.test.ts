// The replication section of `npm run demo`: the real handler on the sample registry, as the README's
// quick start runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from '../../support/cli';

const TITLE = 'Cross-region replication audit (us-east-1 to us-west-2)';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-demo.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

describe('npm run demo: the replication audit section', () => {
  it('finds every planted replication problem, nothing the sample data does not bear out, and alerts once', () => {
    const run = spawnSync(
      process.execPath,
      ['--disable-warning=NodeVersionSupportWarning', 'dist/demo.js', '--json'],
      { cwd: ROOT, encoding: 'utf8' },
    );

    expect(run.status).toBe(0);
    const section = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n'))).sections.find(
      (s: { title: string }) => s.title === TITLE,
    );
    expect(section.result.planted.map((line: string) => line.split(':')[0]).sort()).toEqual([
      'replication-failed',
      'replication-image-missing',
      'replication-pre-rule-image',
      'replication-settings-drift',
      'replication-tag-different-digest',
    ]);
    expect(section.result.unconfirmedFindings).toEqual([]);
    expect(section.result.failureAlerts).toHaveLength(1);
    expect(section.result.lag).toEqual({
      outcome: 'lag-recorded',
      destinationRegion: 'us-west-2',
      seconds: 42,
    });
  });
});
