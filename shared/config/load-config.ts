import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, formatIssuePath } from './config-error';
import { type EcrWardenConfig, ecrWardenConfigSchema } from './schema';

export const DEFAULT_CONFIG_SOURCE = 'ecr-warden.yml';

export type ConfigValidation = { ok: true; config: EcrWardenConfig } | { ok: false; issues: ConfigIssue[] };

/** Validates already-parsed data; never throws. Reports every issue, each with its path. */
export function validateConfig(data: unknown): ConfigValidation {
  // An empty YAML file parses to null: treat it as "all defaults".
  const result = ecrWardenConfigSchema.safeParse(data ?? {}, { reportInput: true });
  return result.success
    ? { ok: true, config: result.data }
    : { ok: false, issues: toConfigIssues(result.error) };
}

/** Validates already-parsed data; throws a `ConfigError` listing every issue. */
export function parseConfig(data: unknown, source: string = DEFAULT_CONFIG_SOURCE): EcrWardenConfig {
  const validation = validateConfig(data);
  if (!validation.ok) throw new ConfigError(source, validation.issues);
  return validation.config;
}

/** Parses YAML text then validates it. YAML syntax errors are reported with line and column. */
export function parseConfigText(text: string, source: string = DEFAULT_CONFIG_SOURCE): EcrWardenConfig {
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
  return parseConfig(document.toJS(), source);
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

function toConfigIssues(error: z.ZodError): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatIssuePath([...issue.path, key]), message: 'unknown key' });
      }
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      issues.push({ path: formatIssuePath(issue.path), message: 'is required' });
    } else {
      issues.push({ path: formatIssuePath(issue.path), message: issue.message });
    }
  }
  return issues;
}

function firstLine(message: string): string {
  return (message.split('\n', 1)[0] ?? message).replace(/:$/, '');
}
