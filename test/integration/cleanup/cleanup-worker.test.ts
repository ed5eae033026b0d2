// cleanupWorker's batch processing, end to end on the registry simulator: the real ECR, ECS and Lambda
// clients, the state table on dynalite, EventBridge recorded; evaluated at the simulator's clock.
import { BatchDeleteImageCommand, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import {
  attestationManifest,
  cosignSignature,
  imageIndex,
  imageManifest,
} from '../../../local/registry-sim/data/manifests';
import { createLambdaContext } from '../../support/lambda-context';
import { useStateTable } from '../../support/state-table';
import {
  cleanupConfig,
  cleanupRequest,
  createWorkerWorld,
  DAY_MS,
  EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS,
  holds,
  pushImage,
  sqsEvent,
  URI,
  type WorkerWorld,
} from './cleanup-worker-harness';

const table = useStateTable();
let world: WorkerWorld;
const context = () => createLambdaContext('ecr-warden-test-cleanupWorker');

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});
beforeEach(() => {
  world = createWorkerWorld(table);
  for (const name of ['team/app', 'team/a', 'team/b', 'team/c']) world.sim.addRepository(name);
});
afterEach(() => {
  world.restore();
  jest.restoreAllMocks();
});

/** The digests of every BatchDeleteImage request, call by call. */
function deleteCalls(): string[][] {
  return world.aws.mocks.ecr
    .commandCalls(BatchDeleteImageCommand)
    .map((call) => (call.args[0].input.imageIds ?? []).map((id) => id.imageDigest as string));
}

