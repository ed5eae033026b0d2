import type { CleanupConfig } from '../config/schema';
import { EcrWardenError } from '../errors';
import { parseCleanupRequestMessage } from '../events/cleanup-request-message';
import { EventValidationError } from '../events/event-validation-error';
import type { GovernanceEvent, GovernanceEventSink } from '../events/governance';
import type { QueueMessage } from '../events/queue-message';
import type { InUseIndexWriter } from '../inuse/in-use-index';
import type { InUseSource } from '../inuse/in-use-picture';
import type { Place } from '../inuse/in-use-ports';
import { localWorkloadSources } from '../inuse/in-use-sources';
import type { StructuredLogger } from '../logger';
import type { RunOnceGuard } from '../state/run-once';
import { idempotencyKey } from '../state/state-keys';
import { cleanRepository, type RepositoryCleanupOutcome } from './clean-repository';
import type {
  CleanupMetrics,
  CleanupRunProgressStore,
  GraceMarkStore,
  ImageArchiver,
  ImageDeleter,
  RepositoryImageSource,
  WorkloadSource,
} from './cleanup-ports';
import { buildCleanupReport } from './cleanup-report';
import type { CleanupRequest } from './cleanup-request';
import type { CleanupTarget } from './cleanup-target';
import type { MemberBatch, OrganizationCleanupPorts, PlaceRegistry } from './member-cleanup-ports';
import { compileAccountRuleMatcher } from './select-repositories';
import { createInUseCache } from './workload-cache';

/**
 * One batch of the cleanup queue, message by message: one message per repository, each cleaned,
 * reported (a `Cleanup Report` event) and counted on its own. A message that fails (malformed, a
 * throttled API that stays throttled, a publish that fails) throws, and functions/batch/cleanup-batch.ts
 * returns it alone as a batch item failure; after the queue's maxReceiveCount it moves to the
 * dead-letter queue. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * Messages are handled one after the other (why: functions/batch/cleanup-batch.ts).
 *
 * Each (runId, repositoryName) is done once: SQS delivers at least once, and a message whose run
 * already completed is acknowledged without reading anything. A message whose earlier delivery failed
 * half-way runs again on a fresh inventory (what was deleted is gone, and ImageNotFound counts as
 * done), within what is left of the run's caps (the run's progress record): nothing is deleted twice.
 */
export interface CleanupWorkerDependencies {
  cleanup: CleanupConfig;
  /** The region the worker's clients work in (where the repositories and workloads are). */
  region: () => Promise<string>;
  images: RepositoryImageSource;
  deleter: ImageDeleter;
  archiver: ImageArchiver;
  workloads: WorkloadSource;
  /**
   * The in-use sources of a live run beyond this account's ECS and Lambda (which `workloads` reads),
   * given the worker's account and region: shared/inuse/in-use-sources.ts composes them from
   * cleanup.protect (clusters, workload accounts, Batch, App Runner, external lists, Inspector).
   */
  otherInUseSources?: (local: Place) => readonly InUseSource[];
  /** Records where each in-use image runs (the alerts' and Tag Moved's in-use index). */
  inUseIndex?: InUseIndexWriter;
  /** A source that has not answered after this long fails (default 120 s): the repository is held, not stuck. */
  inUseSourceTimeoutMs?: number;
  progress: CleanupRunProgressStore;
  marks: GraceMarkStore;
  guard: RunOnceGuard;
  publisher: GovernanceEventSink;
  metrics: CleanupMetrics;
  logger: StructuredLogger;
  /** Evaluation time, epoch ms. */
  now: () => number;
  /** Called with each repository's outcome once its report is published (the demo prints the plans). */
  onRepositoryCleaned?: (outcome: RepositoryCleanupOutcome, where: Place) => void;
  /**
   * An Organizations hub (issue 15): requests name governed member accounts × regions, acted in through
   * the member role. Absent: the single-account worker, exactly as before.
   */
  organization?: OrganizationCleanupPorts;
  /**
   * Time kept back before starting a repository (default 3 minutes): a message started later than that
   * before the function's timeout is returned to the queue rather than cut off half-way.
   */
  reserveMs?: number;
}

/** Idempotency records of completed runs outlive any redelivery (SQS keeps a message 14 days at most). */
const DONE_TTL_SECONDS = 14 * 86_400;
/** Longer than the function's timeout (900 s): a live delivery never loses its claim. */
const CLAIM_SECONDS = 960;
const DEFAULT_RESERVE_MS = 180_000;
/** In-use sources read at once; each bounds its own API rate. */
const IN_USE_SOURCE_CONCURRENCY = 4;
// Well inside the function's 900 s, well beyond what a healthy source takes (the SDK's own retries
// included): a cluster endpoint that never answers holds the batch's repositories instead of timing
// the invocation out.
const DEFAULT_IN_USE_SOURCE_TIMEOUT_MS = 120_000;

