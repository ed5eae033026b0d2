import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, expectOneLineError, ROOT, runCli } from '../../support/cli';
import { scratchDirPerTest } from '../../support/scratch-dir';

// The CLI as pipelines run it (bin/ecr-warden.js in front of the bundle), on saved
// `aws ecr describe-image-scan-findings --output json` outputs: no AWS, no network.
const fixture = (name: string) => join(ROOT, 'test', 'events', 'aws.ecr', `${name}.json`);
const scratch = scratchDirPerTest('ecr-warden-findings-cli-');

/** `ecr-warden findings gate` for team-a/api on a saved `describe-image-scan-findings` output. */
function gateApi(findingsFile: string, ...options: string[]) {
  return runCli('findings', 'gate', '--findings', findingsFile, '--repository', 'team-a/api', ...options);
}

/** `ecr-warden findings report` for team-a/api on a saved `describe-image-scan-findings` output. */
function reportApi(findingsFile: string, ...options: string[]) {
  return runCli('findings', 'report', '--repository', 'team-a/api', '--findings', findingsFile, ...options);
}

beforeAll(() => {
  buildCli();
});

function writeConfig(text: string): string {
  return scratch.write('ecr-warden.yml', text);
}

describe('ecr-warden findings gate --findings FILE', () => {
  it('exits 1 and prints what blocks the deploy when an unsuppressed finding is at or above --fail-on', () => {
    const run = gateApi(fixture('describe-image-scan-findings-enhanced'), '--fail-on', 'HIGH');

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^BLOCKED: team-a\/api:latest: 2 findings at or above HIGH/);
    expect(run.stdout).toMatch(
      /CRITICAL\s+CVE-2026-31337\s+openssl\s+3\.0\.13-1~deb12u1\s+3\.0\.15-1~deb12u1/,
    );
    expect(run.stderr).toBe('ecr-warden: deploy blocked: 2 findings at or above HIGH\n');
  });

  it('exits 0 when unexpired suppressions cover every finding at or above the threshold', () => {
    const config = writeConfig(`scanning:
  suppressions:
    - vulnerability: CVE-2026-31337
      repositories: ["team-a/**"]
      reason: patched in the base image on Monday
      owner: security@example.com
      expires: 2026-07-01
    - package: libexpat1
      repositories: ["team-a/*"]
      reason: not reachable
      owner: security@example.com
      expires: 2026-07-01
`);

    const run = gateApi(
      fixture('describe-image-scan-findings-enhanced'),
      '--fail-on',
      'high',
      '--config',
      config,
      '--now',
      '2026-06-02T00:00:00Z',
    );

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^PASS: team-a\/api:latest: no unsuppressed finding at or above HIGH, 2 suppressed; 1 below/,
    );
    expect(run.stdout).toContain(
      'suppressed until 2026-07-01 (security@example.com: patched in the base image on Monday)',
    );
    expect(run.stderr).toBe('');
  });

  it('blocks again once the suppression has expired, and says so', () => {
    const config = writeConfig(`scanning:
  suppressions:
    - vulnerability: CVE-2026-31337
      repositories: ["**"]
      reason: accepted
      owner: sec
      expires: 2026-06-02
`);

    const run = gateApi(
      fixture('describe-image-scan-findings-enhanced'),
      '--fail-on',
      'CRITICAL',
      '--config',
      config,
      '--now',
      '2026-06-02',
    );

    expect(run.status).toBe(1);
    expect(run.stdout).toContain('suppression expired 2026-06-02');
  });

  it('exits 2 on one page of the findings (a NextToken) instead of deciding on part of them', () => {
    const page = JSON.parse(readFileSync(fixture('describe-image-scan-findings-enhanced'), 'utf8'));
    const path = scratch.write(
      'findings-page.json',
      JSON.stringify({ ...page, NextToken: 'eyJuZXh0VG9rZW4iOiAiYWJjIn0=' }),
    );

    const run = gateApi(path, '--fail-on', 'CRITICAL');

    expectOneLineError(run, /has a NextToken: it is one page of the image's findings.*without --max-items/);
  });

  it('exits 2 when the scan has not finished (IN_PROGRESS)', () => {
    const run = gateApi(fixture('describe-image-scan-findings-in-progress'), '--fail-on', 'HIGH');

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'ecr-warden: could not decide: the scan is IN_PROGRESS (The scan is in progress.)\n',
    );
  });

  it('decides from basic findings whose times are epoch seconds (CLI v1 output), with JSON output', () => {
    const run = gateApi(
      fixture('describe-image-scan-findings-basic-epoch'),
      '--fail-on',
      'CRITICAL',
      '--output',
      'json',
    );

    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      decision: 'blocked',
      failOn: 'CRITICAL',
      scanType: 'BASIC',
      belowThreshold: 3,
    });
    expect(result.blocking.map((f: { vulnerabilityId: string }) => f.vulnerabilityId)).toEqual([
      'CVE-2026-0101',
    ]);
  });

  it('rejects an unknown --fail-on severity in one line with exit 2', () => {
    const run = gateApi(fixture('describe-image-scan-findings-basic'), '--fail-on', 'SEVERE');

    expectOneLineError(
      run,
      /--fail-on must be one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED, got "SEVERE"/,
    );
  });

  it('names the path of a timestamp in no format AWS writes', () => {
    const path = scratch.write(
      'bad.json',
      JSON.stringify({
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: { imageScanCompletedAt: 'noon', findings: [] },
      }),
    );

    const run = gateApi(path, '--fail-on', 'HIGH');

    expectOneLineError(run, /imageScanFindings\.imageScanCompletedAt: "noon" is not a timestamp AWS writes/);
  });
});

