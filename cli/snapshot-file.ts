import { formatSnapshotIssue, readSnapshot, type Snapshot, SnapshotError } from '../shared/cleanup/snapshot';
import { CliError } from './errors';
import { readJsonFile } from './input';

// One line per error: the first few issues, then how many more (a file can have thousands wrong).
const ISSUES_SHOWN = 5;

/**
 * A snapshot file (`ecr-warden snapshot`'s format, shared/cleanup/snapshot.ts) read and validated, or a
 * one-line error naming the file and the first issues. What `cleanup plan`, `repositories audit` and
 * `replication audit` read with --snapshot.
 */
export function loadSnapshotFile(path: string): Snapshot {
  const document = readJsonFile(path, 'snapshot');
  try {
    return readSnapshot(document);
  } catch (error) {
    if (error instanceof SnapshotError) throw snapshotProblem(path, error);
    throw error;
  }
}

export function snapshotProblem(path: string, error: SnapshotError): CliError {
  return new CliError(
    `snapshot file ${path} is not a valid snapshot: ${summarize(error.issues.map(formatSnapshotIssue))}`,
  );
}

/** Issues on one line: the first few, each on one line, and how many more. */
export function summarize(issues: readonly string[]): string {
  const shown = issues.slice(0, ISSUES_SHOWN).map((issue) => issue.replace(/\s*\n\s*/g, ' '));
  const more = issues.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
