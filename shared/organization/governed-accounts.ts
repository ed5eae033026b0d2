import type { OrganizationConfig } from '../config/schema-organization';
import { ACCOUNT_ALIAS, ORGANIZATION_ROOT_ID, ORGANIZATIONAL_UNIT_ID } from '../config/schema-organization';
import type { GovernedScope } from '../events/governed-scope';

/**
 * The accounts an Organizations hub governs (issue 15), and which of them a rule covers. Pure: the
 * listing that fills an AccountDirectory from Organizations is shared/aws/organization-directory.ts.
 *
 * Without an `organization` section the directory is the deployment's own account alone, and every
 * rule covers it unless its `accounts` names other accounts only: exactly the single-account behaviour.
 */

/** One governed account, with what rules may name it by. */
export interface GovernedAccount {
  readonly id: string;
  /** `organization.accountAliases[id]`, else the account's name in Organizations, when known. */
  readonly alias?: string | undefined;
  /**
   * The OUs (and the root) the account sits under, nearest first, when known (from Organizations);
   * empty for listed accounts whose place in the organization was not read.
   */
  readonly parents: readonly string[];
}

/** Every governed account, by id. */
export interface AccountDirectory {
  readonly accounts: readonly GovernedAccount[];
  get(accountId: string): GovernedAccount | undefined;
}

export function accountDirectory(accounts: readonly GovernedAccount[]): AccountDirectory {
  const byId = new Map(accounts.map((account) => [account.id, account]));
  return { accounts: [...byId.values()], get: (accountId) => byId.get(accountId) };
}

/** The directory of a deployment without `organization`: its own account. */
export function ownAccountDirectory(accountId: string, alias?: string): AccountDirectory {
  return accountDirectory([{ id: accountId, alias, parents: [] }]);
}

/**
 * The directory of a config whose `organization.accounts` lists the accounts (no Organizations call):
 * listed minus excluded, with their configured aliases. OU-based configs need the listing adapter.
 */
export function listedAccountDirectory(organization: OrganizationConfig): AccountDirectory {
  const excluded = new Set(organization.excludeAccounts);
  return accountDirectory(
    (organization.accounts ?? [])
      .filter((id) => !excluded.has(id))
      .map((id) => ({ id, alias: organization.accountAliases[id], parents: [] })),
  );
}

/** Whether one `accounts` entry (id, alias or OU/root id) names `account`. */
export function accountRefMatches(ref: string, account: GovernedAccount): boolean {
  if (ORGANIZATIONAL_UNIT_ID.test(ref) || ORGANIZATION_ROOT_ID.test(ref))
    return account.parents.includes(ref);
  if (/^\d{12}$/.test(ref)) return account.id === ref;
  return ACCOUNT_ALIAS.test(ref) && account.alias === ref;
}

/** Whether a rule's `accounts` covers `account`; a rule without `accounts` covers every governed account. */
export function coversAccount(refs: readonly string[] | undefined, account: GovernedAccount): boolean {
  return refs === undefined || refs.some((ref) => accountRefMatches(ref, account));
}

/** One place ecr-warden governs: an account and a region. */
export interface GovernedTarget {
  readonly account: GovernedAccount;
  readonly region: string;
}

/** Every governed account × region, accounts in directory order, regions in config order. */
export function governedTargets(directory: AccountDirectory, regions: readonly string[]): GovernedTarget[] {
  return directory.accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}

/** The scope the detectors check events against (shared/events/governed-scope.ts). */
export function directoryScope(directory: AccountDirectory, regions: readonly string[]): GovernedScope {
  return { accounts: new Set(directory.accounts.map((account) => account.id)), regions: new Set(regions) };
}

/** `payments-prod (222222222222)`, or the id alone when no alias is known: how messages name an account. */
export function accountLabel(account: Pick<GovernedAccount, 'id' | 'alias'>): string {
  return account.alias === undefined ? account.id : `${account.alias} (${account.id})`;
}
