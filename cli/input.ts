import { type ParseError, type ParseErrorCode, parseTree, printParseErrorCode } from 'jsonc-parser';
import { CliError } from './errors';
import { readInputFile } from './input-file';

export { readInputFile };

export function readJsonFile(path: string, what: string, options?: ParseJsonOptions): unknown {
  return parseJson(readInputFile(path, what), `${what} file ${path}`, options);
}

export interface ParseJsonOptions {
  /**
   * Default true: refuse valid JSON nested deeper than MAX_JSON_NESTING. False only for a reader
   * that never walks the document recursively, nor hands it to one (the describe-images reader).
   * Invalid JSON is refused with its depth checked either way.
   */
  checkNesting?: boolean;
}

/**
 * How deeply an input may nest. AWS CLI and `kubectl -o json` outputs nest fewer than 20 levels
 * (a snapshot adds a few); far deeper input is hostile or broken. JSON.parse itself reads any
 * depth, but what walks the result recursively (jsonc-parser locating an error, zod, the registry
 * simulator, JSON.stringify) overflows the stack, which the CLI reported as an internal error.
 */
export const MAX_JSON_NESTING = 256;

/**
 * JSON.parse, and on failure a one-line reason with the line and column of the first error. Node's
 * own messages give a position only for some errors (not for a truncated file or a misspelt
 * literal, where they quote the text instead), so the error is located with jsonc-parser in strict
 * mode; that second parse runs only on the failure path. Either way a document nested deeper than
 * MAX_JSON_NESTING is refused, with the place where it gets too deep (a valid one only with
 * `checkNesting`, the default).
 */
export function parseJson(
  json: string,
  where: string,
  { checkNesting = true }: ParseJsonOptions = {},
): unknown {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    // jsonc-parser recurses once per level: measure the depth before letting it locate the error.
    const tooDeepAt = offsetTooDeep(json);
    throw tooDeepAt === undefined
      ? syntaxError(json, where, error as Error)
      : tooDeep(json, where, tooDeepAt);
  }
  // The walk costs about 15 ms on a 60 MB describe-images file; the text is scanned only to say where.
  if (checkNesting && nestingExceeds(value, MAX_JSON_NESTING))
    throw tooDeep(json, where, offsetTooDeep(json));
  return value;
}

function syntaxError(json: string, where: string, error: Error): CliError {
  const errors: ParseError[] = [];
  parseTree(json, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return new CliError(`${where} is not valid JSON: ${error.message.split('\n')[0]}`);
  const { line, column } = lineAndColumn(json, first.offset);
  return new CliError(
    `${where} is not valid JSON at line ${line}, column ${column}: ${describeParseError(first.error)}`,
  );
}

/** Whether arrays and objects nest more than `limit` levels; iterative, so any depth is safe. */
function nestingExceeds(root: unknown, limit: number): boolean {
  if (typeof root !== 'object' || root === null) return false;
  const pending: object[] = [root];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const value = pending.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (typeof child === 'object' && child !== null) {
          pending.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      // for-in rather than Object.values: no array per object (a third of the walk's time). JSON.parse
      // makes plain objects, so no inherited property is enumerated.
      for (const key in value) {
        const child: unknown = (value as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          pending.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** Where the text opens its array or object number MAX_JSON_NESTING + 1 without closing any. */
function offsetTooDeep(json: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > MAX_JSON_NESTING) return i;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    }
  }
  return undefined;
}

function tooDeep(json: string, where: string, offset: number | undefined): CliError {
  const place =
    offset === undefined
      ? ''
      : ` (at line ${lineAndColumn(json, offset).line}, column ${lineAndColumn(json, offset).column})`;
  return new CliError(
    `${where} nests arrays and objects more than ${MAX_JSON_NESTING} levels deep${place}; ` +
      'AWS CLI and kubectl output nests fewer than 20: is it the right file?',
  );
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function lineAndColumn(json: string, offset: number): { line: number; column: number } {
  const before = json.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** `CloseBraceExpected` → `close brace expected`. */
function describeParseError(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
