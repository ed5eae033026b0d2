import { readFileSync } from 'node:fs';
import { type ParseError, type ParseErrorCode, parseTree, printParseErrorCode } from 'jsonc-parser';
import { CliError } from './errors';

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

export function readJsonFile(path: string, what: string): unknown {
  return parseJson(readInputFile(path, what), `${what} file ${path}`);
}

/**
 * JSON.parse, and on failure a one-line reason with the line and column of the first error. Node's
 * own messages give a position only for some errors (not for a truncated file or a misspelt
 * literal, where they quote the text instead), so the error is located with jsonc-parser in strict
 * mode; that second parse runs only on the failure path.
 */
export function parseJson(json: string, where: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    const errors: ParseError[] = [];
    parseTree(json, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (first === undefined) {
      throw new CliError(`${where} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
    }
    const before = json.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new CliError(
      `${where} is not valid JSON at line ${line}, column ${column}: ${describeParseError(first.error)}`,
    );
  }
}

/** `CloseBraceExpected` → `close brace expected`. */
function describeParseError(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
