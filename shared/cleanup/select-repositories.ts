import picomatch from 'picomatch/posix';
import { coversAccount, type GovernedAccount } from '../organization/governed-accounts';

// Which repositories a cleanup rule covers, decided from repository names and `cleanup.rules[].repositories`
// globs alone (no AWS calls).
//
// Globs are matched with picomatch against the whole repository name. ECR names may contain `/`
// (`team-a/api`, `team-a/jobs/nightly`), and `/` separates segments:
//
// | glob            | matches                                   | does not match               |
// |-----------------|-------------------------------------------|------------------------------|
// | `*`             | `api`                                     | `team-a/api`                 |
// | `team-a/*`      | `team-a/api`                              | `team-a/jobs/nightly`        |
// | `team-a/**`     | `team-a`, `team-a/api`, `team-a/x/y`      | `team-ab/api`                |
// | `**`            | every repository                          |                              |
// | `*-cache`       | `npm-cache`                               | `team-a/npm-cache`           |
// | `**/*-cache`    | `npm-cache`, `team-a/npm-cache`           |                              |
// | `{web,api}/*`   | `web/x`, `api/x`                          |                              |
//
// So `*` never crosses a `/`; use `**` for "any depth". A glob starting with `!` excludes: within a
// rule, a repository is covered when at least one plain glob matches it and no `!` glob does. When
// several rules cover a repository, the first one in the file applies.

export interface RepositoryGlobRule {
  readonly repositories: readonly string[];
}

/** Returns the index of the first rule covering `repositoryName`, or `undefined`. */
export type RepositoryRuleMatcher = (repositoryName: string) => number | undefined;

export function compileRepositoryRuleMatcher(rules: readonly RepositoryGlobRule[]): RepositoryRuleMatcher {
  const compiled = rules.map((rule) => compileRepositoryGlobs(rule.repositories));
  return (repositoryName) => {
    const index = compiled.findIndex((covers) => covers(repositoryName));
    return index === -1 ? undefined : index;
  };
}

/** A rule that may also be scoped to governed accounts (`accounts`: ids, aliases, OU ids; issue 15). */
export interface AccountScopedGlobRule extends RepositoryGlobRule {
  readonly accounts?: readonly string[] | undefined;
}

/**
 * The first rule (its index in `rules`) covering a repository of `account`: its globs match the name
 * and its `accounts` cover the account (shared/organization/governed-accounts.ts, coversAccount). A
 * rule without `accounts` covers every account, so without any `accounts` in the file this is
 * compileRepositoryRuleMatcher for every account.
 */
export type AccountRuleMatcher = (account: GovernedAccount, repositoryName: string) => number | undefined;

export function compileAccountRuleMatcher(rules: readonly AccountScopedGlobRule[]): AccountRuleMatcher {
  const compiled = rules.map((rule) => ({
    accounts: rule.accounts,
    covers: compileRepositoryGlobs(rule.repositories),
  }));
  return (account, repositoryName) => {
    const index = compiled.findIndex(
      (rule) => coversAccount(rule.accounts, account) && rule.covers(repositoryName),
    );
    return index === -1 ? undefined : index;
  };
}

/** Whether one glob list covers a repository: a plain glob matches it and no `!` glob does. */
export function compileRepositoryGlobs(globs: readonly string[]): (repositoryName: string) => boolean {
  const includes = globs.filter((glob) => !glob.startsWith('!'));
  const excludes = globs.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
  const isIncluded = includes.length > 0 ? picomatch(includes) : () => false;
  const isExcluded = excludes.length > 0 ? picomatch(excludes) : () => false;
  return (repositoryName) => isIncluded(repositoryName) && !isExcluded(repositoryName);
}

/** Keeps the repositories that some rule covers, in their original order. */
export function selectRepositories<Repository extends { readonly repositoryName: string }>(
  repositories: readonly Repository[],
  matchRule: RepositoryRuleMatcher,
): Repository[] {
  return repositories.filter((repository) => matchRule(repository.repositoryName) !== undefined);
}
