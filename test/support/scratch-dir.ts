import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder of the current test for the files a CLI run reads or writes. */
export interface ScratchDir {
  /** Where `name` stands in the current test's folder (written or not). */
  path(name: string): string;
  /** Writes `content` to `name` in the current test's folder (text as it is, anything else as
   * indented JSON) and returns its path. */
  write(name: string, content: unknown): string;
}

/**
 * Registers a fresh temporary folder for each test of the calling file and removes it after the
 * test, so that no test sees another's files. Call it at the top level of a test file.
 */
export function scratchDirPerTest(prefix: string): ScratchDir {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const path = (name: string): string => {
    if (dir === undefined) throw new Error('the scratch folder exists only while a test runs');
    return join(dir, name);
  };
  return {
    path,
    write(name, content) {
      const file = path(name);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
  };
}
