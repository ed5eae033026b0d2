import { parseConfig, validateConfig } from '../../../shared/config/load-config';
import type { Finding } from '../../../shared/findings/finding';
import { createScanningPolicy } from '../../../shared/findings/scanning-policy';

const finding = (
  vulnerabilityId: string,
  packageName = 'openssl',
  severity: Finding['severity'] = 'HIGH',
): Finding => ({
  vulnerabilityId,
  severity,
  status: 'ACTIVE',
  packages: [{ name: packageName }],
});

function policy(scanning: Record<string, unknown>) {
  return createScanningPolicy(parseConfig({ scanning }).scanning);
}

const suppression = (overrides: Record<string, unknown> = {}) => ({
  vulnerability: 'CVE-2026-1000',
  repositories: ['payments/**'],
  reason: 'not reachable',
  owner: 'security@example.com',
  expires: '2026-12-31',
  ...overrides,
});

describe('scanning config', () => {
  it('defaults to HIGH and above, no suppressions, a daily digest at 08:00 UTC', () => {
    expect(parseConfig({}).scanning).toEqual({
      minSeverity: 'HIGH',
      thresholds: [],
      alertOnClosed: false,
      digest: { schedule: 'cron(0 8 * * ? *)', expiringWithinDays: 14 },
      suppressions: [],
    });
  });

  it('names every bad field of a suppression', () => {
    const result = validateConfig({
      scanning: {
        minSeverity: 'SEVERE',
        suppressions: [
          { repositories: ['**'], reason: 'x', owner: 'y', expires: '2026-02-30' },
          { vulnerability: 'CVE-1', repositories: ['**'] },
        ],
      },
    });

    expect(result.ok ? [] : result.issues).toEqual([
      {
        path: 'scanning.minSeverity',
        message: 'must be one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED',
      },
      {
        path: 'scanning.suppressions[0].expires',
        message: 'must be a date such as 2026-12-31 (YYYY-MM-DD, a real day)',
      },
      {
        path: 'scanning.suppressions[0]',
        message: 'needs `vulnerability` (e.g. CVE-2026-1234) or `package` (or both)',
      },
      { path: 'scanning.suppressions[1].reason', message: 'is required' },
      { path: 'scanning.suppressions[1].owner', message: 'is required' },
      { path: 'scanning.suppressions[1].expires', message: 'is required' },
    ]);
  });

  it('needs a vulnerability or a package in a suppression', () => {
    const result = validateConfig({
      scanning: { suppressions: [suppression({ vulnerability: undefined })] },
    });

    expect(result.ok ? [] : result.issues).toEqual([
      {
        path: 'scanning.suppressions[0]',
        message: 'needs `vulnerability` (e.g. CVE-2026-1234) or `package` (or both)',
      },
    ]);
  });
});

