import { EcrWardenError } from '../errors';
import { buildCleanupRequest, type CleanupRequest, type RepositoryIdentity } from './cleanup-request';
import { type AccountScopedGlobRule, compileAccountRuleMatcher } from './select-repositories';

/**
 * One run of `cleanupScheduler`: list every repository, keep those a cleanup rule covers, queue one
 * cleanup request per repository. The worker does the cleaning, one repository per message, so that a
 * registry of any size is never walked in one invocation (see DESIGN.md, "Fan-out").
 *
 * The AWS side comes in through two ports, implemented in shared/aws/ and replaced in tests.
 */

export interface RepositoryPages {
  listRepositoryPages(): AsyncIterable<readonly RepositoryIdentity[]>;
}

export interface UndeliveredCleanupRequest {
  message: CleanupRequest;
  code: string;
  reason: string;
  senderFault: boolean;
}

export interface CleanupRequestSender {
  /** Sends every request; resolves with those that could not be sent after retries. */
  sendAll(requests: readonly CleanupRequest[]): Promise<readonly UndeliveredCleanupRequest[]>;
}

export interface CleanupScheduleRun {
  /** Stable id of this schedule run (the EventBridge event id). */
  runId: string;
  rules: readonly AccountScopedGlobRule[];
}

export interface CleanupScheduleSummary {
  runId: string;
  pagesListed: number;
  repositoriesListed: number;
  repositoriesSelected: number;
  requestsQueued: number;
}

/** Some cleanup requests of a run could not be queued. The run fails so that nothing is lost silently. */
export class CleanupSchedulingError extends EcrWardenError {
  override name = 'CleanupSchedulingError';

  constructor(
    readonly runId: string,
    readonly undelivered: readonly UndeliveredCleanupRequest[],
  ) {
    const shown = undelivered
      .slice(0, 5)
      .map(({ message, code, reason }) => `${message.repositoryName} (${code}: ${reason})`);
    const more = undelivered.length > shown.length ? ` and ${undelivered.length - shown.length} more` : '';
    super(
      `${undelivered.length} cleanup request(s) of run ${runId} could not be queued: ${shown.join(', ')}${more}`,
    );
  }
}

/** cleanupScheduler's ports (shared/aws/cleanup-scheduler-dependencies.ts in Lambda). */
export interface CleanupScheduleDependencies {
  repositories: RepositoryPages;
  queue: CleanupRequestSender;
}

export async function scheduleCleanup(
  run: CleanupScheduleRun,
  ports: CleanupScheduleDependencies,
): Promise<CleanupScheduleSummary> {
  const summary: CleanupScheduleSummary = {
    runId: run.runId,
    pagesListed: 0,
    repositoriesListed: 0,
    repositoriesSelected: 0,
    requestsQueued: 0,
  };
  if (run.rules.length === 0) return summary;

  // A rule's `accounts` is matched against the repository's own registry (the deployment's account).
  const matchRule = compileAccountRuleMatcher(run.rules);
  const undelivered: UndeliveredCleanupRequest[] = [];
  // Page by page: memory stays bounded by one page, and a page whose requests partly fail does not
  // stop the pages after it from being scheduled. The failures are reported together at the end.
  for await (const page of ports.repositories.listRepositoryPages()) {
    const requests = page
      .filter(
        (repository) =>
          matchRule({ id: repository.registryId, parents: [] }, repository.repositoryName) !== undefined,
      )
      .map((repository) => buildCleanupRequest(repository, run.runId));
    const failed = requests.length > 0 ? await ports.queue.sendAll(requests) : [];
    summary.pagesListed += 1;
    summary.repositoriesListed += page.length;
    summary.repositoriesSelected += requests.length;
    summary.requestsQueued += requests.length - failed.length;
    undelivered.push(...failed);
  }
  if (undelivered.length > 0) throw new CleanupSchedulingError(run.runId, undelivered);
  return summary;
}
