import type { UnreachableCause } from '../organization/account-unreachable';
import { type MemberAccountAccess, MemberAccountUnreachableError } from './member-account-access';

/**
 * Whether an Organizations hub's function can act in `account` (issue 15): assumes the member role now
 * (once per account for the invocation: the access caches the session, and a failure too), and
 * answers `undefined`, or why not as the Account Unreachable event gives it. Other errors propagate.
 */
export async function memberAccountUnreachableCause(
  access: Pick<MemberAccountAccess, 'check'>,
  account: string,
): Promise<UnreachableCause | undefined> {
  try {
    await access.check(account);
    return undefined;
  } catch (error) {
    if (!(error instanceof MemberAccountUnreachableError)) throw error;
    return { kind: 'role', roleArn: error.roleArn, reason: error.reason, errorName: error.errorName };
  }
}
