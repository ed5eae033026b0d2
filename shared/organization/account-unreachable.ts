import type { ACCOUNT_UNREACHABLE_WORK, GovernanceEvent, GovernanceEventSink } from '../events/governance';
import type { StructuredLogger } from '../logger';
import type { AccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import type { RunOnceGuard } from '../state/run-once';
import { type IdempotencyScope, idempotencyKey } from '../state/state-keys';
import { accountLabel, type GovernedAccount } from './governed-accounts';

/**
 * An Organizations hub's run that cannot act in one governed account × region (issue 15): what it
 * reports, once per run, account × region and work, and how the first call's error in a region tells
 * that the region itself cannot be reached. Pure, with its ports (the run-once guard, the event sink,
 * the metric) passed in: every hub function that fans out over accounts reports the same way.
 */

/** What could not be done in the account: `work` of the Account Unreachable event. */
export type AccountUnreachableWork = (typeof ACCOUNT_UNREACHABLE_WORK)[number];

/** Why an account × region could not be acted in: the member role, or the region. */
export interface UnreachableCause {
  /** `role`: the member role cannot be assumed; `region`: not enabled or no answer; `denied`: the call is. */
  kind: 'role' | 'region' | 'denied';
  roleArn: string;
  /** One line: why, and what to check. Never credentials. */
  reason: string;
  errorName?: string | undefined;
}

export interface UnreachableTarget extends UnreachableCause {
  runId: string;
  work: AccountUnreachableWork;
  account: GovernedAccount;
  region: string;
}

// The errors an AWS API answers the first call of a region with when the region is not enabled for the
// account (an opt-in region: "you can't use resources in a Region that isn't enabled", and the account's
// credentials are not valid there): UnrecognizedClientException (JSON protocol services such as ECR),
// InvalidClientTokenId (query protocol: STS, IAM), AuthFailure (EC2).
// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
const REGION_DISABLED_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
]);
// A service control policy that denies the action, or a member role without it (a member stack older
// than the hub's config), answers AccessDenied(Exception) on the call itself: the role was assumed, but
// nothing can be done there either.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
const DENIED_ERRORS = new Set(['AccessDeniedException', 'AccessDenied']);
// Node's network errors (DNS, refused, reset, timed out): the region's endpoint cannot be reached at all.
const UNREACHABLE_ENDPOINT_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Whether `error`, thrown by the first call a run made in an account × region (`action`, e.g.
 * `ecr:DescribeRepositories`), means that nothing can be done there: the region is not enabled for the
 * account, no endpoint answers, or the call is denied (an SCP, or a member role without the action).
 * `undefined` for any other error (a throttle after the SDK's retries, a 5xx): that fails the run's
 * work there as it would in one account, and the run is retried.
 */
export function targetUnreachableCause(
  error: unknown,
  where: { account: string; region: string; roleArn: string; action: string },
): UnreachableCause | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const firstLine = error.message.split('\n')[0] ?? '';
  const cause = (kind: UnreachableCause['kind'], reason: string, errorName: string): UnreachableCause => ({
    kind,
    roleArn: where.roleArn,
    reason: bounded(`${reason}: ${firstLine}`),
    errorName,
  });
  if (REGION_DISABLED_ERRORS.has(error.name)) {
    return cause(
      'region',
      `region ${where.region} refused the session of ${where.account} (${error.name}): the region is not enabled for the account`,
      error.name,
    );
  }
  if (typeof code === 'string' && UNREACHABLE_ENDPOINT_CODES.has(code)) {
    return cause('region', `region ${where.region} could not be reached (${code})`, code);
  }
  if (DENIED_ERRORS.has(error.name)) {
    return cause(
      'denied',
      `${where.action} denied in ${where.account} ${where.region} (${error.name}): a service control policy denies it, or the member role lacks it (redeploy the member stack)`,
      error.name,
    );
  }
  return undefined;
}

/** The schema's bound on `reason` (shared/events/governance.ts). */
const MAX_REASON = 500;