describe('createScanningPolicy', () => {
  it('takes the minSeverity of the first threshold whose globs cover the repository', () => {
    const p = policy({
      minSeverity: 'CRITICAL',
      thresholds: [
        { repositories: ['payments/**', '!payments/legacy'], minSeverity: 'MEDIUM' },
        { repositories: ['payments/*'], minSeverity: 'LOW' },
      ],
    });

    expect(['payments/api', 'payments/legacy', 'web/frontend'].map((r) => p.minSeverityFor(r))).toEqual([
      'MEDIUM',
      'LOW',
      'CRITICAL',
    ]);
  });

  it('suppresses by vulnerability id (any case) within the repository globs until the start of the expires day', () => {
    const p = policy({ suppressions: [suppression({ vulnerability: 'cve-2026-1000' })] });
    const f = finding('CVE-2026-1000');

    expect(p.suppressionFor('payments/api', f, new Date('2026-12-30T23:59:59Z'))).toBeDefined();
    expect(p.suppressionFor('payments/api', f, new Date('2026-12-31T00:00:00Z'))).toBeUndefined();
    expect(p.expiredSuppressionFor('payments/api', f, new Date('2026-12-31T00:00:00Z'))).toMatchObject({
      expires: '2026-12-31',
    });
    expect(p.suppressionFor('web/frontend', f, new Date('2026-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('suppresses every finding of a package, or one vulnerability of it when both are given', () => {
    const p = policy({
      suppressions: [
        suppression({ vulnerability: undefined, package: 'busybox' }),
        suppression({ vulnerability: 'CVE-2026-2000', package: 'tar' }),
      ],
    });
    const now = new Date('2026-06-01T00:00:00Z');

    expect(p.isAlertable('payments/api', finding('CVE-2026-9', 'busybox'), now)).toBe(false);
    expect(p.isAlertable('payments/api', finding('CVE-2026-2000', 'tar'), now)).toBe(false);
    expect(p.isAlertable('payments/api', finding('CVE-2026-2000', 'openssl'), now)).toBe(true);
  });

  it('never alerts a finding below the threshold, or one Inspector suppressed or closed', () => {
    const p = policy({});
    const now = new Date();

    expect(p.isAlertable('x/y', finding('CVE-1', 'a', 'MEDIUM'), now)).toBe(false);
    expect(p.isAlertable('x/y', { ...finding('CVE-1'), status: 'SUPPRESSED' }, now)).toBe(false);
    expect(p.isAlertable('x/y', { ...finding('CVE-1'), status: 'CLOSED' }, now)).toBe(false);
    expect(p.isAlertable('x/y', finding('CVE-1', 'a', 'CRITICAL'), now)).toBe(true);
  });
});

describe('createScanningPolicy for one governed account (Organizations hub)', () => {
  const scanning = {
    minSeverity: 'HIGH',
    thresholds: [
      { repositories: ['**'], accounts: ['payments-prod'], minSeverity: 'CRITICAL' },
      { repositories: ['**'], accounts: ['ou-ab12-sandboxx'], minSeverity: 'LOW' },
    ],
    suppressions: [
      suppression({ accounts: ['333333333333'] }),
      suppression({ vulnerability: 'CVE-2026-2000' }),
    ],
  };
  const config = parseConfig({ scanning }).scanning;
  const payments = { id: '333333333333', alias: 'payments-prod', parents: ['ou-ab12-prodprod'] };
  const sandbox = { id: '444444444444', parents: ['ou-ab12-sandboxx', 'r-ab12'] };
  const now = new Date('2026-06-01T00:00:00Z');

  it('applies the thresholds whose accounts cover the account (by alias or by an OU above it)', () => {
    expect(createScanningPolicy(config, payments).minSeverityFor('payments/api')).toBe('CRITICAL');
    expect(createScanningPolicy(config, sandbox).minSeverityFor('payments/api')).toBe('LOW');
    expect(createScanningPolicy(config, { id: '555555555555', parents: [] }).minSeverityFor('x/y')).toBe(
      'HIGH',
    );
  });

  it('applies and lists only the suppressions that cover the account; those without accounts cover all', () => {
    const inPayments = createScanningPolicy(config, payments);
    const inSandbox = createScanningPolicy(config, sandbox);

    expect(inPayments.suppressionFor('payments/api', finding('CVE-2026-1000'), now)).toBeDefined();
    expect(inSandbox.suppressionFor('payments/api', finding('CVE-2026-1000'), now)).toBeUndefined();
    expect(inSandbox.suppressionFor('payments/api', finding('CVE-2026-2000'), now)).toBeDefined();
    expect(inPayments.suppressions).toHaveLength(2);
    expect(inSandbox.suppressions.map((s) => s.vulnerability)).toEqual(['CVE-2026-2000']);
  });

  it('without an account (the deploy gate reading a file), applies every entry as before accounts existed', () => {
    const anywhere = createScanningPolicy(config);

    expect(anywhere.minSeverityFor('payments/api')).toBe('CRITICAL');
    expect(anywhere.suppressions).toHaveLength(2);
  });
});
