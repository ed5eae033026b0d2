import type { TargetMessage } from '../events/target-message';
import {
  type AccountUnreachableReporter,
  targetUnreachableCause,
  type UnreachableCause,
} from './account-unreachable';
import type { GovernedAccount } from './governed-accounts';

/**
 * One target message's work (shared/events/target-message.ts) in an Organizations hub: the
 * repository guard's sweep or the replication audit of one governed account × region. The account is
 * checked first (its member role assumed, once per invocation), and when it cannot be reached, or the
 * first call in the region says the region cannot be, the run reports one `Account Unreachable`
 * (run-once: a redelivered message or a retried run reports nothing new) and does nothing there; the
 * message then completes, since trying it again in the same run cannot help and the next run asks again.
 * Any other failure is the work's own and is thrown (a batch item failure: the queue redelivers it).
 *
 * "The first call": the works collect their per-repository failures themselves (the sweep's
 * SweepIncompleteError, the audit's "not audited" repositories), so an AWS error that reaches this
 * runner unwrapped comes from the registry-wide reads the work starts with (DescribeRepositories,
 * DescribeRegistry): those are classified (shared/organization/account-unreachable.ts).
 */

/** What the runner needs of the member-role access (shared/aws/member-account-access.ts). */
export interface TargetAccess {
  /** Resolves when the account can be acted in; rejects with the reason it cannot. */
  check(account: string): Promise<void>;
  roleArn(account: string): string;
}

export type TargetWorkOutcome<Result> =
  | { status: 'done'; result: Result }
  | { status: 'unreachable'; reported: 'reported' | 'duplicate'; reason: string };

/** The member role of the account could not be assumed (MemberAccountUnreachableError's fields). */
function roleUnreachableCause(error: unknown): UnreachableCause | undefined {
  if (!(error instanceof Error) || error.name !== 'MemberAccountUnreachableError') return undefined;
  const { roleArn, reason, errorName } = error as Error & {
    roleArn?: unknown;
    reason?: unknown;
    errorName?: unknown;
  };
  if (typeof roleArn !== 'string' || typeof reason !== 'string') return undefined;
  return { kind: 'role', roleArn, reason, ...(typeof errorName === 'string' ? { errorName } : {}) };
}

export async function runGovernedTargetWork<Result>(
  target: { message: TargetMessage; account: GovernedAccount },
  ports: { access: TargetAccess; reporter: AccountUnreachableReporter },
  work: { firstAction: string; run: () => Promise<Result> },
): Promise<TargetWorkOutcome<Result>> {
  const { message, account } = target;
  const where = {
    account: account.id,
    region: message.region,
    roleArn: ports.access.roleArn(account.id),
    action: work.firstAction,
  };
  let cause: UnreachableCause | undefined;
  try {
    await ports.access.check(account.id);
    return { status: 'done', result: await work.run() };
  } catch (error) {
    cause = roleUnreachableCause(error) ?? targetUnreachableCause(error, where);
    if (cause === undefined) throw error;
  }
  const reported = await ports.reporter.report({
    ...cause,
    runId: message.runId,
    work: message.work,
    account,
    region: message.region,
  });
  return { status: 'unreachable', reported, reason: cause.reason };
}
