import type { DemoWorld } from '../world';

/** One part of the demo: a feature run end to end in the local world, and what it found. */
export interface DemoSection {
  title: string;
  run(world: DemoWorld): Promise<DemoSectionResult>;
}

export interface DemoSectionResult {
  /** For people: lines printed under the section's title. */
  lines: string[];
  /** The same facts for `npm run demo -- --json`. */
  json: unknown;
}
