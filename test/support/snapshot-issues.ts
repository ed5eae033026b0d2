import { readSnapshot, SnapshotError } from '../../shared/cleanup/snapshot';

/** The issues, `path: message`, for which readSnapshot refuses `document`; throws if it accepts it. */
export function snapshotIssues(document: unknown): string[] {
  try {
    readSnapshot(document);
  } catch (error) {
    if (error instanceof SnapshotError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the snapshot to be refused');
}
