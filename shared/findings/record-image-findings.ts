import { createHash } from 'node:crypto';
import { backoffDelay } from '../aws/backoff';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';
import type { GovernanceEvent, GovernanceEventSink } from '../events/governance';
import type { InUseIndexReader } from '../inuse/in-use-index';
import type { RunningIn } from '../inuse/where-it-runs';
import { IdempotencyInProgressError, type RunOnceGuard, type RunOnceOptions } from '../state/run-once';
import { idempotencyKey, type RegistryPlace } from '../state/state-keys';
import type { ImageIdentity } from './finding';
import {
  decideAbsent,
  decideTransition,
  type LedgerEntry,
  type Observation,
  type Transition,
  type TransitionContext,
} from './findings-ledger';
import type { ScanningPolicy } from './scanning-policy';
import { buildVulnerabilityAlert, type ScannedImage } from './vulnerability-alert';

/**
 * Records what a scan (or one Inspector finding event) says about one image in the findings ledger,
 * and publishes one Vulnerability Alert for the transitions people must hear about. Safe under
 * replays and concurrent deliveries of the same events:
 *
 * 1. read the image's ledger entries (consistent read) and decide every transition (pure);
 * 2. if some transitions alert, publish their alert **once** per key (the idempotency record): the key
 *    is a hash of the image, each alerted finding, its change and the ledger version it was decided
 *    from, so deliveries that read the same ledger decide the same key and only one publishes; a
 *    retry after a crash between publishing and step 3 finds the key done and does not publish again;
 * 3. write the changed entries, each conditional on the version it was read at; when another delivery
 *    wrote first, start again at 1 with what it wrote (its transition is then no transition for us).
 *
 * While another delivery holds the key (it is publishing that very alert), this one waits and starts
 * again: by then the other has written the ledger, and nothing is left to alert.
 */

/** The ledger's storage (shared/aws/findings-ledger-store.ts). */
export interface FindingsLedger {
  readImage(repositoryName: string, imageDigest: string): Promise<LedgerEntry[]>;
  /** Writes the entry if the stored one is still at `entry.version` (absent when undefined). */
  write(entry: LedgerEntry): Promise<boolean>;
  registerRepository(repositoryName: string): Promise<void>;
  listRepositories(): Promise<string[]>;
  readRepository(repositoryName: string): Promise<LedgerEntry[]>;
}

/**
 * How long an alert's key is done: 7 days, far longer than EventBridge (24 h) or Lambda's asynchronous
 * retries (6 h) redeliver an event; a claim blocks other deliveries for 3 minutes, longer than
 * scanFindings' timeout, so that a live holder never loses it, and a crashed one frees it for the next retry.
 */
export const ALERT_IDEMPOTENCY: RunOnceOptions = {
  ttlSeconds: 7 * 86_400,
  inProgressTimeoutSeconds: 180,
};

/**
 * Runs `publish` at most once per key: 'published' now, a 'duplicate' of a key done before, or 'busy':
 * another delivery holds the key (it is publishing that very alert).
 */
export async function publishOnce(
  once: RunOnceGuard,
  key: string,
  publish: () => Promise<void>,
): Promise<'published' | 'duplicate' | 'busy'> {
  try {
    const run = await once.runOnce(key, ALERT_IDEMPOTENCY, publish);
    return run.status === 'executed' ? 'published' : 'duplicate';
  } catch (error) {
    if (error instanceof IdempotencyInProgressError) return 'busy';
    throw error;
  }
}

export interface RecordFindingsDependencies {
  ledger: FindingsLedger;
  /** Alerts are published once per key (shared/aws/idempotency.ts in Lambda). */
  once: RunOnceGuard;
  publisher: GovernanceEventSink;
  policy: ScanningPolicy;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /**
   * The cleanup worker's in-use index: an alert says where its image runs. Absent (or no record):
   * the alert says nothing of it, as before.
   */
  inUseIndex?: InUseIndexReader;
  /** Rounds of read-decide-write before giving up (default 8). */
  maxRounds?: number;
  /**
   * Under an Organizations hub, the registry the observations are about when it is not the
   * deployment's own: the alert keys name it, so that the same digest with the same findings in two
   * accounts alerts in both. Absent: today's keys.
   */
  place?: RegistryPlace;
}

export interface ImageObservations extends ScannedImage {
  observations: readonly Observation[];
  /**
   * A complete scan result (basic scanning): open entries it does not report are closed, as of this
   * time. Absent for partial observations (one Inspector finding event) and for enhanced snapshots,
   * for which Inspector sends its own CLOSED events.
   */
  closeAbsentAt?: string;
}

export interface RecordSummary {
  /** Findings the published alert covered (0 when no alert was due). */
  alerted: number;
  written: number;
  stale: number;
  rounds: number;
  alert?: GovernanceEvent;
}

/** Another delivery kept the ledger busy for every round: fail so that Lambda retries later. */
export class FindingsLedgerContentionError extends EcrWardenError {
  override name = 'FindingsLedgerContentionError';
}

// Ledger writes of one image run this many at a time (a 500-finding first scan is 500 conditional puts).
const WRITE_CONCURRENCY = 16;
// Between rounds: 50 ms, doubling each round, at most 2 s, without jitter.
const ROUND_BACKOFF = { baseDelayMs: 50, maxDelayMs: 2_000, random: () => 1 };

