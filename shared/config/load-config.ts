import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError } from './config-error';
import type { EcrWardenConfig } from './schema';
import { DEFAULT_CONFIG_SOURCE, parseConfig } from './validate-config';

export { type ConfigValidation, DEFAULT_CONFIG_SOURCE, parseConfig, validateConfig } from './validate-config';

/**
 * Parses YAML text into plain data, unvalidated: what `osls package` embeds in each Lambda bundle
 * (scripts/esbuild-plugins.cjs), so that functions validate JSON at cold start and ship no YAML
 * parser. Syntax errors (and duplicate keys) are reported with line and column.
 */
export function parseConfigYaml(text: string, source: string = DEFAULT_CONFIG_SOURCE): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => ({
        path: '',
        message: `YAML ${firstLine(error.message)} (${error.code})`,
      })),
    );
  }
  return document.toJS();
}

/** Parses YAML text then validates it. */
export function parseConfigText(text: string, source: string = DEFAULT_CONFIG_SOURCE): EcrWardenConfig {
  return parseConfig(parseConfigYaml(text, source), source);
}

/** Reads and validates a configuration file; `source` names it in errors. */
export function loadConfigFile(path: string, source: string = path): EcrWardenConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      path,
      [{ path: '', message: `cannot read the file: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseConfigText(text, source);
}

function firstLine(message: string): string {
  return (message.split('\n', 1)[0] ?? message).replace(/:$/, '');
}
