import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';
import type { GovernanceEventSink } from '../events/governance';
import type { ApiCallEvent, GuardScheduledEvent, ImageActionEvent } from '../events/repository-guard-events';
import type { StructuredLogger } from '../logger';
import { interpretApiCall } from './api-call';
import type { BaselineResolver, RepositoryBaseline } from './desired-state';
import {
  type DigestUsagePort,
  type DriftLedgerPort,
  type RegistryPort,
  RepositoryGoneError,
  type TagLedgerPort,
} from './ports';
import {
  addCheckSummary,
  type CheckSummary,
  createRepositoryCheck,
  emptyCheckSummary,
} from './repository-check';
import { createTagLedgerService, type TagObservationResult } from './tag-ledger-service';

/**
 * The repository guard: checks repositories against `immutability` in ecr-warden.yml when CloudTrail
 * reports a change and on its schedule, remediates what the config allows, publishes drift and moved
 * tags as governance events, and keeps the tag ledger. Everything AWS comes in through ports.
 *
 * This module routes the guard's three inputs; the work is done by the repository check
 * (repository-check.ts, with its drift publication and outbox in drift-publication.ts) and the
 * tag-ledger service (tag-ledger-service.ts).
 */

export interface RepositoryGuardSettings {
  account: string;
  /** The account's alias when the hub knows one (issue 15): every governance event carries it. */
  accountAlias?: string | undefined;
  region: string;
  dryRun: boolean;
  /** The guard's own execution role: its calls show up in CloudTrail and must not trigger it again. */
  ownRoleArn?: string;
  resolveBaseline: BaselineResolver;
  /** Repositories checked at once during a sweep (ECR publishes no rate for these reads). */
  concurrency?: number;
}

export interface RepositoryGuardPorts {
  registry: RegistryPort;
  tagLedger: TagLedgerPort;
  driftLedger: DriftLedgerPort;
  usage: DigestUsagePort;
  publisher: GovernanceEventSink;
  logger: StructuredLogger;
}

export type ApiCallResult =
  | { status: 'ignored'; reason: string }
  | { status: 'repository-gone'; repositoryName: string }
  | ({ status: 'checked'; eventName: string } & CheckSummary);

export interface SweepSummary extends CheckSummary {
  repositoriesListed: number;
  tagsSeeded: number;
  tagMoves: number;
}

export type PushResult =
  | { status: 'ignored'; reason: string }
  | { status: 'repository-gone'; repositoryName: string }
  | TagObservationResult;

/** Some repositories of a sweep could not be checked: the run fails so that it is retried. */
export class SweepIncompleteError extends EcrWardenError {
  override name = 'SweepIncompleteError';
}

const DEFAULT_CONCURRENCY = 8;

