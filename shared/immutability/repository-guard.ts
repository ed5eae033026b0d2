import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';
import type { GovernanceEvent } from '../events/governance';
import type { ApiCallEvent, GuardScheduledEvent, ImageActionEvent } from '../events/repository-guard-events';
import { interpretApiCall } from './api-call';
import {
  type Baseline,
  type BaselineCheck,
  checkRepositoryBaselines,
  decideRemediation,
  type Fix,
  type ObservedRepository,
} from './check-baselines';
import type { BaselineResolver, RepositoryBaseline } from './desired-state';
import { buildDriftEvent, buildTagMovedEvent, type RemediationOutcome } from './guard-events';
import {
  type DigestUsagePort,
  type DriftLedgerPort,
  type DriftRecord,
  type GuardLogger,
  type RegistryPort,
  RepositoryGoneError,
  type RepositorySummary,
  type StoredTagHead,
  type TagLedgerPort,
} from './ports';
import { planScanningConfiguration } from './scanning';
import { decideTagObservation } from './tag-ledger';

/**
 * The repository guard: checks repositories against `immutability` in ecr-warden.yml when CloudTrail
 * reports a change and on its schedule, remediates what the config allows, publishes drift and moved
 * tags as governance events, and keeps the tag ledger. Everything AWS comes in through ports.
 */

export interface GovernanceEventSink {
  publish(events: readonly GovernanceEvent[]): Promise<void>;
}

export interface RepositoryGuardSettings {
  account: string;
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
  logger: GuardLogger;
}

