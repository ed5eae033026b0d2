import { readFileSync } from 'node:fs';
import { CliError } from './errors';

// Apart from input.ts, which loads a JSON error locator (jsonc-parser) that a successful read never
// needs: main.ts reads the lifecycle preview's listing before loading anything else (below).
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

/**
 * The preview's describe-images listing, parsed before the command's modules are loaded, or
 * undefined when it cannot be (the command then reads it again and reports why, after checking
 * the policy, as always). Why first: V8 sizes its old generation from how much of the first
 * young-generation collections survives. Loading modules is mostly short-lived garbage, and a
 * collection then (1 MiB of young generation fills before the listing is read) shrank that limit so
 * far that the 60 MB listing of 100,000 images then cost a full mark-compact, 50 ms of CPU, which
 * node reading the same file alone never pays. Read first, the listing's own collections (all of
 * it survives) set the limit.
 */
export function readListingBeforeLoading(path: string): unknown {
  try {
    return JSON.parse(readInputFile(path, 'images'));
  } catch {
    return undefined;
  }
}
