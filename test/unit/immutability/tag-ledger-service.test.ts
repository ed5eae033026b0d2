import type { RepositoryBaseline } from '../../../shared/immutability/desired-state';
import type {
  DigestUsagePort,
  NewTagHead,
  RegistryPort,
  StoredTagHead,
  TagLedgerPort,
} from '../../../shared/immutability/ports';
import {
  createTagLedgerService,
  TagLedgerContentionError,
} from '../../../shared/immutability/tag-ledger-service';
import type { StructuredLogger } from '../../../shared/logger';
import { createRecordingPublisher } from '../../support/recording-publisher';

/**
 * The tag-ledger service on its own, against an in-memory ledger: the pending "Tag Moved" alert (the
 * head's outbox) and the conditional-write retry, which the integration tests reach only through a
 * whole guard.
 */

const REPOSITORY = 'payments/api';
const OLD_DIGEST = `sha256:${'a'.repeat(64)}`;
const NEW_DIGEST = `sha256:${'b'.repeat(64)}`;
const silentLogger: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The part of a compiled baseline the service reads: which tags are protected. */
function protecting(...tags: string[]): RepositoryBaseline {
  return {
    protectedTags: tags,
    isProtectedTag: (tag: string) => tags.includes(tag),
  } as unknown as RepositoryBaseline;
}
const protectsProd = protecting('prod');

function createWorld(options: { conflictingWrites?: number; usage?: DigestUsagePort } = {}) {
  const heads = new Map<string, StoredTagHead>();
  const calls: string[] = [];
  let conflicts = options.conflictingWrites ?? 0;
  const tagLedger: TagLedgerPort = {
    async readHead(_repositoryName, tag) {
      calls.push(`readHead ${tag}`);
      const head = heads.get(tag);
      return head === undefined ? undefined : { ...head };
    },
    async isSeeded() {
      return true;
    },
    async seed() {
      return 0;
    },
    async writeHead(_repositoryName, tag, head: NewTagHead, expectedVersion) {
      calls.push(`writeHead ${tag}`);
      if (conflicts > 0) {
        conflicts -= 1;
        return undefined;
      }
      if (heads.get(tag)?.version !== expectedVersion) return undefined;
      const version = (expectedVersion ?? 0) + 1;
      heads.set(tag, { ...head, version });
      return version;
    },
    async markAlertSent(_repositoryName, tag, version) {
      calls.push(`markAlertSent ${tag}`);
      const head = heads.get(tag);
      if (head?.version === version) heads.set(tag, { ...head, alert: 'sent' });
    },
    async recordHistory(_repositoryName, tag) {
      calls.push(`recordHistory ${tag}`);
    },
  };
  const registry = {
    digestOfTag: async () => NEW_DIGEST,
    taggedImages: async () => [],
  } as unknown as RegistryPort;
  const { publisher, published, failNextPublish } = createRecordingPublisher((events) => {
    calls.push(`publish ${events.length}`);
  });
  const service = createTagLedgerService(
    { account: '123456789012', region: 'us-east-1' },
    {
      registry,
      tagLedger,
      usage: options.usage ?? { isInUse: async () => true },
      publisher,
      logger: silentLogger,
    },
  );
  heads.set('prod', {
    digest: OLD_DIGEST,
    observedAt: '2026-12-01T00:00:00.000Z',
    pushedAt: '2026-12-01T00:00:00.000Z',
    version: 1,
  });
  return {
    heads,
    calls,
    published,
    service,
    failNextPublish,
  };
}

const pushOfNewDigest = {
  tag: 'prod',
  digest: NEW_DIGEST,
  observedAt: '2026-12-02T00:00:00.000Z',
  pushedAt: '2026-12-02T00:00:00.000Z',
};

/** The push that moves `prod` to the new digest, observed through the service. */
function pushNewDigest(world: ReturnType<typeof createWorld>, baseline = protectsProd) {
  return world.service.observeTag(REPOSITORY, baseline, pushOfNewDigest, 'push', 'event-1');
}