export interface CheckSummary {
  repositoriesChecked: number;
  drifts: number;
  applied: number;
  wouldApply: number;
  failed: number;
  eventsPublished: number;
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
  | { status: 'new' | 'unchanged' | 'moved' | 'late'; alerted: boolean };

/** Some repositories of a sweep could not be checked: the run fails so that it is retried. */
export class SweepIncompleteError extends EcrWardenError {
  override name = 'SweepIncompleteError';
}

/** Remediation would change more than the repository at hand (see planScanningConfiguration). */
export class RemediationRefusedError extends EcrWardenError {
  override name = 'RemediationRefusedError';
}

/** A tag head kept changing under the guard (many pushes of one tag at once). */
export class TagLedgerContentionError extends EcrWardenError {
  override name = 'TagLedgerContentionError';
}

const DEFAULT_CONCURRENCY = 8;
const MAX_HEAD_WRITE_ATTEMPTS = 5;

interface CheckContext {
  /** Baselines a CloudTrail event says were just changed: reported even when reported before. */
  related: readonly Baseline[];
  /** Check only these baselines (undefined: all the rule asks for). */
  only?: readonly Baseline[];
  changedBy?: string;
  cloudTrailEventId?: string;
  scanFrequency?: ObservedRepository['scanFrequency'];
}

export function createRepositoryGuard(settings: RepositoryGuardSettings, ports: RepositoryGuardPorts) {
  const { registry, tagLedger, driftLedger, usage, publisher, logger } = ports;
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  // PutRegistryScanningConfiguration replaces the whole registry configuration: one read-modify-write
  // at a time within this invocation, so that two repositories added at once do not undo each other.
  let scanningChanges: Promise<unknown> = Promise.resolve();

  async function observe(summary: RepositorySummary, baseline: RepositoryBaseline, context: CheckContext) {
    const name = summary.repositoryName;
    const wants = (baselineName: Baseline) =>
      context.only === undefined || context.only.includes(baselineName);
    const observed: ObservedRepository = {
      repositoryName: name,
      tagMutability: summary.tagMutability,
      tagMutabilityReported: summary.tagMutabilityReported,
      encryption: summary.encryption,
    };
    if (baseline.lifecyclePolicy !== undefined && wants('lifecycle-policy')) {
      observed.lifecyclePolicyText = await registry.lifecyclePolicyText(name);
    }
    if (baseline.repositoryPolicy !== undefined && wants('repository-policy')) {
      observed.repositoryPolicyText = await registry.repositoryPolicyText(name);
    }
    if (baseline.scanning !== undefined && wants('scanning') && context.scanFrequency !== undefined) {
      observed.scanFrequency = context.scanFrequency;
    }
    return checkRepositoryBaselines(baseline, observed, { ownAccount: settings.account }).filter((check) =>
      wants(check.baseline),
    );
  }

  async function applyFix(repositoryName: string, fix: Exclude<Fix, { kind: 'none' }>): Promise<void> {
    switch (fix.kind) {
      case 'put-image-tag-mutability':
        return registry.putTagMutability(repositoryName, fix.setting);
      case 'put-lifecycle-policy':
        return registry.putLifecyclePolicy(repositoryName, fix.policyText);
      case 'add-to-scanning-rule': {
        const change = scanningChanges.then(async () => {
          const plan = planScanningConfiguration(
            await registry.registryScanningConfiguration(),
            repositoryName,
            fix.frequency,
          );
          if (!plan.ok) throw new RemediationRefusedError(plan.reason);
          await registry.putRegistryScanningConfiguration(plan.configuration);
        });
        scanningChanges = change.catch(() => undefined);
        return change;
      }
    }
  }

  /** Checks one repository, remediates, publishes what is new, and keeps the drift ledger. */
  async function checkRepository(
    summary: RepositorySummary,
    baseline: RepositoryBaseline,
    context: CheckContext,
  ): Promise<CheckSummary> {
    const name = summary.repositoryName;
    const result: CheckSummary = {
      repositoriesChecked: 1,
      drifts: 0,
      applied: 0,
      wouldApply: 0,
      failed: 0,
      eventsPublished: 0,
    };
    const checks = await observe(summary, baseline, context);
    const reported = new Map((await driftLedger.read(name)).map((record) => [record.baseline, record]));
    const events: GovernanceEvent[] = [];
    const records: DriftRecord[] = [];
    const resolved: Baseline[] = [];
    for (const check of checks) {
      if (check.status === 'unknown') {
        logger.warn('baseline not checked', {
          repositoryName: name,
          baseline: check.baseline,
          reason: check.reason,
        });
        continue;
      }
      if (check.status === 'compliant') {
        // A fix of ours whose event an earlier run could not publish (the outbox): publish it now.
        const pending = reported.get(check.baseline)?.pendingEvent;
        if (pending !== undefined) events.push(JSON.parse(pending) as GovernanceEvent);
        if (reported.has(check.baseline)) resolved.push(check.baseline);
        continue;
      }
      result.drifts += 1;
      const { outcome, failure } = await remediate(name, check);
      if (outcome === 'applied') result.applied += 1;
      if (outcome === 'would-apply') result.wouldApply += 1;
      if (outcome === 'failed') result.failed += 1;
      const previous = reported.get(check.baseline);
      const isNews =
        outcome === 'applied' ||
        context.related.includes(check.baseline) ||
        previous === undefined ||
        previous.expected !== check.expected ||
        previous.actual !== check.actual ||
        previous.remediation !== outcome;
      logger.info('drift found', {
        repositoryName: name,
        baseline: check.baseline,
        expected: check.expected,
        actual: check.actual,
        remediation: outcome,
        reported: isNews,
      });
      if (isNews) {
        const event = buildDriftEvent({
          account: settings.account,
          region: settings.region,
          repositoryName: name,
          check,
          remediation: outcome,
          ...(failure === undefined ? {} : { failure }),
          ...(context.changedBy === undefined ? {} : { changedBy: context.changedBy }),
          ...(context.cloudTrailEventId === undefined
            ? {}
            : { cloudTrailEventId: context.cloudTrailEventId }),
        });
        events.push(event);
        if (outcome === 'applied') {
          // The fix is made: its event goes to the outbox before it is published, or a failed publish
          // would lose it (the retry finds the repository compliant and has nothing left to report).
          await driftLedger.write(name, {
            baseline: check.baseline,
            expected: check.expected,
            actual: check.actual,
            remediation: outcome,
            reportedAt: new Date().toISOString(),
            pendingEvent: JSON.stringify(event),
          });
        }
      }
      // A fixed drift is gone (its outbox record too, once published); anything else is remembered so
      // that the next sweep stays quiet about it.
      if (outcome === 'applied') {
        resolved.push(check.baseline);
      } else if (isNews) {
        records.push({
          baseline: check.baseline,
          expected: check.expected,
          actual: check.actual,
          remediation: outcome,
          reportedAt: new Date().toISOString(),
        });
      }
    }
    // Published first, recorded after: a failure in between reports a drift twice, never zero times.
    if (events.length > 0) await publisher.publish(events);
    result.eventsPublished = events.length;
    for (const record of records) await driftLedger.write(name, record);
    for (const baselineName of resolved) await driftLedger.remove(name, baselineName);
    return result;
  }

  async function remediate(
    repositoryName: string,
    check: Extract<BaselineCheck, { status: 'drift' }>,
  ): Promise<{ outcome: RemediationOutcome; failure?: string }> {
    const decision = decideRemediation(check.fix, settings.dryRun);
    if (decision !== 'apply' || check.fix.kind === 'none') {
      return { outcome: decision === 'apply' ? 'report-only' : decision };
    }
    try {
      await applyFix(repositoryName, check.fix);
      logger.info('drift remediated', { repositoryName, baseline: check.baseline, fix: check.fix.kind });
      return { outcome: 'applied' };
    } catch (error) {
      if (error instanceof RepositoryGoneError) throw error;
      const failure = `${(error as Error).name}: ${(error as Error).message}`;
      logger.error('remediation failed', { repositoryName, baseline: check.baseline, error: failure });
      return { outcome: 'failed', failure };
    }
  }

  function addSummary(total: CheckSummary, part: CheckSummary): void {
    total.repositoriesChecked += part.repositoriesChecked;
    total.drifts += part.drifts;
    total.applied += part.applied;
    total.wouldApply += part.wouldApply;
    total.failed += part.failed;
    total.eventsPublished += part.eventsPublished;
  }

  const emptySummary = (): CheckSummary => ({
    repositoriesChecked: 0,
    drifts: 0,
    applied: 0,
    wouldApply: 0,
    failed: 0,
    eventsPublished: 0,
  });

  async function scanFrequenciesFor(
    summaries: readonly RepositorySummary[],
  ): Promise<Map<string, NonNullable<ObservedRepository['scanFrequency']>>> {
    const names = summaries
      .filter((summary) => settings.resolveBaseline(summary.repositoryName)?.scanning !== undefined)
      .map((summary) => summary.repositoryName);
    return names.length === 0 ? new Map() : registry.scanFrequencies(names);
  }

  // ── tag ledger ──────────────────────────────────────────────────────────────────────────────────

  async function ensureSeeded(repositoryName: string, observedAt: string): Promise<number> {
    if (await tagLedger.isSeeded(repositoryName)) return 0;
    const images = await registry.taggedImages(repositoryName);
    const heads = images.flatMap((image) =>
      image.tags.map((tag) => ({ tag, digest: image.digest, pushedAt: image.pushedAt })),
    );
    const written = await tagLedger.seed(repositoryName, heads, observedAt);
    logger.info('tag ledger seeded', { repositoryName, tags: heads.length, written });
    return written;
  }

  async function publishTagMoved(repositoryName: string, tag: string, head: StoredTagHead): Promise<void> {
    if (head.previousDigest === undefined) return;
    const previousDigestInUse = await usage.isInUse(repositoryName, head.previousDigest);
    await publisher.publish([
      buildTagMovedEvent({
        account: settings.account,
        region: settings.region,
        repositoryName,
        imageTag: tag,
        previousDigest: head.previousDigest,
        newDigest: head.digest,
        pushedAt: head.pushedAt ?? head.observedAt,
        previousDigestInUse,
      }),
    ]);
    await tagLedger.markAlertSent(repositoryName, tag, head.version);
    // The alert is the "Tag Moved" event; the log line is for the function's own trail.
    logger.info('protected tag moved', {
      repositoryName,
      imageTag: tag,
      previousDigest: head.previousDigest,
      newDigest: head.digest,
      previousDigestInUse,
    });
  }

  /** One observation of a tag through the ledger: ordered by its own time, written with conditions. */
  async function observeTag(
    repositoryName: string,
    baseline: RepositoryBaseline,
    observation: { tag: string; digest: string; observedAt: string; pushedAt: string },
    source: 'push' | 'sweep',
    eventId: string,
  ): Promise<{ status: 'new' | 'unchanged' | 'moved' | 'late'; alerted: boolean }> {
    const { tag, digest, observedAt, pushedAt } = observation;
    const history = { digest, observedAt, source, eventId };
    for (let attempt = 1; attempt <= MAX_HEAD_WRITE_ATTEMPTS; attempt += 1) {
      const head = await tagLedger.readHead(repositoryName, tag);
      let decision = decideTagObservation(head, { digest, observedAt });
      if (decision === 'tie') {
        // Two digests for one tag within the same second: ECR knows which one the tag names now.
        decision = (await registry.digestOfTag(repositoryName, tag)) === digest ? 'moved' : 'late';
      }
      if (decision === 'unchanged') {
        // A push the ledger already knows (it seeded the tag from DescribeImages, or a replay): its
        // history item is written once (the key is the tag and the event time). The sweep re-reads
        // every day and records nothing here.
        if (source === 'push') await tagLedger.recordHistory(repositoryName, tag, history);
        // Still owed: an alert that a failed run wrote down but never sent.
        if (head?.alert === 'pending') {
          await publishTagMoved(repositoryName, tag, head);
          return { status: 'unchanged', alerted: true };
        }
        return { status: 'unchanged', alerted: false };
      }
      if (decision === 'late') {
        await tagLedger.recordHistory(repositoryName, tag, history);
        logger.info('late tag observation kept in history only', {
          repositoryName,
          imageTag: tag,
          digest,
          observedAt,
        });
        return { status: 'late', alerted: false };
      }
      const alert = decision === 'moved' && baseline.isProtectedTag(tag);
      const written = await tagLedger.writeHead(
        repositoryName,
        tag,
        {
          digest,
          observedAt,
          pushedAt,
          ...(decision === 'moved' && head !== undefined ? { previousDigest: head.digest } : {}),
          ...(alert ? { alert: 'pending' as const } : {}),
        },
        head?.version,
      );
      if (written === undefined) continue; // another observation of this tag got there first: read again
      await tagLedger.recordHistory(repositoryName, tag, history);
      if (decision === 'moved' && head !== undefined && alert) {
        await publishTagMoved(repositoryName, tag, {
          digest,
          observedAt,
          pushedAt,
          previousDigest: head.digest,
          alert: 'pending',
          version: written,
        });
        return { status: 'moved', alerted: true };
      }
      return { status: decision === 'moved' ? 'moved' : 'new', alerted: false };
    }
    throw new TagLedgerContentionError(
      `the ledger head of ${repositoryName}:${tag} changed ${MAX_HEAD_WRITE_ATTEMPTS} times while it was written`,
    );
  }

  /** The sweep's look at protected tags: catches moves whose PUSH event never came (events are best effort). */
  async function reconcileTags(
    repositoryName: string,
    baseline: RepositoryBaseline,
    observedAt: string,
    eventId: string,
  ): Promise<{ seeded: number; moves: number }> {
    if (!(await tagLedger.isSeeded(repositoryName))) {
      return { seeded: await ensureSeeded(repositoryName, observedAt), moves: 0 };
    }
    let moves = 0;
    for (const image of await registry.taggedImages(repositoryName)) {
      for (const tag of image.tags) {
        if (!baseline.isProtectedTag(tag)) continue;
        const outcome = await observeTag(
          repositoryName,
          baseline,
          { tag, digest: image.digest, observedAt, pushedAt: image.pushedAt },
          'sweep',
          eventId,
        );
        if (outcome.alerted) moves += 1;
      }
    }
    return { seeded: 0, moves };
  }

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
        const total = emptySummary();
        for await (const page of registry.listRepositoryPages()) {
          const covered = page.filter(
            (summary) => settings.resolveBaseline(summary.repositoryName)?.scanning,
          );
          const frequencies = await scanFrequenciesFor(covered);
          await mapWithConcurrency(covered, concurrency, async (summary) => {
            const baseline = settings.resolveBaseline(summary.repositoryName) as RepositoryBaseline;
            const scanFrequency = frequencies.get(summary.repositoryName);
            addSummary(
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

    /** The schedule: every repository (paginated) checked for drift, protected tags reconciled. */
    async sweep(event: GuardScheduledEvent): Promise<SweepSummary> {
      const total: SweepSummary = { ...emptySummary(), repositoriesListed: 0, tagsSeeded: 0, tagMoves: 0 };
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
            addSummary(
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
        return emptySummary();
      }
      throw error;
    };
  }
}

export type RepositoryGuard = ReturnType<typeof createRepositoryGuard>;
