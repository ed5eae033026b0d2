import { readFileSync } from 'node:fs';
import { CliError } from './errors';

/** Reads a file the user named, turning every way it can fail into a one-line reason. */
export function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} file not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${what} file is a directory: ${path}`);
    if (code === 'EACCES') throw new CliError(`${what} file is not readable (permission denied): ${path}`);
    throw new CliError(`cannot read ${what} file ${path}: ${(error as Error).message}`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  return parseJson(readInputFile(path, what), `${what} file ${path}`);
}

/** JSON.parse with the position of a syntax error given as line and column. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (!position) throw new CliError(`${where} is not valid JSON: ${message}`);
    const offset = Number(position[1]);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '');
    throw new CliError(`${where} is not valid JSON at line ${line}, column ${column}: ${reason}`);
  }
}
