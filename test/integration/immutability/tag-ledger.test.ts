import { imageManifest } from '../../../local/registry-sim';
import { tagLedger } from '../../../shared/state/state-keys';
import { pushEvent, scheduledEvent } from '../../support/repository-guard-events';
import { ACCOUNT, useGuardWorld } from './guard-harness';

// The tag ledger: PUSH events (and the sweep) against the registry simulator and dynalite. Out-of-order,
// duplicate and replayed events never raise a false alarm; a protected tag that moves alerts once.

const world = useGuardWorld();
const REPOSITORY = 'payments/worker';
const URI = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}`;
const GUARD = {
  rules: [{ repositories: ['payments/**'], mode: 'MUTABLE', protectedTags: ['v*.*.*'] }],
};

/** Pushes a new image with `tag` at `time` through the simulated ECR; returns its digest. */
function push(seed: string, tag: string, time: string): string {
  return world.sim.pushImage({
    repositoryName: REPOSITORY,
    manifest: imageManifest({ seed }),
    tags: [tag],
    pushedAt: time,
  }).image.digest;
}

/** The PUSH event ECR sends for `digest` tagged `tag` in REPOSITORY at `time`. */
function pushOf(digest: string, tag: string, time: string) {
  return pushEvent({ repositoryName: REPOSITORY, tag, digest, time });
}

/**
 * v1.4.2 pushed as build-1 on 1 October, its PUSH recorded, then pushed again as build-2 on 20 October:
 * both digests, and the PUSH of the move (not recorded yet).
 */
async function tagMovedLater(guard: ReturnType<typeof world.guard>) {
  const before = push('build-1', 'v1.4.2', '2026-10-01T10:00:00Z');
  await guard.recordPush(pushOf(before, 'v1.4.2', '2026-10-01T10:00:00Z'));
  const after = push('build-2', 'v1.4.2', '2026-10-20T08:30:00Z');
  return { before, after, moved: pushOf(after, 'v1.4.2', '2026-10-20T08:30:00Z') };
}

describe('tag ledger', () => {
  beforeEach(() => {
    world.sim.addRepository(REPOSITORY, { imageTagMutability: 'MUTABLE' });
  });

  it('alerts once when a protected tag moves in a mutable repository, with the old image still running', async () => {
    const guard = world.guard(GUARD);
    const before = push('build-1', 'v1.4.2', '2026-10-01T10:00:00Z');
    world.sim.registerTaskDefinition({
      family: 'worker',
      containers: [{ name: 'worker', image: `${URI}:v1.4.2` }],
    });
    world.sim.createService({
      cluster: 'prod',
      serviceName: 'worker',
      taskDefinition: 'worker:1',
      runningTasks: 2,
    });
    await guard.recordPush(pushOf(before, 'v1.4.2', '2026-10-01T10:00:00Z'));
    const after = push('build-2', 'v1.4.2', '2026-10-20T08:30:00Z');

    const result = await guard.recordPush(pushOf(after, 'v1.4.2', '2026-10-20T08:30:00Z'));

    expect(result).toEqual({ status: 'moved', alerted: true });
    expect(world.details('Tag Moved')).toEqual([
      expect.objectContaining({
        repositoryName: REPOSITORY,
        imageTag: 'v1.4.2',
        previousDigest: before,
        newDigest: after,
        pushedAt: '2026-10-20T08:30:00.000Z',
        previousDigestInUse: true,
        severity: 'critical',
      }),
    ]);
  });

  it('does not alert again when the same PUSH is replayed or delivered twice', async () => {
    const guard = world.guard(GUARD);
    const { moved } = await tagMovedLater(guard);
    await guard.recordPush(moved);

    const replays = [await guard.recordPush(moved), await guard.recordPush(structuredClone(moved))];

    expect(replays).toEqual([
      { status: 'unchanged', alerted: false },
      { status: 'unchanged', alerted: false },
    ]);
    expect(world.details('Tag Moved')).toHaveLength(1);
  });

  it('keeps an older PUSH that arrives late in the history only: no alarm, the head stays', async () => {
    const guard = world.guard(GUARD);
    const first = push('build-1', 'v2.0.0', '2026-10-01T10:00:00Z');
    await guard.recordPush(pushOf(first, 'v2.0.0', '2026-10-01T10:00:00Z'));
    const second = push('build-2', 'v2.0.0', '2026-10-02T10:00:00Z');
    const third = push('build-3', 'v2.0.0', '2026-10-03T10:00:00Z');
    await guard.recordPush(pushOf(third, 'v2.0.0', '2026-10-03T10:00:00Z'));

    const late = await guard.recordPush(pushOf(second, 'v2.0.0', '2026-10-02T10:00:00Z'));

    expect(late).toEqual({ status: 'late', alerted: false });
    expect(world.details('Tag Moved').map((detail) => [detail.previousDigest, detail.newDigest])).toEqual([
      [first, third],
    ]);
    const head = await world.store.get(tagLedger.head(REPOSITORY, 'v2.0.0'));
    expect(head?.digest).toBe(third);
    const history = await world.store.query({
      pk: tagLedger.partition(REPOSITORY),
      skPrefix: tagLedger.tagPrefix('v2.0.0'),
    });
    expect(history.map((item) => item.digest)).toEqual([first, second, third]);
  });

  it('records a move of an unprotected tag without alerting', async () => {
    const guard = world.guard(GUARD);
    const before = push('build-1', 'latest', '2026-10-01T10:00:00Z');
    await guard.recordPush(pushOf(before, 'latest', '2026-10-01T10:00:00Z'));
    const after = push('build-2', 'latest', '2026-10-02T10:00:00Z');

    const result = await guard.recordPush(pushOf(after, 'latest', '2026-10-02T10:00:00Z'));

    expect(result).toEqual({ status: 'moved', alerted: false });
    expect(world.details('Tag Moved')).toEqual([]);
  });

  it('settles two pushes of one tag within the same second by asking ECR where the tag points now', async () => {
    const guard = world.guard(GUARD);
    const first = push('build-1', 'v3.0.0', '2026-10-05T12:00:00Z');
    const second = push('build-2', 'v3.0.0', '2026-10-05T12:00:00Z');
    await guard.recordPush(pushOf(second, 'v3.0.0', '2026-10-05T12:00:00Z'));

    const earlier = await guard.recordPush(pushOf(first, 'v3.0.0', '2026-10-05T12:00:00Z'));

    expect(earlier).toEqual({ status: 'late', alerted: false });
    expect(world.details('Tag Moved')).toEqual([]);
  });

  it('handles a PUSH for a repository deleted since without failing', async () => {
    const guard = world.guard({ rules: [{ repositories: ['gone/**'], protectedTags: ['v*.*.*'] }] });

    const result = await guard.recordPush(
      pushEvent({
        repositoryName: 'gone/app',
        tag: 'v1.0.0',
        digest: `sha256:${'a'.repeat(64)}`,
        time: '2026-10-01T10:00:00Z',
      }),
    );

    expect(result).toEqual({ status: 'repository-gone', repositoryName: 'gone/app' });
    expect(world.published).toEqual([]);
  });

  it('ignores untagged pushes and repositories no rule covers', async () => {
    const guard = world.guard(GUARD);
    const digest = push('build-1', 'v1.0.0', '2026-10-01T10:00:00Z');

    const results = [
      await guard.recordPush(pushEvent({ repositoryName: REPOSITORY, digest, time: '2026-10-01T10:00:00Z' })),
      await guard.recordPush(
        pushEvent({ repositoryName: 'other/app', tag: 'v1.0.0', digest, time: '2026-10-01T10:00:00Z' }),
      ),
    ];

    expect(results).toEqual([
      { status: 'ignored', reason: 'an untagged push moves no tag' },
      { status: 'ignored', reason: 'no immutability rule covers other/app' },
    ]);
    expect(world.env.calls.count()).toBe(0);
  });

  it('sends an alert that a failed run wrote down but could not publish, when the event comes back', async () => {
    const guard = world.guard(GUARD);
    const { before, after, moved } = await tagMovedLater(guard);
    world.failNextPublish(new Error('EventBridge unreachable'));
    await expect(guard.recordPush(moved)).rejects.toThrow('EventBridge unreachable');

    const retried = await guard.recordPush(moved);

    expect(retried).toEqual({ status: 'unchanged', alerted: true });
    expect(world.details('Tag Moved')).toEqual([
      expect.objectContaining({ previousDigest: before, newDigest: after }),
    ]);
    expect(await guard.recordPush(moved)).toEqual({ status: 'unchanged', alerted: false });
  });

  it('seeds the ledger on first sight without alerting, and the sweep catches a move whose PUSH event never came', async () => {
    const guard = world.guard(GUARD);
    const before = push('build-1', 'v1.0.0', '2026-10-01T10:00:00Z');
    push('build-1', 'latest', '2026-10-01T10:00:00Z');
    const seeding = await guard.sweep(scheduledEvent('2026-10-02T00:00:00Z'));
    const after = push('build-2', 'v1.0.0', '2026-10-02T09:00:00Z');

    const next = await guard.sweep(scheduledEvent('2026-10-03T00:00:00Z'));

    expect(seeding).toMatchObject({ tagsSeeded: 2, tagMoves: 0 });
    expect(next).toMatchObject({ tagsSeeded: 0, tagMoves: 1 });
    expect(world.details('Tag Moved')).toEqual([
      expect.objectContaining({
        imageTag: 'v1.0.0',
        previousDigest: before,
        newDigest: after,
        pushedAt: '2026-10-02T09:00:00.000Z',
        previousDigestInUse: false,
      }),
    ]);
  });
});
