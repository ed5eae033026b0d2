import { EcrWardenError } from '../errors';

/** One thing wrong with an in-use source's input, where it is: `items[3].spec.containers[0].image`. */
export interface InUseInputIssue {
  /** Relative to the input given (a kubectl List, an external list); `''` for the input itself. */
  path: string;
  message: string;
}

/**
 * An in-use source's input cannot be read (kubectl output that is not a List, an object without
 * `spec`, an image that is not a string, an external list without `generatedAt`). Whoever reads the
 * source treats it as failed: nothing its images could be is known to be unused (fail closed).
 */
export class InUseInputError extends EcrWardenError {
  override name = 'InUseInputError';

  constructor(
    /** What was being read: `kubernetes:prod-eks`, `external:argocd-prod`. */
    readonly source: string,
    readonly issues: readonly InUseInputIssue[],
    options?: ErrorOptions,
  ) {
    super(`${source}: ${issues.map(formatInUseInputIssue).join('; ')}`, options);
  }
}

/** An external list is older than its `maxAgeHours`: what it says may no longer hold (fail closed). */
export class StaleExternalListError extends EcrWardenError {
  override name = 'StaleExternalListError';

  constructor(
    readonly source: string,
    readonly generatedAt: string,
    readonly maxAgeHours: number,
    readonly ageHours: number,
  ) {
    super(
      `external:${source}: the list was generated at ${generatedAt}, ${ageHours.toFixed(1)} hours ago, ` +
        `more than its maxAgeHours ${maxAgeHours}: it may no longer say what runs`,
    );
  }
}

export function formatInUseInputIssue(issue: InUseInputIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/**
 * A reader or converter the Lambda bundle was packaged without (deploy/bundle-defines.ts leaves out
 * what cleanup.protect does not use) was asked for: the config changed without a deploy. Its source
 * fails, so the cleanup is held rather than run on a partial picture.
 */
export class InUseReaderNotBundledError extends EcrWardenError {
  override name = 'InUseReaderNotBundledError';

  constructor(source: string) {
    super(`the ${source} reader is not in this bundle: redeploy after changing cleanup.protect`);
  }
}
