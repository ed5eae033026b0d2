import type * as z from '../zod';
import { ConfigError, type ConfigIssue, formatIssuePath } from './config-error';
import { type EcrWardenConfig, ecrWardenConfigSchema } from './schema';

/**
 * Validation of already-parsed configuration data. Kept apart from the YAML reading in
 * ./load-config.ts so that a Lambda bundle, which receives ecr-warden.yml already converted to JSON
 * at package time, ships no YAML parser.
 */
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

function toConfigIssues(error: z.core.$ZodError): ConfigIssue[] {
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