export function createRepositoryGuard(settings: RepositoryGuardSettings, ports: RepositoryGuardPorts) {
  const { registry, logger } = ports;
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  const { checkRepository, scanFrequenciesFor } = createRepositoryCheck(settings, ports);
  const { ensureSeeded, observeTag, reconcileTags } = createTagLedgerService(settings, ports);

  return {
    /** A CloudTrail record of an ECR call: check the repository (or, for the registry's scanning, all). */
    async handleApiCall(event: ApiCallEvent): Promise<ApiCallResult> {
      const trigger = interpretApiCall(event, { ownRoleArn: settings.ownRoleArn });
      if (trigger.kind === 'ignore') {
        logger.info('API call ignored', { eventName: event.detail.eventName, reason: trigger.reason });
        return { status: 'ignored', reason: trigger.reason };
      }
      const context = {
        changedBy: trigger.actor,
        cloudTrailEventId: event.detail.eventID,
      };
      if (trigger.kind === 'registry-scanning') {
        const total = emptyCheckSummary();
        for await (const page of registry.listRepositoryPages()) {
          const covered = page.filter(
            (summary) => settings.resolveBaseline(summary.repositoryName)?.scanning,
          );
          const frequencies = await scanFrequenciesFor(covered);
          await mapWithConcurrency(covered, concurrency, async (summary) => {
            const baseline = settings.resolveBaseline(summary.repositoryName) as RepositoryBaseline;
            const scanFrequency = frequencies.get(summary.repositoryName);
            addCheckSummary(
              total,
              await checkRepository(summary, baseline, {
                ...context,
                related: ['scanning'],
                only: ['scanning'],
                ...(scanFrequency === undefined ? {} : { scanFrequency }),
              }).catch(skipGone(summary.repositoryName)),
            );
          });
        }
        return { status: 'checked', eventName: trigger.eventName, ...total };
      }
      const baseline = settings.resolveBaseline(trigger.repositoryName);
      if (baseline === undefined) {
        const reason = `no immutability rule covers ${trigger.repositoryName}`;
        logger.info('API call ignored', { eventName: trigger.eventName, reason });
        return { status: 'ignored', reason };
      }
      const summary = await registry.describeRepository(trigger.repositoryName);
      if (summary === undefined) {
        logger.info('repository gone before it could be checked', { repositoryName: trigger.repositoryName });
        return { status: 'repository-gone', repositoryName: trigger.repositoryName };
      }
      try {
        const scanFrequency = (await scanFrequenciesFor([summary])).get(summary.repositoryName);
        const result = await checkRepository(summary, baseline, {
          ...context,
          related: trigger.baselines,
          ...(scanFrequency === undefined ? {} : { scanFrequency }),
        });
        return { status: 'checked', eventName: trigger.eventName, ...result };
      } catch (error) {
        if (error instanceof RepositoryGoneError) {
          logger.info('repository gone while it was checked', { repositoryName: trigger.repositoryName });
          return { status: 'repository-gone', repositoryName: trigger.repositoryName };
        }
        throw error;
      }
    },

    /**
     * The schedule: every repository (paginated) checked for drift, protected tags reconciled. `run` is
     * the Scheduled Event, or in an Organizations hub one target of it (its id and the run's time).
     */
    async sweep(run: Pick<GuardScheduledEvent, 'id' | 'time'>): Promise<SweepSummary> {
      const event = run;
      const total: SweepSummary = {
        ...emptyCheckSummary(),
        repositoriesListed: 0,
        tagsSeeded: 0,
        tagMoves: 0,
      };
      const failures: string[] = [];
      for await (const page of registry.listRepositoryPages()) {
        total.repositoriesListed += page.length;
        const covered = page.filter(
          (summary) => settings.resolveBaseline(summary.repositoryName) !== undefined,
        );
        const frequencies = await scanFrequenciesFor(covered);
        await mapWithConcurrency(covered, concurrency, async (summary) => {
          const name = summary.repositoryName;
          const baseline = settings.resolveBaseline(name) as RepositoryBaseline;
          try {
            const scanFrequency = frequencies.get(name);
            addCheckSummary(
              total,
              await checkRepository(summary, baseline, {
                related: [],
                ...(scanFrequency === undefined ? {} : { scanFrequency }),
              }),
            );
            if (baseline.protectedTags.length > 0) {
              const tags = await reconcileTags(name, baseline, event.time, event.id);
              total.tagsSeeded += tags.seeded;
              total.tagMoves += tags.moves;
            }
          } catch (error) {
            if (error instanceof RepositoryGoneError) {
              logger.info('repository gone during the sweep', { repositoryName: name });
              return;
            }
            failures.push(`${name} (${(error as Error).name}: ${(error as Error).message})`);
            logger.error('repository not checked', {
              repositoryName: name,
              error: `${(error as Error).name}: ${(error as Error).message}`,
            });
          }
        });
      }
      logger.info('sweep done', { ...total, failures: failures.length });
      if (failures.length > 0) {
        const shown = failures.slice(0, 5).join(', ');
        const more = failures.length > 5 ? ` and ${failures.length - 5} more` : '';
        throw new SweepIncompleteError(
          `${failures.length} repositories could not be checked: ${shown}${more}`,
        );
      }
      return total;
    },

    /** A successful PUSH: the tag ledger learns where the tag points, and a protected tag that moved alerts. */
    async recordPush(event: ImageActionEvent): Promise<PushResult> {
      const detail = event.detail;
      if (detail['action-type'] !== 'PUSH' || detail.result !== 'SUCCESS') {
        return {
          status: 'ignored',
          reason: `not a successful push (${detail['action-type']} ${detail.result})`,
        };
      }
      const tag = detail['image-tag'];
      if (tag === undefined) return { status: 'ignored', reason: 'an untagged push moves no tag' };
      const repositoryName = detail['repository-name'];
      const baseline = settings.resolveBaseline(repositoryName);
      if (baseline === undefined)
        return { status: 'ignored', reason: `no immutability rule covers ${repositoryName}` };
      try {
        await ensureSeeded(repositoryName, event.time);
        return await observeTag(
          repositoryName,
          baseline,
          { tag, digest: detail['image-digest'], observedAt: event.time, pushedAt: event.time },
          'push',
          event.id,
        );
      } catch (error) {
        if (error instanceof RepositoryGoneError) {
          logger.info('push for a repository that no longer exists', { repositoryName, imageTag: tag });
          return { status: 'repository-gone', repositoryName };
        }
        throw error;
      }
    },
  };

  function skipGone(repositoryName: string) {
    return (error: unknown): CheckSummary => {
      if (error instanceof RepositoryGoneError) {
        logger.info('repository gone while it was checked', { repositoryName });
        return emptyCheckSummary();
      }
      throw error;
    };
  }
}

export type RepositoryGuard = ReturnType<typeof createRepositoryGuard>;