describe('cleanupWorker protections', () => {
  it('keeps the image a running ECS task still runs after its tag moved on, and deletes the rest', async () => {
    const { sim } = world;
    const running = pushImage(sim, 'team/app', 'v1-first-build', { tags: ['v1'] });
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.createService({ cluster: 'prod', serviceName: 'app', taskDefinition: 'app:1', runningTasks: 1 });
    // The tag moves to a rebuild: the service's next tasks get it, the running task keeps the old digest.
    const rebuilt = pushImage(sim, 'team/app', 'v1-rebuild', { tags: ['v1'], daysAgo: 20 });
    const stale = pushImage(sim, 'team/app', 'old-build', { daysAgo: 40 });

    const response = await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig()),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(holds(sim, 'team/app', running)).toBe(true);
    expect(holds(sim, 'team/app', rebuilt)).toBe(true);
    expect(holds(sim, 'team/app', stale)).toBe(false);
    const [report] = world.reports();
    expect(report?.topKeepReasons.map((reason) => reason.kind)).toEqual(
      expect.arrayContaining(['in-use-ecs-task', 'in-use-ecs-service']),
    );
  });

  it.each([
    {
      reason: 'in-use-ecs-service',
      arrange: (w: WorkerWorld) => {
        const digest = pushImage(w.sim, 'team/app', 'service-image', { tags: ['v2'] });
        w.sim.registerTaskDefinition({
          family: 'svc',
          containers: [{ name: 'app', image: `${URI}/team/app:v2` }],
        });
        w.sim.createService({
          cluster: 'prod',
          serviceName: 'svc',
          taskDefinition: 'svc:1',
          runningTasks: 0,
        });
        return digest;
      },
      overrides: {},
    },
    {
      reason: 'task-definition-revision',
      arrange: (w: WorkerWorld) => {
        const digest = pushImage(w.sim, 'team/app', 'revision-image', { tags: ['v3'] });
        w.sim.registerTaskDefinition({
          family: 'batch',
          containers: [{ name: 'job', image: `${URI}/team/app:v3` }],
        });
        return digest;
      },
      overrides: { protect: { tags: [], taskDefinitionRevisions: 1 } },
    },
    {
      reason: 'in-use-lambda',
      arrange: (w: WorkerWorld) => {
        const digest = pushImage(w.sim, 'team/app', 'lambda-image', { tags: ['v4'] });
        w.sim.createFunction({ functionName: 'nightly', imageUri: `${URI}/team/app:v4` });
        w.sim.publishVersion({ functionName: 'nightly' });
        w.sim.lambda().setAlias({ functionName: 'nightly', name: 'live', functionVersion: '1' });
        // The tag moves on; the function still runs the digest Lambda resolved.
        pushImage(w.sim, 'team/app', 'lambda-image-rebuild', { tags: ['v4'], daysAgo: 1 });
        return digest;
      },
      overrides: {},
    },
    {
      reason: 'protected-tag',
      arrange: (w: WorkerWorld) => pushImage(w.sim, 'team/app', 'release', { tags: ['release-2026.10'] }),
      overrides: {},
    },
    {
      reason: 'keep-at-least',
      arrange: (w: WorkerWorld) => pushImage(w.sim, 'team/app', 'newest-old-build', { daysAgo: 10 }),
      overrides: { keepAtLeast: 1 },
    },
  ])(
    'keeps an image protected by $reason while the policy expires its neighbours',
    async ({ reason, arrange, overrides }) => {
      const { sim } = world;
      const neighbour = pushImage(sim, 'team/app', 'neighbour', { daysAgo: 60 });
      const protectedDigest = arrange(world);

      await processCleanupBatch(
        sqsEvent([cleanupRequest('team/app')]),
        context(),
        world.dependencies(cleanupConfig(overrides)),
      );

      expect(holds(sim, 'team/app', protectedDigest)).toBe(true);
      expect(holds(sim, 'team/app', neighbour)).toBe(false);
      expect(world.reports()[0]?.topKeepReasons.map((r) => r.kind)).toContain(reason);
    },
  );

  it('keeps the children of a kept index and the signature of a kept image', async () => {
    const { sim } = world;
    const amd64 = imageManifest({ seed: 'release/amd64' });
    const arm64 = imageManifest({ seed: 'release/arm64' });
    const index = imageIndex({
      entries: [
        { image: amd64, platform: { architecture: 'amd64', os: 'linux' } },
        { image: arm64, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    const at = new Date(sim.clock.nowMs() - 30 * DAY_MS);
    for (const manifest of [amd64, arm64])
      sim.pushImage({ repositoryName: 'team/app', manifest, pushedAt: at });
    sim.pushImage({ repositoryName: 'team/app', manifest: index, tags: ['release-1'], pushedAt: at });
    const signature = cosignSignature(index, at.toISOString());
    sim.pushImage({ repositoryName: 'team/app', manifest: signature, pushedAt: at });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig()),
    );

    for (const digest of [index.digest, amd64.digest, arm64.digest, signature.digest]) {
      expect(holds(sim, 'team/app', digest)).toBe(true);
    }
    expect(world.aws.calls.count('BatchDeleteImage')).toBe(0);
    expect(world.reports()[0]?.topKeepReasons).toEqual(
      expect.arrayContaining([
        { kind: 'child-of-kept-index', count: 2 },
        { kind: 'referrer-of-kept-image', count: 1 },
        { kind: 'protected-tag', count: 1 },
      ]),
    );
  });
});

describe('cleanupWorker on multi-arch images', () => {
  function pushRelease(name: string, options: { tags: string[]; daysAgo: number }) {
    const { sim } = world;
    const at = new Date(sim.clock.nowMs() - options.daysAgo * DAY_MS);
    const amd64 = imageManifest({ seed: `${name}/amd64` });
    const arm64 = imageManifest({ seed: `${name}/arm64` });
    const amd64Attestation = attestationManifest({ seed: `${name}/amd64` });
    const index = imageIndex({
      entries: [
        { image: amd64, platform: { architecture: 'amd64', os: 'linux' }, attestation: amd64Attestation },
        { image: arm64, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    for (const manifest of [amd64, arm64, amd64Attestation]) {
      sim.pushImage({ repositoryName: 'team/app', manifest, pushedAt: at });
    }
    sim.pushImage({ repositoryName: 'team/app', manifest: index, tags: options.tags, pushedAt: at });
    const signature = cosignSignature(index, at.toISOString());
    sim.pushImage({ repositoryName: 'team/app', manifest: signature, pushedAt: at });
    return {
      index: index.digest,
      children: [amd64.digest, arm64.digest, amd64Attestation.digest],
      signature: signature.digest,
    };
  }

  it('keeps a tagged index with its children, attestations and signature when only untagged images expire', async () => {
    const kept = pushRelease('v1', { tags: ['v1'], daysAgo: 30 });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({}, EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS)),
    );

    for (const digest of [kept.index, ...kept.children, kept.signature]) {
      expect(holds(world.sim, 'team/app', digest)).toBe(true);
    }
    expect(deleteCalls()).toEqual([]);
  });

  it('deletes an expired index with its children, attestations and signature, the index first', async () => {
    const kept = pushRelease('v2', { tags: ['v2'], daysAgo: 20 });
    const expired = pushRelease('untagged-build', { tags: [], daysAgo: 20 });

    const response = await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({}, EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS)),
    );

    expect(response.batchItemFailures).toEqual([]);
    for (const digest of [expired.index, ...expired.children, expired.signature]) {
      expect(holds(world.sim, 'team/app', digest)).toBe(false);
    }
    for (const digest of [kept.index, ...kept.children, kept.signature]) {
      expect(holds(world.sim, 'team/app', digest)).toBe(true);
    }
    const [call] = deleteCalls();
    expect(deleteCalls()).toHaveLength(1);
    expect(call?.[0]).toBe(expired.index);
    expect(call?.at(-1)).toBe(expired.signature);
    expect(new Set(call)).toEqual(new Set([expired.index, ...expired.children, expired.signature]));
    expect(world.reports()[0]).toMatchObject({ imagesDeleted: 5, failures: [], dryRun: false });
  });
});

describe('cleanupWorker safety rails', () => {
  it('sends no delete call at all in a dry run, and reports what it would delete', async () => {
    const { sim } = world;
    const old = [0, 1, 2].map((n) => pushImage(sim, 'team/app', `old-${n}`, { daysAgo: 30 + n }));

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({ dryRun: true })),
    );

    expect(world.aws.mocks.ecr.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
    expect(world.aws.calls.count('BatchDeleteImage')).toBe(0);
    for (const digest of old) expect(holds(sim, 'team/app', digest)).toBe(true);
    expect(world.reports()[0]).toMatchObject({
      dryRun: true,
      imagesDeleted: 3,
      summary: expect.stringContaining('3 image(s) would be deleted (dry run)'),
    });
  });

  it('is the default: a config that does not say dryRun deletes nothing', async () => {
    pushImage(world.sim, 'team/app', 'old', { daysAgo: 30 });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({ dryRun: undefined })),
    );

    expect(world.aws.calls.count('BatchDeleteImage')).toBe(0);
    expect(world.reports()[0]?.dryRun).toBe(true);
  });

  it('deletes at most maxDeletionsPerRepository images, 100 a call', async () => {
    const { sim } = world;
    for (let n = 0; n < 250; n++) pushImage(sim, 'team/app', `build-${n}`, { daysAgo: 300 - n });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({ maxDeletionsPerRepository: 205 })),
    );

    expect(deleteCalls().map((call) => call.length)).toEqual([100, 100, 5]);
    expect(sim.repository('team/app').images.size).toBe(45);
    expect(world.reports()[0]).toMatchObject({
      imagesDeleted: 205,
      deletionCapReached: true,
      severity: 'warning',
    });
  });

  it('marks first and deletes on a later run when a grace period is set', async () => {
    const { sim } = world;
    const old = pushImage(sim, 'team/app', 'old', { daysAgo: 30 });
    const config = cleanupConfig({ gracePeriodDays: 3 });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app', 'run-1')]),
      context(),
      world.dependencies(config),
    );
    sim.clock.advance({ days: 2 });
    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app', 'run-2')]),
      context(),
      world.dependencies(config),
    );
    const stillThere = holds(sim, 'team/app', old);
    sim.clock.advance({ days: 1 });
    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app', 'run-3')]),
      context(),
      world.dependencies(config),
    );

    expect(stillThere).toBe(true);
    expect(holds(sim, 'team/app', old)).toBe(false);
    expect(world.reports().map((r) => [r.imagesDeleted, r.gracePeriod])).toEqual([
      [0, { days: 3, imagesMarked: 1, imagesWaiting: 1 }],
      [0, { days: 3, imagesMarked: 0, imagesWaiting: 1 }],
      [1, { days: 3, imagesMarked: 0, imagesWaiting: 0 }],
    ]);
  });

  it('restarts the grace period of an image that stopped being eligible in between', async () => {
    const { sim } = world;
    const old = pushImage(sim, 'team/app', 'old', { daysAgo: 30 });
    const young = pushImage(sim, 'team/app', 'young', { daysAgo: 1 });
    const config = cleanupConfig({ gracePeriodDays: 3 });
    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app', 'run-1')]),
      context(),
      world.dependencies(config),
    );
    // Tagged for release for a while: protected, so kept, and its mark goes.
    sim.repository('team/app').setTag('release-hold', old);
    sim.clock.advance({ days: 2 });
    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app', 'run-2')]),
      context(),
      world.dependencies(config),
    );
    sim.repository('team/app').setTag('release-hold', young);
    sim.clock.advance({ days: 2 });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app', 'run-3')]),
      context(),
      world.dependencies(config),
    );

    expect(holds(sim, 'team/app', old)).toBe(true);
    expect(world.reports()[2]?.gracePeriod).toEqual({ days: 3, imagesMarked: 1, imagesWaiting: 1 });
  });
});