export async function recordImageFindings(
  input: ImageObservations,
  deps: RecordFindingsDependencies,
): Promise<RecordSummary> {
  const { image } = input;
  const maxRounds = deps.maxRounds ?? 8;
  let alerted = 0;
  let alert: GovernanceEvent | undefined;
  let written = 0;
  // Looked up once, when the first alert is due (most scans alert nothing and cost no read).
  let runningIn: Promise<RunningIn | undefined> | undefined;
  for (let round = 1; round <= maxRounds; round += 1) {
    if (round > 1) await deps.sleep(backoffDelay(round - 1, ROUND_BACKOFF));
    const now = deps.now();
    const entries = new Map(
      (await deps.ledger.readImage(image.repositoryName, image.imageDigest)).map((entry) => [
        entry.vulnerabilityId,
        entry,
      ]),
    );
    const context: TransitionContext = {
      isAlertable: (finding) => deps.policy.isAlertable(image.repositoryName, finding, now),
      alertOnClosed: deps.policy.alertOnClosed,
      repositoryName: image.repositoryName,
      imageDigest: image.imageDigest,
      scanType: input.scanType,
      now,
    };
    const transitions: Transition[] = input.observations.map((observation) =>
      decideTransition(entries.get(observation.finding.vulnerabilityId), observation, context),
    );
    if (input.closeAbsentAt !== undefined) {
      const reported = new Set(input.observations.map((o) => o.finding.vulnerabilityId));
      for (const entry of entries.values()) {
        if (!reported.has(entry.vulnerabilityId))
          transitions.push(decideAbsent(entry, input.closeAbsentAt, context));
      }
    }
    const updates = transitions.filter(
      (t): t is Extract<Transition, { kind: 'update' }> => t.kind === 'update',
    );
    const stale = transitions.filter((t) => t.kind === 'stale').length;
    if (updates.length === 0) return { alerted, written, stale, rounds: round, ...(alert ? { alert } : {}) };

    const alerting = updates.filter((u) => u.change !== undefined);
    if (alerting.length > 0) {
      runningIn ??= lookUpRunningIn(input, deps);
      const where = await runningIn;
      const event = buildVulnerabilityAlert({
        account: input.account,
        ...(input.accountAlias === undefined ? {} : { accountAlias: input.accountAlias }),
        region: input.region,
        image,
        scanType: input.scanType,
        usage: input.usage,
        ...(input.inUse === undefined ? {} : { inUse: input.inUse }),
        ...(where === undefined ? {} : { runningIn: where }),
        findings: alerting.map((u) => ({ finding: u.next.finding, change: u.change ?? 'new' })),
      });
      const outcome = await publishOnce(deps.once, alertKey(image, alerting, deps.place), () =>
        deps.publisher.publish([event]),
      );
      if (outcome === 'busy') continue;
      if (outcome === 'published') {
        alerted += alerting.length;
        alert = event;
      }
    }

    if (updates.some((u) => u.previous === undefined))
      await deps.ledger.registerRepository(image.repositoryName);
    const results = await mapWithConcurrency(updates, WRITE_CONCURRENCY, (u) =>
      deps.ledger.write({
        ...u.next,
        ...(u.previous?.version === undefined ? {} : { version: u.previous.version }),
      }),
    );
    written += results.filter(Boolean).length;
    if (results.every(Boolean))
      return { alerted, written, stale, rounds: round, ...(alert ? { alert } : {}) };
    // Another delivery wrote some of these first: read what it wrote and decide again.
  }
  throw new FindingsLedgerContentionError(
    `the findings ledger of ${image.repositoryName}@${image.imageDigest} kept changing for ${maxRounds} rounds`,
  );
}

/** The image's record in the in-use index, in the registry and region the scan names it. */
async function lookUpRunningIn(
  input: ImageObservations,
  deps: RecordFindingsDependencies,
): Promise<RunningIn | undefined> {
  if (deps.inUseIndex === undefined) return undefined;
  return deps.inUseIndex.lookUpInUse(
    {
      registryId: input.image.registryId ?? input.account,
      region: input.region,
      repositoryName: input.image.repositoryName,
    },
    input.image.imageDigest,
  );
}

/**
 * The same transitions decided from the same ledger state give the same key. A registry other than
 * the deployment's own adds its account and region to what is hashed (the deployment's own keys are
 * unchanged, so that alerts already done stay done).
 */
export function alertKey(
  image: ImageIdentity,
  alerting: readonly { previous: LedgerEntry | undefined; next: LedgerEntry; change?: string }[],
  place?: RegistryPlace,
): string {
  const parts = alerting
    .map(
      (u) => `${u.next.vulnerabilityId}:${u.change}:${u.previous?.version ?? 0}:${u.next.finding.severity}`,
    )
    .sort();
  const hash = createHash('sha256')
    .update(
      [
        ...(place === undefined ? [] : [`${place.account}/${place.region}`]),
        image.repositoryName,
        image.imageDigest,
        ...parts,
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 32);
  return idempotencyKey('vulnerability-alert', hash);
}
