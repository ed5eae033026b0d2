/**
 * Who a repository policy lets in, read from its JSON text (the IAM policy grammar): `Allow`
 * statements whose principal is everyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`) or an AWS account
 * outside the allow-list. Report only: ecr-warden never rewrites a repository policy.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *
 * Choices where a security team has to pick a side:
 * - `"*"` restricted by a condition on `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` is the
 *   organisation, not the world: not reported. Any other condition (`aws:SourceIp`, `aws:SourceVpce`,
 *   ...) still lets any account in that meets it, and is reported.
 * - `aws:PrincipalAccount` with `"*"` grants exactly the accounts listed: those are checked against
 *   the allow-list like principals.
 * - Service principals (`Service`) and `Federated` ones are not accounts: not reported.
 * - The repository's own account is always allowed.
 */

export interface PolicyGrant {
  /** The statement's Sid, or `Statement[2]`. */
  statement: string;
  /** `everyone`, or the outside account. */
  grantee: 'everyone' | { account: string };
  actions: string[];
}

export interface RepositoryPolicyAnalysis {
  grants: PolicyGrant[];
  /** The text is not a readable policy (then nothing else is known). */
  unreadable?: string;
}

const ORGANISATION_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);
const ACCOUNT_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

export function analyzeRepositoryPolicy(
  policyText: string,
  options: { ownAccount: string; allowedAccounts: readonly string[] },
): RepositoryPolicyAnalysis {
  let document: unknown;
  try {
    document = JSON.parse(policyText);
  } catch (error) {
    return { grants: [], unreadable: `not JSON: ${(error as Error).message}` };
  }
  if (typeof document !== 'object' || document === null) {
    return { grants: [], unreadable: 'not a JSON object' };
  }
  const raw = (document as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const allowed = new Set([options.ownAccount, ...options.allowedAccounts]);
  const grants: PolicyGrant[] = [];
  statements.forEach((value, index) => {
    if (typeof value !== 'object' || value === null) return;
    const statement = value as Record<string, unknown>;
    if (statement.Effect !== 'Allow') return;
    const name =
      typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : `Statement[${index}]`;
    const actions = asStrings(statement.Action ?? statement.NotAction).sort();
    const conditionAccounts = principalAccountCondition(statement.Condition);
    if (statement.NotPrincipal !== undefined) {
      // Allow with NotPrincipal grants everyone but the principals listed.
      grants.push({ statement: name, grantee: 'everyone', actions });
      return;
    }
    for (const principal of principalsOf(statement.Principal)) {
      if (principal.kind === 'everyone') {
        if (restrictsToOrganisation(statement.Condition)) continue;
        if (conditionAccounts !== undefined) {
          for (const account of conditionAccounts) {
            if (!allowed.has(account)) grants.push({ statement: name, grantee: { account }, actions });
          }
          continue;
        }
        grants.push({ statement: name, grantee: 'everyone', actions });
      } else if (!allowed.has(principal.account)) {
        grants.push({ statement: name, grantee: { account: principal.account }, actions });
      }
    }
  });
  return { grants: dedupe(grants) };
}

/** `Statement "AnyonePulls" lets everyone ("*") ecr:BatchGetImage, ecr:GetDownloadUrlForLayer`. */
export function describeGrant(grant: PolicyGrant): string {
  const who = grant.grantee === 'everyone' ? 'everyone ("*")' : `account ${grant.grantee.account}`;
  const what = grant.actions.length === 0 ? 'in' : grant.actions.join(', ');
  return `statement "${grant.statement}" lets ${who} ${what}`;
}

type Principal = { kind: 'everyone' } | { kind: 'account'; account: string };

function principalsOf(value: unknown): Principal[] {
  if (value === '*') return [{ kind: 'everyone' }];
  if (typeof value !== 'object' || value === null) return [];
  const principals: Principal[] = [];
  for (const entry of asStrings((value as { AWS?: unknown }).AWS)) {
    if (entry === '*') {
      principals.push({ kind: 'everyone' });
      continue;
    }
    // A bare 12-digit account id, or an IAM/STS ARN whose account is the fifth field.
    const account = /^\d{12}$/.test(entry) ? entry : ACCOUNT_ARN.exec(entry)?.[1];
    if (account !== undefined) principals.push({ kind: 'account', account });
  }
  return principals;
}

function restrictsToOrganisation(condition: unknown): boolean {
  return conditionEntries(condition).some(
    ([operator, key]) => !operator.startsWith('StringNotEquals') && ORGANISATION_KEYS.has(key.toLowerCase()),
  );
}

/** The accounts an `aws:PrincipalAccount` equality condition admits, when there is one. */
function principalAccountCondition(condition: unknown): string[] | undefined {
  for (const [operator, key, values] of conditionEntries(condition)) {
    if (key.toLowerCase() === 'aws:principalaccount' && operator.startsWith('StringEquals')) {
      return asStrings(values);
    }
  }
  return undefined;
}

function conditionEntries(condition: unknown): [string, string, unknown][] {
  if (typeof condition !== 'object' || condition === null) return [];
  const entries: [string, string, unknown][] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, values] of Object.entries(block)) entries.push([operator, key, values]);
  }
  return entries;
}

function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function dedupe(grants: PolicyGrant[]): PolicyGrant[] {
  const seen = new Set<string>();
  return grants.filter((grant) => {
    const key = JSON.stringify(grant);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