describe('cleanupWorker failures', () => {
  it('completes a run that ECR throttles mid-way, deleting each image exactly once', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { sim, aws } = world;
    const digests = Array.from({ length: 150 }, (_, n) =>
      pushImage(sim, 'team/app', `b-${n}`, { daysAgo: 200 - n }),
    );
    aws.faults.throttle({ api: 'DescribeImages', times: 1 }).throttle({ api: 'BatchDeleteImage', times: 3 });

    const response = await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig(), {}, { retryMode: 'standard' }),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(aws.calls.count('BatchDeleteImage', { outcome: 'ThrottlingException' })).toBe(3);
    expect(aws.calls.count('BatchDeleteImage', { outcome: 'ok' })).toBe(2);
    const sent = deleteCalls().flat();
    expect(sent).toHaveLength(150);
    expect(new Set(sent)).toEqual(new Set(digests));
    expect(sim.repository('team/app').images.size).toBe(0);
    expect(world.reports()[0]).toMatchObject({ imagesDeleted: 150, imagesAlreadyGone: 0, failures: [] });
  });

  it('resumes a run whose first delivery failed half-way without deleting anything twice or passing the cap', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { sim, aws } = world;
    for (let n = 0; n < 300; n++) pushImage(sim, 'team/app', `b-${n}`, { daysAgo: 400 - n });
    const config = cleanupConfig({ maxDeletionsPerRepository: 250 });
    const base = world.dependencies(config, {}, { retryMode: 'standard' });
    let calls = 0;
    const failingOnce = world.dependencies(config, {
      deleter: {
        async deleteImages(repository, digests) {
          calls++;
          // The second call is throttled past the SDK's 8 attempts: the delivery fails.
          if (calls === 2) aws.faults.throttle({ api: 'BatchDeleteImage', times: 8 });
          return base.deleter.deleteImages(repository, digests);
        },
      },
    });

    const first = await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), failingOnce);
    const second = await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), base);
    const third = await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), base);

    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(third.batchItemFailures).toEqual([]);
    expect(aws.calls.count('BatchDeleteImage', { outcome: 'ThrottlingException' })).toBe(8);
    expect(sim.repository('team/app').images.size).toBe(50);
    // One report for the run, published when it completed, counting both deliveries.
    expect(world.reports()).toHaveLength(1);
    expect(world.reports()[0]).toMatchObject({
      imagesDeleted: 250,
      imagesAlreadyGone: 0,
      deletionCapReached: true,
    });
  });

  it('reports the images BatchDeleteImage refuses and deletes the rest', async () => {
    const { sim } = world;
    const child = pushImage(sim, 'team/app', 'child-build', { daysAgo: 30 });
    const other = pushImage(sim, 'team/app', 'other-build', { daysAgo: 30 });
    const base = world.dependencies(cleanupConfig());
    let raced = false;
    const racing = world.dependencies(cleanupConfig(), {
      deleter: {
        async deleteImages(repository, digests) {
          if (raced) return base.deleter.deleteImages(repository, digests);
          raced = true;
          // Someone pushes an index of `child` between the inventory and the deletion.
          const childManifest = sim.image('team/app', { imageDigest: child });
          sim.pushImage({
            repositoryName: 'team/app',
            manifest: imageIndex({
              entries: [
                {
                  image: {
                    manifest: childManifest.manifest,
                    mediaType: childManifest.mediaType,
                    digest: child,
                    size: childManifest.manifest.length,
                  },
                  platform: { architecture: 'amd64', os: 'linux' },
                },
              ],
            }),
            tags: ['new-release'],
          });
          return base.deleter.deleteImages(repository, digests);
        },
      },
    });

    const response = await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), racing);

    expect(response.batchItemFailures).toEqual([]);
    expect(holds(sim, 'team/app', child)).toBe(true);
    expect(holds(sim, 'team/app', other)).toBe(false);
    expect(world.reports()[0]).toMatchObject({
      severity: 'warning',
      imagesDeleted: 1,
      imagesFailed: 1,
      failures: [
        {
          imageDigest: child,
          failureCode: 'ImageReferencedByManifestList',
          failureReason: expect.any(String),
        },
      ],
    });
  });

  it('reports a repository deleted between scheduling and work, without failing the message', async () => {
    const response = await processCleanupBatch(
      sqsEvent([cleanupRequest('team/gone')]),
      context(),
      world.dependencies(cleanupConfig()),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(world.reports()).toEqual([
      expect.objectContaining({
        repositoryName: 'team/gone',
        outcome: 'repository-not-found',
        imagesEvaluated: 0,
        severity: 'info',
      }),
    ]);
  });

  it('fails only the malformed message of a batch, with a typed error logged with its id', async () => {
    pushImage(world.sim, 'team/app', 'old', { daysAgo: 30 });
    const errors: unknown[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => errors.push(args) };
    const event = sqsEvent([
      '{"schemaVersion":1,"repositoryName":"team/app"}',
      cleanupRequest('team/app'),
      'not json',
    ]);

    const response = await processCleanupBatch(
      event,
      context(),
      world.dependencies(cleanupConfig(), { logger }),
    );

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: event.Records[0]?.messageId },
      { itemIdentifier: event.Records[2]?.messageId },
    ]);
    expect(world.reports()).toHaveLength(1);
    expect(errors).toEqual([
      [
        'malformed cleanup request',
        {
          messageId: event.Records[0]?.messageId,
          problems: expect.arrayContaining([
            expect.stringMatching(/^repositoryArn: /),
            expect.stringMatching(/^runId: /),
          ]),
        },
      ],
      [
        'malformed cleanup request',
        { messageId: event.Records[2]?.messageId, problems: [expect.stringMatching(/^body is not JSON/)] },
      ],
    ]);
  });

  it('acknowledges a message of a run that already completed without reading the repository again', async () => {
    pushImage(world.sim, 'team/app', 'old', { daysAgo: 30 });
    const dependencies = world.dependencies(cleanupConfig());
    await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), dependencies);
    world.aws.calls.reset();

    const again = await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), dependencies);

    expect(again.batchItemFailures).toEqual([]);
    expect(world.aws.calls.count()).toBe(0);
    expect(world.reports()).toHaveLength(1);
  });

  it('reads ECS and Lambda once for a whole batch', async () => {
    for (const name of ['team/a', 'team/b', 'team/c'])
      pushImage(world.sim, name, `${name}-old`, { daysAgo: 30 });

    await processCleanupBatch(
      sqsEvent(['team/a', 'team/b', 'team/c'].map((name) => cleanupRequest(name))),
      context(),
      world.dependencies(cleanupConfig()),
    );

    expect(world.aws.calls.count('ListClusters')).toBe(1);
    expect(world.aws.calls.count('ListFunctions')).toBe(1);
    expect(world.reports()).toHaveLength(3);
  });
});