describe('tag-ledger service', () => {
  it('says in the Tag Moved event where the previous image still runs, when the usage port knows', async () => {
    const runningIn = {
      summary: '3 pods in prod-eks/payments',
      places: [
        {
          kind: 'in-use-kubernetes-pod' as const,
          state: 'running' as const,
          cluster: 'prod-eks',
          namespace: 'payments',
          name: 'payments',
          count: 3,
        },
      ],
      placeCount: 1,
      asOf: '2026-12-02T00:00:00.000Z',
    };
    const asked: string[] = [];
    const world = createWorld({
      usage: {
        isInUse: async () => null,
        whereInUse: async (_repositoryName, digest) => {
          asked.push(digest);
          return { inUse: true, runningIn };
        },
      },
    });

    await pushNewDigest(world);

    expect(asked).toEqual([OLD_DIGEST]);
    expect(world.published.map((event) => event.detail)).toEqual([
      expect.objectContaining({ previousDigestInUse: true, previousDigestRunningIn: runningIn }),
    ]);
  });

  it('writes the move of a protected tag with a pending alert, publishes it, then marks it sent', async () => {
    const world = createWorld();

    const result = await pushNewDigest(world);

    expect(result).toEqual({ status: 'moved', alerted: true });
    expect(world.calls).toEqual([
      'readHead prod',
      'writeHead prod',
      'recordHistory prod',
      'publish 1',
      'markAlertSent prod',
    ]);
    expect(world.published[0]).toMatchObject({
      detailType: 'Tag Moved',
      detail: {
        imageTag: 'prod',
        previousDigest: OLD_DIGEST,
        newDigest: NEW_DIGEST,
        previousDigestInUse: true,
      },
    });
    expect(world.heads.get('prod')).toMatchObject({
      digest: NEW_DIGEST,
      alert: 'sent',
      previousDigest: OLD_DIGEST,
    });
  });

  it('keeps the alert pending when publishing fails, and the replay of the push sends it once', async () => {
    const world = createWorld();
    world.failNextPublish(new Error('EventBridge unreachable'));

    await expect(pushNewDigest(world)).rejects.toThrow('EventBridge unreachable');
    expect(world.heads.get('prod')).toMatchObject({ digest: NEW_DIGEST, alert: 'pending' });
    expect(world.published).toHaveLength(0);

    const replay = await pushNewDigest(world);
    const again = await pushNewDigest(world);

    expect(replay).toEqual({ status: 'unchanged', alerted: true });
    expect(again).toEqual({ status: 'unchanged', alerted: false });
    expect(world.published).toHaveLength(1);
    expect(world.published[0]?.detail).toMatchObject({ previousDigest: OLD_DIGEST, newDigest: NEW_DIGEST });
    expect(world.heads.get('prod')?.alert).toBe('sent');
  });

  it('reads the head again when another writer got there first, and alerts once', async () => {
    const world = createWorld({ conflictingWrites: 2 });

    const result = await pushNewDigest(world);

    expect(result).toEqual({ status: 'moved', alerted: true });
    expect(world.calls.filter((call) => call === 'readHead prod')).toHaveLength(3);
    expect(world.published).toHaveLength(1);
  });

  it('gives up with TagLedgerContentionError after five conflicting writes, publishing nothing', async () => {
    const world = createWorld({ conflictingWrites: 5 });

    await expect(pushNewDigest(world)).rejects.toThrow(TagLedgerContentionError);
    expect(world.calls.filter((call) => call === 'writeHead prod')).toHaveLength(5);
    expect(world.published).toHaveLength(0);
    expect(world.heads.get('prod')?.digest).toBe(OLD_DIGEST);
  });

  it('moves an unprotected tag without an alert', async () => {
    const world = createWorld();

    const result = await pushNewDigest(world, protecting());

    expect(result).toEqual({ status: 'moved', alerted: false });
    expect(world.heads.get('prod')).toMatchObject({ digest: NEW_DIGEST, previousDigest: OLD_DIGEST });
    expect(world.heads.get('prod')?.alert).toBeUndefined();
    expect(world.published).toHaveLength(0);
  });
});