describe('ecr-warden findings report --findings FILE', () => {
  it('prints one row per vulnerability, most urgent first, merging the packages a CVE affects', () => {
    const run = reportApi(fixture('describe-image-scan-findings-basic'));

    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'team-a/api@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678 (v1.4.0); basic scan COMPLETE at 2026-06-01T11:58:02.411Z',
    );
    expect(lines[1]).toBe('4 findings (1 CRITICAL, 2 HIGH, 1 MEDIUM), most urgent first');
    expect(lines.slice(4).map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
      ['CRITICAL', 'CVE-2026-0101', 'libssl3'],
      ['HIGH', 'CVE-2026-0202', 'zlib1g'],
      ['HIGH', 'CVE-2026-0303', 'libcurl4'],
      ['MEDIUM', 'CVE-2025-4404', 'libnghttp2-14'],
    ]);
    expect(lines[6]).toContain('libcurl4 +1');
  });

  it('prints the model as JSON', () => {
    const run = reportApi(fixture('describe-image-scan-findings-enhanced'), '--output', 'json');

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      scanType: 'ENHANCED',
      scanStatus: 'ACTIVE',
      usage: { inUseCount: 3, lastInUseAt: '2026-06-01T11:40:00.000Z' },
    });
    expect(report.findings[0]).toMatchObject({
      vulnerabilityId: 'CVE-2026-31337',
      severity: 'CRITICAL',
      fixAvailable: 'YES',
      exploitAvailable: true,
      packages: [
        {
          name: 'openssl',
          installedVersion: '3.0.13-1~deb12u1',
          fixedInVersion: '3.0.15-1~deb12u1',
          packageManager: 'OS',
        },
      ],
    });
    expect(report.findings[2]).toMatchObject({
      vulnerabilityId: 'CVE-2025-45582',
      fixAvailable: 'NO',
      packages: [{ name: 'tar' }],
    });
    expect(report.findings[2].packages[0].fixedInVersion).toBeUndefined();
  });
});

describe('ecr-warden findings gate under an Organizations hub config', () => {
  // The saved output's registryId is 123456789012: the gate decides for that account.
  const hubConfig = (suppressionAccounts: string) =>
    writeConfig(`organization:
  accounts: ["123456789012", "333333333333"]
  regions: [us-east-1]
  accountAliases: { "123456789012": demo-hub }
scanning:
  suppressions:
    - vulnerability: CVE-2026-31337
      repositories: ["team-a/**"]
      accounts: ${suppressionAccounts}
      reason: patched in the base image on Monday
      owner: security@example.com
      expires: 2026-07-01
`);
  const gate = (config: string) =>
    gateApi(
      fixture('describe-image-scan-findings-enhanced'),
      '--fail-on',
      'critical',
      '--config',
      config,
      '--now',
      '2026-06-02T00:00:00Z',
    );

  it("applies a suppression scoped to the image's account, by id or by alias", () => {
    for (const accounts of ['["123456789012"]', '[demo-hub]']) {
      const run = gate(hubConfig(accounts));
      expect(run.stdout).toMatch(/^PASS: team-a\/api:latest: no unsuppressed finding at or above CRITICAL/);
      expect(run.status).toBe(0);
    }
  });

  it('does not let a suppression scoped to another account waive the finding', () => {
    const run = gate(hubConfig('["333333333333"]'));

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^BLOCKED: team-a\/api:latest: 1 finding at or above CRITICAL/);
  });
});
