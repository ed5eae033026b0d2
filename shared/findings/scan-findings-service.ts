import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EventValidationError } from '../events/event-validation-error';
import type { GovernanceEvent } from '../events/governance';
import { assertGoverned, type GovernedScope } from '../events/governed-scope';
import type {
  EcrImageScanEvent,
  InspectorFindingEvent,
  InspectorScanEvent,
  ScheduledDigestEvent,
} from '../events/scan-events';
import { parseRepositoryArn, parseScanFindingsEvent, scanFindingsEventClaims } from '../events/scan-events';
import { idempotencyKey } from '../state/state-keys';
import type { ImageIdentity, ImageScanResult, ImageUsage } from './finding';
import { decideTransition, type Observation } from './findings-ledger';
import {
  type ImageObservations,
  publishOnce,
  type RecordFindingsDependencies,
  type RecordSummary,
  recordImageFindings,
} from './record-image-findings';
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
}

export type ScanFindingsOutcome =
  | ({ action: 'recorded' } & RecordSummary)
  | { action: 'skipped'; reason: string }
  | { action: 'digest'; published: boolean; repositories: number; event: GovernanceEvent };

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
    { account: event.account, region: event.region, image, scanType: 'ENHANCED', usage, observations },
    deps,
  );
  return { action: 'recorded', ...summary };
}

/** The daily digest, once per UTC day whatever the retries. */
export async function sendVulnerabilityDigest(
  event: ScheduledDigestEvent,
  deps: ScanFindingsDependencies,
): Promise<ScanFindingsOutcome> {
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
            registryId: event.account,
            region: event.region,
            repositoryName,
          }),
        }),
  }));
  const digest = buildVulnerabilityDigest({
    account: event.account,
    region: event.region,
    now,
    policy: deps.policy,
    expiringWithinDays: deps.expiringWithinDays,
    repositories,
  });
  const date = now.toISOString().slice(0, 10);
  const outcome = await publishOnce(deps.once, idempotencyKey('vulnerability-digest', date), () =>
    deps.publisher.publish([digest]),
  );
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
  assertGoverned(deps.scope, { kind: meta.detailType, id: meta.eventId }, scanFindingsEventClaims(parsed));
  switch (parsed.kind) {
    case 'ecr-image-scan':
      return { ...meta, outcome: await handleEcrImageScan(parsed.event, deps) };
    case 'inspector-scan':
      return { ...meta, outcome: await handleInspectorScan(parsed.event, deps) };
    case 'inspector-finding':
      return { ...meta, outcome: await handleInspectorFinding(parsed.event, deps) };
    case 'schedule':
      return { ...meta, outcome: await sendVulnerabilityDigest(parsed.event, deps) };
  }
}
