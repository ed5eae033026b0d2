import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GovernanceDetail, GovernanceEvent } from '../../shared/events/governance';
import type { GovernedAccount } from '../../shared/organization/governed-accounts';

/**
 * An event fixture from test/events/<source>/<name>.json, read afresh on every call so that a test
 * can change its copy without touching another test's.
 */
export function loadEventFixture<Event = Record<string, unknown>>(source: string, name: string): Event {
  return JSON.parse(readFileSync(join(__dirname, '..', 'events', source, `${name}.json`), 'utf8')) as Event;
}

/** The documented example of each governance event, one envelope each in test/events/ecr-warden/. */
export const GOVERNANCE_FIXTURES = [
  'cleanup-report',
  'tag-moved',
  'repository-settings-drift',
  'vulnerability-alert',
  'vulnerability-digest',
  'replication-failure',
  'replication-audit-report',
  'account-unreachable',
] as const;

/** A governance event from a fixture envelope (test/events/ecr-warden/<name>.json), a fresh copy. */
export function governanceEvent(name: string): GovernanceEvent {
  const envelope = loadEventFixture<{ 'detail-type': string; detail: unknown }>('ecr-warden', name);
  return { detailType: envelope['detail-type'], detail: envelope.detail } as GovernanceEvent;
}

/**
 * A governed member account of an Organizations hub (issue 15) as the directory knows it (alias, OU
 * and root above it), and the fixture's Vulnerability Alert about an image there.
 */
export const PAYMENTS_PROD: GovernedAccount = {
  id: '333333333333',
  alias: 'payments-prod',
  parents: ['ou-ab12-prodprod', 'r-ab12'],
};

export function paymentsProdAlert(): GovernanceEvent {
  const event = governanceEvent('vulnerability-alert');
  event.detail.account = PAYMENTS_PROD.id;
  return event;
}

type AlertedFinding = GovernanceDetail<'Vulnerability Alert'>['findings'][number];

/**
 * The findings of a long Vulnerability Alert: `count` of them, at most 100 (what an alert lists), the
 * first 20 CRITICAL and the others HIGH, every other one exploitable; `extra` fields go on each.
 */
export function manyAlertedFindings(count: number, extra: Partial<AlertedFinding> = {}): AlertedFinding[] {
  return Array.from({ length: Math.min(count, 100) }, (_, n) => ({
    vulnerabilityId: `CVE-2026-${10_000 + n}`,
    severity: n < 20 ? 'CRITICAL' : 'HIGH',
    packageName: `library-with-a-rather-long-name-${n}`,
    installedVersion: '1.2.3-r4',
    fixedInVersion: '1.2.4-r0',
    score: 9.1,
    ...extra,
    exploitAvailable: n % 2 === 0,
    change: 'new',
    url: `https://nvd.nist.gov/vuln/detail/CVE-2026-${10_000 + n}`,
  }));
}