function bounded(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 3)}...`;
}

const WORK_SKIPPED: Record<AccountUnreachableWork, string> = {
  cleanup: 'cleanup skipped',
  'repository-guard': 'repository guard skipped',
  'replication-audit': 'replication audit skipped',
  'vulnerability-digest': 'vulnerability digest skipped',
  event: 'event not handled',
};

const WHY: Record<UnreachableCause['kind'], string> = {
  role: 'the member role cannot be assumed',
  region: 'the region cannot be reached',
  denied: 'the member role is denied there',
};

/** The `Account Unreachable` governance event of one target. `consoleRegion`: the hub's (StackSets). */
export function buildAccountUnreachableEvent(
  target: UnreachableTarget,
  consoleRegion: string,
): GovernanceEvent {
  const why = WHY[target.kind];
  return {
    detailType: 'Account Unreachable',
    detail: {
      schemaVersion: 1,
      account: target.account.id,
      ...(target.account.alias === undefined ? {} : { accountAlias: target.account.alias }),
      region: target.region,
      // Nothing in this account was touched: a person must look, not an emergency.
      severity: 'warning',
      summary: `${accountLabel(target.account)} ${target.region}: ${WORK_SKIPPED[target.work]}, ${why}`,
      // The member stack is deployed with a StackSet from the hub: that is where a missing role is fixed.
      consoleUrl: `https://${consoleRegion}.console.aws.amazon.com/cloudformation/home?region=${consoleRegion}#/stacksets`,
      runId: target.runId,
      work: target.work,
      roleArn: target.roleArn,
      reason: bounded(target.reason),
      ...(target.errorName === undefined ? {} : { errorName: target.errorName }),
    },
  };
}

export interface AccountUnreachablePorts {
  guard: RunOnceGuard;
  publisher: GovernanceEventSink;
  metrics: AccountReachabilityMetrics;
  logger: StructuredLogger;
  /** The run-once scope of the reporting function (its own idempotency records). */
  scope: IdempotencyScope;
  /** The hub's region, for the event's console link. */
  hubRegion: string;
}

/** Reports unreachable targets, each once per run (retries and redeliveries of the run included). */
export interface AccountUnreachableReporter {
  /** `reported`: this call published the event; `duplicate`: the run had already reported it. */
  report(target: UnreachableTarget): Promise<'reported' | 'duplicate'>;
}

/** Completed records outlive any retry of a run (Lambda retries for 6 hours, SQS keeps 14 days). */
const REPORTED_TTL_SECONDS = 14 * 86_400;
/** Longer than any hub function's timeout (900 s). */
const CLAIM_SECONDS = 960;

/** `<scope>#account-unreachable#<runId>#<work>#<account>#<region>`. */
export function accountUnreachableKey(
  scope: IdempotencyScope,
  target: Pick<UnreachableTarget, 'runId' | 'work' | 'region'> & { account: { id: string } },
): string {
  return idempotencyKey(
    scope,
    'account-unreachable',
    target.runId,
    target.work,
    target.account.id,
    target.region,
  );
}

export function createAccountUnreachableReporter(ports: AccountUnreachablePorts): AccountUnreachableReporter {
  return {
    async report(target) {
      ports.logger.warn('governed account unreachable: nothing done there', {
        runId: target.runId,
        work: target.work,
        account: target.account.id,
        region: target.region,
        roleArn: target.roleArn,
        reason: target.reason,
        errorName: target.errorName,
      });
      const run = await ports.guard.runOnce(
        accountUnreachableKey(ports.scope, target),
        { ttlSeconds: REPORTED_TTL_SECONDS, inProgressTimeoutSeconds: CLAIM_SECONDS },
        async () => {
          await ports.publisher.publish([buildAccountUnreachableEvent(target, ports.hubRegion)]);
          // Counted with the event, so that the alarm and the events agree: once per run and target.
          ports.metrics.accountUnreachable();
        },
      );
      return run.status === 'executed' ? 'reported' : 'duplicate';
    },
  };
}
