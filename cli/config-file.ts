import { ConfigError, formatConfigIssue } from '../shared/config/config-error';
import { loadConfigFile } from '../shared/config/load-config';
import type { CleanupProtectConfig, EcrWardenConfig } from '../shared/config/schema';
import { CliError } from './errors';
import { summarize } from './snapshot-file';

/** A config file, or a one-line CliError: not found, a directory, or its first invalid entries. */
export function loadConfig(path: string): EcrWardenConfig {
  try {
    return loadConfigFile(path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new CliError(`config file not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`config file is a directory: ${path}`);
    throw new CliError(`config file ${path} is invalid: ${summarize(error.issues.map(formatConfigIssue))}`);
  }
}

/** The config's `cleanup.protect`: where a live run looks for images in use. */
export function loadCleanupProtect(path: string): CleanupProtectConfig {
  return loadConfig(path).cleanup.protect;
}