describe('cleanupWorker archive transitions', () => {
  /** Archives (transition) every image pushed more than 30 days ago; never expires anything. */
  const ARCHIVE_OLDER_THAN_30_DAYS = {
    rules: [
      {
        rulePriority: 1,
        selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      },
    ],
  };
  const archiveCalls = () =>
    world.aws.mocks.ecr
      .commandCalls(UpdateImageStorageClassCommand)
      .map((call) => [call.args[0].input.imageId?.imageDigest, call.args[0].input.targetStorageClass]);
  const statusOf = (digest: string) => world.sim.repository('team/app').images.get(digest)?.status;

  it('archives what the policy transitions with UpdateImageStorageClass, never an image a task runs, and reports it', async () => {
    const { sim } = world;
    const old = pushImage(sim, 'team/app', 'old', { daysAgo: 60 });
    const running = pushImage(sim, 'team/app', 'running', { daysAgo: 60, tags: ['v1'] });
    const recent = pushImage(sim, 'team/app', 'recent', { daysAgo: 3 });
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.createService({ cluster: 'prod', serviceName: 'app', taskDefinition: 'app:1', runningTasks: 1 });
    const bytes = sim.repository('team/app').images.get(old)?.sizeBytes;

    const response = await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({}, ARCHIVE_OLDER_THAN_30_DAYS)),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(archiveCalls()).toEqual([[old, 'ARCHIVE']]);
    expect([statusOf(old), statusOf(running), statusOf(recent)]).toEqual(['ARCHIVED', 'ACTIVE', 'ACTIVE']);
    expect(deleteCalls()).toEqual([]);
    expect(world.reports()[0]).toMatchObject({
      imagesDeleted: 0,
      imagesArchived: 1,
      bytesArchived: bytes,
      archiveFailures: [],
      dryRun: false,
    });
  });

  it('sends no UpdateImageStorageClass call in a dry run, and reports what it would archive', async () => {
    const old = pushImage(world.sim, 'team/app', 'old', { daysAgo: 60 });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/app')]),
      context(),
      world.dependencies(cleanupConfig({ dryRun: true }, ARCHIVE_OLDER_THAN_30_DAYS)),
    );

    expect(archiveCalls()).toEqual([]);
    expect(statusOf(old)).toBe('ACTIVE');
    expect(world.reports()[0]).toMatchObject({ imagesArchived: 1, dryRun: true });
  });

  it('reports an image ECR refuses to archive (a manifest list pushed since lists it) and archives the rest', async () => {
    const { sim } = world;
    const listed = pushImage(sim, 'team/app', 'listed', { daysAgo: 60 });
    const other = pushImage(sim, 'team/app', 'other', { daysAgo: 60 });
    const base = world.dependencies(cleanupConfig({}, ARCHIVE_OLDER_THAN_30_DAYS));
    let raced = false;
    const racing = world.dependencies(cleanupConfig({}, ARCHIVE_OLDER_THAN_30_DAYS), {
      archiver: {
        async archiveImage(repository, digest) {
          if (!raced) {
            // After the inventory, someone pushes a multi-arch index that lists `listed`.
            raced = true;
            const image = imageManifest({ seed: 'listed' });
            const index = imageIndex({
              entries: [{ image, platform: { architecture: 'amd64', os: 'linux' } }],
            });
            sim.pushImage({ repositoryName: 'team/app', manifest: index, tags: ['multi'] });
          }
          return base.archiver.archiveImage(repository, digest);
        },
      },
    });

    const response = await processCleanupBatch(sqsEvent([cleanupRequest('team/app')]), context(), racing);

    expect(response.batchItemFailures).toEqual([]);
    expect([statusOf(listed), statusOf(other)]).toEqual(['ACTIVE', 'ARCHIVED']);
    expect(world.reports()[0]).toMatchObject({
      imagesArchived: 1,
      archiveFailures: [{ imageDigest: listed, failureCode: 'ImageStorageClassUpdateNotSupportedException' }],
      severity: 'warning',
    });
  });
});
