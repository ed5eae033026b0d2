import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from '../../support/cli';

// `npm run demo`: the planted scan situations of the sample registry each produce their alert once, and
// the digest follows. The demo deployment is an Organizations hub: payments-prod's vulnerable image
// alerts once, naming the account, and reaches the payments route; legacy-sandbox is unreachable.
// biome-ignore lint/suspicious/noExplicitAny: the demo's --json report, read field by field below
let report: any;
const section = (title: string) => report.sections.find((s: { title: string }) => s.title === title);

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-demo.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const run = spawnSync(
    process.execPath,
    ['--disable-warning=NodeVersionSupportWarning', 'dist/demo.js', '--json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(run.status).toBe(0);
  report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n')));
});

it('alerts each planted scan situation once, in the hub and in payments-prod, and sends each digest', () => {
  const vulnerabilities = section('Vulnerability alerts (scanFindings) and the daily digest');
  const result = vulnerabilities.result;
  expect(
    result.alerts.map(
      (a: { planted: string; findingCount: number; account: string; accountAlias: string }) => [
        a.planted,
        a.findingCount,
        a.account,
        a.accountAlias,
      ],
    ),
  ).toEqual([
    ['scan-basic', 9, '123456789012', 'demo-hub'],
    ['scan-untagged-with-findings', 2, '123456789012', 'demo-hub'],
    ['scan-enhanced', 3, '123456789012', 'demo-hub'],
    // CRITICAL and HIGH of the three planted there (the demo's minSeverity is HIGH).
    ['payments-prod-scan', 2, '333333333333', 'payments-prod'],
  ]);
  // The cleanup worker's in-use index (written before this section) says where the untagged build runs.
  const untagged = result.alerts.find(
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
  expect(result.replayAlerts).toBe(0);
  expect(result.digest.repositories.map((r: { repositoryName: string }) => r.repositoryName)).toEqual([
    'web/frontend',
    'payments/api',
  ]);
  expect(result.digest.expiringSuppressions.map((s: { expired: boolean }) => s.expired)).toEqual([
    true,
    false,
  ]);
  // One digest target per governed account × region; each account's digest holds its own findings.
  expect(result.targets).toEqual(['digest', 'digest', 'unreachable']);
  expect(
    result.digests.map(
      (d: { account: string; repositories: { repositoryName: string; open: unknown }[] }) => [
        d.account,
        d.repositories.map((r) => [r.repositoryName, r.open]),
      ],
    ),
  ).toEqual([
    [
      '123456789012',
      [
        ['web/frontend', expect.any(Object)],
        ['payments/api', expect.any(Object)],
      ],
    ],
    ['333333333333', [['payments/api', { CRITICAL: 1, HIGH: 1, LOW: 1 }]]],
  ]);
  expect(result.unreachable).toEqual([
    expect.objectContaining({
      account: '444444444444',
      accountAlias: 'legacy-sandbox',
      work: 'vulnerability-digest',
      runId: 'demo-digest-schedule',
      roleArn: 'arn:aws:iam::444444444444:role/ecr-warden-member',
    }),
  ]);
  expect(result.unreachableCounted).toBe(1);
});

it('routes every event about payments-prod to the payments route (cleanup, alert, digest, replication, drift) and Account Unreachable to the catch-all', () => {
  const notifications = section('Slack notifications (delivered to the local Slack receiver)');
  const texts = (channel: string) =>
    notifications.result.messages
      .filter((m: { path: string }) => m.path.includes(`/B0${channel}/`))
      .map((m: { body: { text: string } }) => m.body.text);
  expect(notifications.result.failed).toBe(0);
  // The member account's events, each from the detector its member stack forwarded it to (or that
  // swept it), in the order the sections published them; nothing of another account.
  expect(texts('PAYMENTS')).toEqual([
    expect.stringMatching(
      /^INFO Cleanup Report \(payments-prod, us-east-1\): payments\/ledger: 2 image\(s\) would be deleted/,
    ),
    expect.stringMatching(
      /^INFO Cleanup Report \(payments-prod, us-east-1\): web\/storefront: 2 image\(s\) would be deleted/,
    ),
    expect.stringMatching(
      /^CRITICAL Vulnerability Alert \(payments-prod, us-east-1\): 2 vulnerabilities in payments\/api:2026\.11\.3/,
    ),
    expect.stringMatching(/^CRITICAL Vulnerability Digest \(payments-prod, us-east-1\): /),
    expect.stringMatching(/^CRITICAL Replication Audit Report \(payments-prod, us-east-1\): /),
    expect.stringMatching(
      /^CRITICAL Replication Failure \(payments-prod, us-west-2\): payments\/settlement: replication of v1\.4\.0 .*KMS_KEY_NOT_FOUND/,
    ),
    expect.stringMatching(
      /^WARNING Repository Settings Drift \(payments-prod, us-east-1\): payments\/ledger-events: tag immutability: MUTABLE/,
    ),
  ]);
  // The digest's report (other sections add their own Account Unreachable reports, routed the same way).
  const digestReports = (text: string) => text.includes('Account Unreachable') && text.includes('digest');
  expect(texts('PLATFORM').filter(digestReports)).toEqual([
    'WARNING Account Unreachable (legacy-sandbox, us-east-1): legacy-sandbox (444444444444) us-east-1: vulnerability digest skipped, the member role cannot be assumed',
  ]);
  // Every message names its account and region.
  for (const message of notifications.result.messages) {
    expect(message.body.text).toMatch(
      /^[A-Z]+ [A-Za-z ]+ \((demo-hub|payments-prod|legacy-sandbox), [a-z]+-[a-z]+-\d\): /,
    );
  }
});
