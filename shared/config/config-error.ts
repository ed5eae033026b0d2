import { EcrWardenError } from '../errors';

/** One problem in a configuration, e.g. `{ path: 'cleanup.rules[2].policy', message: '...' }`. */
export interface ConfigIssue {
  /** Dotted path with indexes, `cleanup.rules[2].policy.rules[0].selection.countNumber`; `''` for the root. */
  path: string;
  message: string;
}

/** The configuration is unusable. Carries every issue found, not only the first. */
export class ConfigError extends EcrWardenError {
  override name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
    options?: ErrorOptions,
  ) {
    super(
      `${source} is invalid:\n${issues.map((issue) => `  ${formatConfigIssue(issue)}`).join('\n')}`,
      options,
    );
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** `['cleanup', 'rules', 2, 'policy']` → `cleanup.rules[2].policy`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else formatted += formatted === '' ? String(segment) : `.${String(segment)}`;
  }
  return formatted;
}
