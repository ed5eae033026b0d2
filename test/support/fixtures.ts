import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GovernanceEvent } from '../../shared/events/governance';

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
] as const;

/** A governance event from a fixture envelope (test/events/ecr-warden/<name>.json), a fresh copy. */
export function governanceEvent(name: string): GovernanceEvent {
  const envelope = loadEventFixture<{ 'detail-type': string; detail: unknown }>('ecr-warden', name);
  return { detailType: envelope['detail-type'], detail: envelope.detail } as GovernanceEvent;
}
