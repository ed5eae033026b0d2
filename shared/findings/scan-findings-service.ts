import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { assertClaimsAgreeWithEnvelope } from '../events/envelope-agreement';
import { EventValidationError } from '../events/event-validation-error';
import type { GovernanceEvent } from '../events/governance';
import { assertGoverned, type GovernedScope, ownScope } from '../events/governed-scope';
import type { QueueMessage } from '../events/queue-message';
import type {
  EcrImageScanEvent,
  InspectorFindingEvent,
  InspectorScanEvent,
  ScanFindingsEvent,
  ScheduledDigestEvent,
} from '../events/scan-events';
import { parseRepositoryArn, parseScanFindingsEvent, scanFindingsEventClaims } from '../events/scan-events';
import { buildTargetMessage, parseTargetMessage } from '../events/target-message';
import { directoryScope, type GovernedAccount, governedTargets } from '../organization/governed-accounts';
import { idempotencyKey, type RegistryPlace } from '../state/state-keys';
import type { ImageIdentity, ImageScanResult, ImageUsage } from './finding';
import { decideTransition, type Observation } from './findings-ledger';
import {
  type ImageObservations,
  publishOnce,
  type RecordFindingsDependencies,
  type RecordSummary,
  recordImageFindings,
} from './record-image-findings';
import {
  governedAccount,
  isHome,
  PlaceUnreachableError,
  reportAccountUnreachable,
  type ScanFindingsHub,
  type ScanFindingsOrganization,
} from './scan-findings-hub';
import { containerImagesOf, fromEnhancedFinding, usageOf } from './scan-findings-input';
import { buildVulnerabilityDigest } from './vulnerability-digest';

/**
 * What scanFindings does with each event kind. The AWS side comes in through ports (the ledger, the
 * scan reader, the publisher, the once-only runner), implemented in shared/aws/ and replaced by the
 * simulator and dynalite in tests.
 */

/** The image whose scan to read, by digest or tag; in another account's registry with registryId. */
export interface ImageScanRequest {
  repositoryName: string;
  image: { imageDigest: string } | { imageTag: string };
  registryId?: string;
  /** Tags to report for the image when the caller knows them better (e.g. from the event). */
  imageTags?: string[];
}

/** An image's scan result as DescribeImageScanFindings gives it, or why there is none. */
export type ScanFindingsRead =
  | { outcome: 'found'; result: ImageScanResult }
  | { outcome: 'scan-not-found' | 'image-not-found' | 'repository-not-found'; message: string };

export interface ImageScanSource {
  read(request: ImageScanRequest): Promise<ScanFindingsRead>;
}

export interface ScanFindingsDependencies extends RecordFindingsDependencies {
  /** The accounts and regions whose scan events are handled; any other is an UngovernedEventError. */
  scope: GovernedScope;
  scans: ImageScanSource;
  /** Suppressions expiring within this many days are listed in the digest. */
  expiringWithinDays: number;
  /** The alias of the account being handled (Organizations hub), when known: alerts carry it. */
  accountAlias?: string;
  /**
   * An Organizations hub (config `organization`): scan events of every governed account × region,
   * the digest fanned out per account × region. Absent: exactly the single-account behaviour.
   */
  organization?: ScanFindingsOrganization;
}

export type ScanFindingsOutcome =
  | ({ action: 'recorded' } & RecordSummary)
  | { action: 'skipped'; reason: string }
  | { action: 'digest'; published: boolean; repositories: number; event: GovernanceEvent }
  /** The hub's schedule: one digest target message per governed account × region. */
  | { action: 'digest-targets'; targets: number }
  /** A digest target whose account cannot be reached: Account Unreachable instead of the digest. */
  | { action: 'unreachable'; account: string; region: string; reported: boolean; reason: string };

/** Scan statuses whose findings are current: basic COMPLETE, enhanced ACTIVE. */
export const CURRENT_SCAN_STATUSES: ReadonlySet<string> = new Set(['COMPLETE', 'ACTIVE']);
/** A scan that has not finished yet: its completion sends its own event (basic) or finding events. */
export const PENDING_SCAN_STATUSES: ReadonlySet<string> = new Set(['IN_PROGRESS', 'PENDING']);

