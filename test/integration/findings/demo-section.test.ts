import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from '../../support/cli';

// `npm run demo`: the planted scan situations of the sample registry each produce their alert once, and
// the digest follows.
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-demo.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

it('alerts each planted scan situation once and sends the digest', () => {
  const run = spawnSync(
    process.execPath,
    ['--disable-warning=NodeVersionSupportWarning', 'dist/demo.js', '--json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );

  expect(run.status).toBe(0);
  const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n')));
  const section = report.sections.find(
    (s: { title: string }) => s.title === 'Vulnerability alerts (scanFindings) and the daily digest',
  );
  expect(
    section.result.alerts.map((a: { planted: string; findingCount: number }) => [a.planted, a.findingCount]),
  ).toEqual([
    ['scan-basic', 9],
    ['scan-untagged-with-findings', 2],
    ['scan-enhanced', 3],
  ]);
  // The cleanup worker's in-use index (written before this section) says where the untagged build runs.
  const untagged = section.result.alerts.find(
    (a: { planted: string }) => a.planted === 'scan-untagged-with-findings',
  );
  expect(untagged.runningIn.places).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'in-use-ecs-task', account: '222222222222', state: 'running' }),
    ]),
  );
  expect(untagged.summary).toMatch(
    /; runs in 1 ECS task \(service:storefront-preview in preview\) in 222222222222/,
  );
  expect(section.result.replayAlerts).toBe(0);
  expect(section.result.digest.repositories.map((r: { repositoryName: string }) => r.repositoryName)).toEqual(
    ['web/frontend', 'payments/api'],
  );
  expect(section.result.digest.expiringSuppressions.map((s: { expired: boolean }) => s.expired)).toEqual([
    true,
    false,
  ]);
});
