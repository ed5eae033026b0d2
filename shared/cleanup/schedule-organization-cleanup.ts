import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import type { AccountUnreachableReporter, UnreachableCause } from '../organization/account-unreachable';
import { targetUnreachableCause } from '../organization/account-unreachable';
import { coversAccount, type GovernedAccount, type GovernedTarget } from '../organization/governed-accounts';
import { buildCleanupRequest } from './cleanup-request';
import {
  type CleanupRequestSender,
  CleanupSchedulingError,
  type RepositoryPages,
  type UndeliveredCleanupRequest,
} from './schedule-cleanup';
import { type AccountScopedGlobRule, compileAccountRuleMatcher } from './select-repositories';

/**
 * One run of `cleanupScheduler` in an Organizations hub (issue 15): for every governed account ×
 * region that a cleanup rule covers (the rule's globs AND its `accounts`), list the repositories there
 * through the member role, keep those a rule covers, and queue one cleanup request per repository
 * (registryId: the member account; region set). The worker cleans each in its account and region.
 *
 * An account × region that cannot be acted in (the member role cannot be assumed, the region is not
 * enabled or does not answer, the listing is denied by an SCP) is reported once per run as an
 * `Account Unreachable` event and counted; nothing is queued for it and the other targets complete.
 * Another listing failure (throttled after the SDK's retries, a 5xx) does not stop the other targets
 * either, but fails the run at the end, like a request that could not be queued, so that Lambda's
 * asynchronous retry runs it again with the same runId: the worker's run-once guard cleans each
 * repository once, and the reporter's reports each unreachable target once.
 */

/** The member accounts as one invocation reaches them (shared/aws/cleanup-scheduler-dependencies.ts). */
export interface MemberRegistries {
  /**
   * Assumes the member role (once per account for the invocation): `undefined` when the account can be
   * acted in, else why not. The hub's own account is always reachable.
   */
  reach(account: GovernedAccount): Promise<UnreachableCause | undefined>;
  /** The member role's ARN in `account` (what an Account Unreachable names). */
  roleArn(account: string): string;
  /** The repositories of `account` × `region`, through the member role. */
  repositories(account: string, region: string): RepositoryPages;
  /** AssumeRole calls of this invocation (the summary's, the benchmark's measure). */
  assumeRoleCalls(): number;
}

export interface OrganizationCleanupScheduleDependencies {
  /** Built once per invocation: one session per member account for the invocation (never per cold start). */
  openMemberRegistries(): MemberRegistries;
  queue: CleanupRequestSender;
  unreachable: AccountUnreachableReporter;
  /** Targets listed at once (default 8): each lists its pages one after the other. */
  concurrency?: number;
}

export interface OrganizationCleanupRun {
  runId: string;
  rules: readonly AccountScopedGlobRule[];
  /** Every governed account × region (governedTargets of the directory and organization.regions). */
  targets: readonly GovernedTarget[];
}

export interface OrganizationCleanupSummary {
  runId: string;
  /** Governed account × region pairs; those no rule's `accounts` covers are not listed. */
  targets: number;
  targetsListed: number;
  targetsUnreachable: number;
  pagesListed: number;
  repositoriesListed: number;
  repositoriesSelected: number;
  requestsQueued: number;
  assumeRoleCalls: number;
}

/** A target's listing failed for another reason than reachability: the run fails after the others. */
export interface FailedListing {
  account: string;
  region: string;
  error: unknown;
}

const DEFAULT_TARGET_CONCURRENCY = 8;
const LISTING_ACTION = 'ecr:DescribeRepositories';

export async function scheduleOrganizationCleanup(
  run: OrganizationCleanupRun,
  ports: OrganizationCleanupScheduleDependencies,
): Promise<OrganizationCleanupSummary> {
  const summary: OrganizationCleanupSummary = {
    runId: run.runId,
    targets: run.targets.length,
    targetsListed: 0,
    targetsUnreachable: 0,
    pagesListed: 0,
    repositoriesListed: 0,
    repositoriesSelected: 0,
    requestsQueued: 0,
    assumeRoleCalls: 0,
  };
  if (run.rules.length === 0) return summary;
  const matchRule = compileAccountRuleMatcher(run.rules);
  // An account no rule's `accounts` covers is neither assumed nor listed.
  const covered = run.targets.filter(({ account }) =>
    run.rules.some((rule) => coversAccount(rule.accounts, account)),
  );
  const members = ports.openMemberRegistries();
  const undelivered: UndeliveredCleanupRequest[] = [];
  const failedListings: FailedListing[] = [];

  const reportUnreachable = async (target: GovernedTarget, cause: UnreachableCause) => {
    summary.targetsUnreachable += 1;
    await ports.unreachable.report({
      runId: run.runId,
      work: 'cleanup',
      account: target.account,
      region: target.region,
      ...cause,
    });
  };

  const scheduleTarget = async (target: GovernedTarget): Promise<void> => {
    const { account, region } = target;
    const unreachable = await members.reach(account);
    if (unreachable !== undefined) return reportUnreachable(target, unreachable);
    let pages = 0;
    try {
      for await (const page of members.repositories(account.id, region).listRepositoryPages()) {
        pages += 1;
        const requests = page
          .filter((repository) => matchRule(account, repository.repositoryName) !== undefined)
          .map((repository) => buildCleanupRequest(repository, run.runId, region));
        const failed = requests.length > 0 ? await ports.queue.sendAll(requests) : [];
        summary.pagesListed += 1;
        summary.repositoriesListed += page.length;
        summary.repositoriesSelected += requests.length;
        summary.requestsQueued += requests.length - failed.length;
        undelivered.push(...failed);
      }
    } catch (error) {
      // Only the first call tells about the target: a later page failing is a listing failure.
      const cause =
        pages === 0
          ? targetUnreachableCause(error, {
              account: account.id,
              region,
              roleArn: members.roleArn(account.id),
              action: LISTING_ACTION,
            })
          : undefined;
      if (cause !== undefined) return reportUnreachable(target, cause);
      failedListings.push({ account: account.id, region, error });
      return;
    }
    summary.targetsListed += 1;
  };

  await mapWithConcurrency(covered, ports.concurrency ?? DEFAULT_TARGET_CONCURRENCY, scheduleTarget);
  summary.assumeRoleCalls = members.assumeRoleCalls();
  if (failedListings.length > 0) throw new OrganizationListingError(run.runId, failedListings, undelivered);
  if (undelivered.length > 0) throw new CleanupSchedulingError(run.runId, undelivered);
  return summary;
}

/**
 * Some governed targets could not be listed (not for reachability): the run fails so that it is
 * retried, after every other target was scheduled.
 */
export class OrganizationListingError extends CleanupSchedulingError {
  override name = 'OrganizationListingError';

  constructor(
    runId: string,
    readonly failedListings: readonly FailedListing[],
    undelivered: readonly UndeliveredCleanupRequest[],
  ) {
    super(runId, undelivered);
    const shown = failedListings
      .slice(0, 5)
      .map(({ account, region, error }) => `${account}/${region} (${describe(error)})`);
    const more =
      failedListings.length > shown.length ? ` and ${failedListings.length - shown.length} more` : '';
    this.message = `${failedListings.length} governed account × region(s) of run ${runId} could not be listed: ${shown.join(', ')}${more}${
      undelivered.length > 0 ? `; ${undelivered.length} cleanup request(s) could not be queued` : ''
    }`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}
