import { writeFileSync } from 'node:fs';
import { ConfigError, formatConfigIssue } from '../shared/config/config-error';
import { renderConfigJsonSchema } from '../shared/config/json-schema';
import { loadConfigFile } from '../shared/config/load-config';
import type { EcrWardenConfig } from '../shared/config/schema';
import { CliError, EXIT_INVALID } from './errors';

type Write = (text: string) => void;

/**
 * `ecr-warden config validate [FILE]`: the loader the functions run at cold start (and the deploy runs
 * before it creates anything), on FILE. Valid: one line saying what it turns on. Invalid: every problem
 * with its path, exit 2.
 */
export function runConfigValidate(options: { file: string }, write: Write): void {
  let config: EcrWardenConfig;
  try {
    config = loadConfigFile(options.file, options.file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [only] = error.issues;
    if (error.issues.length === 1 && only !== undefined && only.path === '') {
      // The file could not be read or parsed: one line says why.
      throw new CliError(`${options.file} is invalid: ${only.message}`);
    }
    const count = error.issues.length;
    throw new CliError(
      `${options.file} is invalid (${count} ${count === 1 ? 'problem' : 'problems'})`,
      EXIT_INVALID,
      error.issues.map(formatConfigIssue),
    );
  }
  write(`${options.file} is valid: ${describeConfig(config)}\n`);
}

/** `ecr-warden config schema [--output FILE]`: the JSON Schema of ecr-warden.yml, for editors. */
export function runConfigSchema(options: { output?: string }, write: Write): void {
  const schema = renderConfigJsonSchema();
  if (options.output === undefined) {
    write(schema);
    return;
  }
  try {
    writeFileSync(options.output, schema);
  } catch (error) {
    throw new CliError(`cannot write ${options.output}: ${(error as Error).message}`);
  }
  write(`wrote ${options.output}\n`);
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const mode = (dryRun: boolean) => (dryRun ? 'dry run' : 'live');

/** One line: what each section turns on, e.g. `cleanup 2 rules (dry run), scanning minSeverity HIGH, ...`. */
export function describeConfig(config: EcrWardenConfig): string {
  const { cleanup, immutability, scanning, replication, notifications } = config;
  return [
    `cleanup ${plural(cleanup.rules.length, 'rule')} (${mode(cleanup.dryRun)})`,
    `immutability ${plural(immutability.rules.length, 'rule')} (${mode(immutability.dryRun)})`,
    `scanning minSeverity ${scanning.minSeverity}, ${plural(scanning.suppressions.length, 'suppression')}`,
    `replication ${plural(replication.destinationRegions.length, 'destination region')}${
      replication.remediate === undefined ? '' : ` (remediation ${mode(replication.remediate.dryRun)})`
    }`,
    `notifications ${plural(notifications.routes.length, 'route')}`,
  ].join(', ');
}
