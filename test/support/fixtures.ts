import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An event fixture from test/events/<source>/<name>.json, read afresh on every call so that a test
 * can change its copy without touching another test's.
 */
export function loadEventFixture<Event = Record<string, unknown>>(source: string, name: string): Event {
  return JSON.parse(readFileSync(join(__dirname, '..', 'events', source, `${name}.json`), 'utf8')) as Event;
}
