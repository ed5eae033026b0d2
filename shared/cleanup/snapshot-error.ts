import { EcrWardenError } from '../errors';

export interface SnapshotIssue {
  /** `repositories[0].images[3].imagePushedAt`; `''` for the document itself. */
  path: string;
  message: string;
}

/** The document is not a usable snapshot. Carries every issue found, each with its path. */
export class SnapshotError extends EcrWardenError {
  override name = 'SnapshotError';

  constructor(readonly issues: readonly SnapshotIssue[]) {
    super(`not a valid snapshot: ${issues.map(formatSnapshotIssue).join('; ')}`);
  }
}

export function formatSnapshotIssue(issue: SnapshotIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