/** `ECR Image Scan` (basic scanning): read the findings the event announces and record them. */
export async function handleEcrImageScan(
  event: EcrImageScanEvent,
  deps: ScanFindingsDependencies,
): Promise<ScanFindingsOutcome> {
  const detail = event.detail;
  if (detail['scan-status'] !== 'COMPLETE') {
    return { action: 'skipped', reason: `scan-status ${detail['scan-status']}: no findings to read` };
  }
  return recordScan(
    {
      account: event.account,
      region: event.region,
      repositoryName: detail['repository-name'],
      imageDigest: detail['image-digest'],
      imageTags: detail['image-tags'],
      eventTime: event.time,
    },
    deps,
  );
}

/** `Inspector2 Scan` (enhanced, first scan of an image): its repository-name is the repository ARN. */
export async function handleInspectorScan(
  event: InspectorScanEvent,
  deps: ScanFindingsDependencies,
): Promise<ScanFindingsOutcome> {
  const detail = event.detail;
  const repository = parseRepositoryArn(detail['repository-name']);
  if (repository === undefined) {
    throw new EventValidationError('Inspector2 Scan', event.id, [
      'detail.repository-name: not a repository ARN',
    ]);
  }
  if (detail['scan-status'] !== 'INITIAL_SCAN_COMPLETE') {
    return { action: 'skipped', reason: `scan-status ${detail['scan-status']}` };
  }
  return recordScan(
    {
      account: event.account,
      region: event.region,
      repositoryName: repository.repositoryName,
      registryId: repository.accountId,
      imageDigest: detail['image-digest'],
      imageTags: detail['image-tags'],
      eventTime: event.time,
    },
    deps,
  );
}

/**
 * `Inspector2 Finding`: one finding, created, updated or closed. When it changes nothing the ledger
 * knows (a replay, a re-observation), that is all. When it would alert, the image's other findings are
 * read too (DescribeImageScanFindings, enhanced), so that the first scan of an image, which Inspector
 * reports as one event per finding, becomes one alert for the image rather than one per CVE; the
 * events that follow find their findings recorded and alert nothing.
 */
