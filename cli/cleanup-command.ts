import { planSnapshotCleanup } from '../shared/cleanup/plan-snapshot-cleanup';
import { formatSnapshotIssue, readSnapshot, type Snapshot, SnapshotError } from '../shared/cleanup/snapshot';
import { ConfigError, formatConfigIssue } from '../shared/config/config-error';
import { loadConfigFile } from '../shared/config/load-config';
import type { EcrWardenConfig } from '../shared/config/schema';
import { renderCleanupPlanTable } from './cleanup-plan-table';
import { CliError } from './errors';
import { readJsonFile } from './input';
import { parseNowOption } from './now-option';

export interface CleanupPlanOptions {
  snapshot: string;
  config: string;
  now?: string;
  output: 'json' | 'table';
}

// One line per error: the first few issues, then how many more (a file can have thousands wrong).
const ISSUES_SHOWN = 5;

/**
 * `ecr-warden cleanup plan --snapshot FILE --config FILE`: what a cleanup run would delete from the
 * registry in the snapshot, and why everything else stays. Read-only whatever `dryRun` says.
 * Policies are evaluated at the snapshot's `takenAt` unless `--now` says otherwise, so that the plan
 * of a snapshot is the same whenever it is made.
 */
export function runCleanupPlan(options: CleanupPlanOptions, write: (text: string) => void): void {
  const config = loadConfig(options.config);
  const snapshot = loadSnapshot(options.snapshot);
  const now = options.now === undefined ? snapshot.takenAt : parseNowOption(options.now);
  let plan: ReturnType<typeof planSnapshotCleanup>;
  try {
    plan = planSnapshotCleanup(snapshot, config.cleanup, { now });
  } catch (error) {
    if (error instanceof SnapshotError) throw snapshotProblem(options.snapshot, error);
    throw error;
  }
  if (options.output === 'json') write(`${JSON.stringify(plan, null, 2)}\n`);
  else write(renderCleanupPlanTable(plan));
}

function loadConfig(path: string): EcrWardenConfig {
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

function loadSnapshot(path: string): Snapshot {
  const document = readJsonFile(path, 'snapshot');
  try {
    return readSnapshot(document);
  } catch (error) {
    if (error instanceof SnapshotError) throw snapshotProblem(path, error);
    throw error;
  }
}

function snapshotProblem(path: string, error: SnapshotError): CliError {
  return new CliError(
    `snapshot file ${path} is not a valid snapshot: ${summarize(error.issues.map(formatSnapshotIssue))}`,
  );
}

function summarize(issues: readonly string[]): string {
  const shown = issues.slice(0, ISSUES_SHOWN).map((issue) => issue.replace(/\s*\n\s*/g, ' '));
  const more = issues.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
