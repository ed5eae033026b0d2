import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SampleDocument } from '../registry-sim';

/** The repository root, whether this runs bundled (dist/demo.js) or from source. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the ecr-warden project root');
    dir = parent;
  }
  return dir;
}

/**
 * local/sample-data/sample-registry.json as it is on disk: the world loads it into the simulator, and
 * the sections read its `planted` index (and check findings against the document itself).
 */
export function readSampleDocument(): SampleDocument {
  return JSON.parse(
    readFileSync(join(projectRoot(), 'local', 'sample-data', 'sample-registry.json'), 'utf8'),
  ) as SampleDocument;
}