export async function handleInspectorFinding(
  event: InspectorFindingEvent,
  deps: ScanFindingsDependencies,
): Promise<ScanFindingsOutcome> {
  const detail = event.detail;
  const ecrImage = containerImagesOf(detail)[0];
  if (ecrImage === undefined)
    return { action: 'skipped', reason: 'not an Amazon ECR container image finding' };
  if (detail.type !== 'PACKAGE_VULNERABILITY')
    return { action: 'skipped', reason: `finding type ${detail.type}` };
  const problems = [
    ecrImage.repositoryName === undefined
      ? 'detail.resources[0].details.awsEcrContainerImage.repositoryName: is required'
      : '',
    ecrImage.imageHash === undefined || !/^sha256:[0-9a-f]{64}$/.test(ecrImage.imageHash)
      ? 'detail.resources[0].details.awsEcrContainerImage.imageHash: must be a sha256 image digest'
      : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new EventValidationError('Inspector2 Finding', event.id, problems);

  const image: ImageIdentity = {
    repositoryName: ecrImage.repositoryName as string,
    imageDigest: ecrImage.imageHash as string,
    imageTags: [...(ecrImage.imageTags ?? [])],
    ...(ecrImage.registry === undefined ? {} : { registryId: ecrImage.registry }),
  };
  const finding = fromEnhancedFinding(detail);
  const observation: Observation = { finding, observedAt: finding.updatedAt ?? event.time };
  let observations: Observation[] = [observation];
  let usage: ImageUsage = usageOf([detail]);

  const now = deps.now();
  const entries = await deps.ledger.readImage(image.repositoryName, image.imageDigest);
  const transition = decideTransition(
    entries.find((entry) => entry.vulnerabilityId === finding.vulnerabilityId),
    observation,
    {
      isAlertable: (f) => deps.policy.isAlertable(image.repositoryName, f, now),
      alertOnClosed: deps.policy.alertOnClosed,
      repositoryName: image.repositoryName,
      imageDigest: image.imageDigest,
      scanType: 'ENHANCED',
      now,
    },
  );
  if (transition.kind !== 'update') return { action: 'skipped', reason: `finding ${transition.kind}` };

  if (transition.change !== undefined && transition.change !== 'closed') {
    const read = await deps.scans.read({
      repositoryName: image.repositoryName,
      image: { imageDigest: image.imageDigest },
      ...(image.registryId === undefined ? {} : { registryId: image.registryId }),
      imageTags: image.imageTags,
    });
    if (read.outcome === 'found' && CURRENT_SCAN_STATUSES.has(read.result.scanStatus)) {
      const others = observationsOf(read.result, event.time).filter(
        (o) => o.finding.vulnerabilityId !== finding.vulnerabilityId,
      );
      const fromScan = observationsOf(read.result, event.time).find(
        (o) => o.finding.vulnerabilityId === finding.vulnerabilityId,
      );
      // The event's own finding wins unless the API already has a newer observation of it.
      const own =
        fromScan !== undefined && fromScan.observedAt > observation.observedAt ? fromScan : observation;
      observations = [own, ...others];
      usage = mergeUsage(usage, read.result.usage);
    }
  }
  const summary = await recordImageFindings(
    {
      account: event.account,
      ...(deps.accountAlias === undefined ? {} : { accountAlias: deps.accountAlias }),
      region: event.region,
      image,
      scanType: 'ENHANCED',
      usage,
      observations,
    },
    deps,
  );
  return { action: 'recorded', ...summary };
}

/** The daily digest, once per UTC day whatever the retries. */
export async function sendVulnerabilityDigest(
  event: ScheduledDigestEvent,
  deps: ScanFindingsDependencies,
): Promise<ScanFindingsOutcome> {
  return publishDigest({ account: event.account, region: event.region }, deps);
}

/**
 * The digest of one registry (the deployment's own, or under a hub one governed account × region,
 * read from the hub's ledger: `deps.ledger` is that place's), once per UTC day and place.
 */
async function publishDigest(
  target: { account: string; region: string },
  deps: ScanFindingsDependencies,
): Promise<Extract<ScanFindingsOutcome, { action: 'digest' }>> {
  const now = deps.now();
  const names = (await deps.ledger.listRepositories()).sort();
  const index = deps.inUseIndex;
  const repositories = await mapWithConcurrency(names, 8, async (repositoryName) => ({
    repositoryName,
    entries: await deps.ledger.readRepository(repositoryName),
    // Where the repository's images run (one Query of its in-use index partition), when known.
    ...(index === undefined
      ? {}
      : {
          running: await index.lookUpRepository({
            registryId: target.account,
            region: target.region,
            repositoryName,
          }),
        }),
  }));
  const digest = buildVulnerabilityDigest({
    account: target.account,
    ...(deps.accountAlias === undefined ? {} : { accountAlias: deps.accountAlias }),
    region: target.region,
    now,
    policy: deps.policy,
    expiringWithinDays: deps.expiringWithinDays,
    repositories,
  });
  const date = now.toISOString().slice(0, 10);
  // Another place's digest of the day is its own: the key names the place (the own registry's is today's).
  const place = deps.place;
  const key =
    place === undefined
      ? idempotencyKey('vulnerability-digest', date)
      : idempotencyKey('vulnerability-digest', date, place.account, place.region);
  const outcome = await publishOnce(deps.once, key, () => deps.publisher.publish([digest]));
  return { action: 'digest', published: outcome === 'published', repositories: names.length, event: digest };
}

interface ScanTarget {
  account: string;
  region: string;
  repositoryName: string;
  registryId?: string;
  imageDigest: string;
  imageTags: string[];
  eventTime: string;
}

async function recordScan(target: ScanTarget, deps: ScanFindingsDependencies): Promise<ScanFindingsOutcome> {
  const read = await deps.scans.read({
    repositoryName: target.repositoryName,
    image: { imageDigest: target.imageDigest },
    ...(target.registryId === undefined ? {} : { registryId: target.registryId }),
    imageTags: target.imageTags,
  });
  if (read.outcome !== 'found') {
    // The image or its scan is gone since the event (deleted, scanning turned off): nothing to record.
    return { action: 'skipped', reason: `${read.outcome}: ${read.message}` };
  }
  const { result } = read;
  if (PENDING_SCAN_STATUSES.has(result.scanStatus)) {
    // A newer scan started since this event; its own completion is another event.
    return { action: 'skipped', reason: `scan ${result.scanStatus}: a newer scan is running` };
  }
  if (!CURRENT_SCAN_STATUSES.has(result.scanStatus)) {
    return {
      action: 'skipped',
      reason: `scan ${result.scanStatus}${result.scanStatusDescription ? `: ${result.scanStatusDescription}` : ''}`,
    };
  }
  const observations = observationsOf(result, target.eventTime);
  const input: ImageObservations = {
    account: target.account,
    ...(deps.accountAlias === undefined ? {} : { accountAlias: deps.accountAlias }),
    region: target.region,
    image: { ...result.image, imageTags: target.imageTags },
    scanType: result.scanType,
    usage: result.usage,
    observations,
  };
  // A basic scan's result replaces the last one: what it no longer reports was fixed (or the image rebuilt).
  if (result.scanType === 'BASIC') input.closeAbsentAt = result.completedAt ?? target.eventTime;
  const summary = await recordImageFindings(input, deps);
  return { action: 'recorded', ...summary };
}

function observationsOf(result: ImageScanResult, fallbackTime: string): Observation[] {
  const scanTime = result.completedAt ?? fallbackTime;
  return result.findings.map((finding) => ({
    finding,
    observedAt: result.scanType === 'ENHANCED' ? (finding.updatedAt ?? scanTime) : scanTime,
  }));
}

function mergeUsage(a: ImageUsage, b: ImageUsage): ImageUsage {
  const usage: ImageUsage = {};
  const count = a.inUseCount ?? b.inUseCount;
  if (count !== undefined) usage.inUseCount = Math.max(a.inUseCount ?? 0, b.inUseCount ?? 0);
  const last = [a.lastInUseAt, b.lastInUseAt]
    .filter((t): t is string => t !== undefined)
    .sort()
    .pop();
  if (last !== undefined) usage.lastInUseAt = last;
  return usage;
}

/**
 * Validates an event (EventValidationError when malformed, UngovernedEventError when it claims an
 * account or region outside `deps.scope`: before any read or write) and handles it by kind.
 */
export async function processScanFindingsEvent(
  event: unknown,
  deps: ScanFindingsDependencies,
): Promise<{ eventId: string; detailType: string; outcome: ScanFindingsOutcome }> {
  const parsed = parseScanFindingsEvent(event);
  const meta = { eventId: parsed.event.id, detailType: parsed.event['detail-type'] };
  if (deps.organization !== undefined) {
    return { ...meta, outcome: await processHubEvent(parsed, deps, await deps.organization.open()) };
  }
  assertGoverned(deps.scope, { kind: meta.detailType, id: meta.eventId }, scanFindingsEventClaims(parsed));
  return { ...meta, outcome: await handleScanEvent(parsed, deps) };
}

function handleScanEvent(parsed: ScanFindingsEvent, deps: ScanFindingsDependencies) {
  switch (parsed.kind) {
    case 'ecr-image-scan':
      return handleEcrImageScan(parsed.event, deps);
    case 'inspector-scan':
      return handleInspectorScan(parsed.event, deps);
    case 'inspector-finding':
      return handleInspectorFinding(parsed.event, deps);
    case 'schedule':
      return sendVulnerabilityDigest(parsed.event, deps);
  }
}

/**
 * As a hub (issue 15). The schedule is the hub's own (its rule, its account and region): it queues
 * one digest target per governed account × region. A scan event is forwarded from a member account:
 * its account and region must be governed and every claim in it must agree with the envelope (a
 * member cannot speak for another account), then its findings are read in that account × region and
 * recorded in that place's ledger. A member role that cannot be assumed fails the event (it is
 * retried, then kept in the failure queue, to be redriven once the role is fixed) after one
 * Account Unreachable report per account × region and UTC day.
 */
async function processHubEvent(
  parsed: ScanFindingsEvent,
  deps: ScanFindingsDependencies,
  hub: ScanFindingsHub,
): Promise<ScanFindingsOutcome> {
  const event = parsed.event;
  const claims = scanFindingsEventClaims(parsed);
  const described = { kind: event['detail-type'], id: event.id };
  if (parsed.kind === 'schedule') {
    assertGoverned(ownScope(hub.home), described, claims);
    return queueDigestTargets(parsed.event.id, hub);
  }
  assertGoverned(directoryScope(hub.directory, hub.regions), described, claims);
  assertClaimsAgreeWithEnvelope({ ...described, account: event.account, region: event.region }, claims);
  const account = governedAccount(hub.directory, event.account);
  const placeDeps = atPlace(deps, hub, account, event.region);
  try {
    return await handleScanEvent(parsed, placeDeps);
  } catch (error) {
    if (error instanceof PlaceUnreachableError) {
      await reportAccountUnreachable(hub, {
        // Events have no run: one report per account × region and UTC day, however many events fail.
        runId: `events-${deps.now().toISOString().slice(0, 10)}`,
        work: 'event',
        account,
        region: event.region,
        error,
      });
    }
    throw error;
  }
}

/** The hub's daily schedule: the digest of each governed account × region is one queue message. */
async function queueDigestTargets(runId: string, hub: ScanFindingsHub): Promise<ScanFindingsOutcome> {
  const messages = governedTargets(hub.directory, hub.regions).map(({ account, region }) =>
    buildTargetMessage('vulnerability-digest', { account: account.id, region }, runId),
  );
  await hub.sendTargets(messages);
  return { action: 'digest-targets', targets: messages.length };
}

/**
 * One digest target message (the hub's target queue): the digest of that account × region, from the
 * hub's ledger. The digest itself reads nothing in the member account, but its findings come from
 * reads there (every alert reads DescribeImageScanFindings through the member role): when the role
 * cannot be assumed those reads fail, the ledger stops changing, and a digest would present stale
 * findings as today's. So the role is checked first (one AssumeRole per account per invocation), and
 * an unreachable account gets its Account Unreachable report instead of a digest.
 */
export async function processDigestTarget(
  message: QueueMessage,
  deps: ScanFindingsDependencies,
): Promise<ScanFindingsOutcome> {
  if (deps.organization === undefined) {
    throw new EventValidationError('vulnerability-digest target message', message.messageId, [
      "this deployment has no `organization` section: digest targets are an Organizations hub's",
    ]);
  }
  const target = parseTargetMessage(message, 'vulnerability-digest');
  const hub = await deps.organization.open();
  assertGoverned(
    directoryScope(hub.directory, hub.regions),
    { kind: 'vulnerability-digest target', id: message.messageId },
    [
      { field: 'account', account: target.account },
      { field: 'region', region: target.region },
    ],
  );
  const account = governedAccount(hub.directory, target.account);
  try {
    await hub.checkReachable(target.account);
  } catch (error) {
    if (!(error instanceof PlaceUnreachableError)) throw error;
    const reported = await reportAccountUnreachable(hub, {
      runId: target.runId,
      work: 'vulnerability-digest',
      account,
      region: target.region,
      error,
    });
    return {
      action: 'unreachable',
      account: target.account,
      region: target.region,
      reported,
      reason: error.unreachable.reason,
    };
  }
  return publishDigest(target, atPlace(deps, hub, account, target.region));
}

/** The dependencies of one governed account × region: its ledger, reader, policy, alias and keys. */
function atPlace(
  deps: ScanFindingsDependencies,
  hub: ScanFindingsHub,
  account: GovernedAccount,
  region: string,
): ScanFindingsDependencies {
  const place: RegistryPlace = { account: account.id, region };
  const at = hub.at({ account, region });
  const { place: _ownPlace, accountAlias: _ownAlias, ...rest } = deps;
  return {
    ...rest,
    ledger: at.ledger,
    scans: at.scans,
    policy: at.policy,
    ...(account.alias === undefined ? {} : { accountAlias: account.alias }),
    ...(isHome(hub, place) ? {} : { place }),
  };
}