/** Not enough of the invocation is left to clean one more repository: the message comes back later. */
export class CleanupDeferredError extends EcrWardenError {
  override name = 'CleanupDeferredError';
}

/** A batch under way: its messages are cleaned one after the other, then it is finished. */
export interface CleanupBatch {
  /** Cleans the repository the message names, once per run; throws when the message must come back. */
  cleanMessage(message: QueueMessage): Promise<void>;
  /** Logs the batch's figures once every message is handled. */
  finish(counts: { messages: number; failed: number }): void;
}

/**
 * Opens a batch: reads the region and compiles the rules once. `remainingTimeMs` is the invocation's
 * time left (Lambda's context), asked before each message.
 */
export async function openCleanupBatch(
  dependencies: CleanupWorkerDependencies,
  remainingTimeMs: () => number,
): Promise<CleanupBatch> {
  const { cleanup, logger } = dependencies;
  const region = await dependencies.region();
  const matchRule = compileAccountRuleMatcher(cleanup.rules);
  // One in-use picture for the whole batch, read on first use, in the account of the first request
  // (the registry's: the worker's own).
  let local: Place | undefined;
  const inUseSources = (place: Place): InUseSource[] => [
    ...localWorkloadSources(dependencies.workloads, place, {
      taskDefinitionRevisions: cleanup.protect.taskDefinitionRevisions,
    }),
    ...(dependencies.otherInUseSources?.(place) ?? []),
  ];
  const cacheOptions = {
    concurrency: IN_USE_SOURCE_CONCURRENCY,
    timeoutMs: dependencies.inUseSourceTimeoutMs ?? DEFAULT_IN_USE_SOURCE_TIMEOUT_MS,
  };
  const workloads = createInUseCache(
    () => inUseSources(local ?? { account: 'unknown', region }),
    cacheOptions,
  );
  const hub = dependencies.organization;
  if (hub !== undefined) local = { account: hub.hubAccount, region };
  const members = hub === undefined ? undefined : await hub.openBatch(cacheOptions);
  const reserveMs = dependencies.reserveMs ?? DEFAULT_RESERVE_MS;
  // The index informs alerts; a state-table hiccup writing it must not fail a cleanup.
  const indexOrWarn = (index: InUseIndexWriter): InUseIndexWriter => ({
    recordInUse: (location, inUse, now) =>
      index.recordInUse(location, inUse, now).catch((error: unknown) => {
        logger.warn('in-use index not updated: alerts may not say where the images run', {
          repositoryName: location.repositoryName,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
      }),
  });

  const cleanMessage = async (record: QueueMessage): Promise<void> => {
    try {
      if (remainingTimeMs() < reserveMs) {
        throw new CleanupDeferredError(
          `less than ${reserveMs / 1000} s of the invocation left: message ${record.messageId} goes back to the queue`,
        );
      }
      const request = parseCleanupRequestMessage(record);
      // An Organizations hub acts only in a governed account × region the whole message agrees on.
      const target: CleanupTarget =
        members === undefined
          ? { account: { id: request.registryId, parents: [] }, region }
          : members.resolveTarget(request, record.messageId);
      // The worker's own account and region: its own clients and sources, its state keys as before.
      const home = hub === undefined || (target.account.id === hub.hubAccount && target.region === region);
      if (members !== undefined && !home && (await reportIfUnreachable(members, request, target))) return;
      // The state of a repository outside the worker's own account and region is keyed apart (ECR
      // names never hold `@`): the same name in two accounts is two repositories.
      const stateName = home
        ? request.repositoryName
        : `${request.repositoryName}@${target.account.id}/${target.region}`;
      const key = idempotencyKey('cleanup', request.runId, stateName);
      const run = await dependencies.guard.runOnce(
        key,
        { ttlSeconds: DONE_TTL_SECONDS, inProgressTimeoutSeconds: CLAIM_SECONDS },
        () => cleanAndReport(request, target, home ? undefined : stateName),
      );
      if (run.status === 'duplicate') {
        logger.info('cleanup already done for this run', {
          messageId: record.messageId,
          runId: request.runId,
          repositoryName: request.repositoryName,
          completedAt: run.completedAt,
        });
      }
    } catch (error) {
      if (error instanceof EventValidationError) {
        logger.error('malformed cleanup request', {
          messageId: error.eventId,
          problems: error.problems,
        });
      } else {
        logger.error('repository cleanup failed', {
          messageId: record.messageId,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
      }
      throw error;
    }
  };

  /**
   * A member account whose role cannot be assumed: reported once per run (the reporter's run-once
   * record) and the message completed without acting. Failing it instead would bring it back within
   * minutes to fail the same way (the role does not appear by itself), then park it in the DLQ; the
   * next scheduled run asks again.
   */
  async function reportIfUnreachable(
    batch: MemberBatch,
    request: CleanupRequest,
    target: CleanupTarget,
  ): Promise<boolean> {
    const cause = await batch.access.reach(target.account);
    if (cause === undefined) return false;
    await batch.unreachable.report({ runId: request.runId, work: 'cleanup', ...target, ...cause });
    logger.warn('member account unreachable: repository left alone', {
      repositoryName: request.repositoryName,
      account: target.account.id,
      region: target.region,
    });
    return true;
  }

  async function cleanAndReport(
    request: CleanupRequest,
    target: CleanupTarget,
    /** The repository's name in the state table, when it is not the worker's own account and region. */
    stateName: string | undefined,
  ): Promise<void> {
    const { repositoryName, registryId } = request;
    local ??= { account: registryId, region };
    const place = { account: target.account.id, region: target.region };
    const ruleIndex = matchRule(target.account, repositoryName);
    const rule = ruleIndex === undefined ? undefined : cleanup.rules[ruleIndex];
    if (ruleIndex === undefined || rule === undefined) {
      // The config changed between scheduling and now: the current config does not cover it.
      logger.warn('no cleanup rule covers the repository any more: left alone', { repositoryName });
      return;
    }
    const registry: PlaceRegistry =
      members === undefined || stateName === undefined ? dependencies : members.access.registry(place);
    const inUsePicture =
      members === undefined || stateName === undefined
        ? () => workloads.picture()
        : () => members.picture(place, workloads);
    const outcome = await cleanRepository(
      {
        repository: { repositoryName, registryId },
        location: { registryId, region: target.region, repositoryName },
        runId: request.runId,
        rule: { index: ruleIndex, policy: rule.policy },
        cleanup,
        now: dependencies.now(),
      },
      {
        images: registry.images,
        deleter: registry.deleter,
        archiver: registry.archiver,
        inUsePicture,
        progress:
          members === undefined || stateName === undefined
            ? dependencies.progress
            : members.progressUnder(dependencies.progress, stateName),
        marks:
          members === undefined || stateName === undefined
            ? dependencies.marks
            : members.marksUnder(dependencies.marks, stateName),
        ...(dependencies.inUseIndex === undefined
          ? {}
          : { inUseIndex: indexOrWarn(dependencies.inUseIndex) }),
      },
    );
    const report = buildCleanupReport(outcome, {
      account: target.account.id,
      region: target.region,
      accountAlias: target.account.alias,
    });
    await dependencies.publisher.publish([report]);
    logOutcome(outcome, report);
    dependencies.onRepositoryCleaned?.(outcome, place);
  }

  function logOutcome(outcome: RepositoryCleanupOutcome, report: GovernanceEvent): void {
    if (outcome.kind === 'repository-not-found') {
      logger.info('repository deleted before cleanup: nothing to do', {
        repositoryName: outcome.repositoryName,
      });
      return;
    }
    const detail = report.detail as {
      imagesDeleted: number;
      bytesReclaimed: number;
      imagesFailed?: number;
      imagesEvaluated: number;
    };
    // A held repository is reported, not failed: the message is acknowledged (a retry would read the
    // same failing source again within minutes and then park the message in the DLQ), the report names
    // the source, InUseSourceFailures alarms, and the next scheduled run reads every source again.
    if (outcome.inUseSourceFailures.length > 0) {
      dependencies.metrics.inUseSourceFailures({
        dryRun: outcome.dryRun,
        failures: outcome.inUseSourceFailures.length,
      });
      logger.warn('repository held: an in-use source could not be read', {
        repositoryName: outcome.repositoryName,
        inUseSourceFailures: outcome.inUseSourceFailures,
      });
    }
    // The run's figures, as the report gives them (every delivery of the run, against the inventory its
    // limit came from), so that DeletionShare and the report agree. Only the delivery that completes the
    // run gets here: the ones that failed emitted nothing.
    dependencies.metrics.repositoryCleaned({
      dryRun: outcome.dryRun,
      imagesDeleted: detail.imagesDeleted,
      bytesReclaimed: detail.bytesReclaimed,
      imagesFailed: detail.imagesFailed ?? 0,
      imagesEvaluated: detail.imagesEvaluated,
    });
    logger.info('repository cleaned', {
      repositoryName: outcome.repositoryName,
      dryRun: outcome.dryRun,
      policySource: outcome.policySource,
      imagesEvaluated: outcome.inventory.imageCount,
      imagesDeleted: detail.imagesDeleted,
      bytesReclaimed: detail.bytesReclaimed,
      imagesFailed: detail.imagesFailed ?? 0,
      imagesSkipped: outcome.deletions.skipped.length,
      deleteCalls: outcome.deletions.calls,
      deletionCapReached: outcome.plan.summary.deletionCapReached,
      workloadWarnings: workloads.warnings().length,
      held: outcome.held,
    });
  }

  return {
    cleanMessage,
    finish({ messages, failed }) {
      logger.info('cleanup batch handled', {
        messages,
        failed,
        workloadReads: workloads.reads(),
        ...(members === undefined ? {} : { assumeRoleCalls: members.access.assumeRoleCalls() }),
      });
    },
  };
}
