import { EcrWardenError } from '../errors';
import type { GovernanceEventSink } from '../events/governance';
import type { StructuredLogger } from '../logger';
import type { RepositoryBaseline } from './desired-state';
import { buildTagMovedEvent } from './guard-events';
import type { DigestUsagePort, RegistryPort, StoredTagHead, TagLedgerPort } from './ports';
import { decideTagObservation } from './tag-ledger';

/**
 * The repository guard's tag-ledger service: where each tag points, learnt from PUSH events and the
 * sweep, ordered by the observations' own time (decideTagObservation), written with conditions, and a
 * "Tag Moved" event when a protected tag moves. The head's `alert: 'pending'` is the outbox of that
 * event: written with the move, cleared once the event is published.
 */

export interface TagLedgerServiceSettings {
  account: string;
  /** The account's alias when the hub knows one (issue 15): every governance event carries it. */
  accountAlias?: string | undefined;
  region: string;
}

export interface TagLedgerServicePorts {
  registry: RegistryPort;
  tagLedger: TagLedgerPort;
  usage: DigestUsagePort;
  publisher: GovernanceEventSink;
  logger: StructuredLogger;
}

export interface TagObservationInput {
  tag: string;
  digest: string;
  observedAt: string;
  pushedAt: string;
}

export interface TagObservationResult {
  status: 'new' | 'unchanged' | 'moved' | 'late';
  alerted: boolean;
}

/** A tag head kept changing under the guard (many pushes of one tag at once). */
export class TagLedgerContentionError extends EcrWardenError {
  override name = 'TagLedgerContentionError';
}

const MAX_HEAD_WRITE_ATTEMPTS = 5;

export type TagLedgerService = ReturnType<typeof createTagLedgerService>;

export function createTagLedgerService(settings: TagLedgerServiceSettings, ports: TagLedgerServicePorts) {
  const { registry, tagLedger, logger } = ports;

  /** The first observation of a repository: every tag ECR has now becomes a head. Returns heads written. */
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

  /** One observation of a tag through the ledger: ordered by its own time, written with conditions. */
  async function observeTag(
    repositoryName: string,
    baseline: RepositoryBaseline,
    observation: TagObservationInput,
    source: 'push' | 'sweep',
    eventId: string,
  ): Promise<TagObservationResult> {
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
          await publishTagMoved(settings, ports, repositoryName, tag, head);
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
        await publishTagMoved(settings, ports, repositoryName, tag, {
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

  return { ensureSeeded, observeTag, reconcileTags };
}

/** Publishes the "Tag Moved" event of a head's last move, then marks its alert sent (the outbox emptied). */
async function publishTagMoved(
  settings: TagLedgerServiceSettings,
  ports: TagLedgerServicePorts,
  repositoryName: string,
  tag: string,
  head: StoredTagHead,
): Promise<void> {
  if (head.previousDigest === undefined) return;
  const usage =
    ports.usage.whereInUse === undefined
      ? { inUse: await ports.usage.isInUse(repositoryName, head.previousDigest) }
      : await ports.usage.whereInUse(repositoryName, head.previousDigest, head.observedAt);
  const previousDigestInUse = usage.inUse;
  await ports.publisher.publish([
    buildTagMovedEvent({
      account: settings.account,
      accountAlias: settings.accountAlias,
      region: settings.region,
      repositoryName,
      imageTag: tag,
      previousDigest: head.previousDigest,
      newDigest: head.digest,
      pushedAt: head.pushedAt ?? head.observedAt,
      previousDigestInUse,
      ...(usage.runningIn === undefined ? {} : { previousDigestRunningIn: usage.runningIn }),
    }),
  ]);
  await ports.tagLedger.markAlertSent(repositoryName, tag, head.version);
  // The alert is the "Tag Moved" event; the log line is for the function's own trail.
  ports.logger.info('protected tag moved', {
    repositoryName,
    imageTag: tag,
    previousDigest: head.previousDigest,
    newDigest: head.digest,
    previousDigestInUse,
    ...(usage.runningIn === undefined ? {} : { previousDigestRunningIn: usage.runningIn.summary }),
  });
}
