import type { Finding } from '../../../shared/findings/finding';
import {
  decideAbsent,
  decideTransition,
  type LedgerEntry,
  type Transition,
  type TransitionContext,
} from '../../../shared/findings/findings-ledger';
import { isAtLeast } from '../../../shared/findings/severity';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    vulnerabilityId: 'CVE-2026-1000',
    severity: 'HIGH',
    status: 'ACTIVE',
    packages: [{ name: 'openssl', installedVersion: '3.0.13', fixedInVersion: '3.0.15' }],
    fixAvailable: 'YES',
    exploitAvailable: false,
    ...overrides,
  };
}

function context(overrides: Partial<TransitionContext> = {}): TransitionContext {
  return {
    isAlertable: (f) => f.status === 'ACTIVE' && isAtLeast(f.severity, 'HIGH'),
    alertOnClosed: false,
    repositoryName: 'team-a/api',
    imageDigest: DIGEST,
    scanType: 'ENHANCED',
    now: new Date('2026-06-01T12:00:00Z'),
    ...overrides,
  };
}

/** The entry a first observation writes, as stored (version 1). */
function recorded(first: Finding, at = '2026-06-01T10:00:00Z', ctx = context()): LedgerEntry {
  const transition = decideTransition(undefined, { finding: first, observedAt: at }, ctx);
  if (transition.kind !== 'update') throw new Error('expected an update');
  return { ...transition.next, version: 1 };
}

const changeOf = (t: Transition) => (t.kind === 'update' ? (t.change ?? 'silent') : t.kind);

describe('decideTransition', () => {
  it('alerts a new finding at or above the threshold', () => {
    expect(changeOf(decideTransition(undefined, { finding: finding(), observedAt: 't1' }, context()))).toBe(
      'new',
    );
  });

  it('records a new finding below the threshold without alerting', () => {
    const t = decideTransition(
      undefined,
      { finding: finding({ severity: 'MEDIUM' }), observedAt: 't1' },
      context(),
    );

    expect(changeOf(t)).toBe('silent');
    expect(t.kind === 'update' && t.next.alerted).toBe(false);
  });

  it('does nothing for a replay or a re-observation that only moved lastObservedAt/updatedAt', () => {
    const entry = recorded(finding());

    expect(
      changeOf(
        decideTransition(entry, { finding: finding(), observedAt: '2026-06-01T10:00:00Z' }, context()),
      ),
    ).toBe('unchanged');
    expect(
      changeOf(
        decideTransition(
          entry,
          {
            finding: finding({ lastObservedAt: '2026-06-01T11:00:00Z' }),
            observedAt: '2026-06-01T11:00:00Z',
          },
          context(),
        ),
      ),
    ).toBe('unchanged');
  });

  it('ignores an observation older than the one recorded', () => {
    const entry = recorded(finding({ fixAvailable: 'YES' }), '2026-06-01T10:00:00Z');

    expect(
      changeOf(
        decideTransition(
          entry,
          { finding: finding({ fixAvailable: 'NO' }), observedAt: '2026-06-01T09:00:00Z' },
          context(),
        ),
      ),
    ).toBe('stale');
  });

  it.each<[string, Partial<Finding>, Partial<Finding>, string]>([
    ['severity raised', { severity: 'HIGH' }, { severity: 'CRITICAL' }, 'severity-raised'],
    ['severity raised across the threshold', { severity: 'MEDIUM' }, { severity: 'HIGH' }, 'severity-raised'],
    ['fix became available', { fixAvailable: 'NO' }, { fixAvailable: 'YES' }, 'fix-available'],
    ['fix became partly available', { fixAvailable: 'NO' }, { fixAvailable: 'PARTIAL' }, 'fix-available'],
    [
      'exploit became available',
      { exploitAvailable: false },
      { exploitAvailable: true },
      'exploit-available',
    ],
    ['severity lowered', { severity: 'CRITICAL' }, { severity: 'HIGH' }, 'silent'],
    ['fix withdrawn', { fixAvailable: 'YES' }, { fixAvailable: 'NO' }, 'silent'],
    ['a more complete fix (PARTIAL to YES)', { fixAvailable: 'PARTIAL' }, { fixAvailable: 'YES' }, 'silent'],
  ])('on %s: %s', (_what, before, after, expected) => {
    const entry = recorded(finding(before));

    const t = decideTransition(
      entry,
      { finding: finding(after), observedAt: '2026-06-01T11:00:00Z' },
      context(),
    );

    expect(changeOf(t)).toBe(expected);
  });

  it('prefers exploit-available when several things changed at once', () => {
    const entry = recorded(finding({ severity: 'HIGH', fixAvailable: 'NO' }));

    const t = decideTransition(
      entry,
      {
        finding: finding({ severity: 'CRITICAL', fixAvailable: 'YES', exploitAvailable: true }),
        observedAt: 't9',
      },
      context(),
    );

    expect(changeOf(t)).toBe('exploit-available');
  });

  it('alerts a known finding as new once it becomes alertable (suppression expired, threshold lowered)', () => {
    const suppressed = context({ isAlertable: () => false });
    const entry = recorded(finding(), '2026-06-01T10:00:00Z', suppressed);

    const t = decideTransition(entry, { finding: finding(), observedAt: '2026-06-01T10:00:00Z' }, context());

    expect(changeOf(t)).toBe('new');
  });

  it('closes silently unless alertOnClosed, and then only a finding people were told about', () => {
    const alerted = recorded(finding());
    const quiet = recorded(finding({ severity: 'LOW' }));
    const closed = { finding: finding({ status: 'CLOSED' }), observedAt: '2026-06-02T00:00:00Z' };

    expect(changeOf(decideTransition(alerted, closed, context()))).toBe('silent');
    expect(changeOf(decideTransition(alerted, closed, context({ alertOnClosed: true })))).toBe('closed');
    expect(changeOf(decideTransition(quiet, closed, context({ alertOnClosed: true })))).toBe('silent');
  });

  it('alerts a reopened finding as new', () => {
    const open = recorded(finding());
    const close = decideTransition(
      open,
      { finding: finding({ status: 'CLOSED' }), observedAt: '2026-06-02T00:00:00Z' },
      context(),
    );
    if (close.kind !== 'update') throw new Error('expected an update');

    const reopen = decideTransition(
      { ...close.next, version: 2 },
      { finding: finding(), observedAt: '2026-06-03T00:00:00Z' },
      context(),
    );

    expect(changeOf(reopen)).toBe('new');
  });
});

describe('decideAbsent', () => {
  it('closes an open finding a newer basic scan no longer reports, and ignores an older scan', () => {
    const entry = recorded(finding(), '2026-06-01T10:00:00Z');

    expect(changeOf(decideAbsent(entry, '2026-06-02T10:00:00Z', context({ alertOnClosed: true })))).toBe(
      'closed',
    );
    expect(changeOf(decideAbsent(entry, '2026-05-31T10:00:00Z', context()))).toBe('stale');
  });
});
