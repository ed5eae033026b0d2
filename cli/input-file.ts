import { readFileSync } from 'node:fs';
import { CliError } from './errors';

// Apart from input.ts, which loads a JSON error locator (jsonc-parser) that a successful read never
// needs: main.ts reads the lifecycle preview's listing before loading anything else (see there).
const BYTE_ORDER_MARK = 0xfeff;

/**
 * Reads a file the user named, turning every way it can fail into a one-line reason. A leading
 * byte-order mark (Windows editors write one) is dropped: JSON.parse rejects it.
 */
export function readInputFile(path: string, what: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} file not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${what} file is a directory: ${path}`);
    if (code === 'EACCES') throw new CliError(`${what} file is not readable (permission denied): ${path}`);
    throw new CliError(`cannot read ${what} file ${path}: ${(error as Error).message}`);
  }
}
