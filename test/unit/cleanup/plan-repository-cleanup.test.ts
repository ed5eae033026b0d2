// The cleanup plan of one repository, example by example: every keep reason, multi-arch images
// whose index stays or goes, the order of the delete list, the caps, and what the plan counts.
import type { InUseReason } from '../../../shared/cleanup/cleanup-reasons';
import { deletionLimit } from '../../../shared/cleanup/plan-repository-cleanup';
import { archiveUnpulledRule, expireArchivedRule } from '../../support/lifecycle-policies';
import {
  DAY_MS,
  deletedDigests,
  digestOf,
  expireAnyAfter,
  expireTaggedAfter,
  expireUntaggedAfter,
  keptEntry,
  MIB,
  NOW,
  planOf,
  policy,
  RepositoryBuilder,
  reasonKinds,
} from './repository-builder';

const serviceUse = (serviceName: string): InUseReason => ({
  kind: 'in-use-ecs-service',
  serviceName,
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
  deploymentStatus: 'PRIMARY',
  taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${serviceName}:7`,
  containerName: 'app',
});

describe('planRepositoryCleanup: what the policy selects', () => {
  it('deletes what an expire rule selects and keeps the rest as not selected by the policy', () => {
    const repository = new RepositoryBuilder();
    const old = repository.image('old', { daysAgo: 40 });
    const fresh = repository.image('fresh', { daysAgo: 2 });

    const plan = planOf(repository, { policy: policy(expireUntaggedAfter(14)) });

    expect(plan.delete).toEqual([
      expect.objectContaining({
        imageDigest: old,
        imageTags: [],
        reason: { kind: 'expired-by-policy', rulePriority: 1 },
        bytes: 100 * MIB,
        role: 'image',
        selectedByRule: 1,
      }),
    ]);
    expect(keptEntry(plan, fresh).reasons).toEqual([{ kind: 'not-selected-by-policy' }]);
  });

  it('keeps everything, saying so, when the repository has no policy', () => {
    const repository = new RepositoryBuilder();
    const image = repository.image('old', { daysAgo: 400 });

    const plan = planOf(repository, { policy: undefined });

    expect(plan.delete).toEqual([]);
    expect(keptEntry(plan, image).reasons).toEqual([{ kind: 'not-selected-by-policy', noPolicy: true }]);
  });

  it('explains an image a rule would expire when a higher-priority rule claimed it first', () => {
    const repository = new RepositoryBuilder();
    const release = repository.image('release', { tags: ['v1.0.0'], daysAgo: 40 });

    const plan = planOf(repository, {
      policy: policy(
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'tagged',
            tagPatternList: ['v*'],
            countType: 'imageCountMoreThan',
            countNumber: 5,
          },
          action: { type: 'expire' },
        },
        expireAnyAfter(30, 2),
      ),
    });

    expect(plan.delete).toEqual([]);
    expect(keptEntry(plan, release).reasons).toEqual([
      { kind: 'claimed-by-higher-priority-rule', rulePriority: 2, claimedByRulePriority: 1 },
    ]);
  });

  it('plans an archive transition apart from deletions, and keeps the image', () => {
    const repository = new RepositoryBuilder();
    const cold = repository.image('cold', { tags: ['v1'], daysAgo: 100 });

    const plan = planOf(repository, {
      policy: policy(archiveUnpulledRule(1, 60)),
    });

    expect(plan.delete).toEqual([]);
    expect(plan.transition).toEqual([
      {
        imageDigest: cold,
        imageTags: ['v1'],
        rulePriority: 1,
        targetStorageClass: 'archive',
        bytes: 100 * MIB,
      },
    ]);
    expect(keptEntry(plan, cold).reasons).toEqual([
      { kind: 'archive-transition', rulePriority: 1, targetStorageClass: 'archive', planned: true },
    ]);
  });

  it('does not archive an image that a workload uses: it must stay pullable', () => {
    const repository = new RepositoryBuilder();
    const cold = repository.image('cold', { tags: ['v1'], daysAgo: 100 });

    const plan = planOf(repository, {
      policy: policy(archiveUnpulledRule(1, 60)),
      inUse: new Map([[cold, [serviceUse('payments-api')]]]),
    });

    expect(plan.transition).toEqual([]);
    expect(reasonKinds(plan, cold)).toEqual(['in-use-ecs-service', 'archive-transition']);
    expect(keptEntry(plan, cold).reasons[1]).toMatchObject({ planned: false });
  });

  it('expires archived images only by a rule of the archive storage class', () => {
    const repository = new RepositoryBuilder();
    const archived = repository.image('archived', { daysAgo: 300, imageStatus: 'ARCHIVED' });
    const active = repository.image('active', { daysAgo: 300 });

    const plan = planOf(repository, {
      policy: policy(expireArchivedRule(1, 90)),
    });

    expect(deletedDigests(plan)).toEqual([archived]);
    expect(plan.delete[0]?.storageClass).toBe('archive');
    expect(reasonKinds(plan, active)).toEqual(['not-selected-by-policy']);
  });
});

describe('planRepositoryCleanup: protections win over the policy', () => {
  const expireEverything = () => policy(expireAnyAfter(1));

  it('keeps the image a running ECS task uses even when the rule would expire it', () => {
    const repository = new RepositoryBuilder();
    const running = repository.image('running', { daysAgo: 90 });
    const task: InUseReason = {
      kind: 'in-use-ecs-task',
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e2d3c',
      group: 'family:payments-migrate',
      containerName: 'app',
    };

    const plan = planOf(repository, { policy: expireEverything(), inUse: new Map([[running, [task]]]) });

    expect(plan.delete).toEqual([]);
    expect(keptEntry(plan, running)).toMatchObject({ selectedByRule: 1, reasons: [task] });
  });

  it("keeps the image of an ECS service's deployment and names the service", () => {
    const repository = new RepositoryBuilder();
    const deployed = repository.image('deployed', { tags: ['v7'], daysAgo: 90 });

    const plan = planOf(repository, {
      policy: expireEverything(),
      inUse: new Map([[deployed, [serviceUse('payments-api')]]]),
    });

    expect(keptEntry(plan, deployed).reasons).toEqual([serviceUse('payments-api')]);
  });

  it('keeps the image of a recent task definition revision', () => {
    const repository = new RepositoryBuilder();
    const pinned = repository.image('pinned', { tags: ['v6'], daysAgo: 90 });
    const revision: InUseReason = { kind: 'task-definition-revision', family: 'payments-api', revision: 11 };

    const plan = planOf(repository, { policy: expireEverything(), inUse: new Map([[pinned, [revision]]]) });

    expect(keptEntry(plan, pinned).reasons).toEqual([revision]);
  });

  it('keeps the image a Lambda alias runs', () => {
    const repository = new RepositoryBuilder();
    const live = repository.image('live', { tags: ['build-118'], daysAgo: 90 });
    const alias: InUseReason = { kind: 'in-use-lambda', functionName: 'payments-worker', qualifier: 'live' };

    const plan = planOf(repository, { policy: expireEverything(), inUse: new Map([[live, [alias]]]) });

    expect(keptEntry(plan, live).reasons).toEqual([alias]);
  });

  it('keeps an image whose tag matches a protected glob and names tag and glob', () => {
    const repository = new RepositoryBuilder();
    const release = repository.image('release', { tags: ['v1.4.0', 'release-2026.06'], daysAgo: 90 });
    const other = repository.image('other', { tags: ['v1.3.0'], daysAgo: 90 });

    const plan = planOf(repository, { policy: expireEverything(), safety: { protectTags: ['release-*'] } });

    expect(deletedDigests(plan)).toEqual([other]);
    expect(keptEntry(plan, release).reasons).toEqual([
      { kind: 'protected-tag', tag: 'release-2026.06', pattern: 'release-*' },
    ]);
  });

  it('keeps the newest keepAtLeast images, counting only what people push (not children or referrers)', () => {
    const repository = new RepositoryBuilder();
    const release = repository.multiArch('v2', { tags: ['v2'], daysAgo: 10 });
    const older = repository.image('older', { tags: ['v1'], daysAgo: 20 });
    const oldest = repository.image('oldest', { tags: ['v0'], daysAgo: 30 });

    const plan = planOf(repository, { policy: expireEverything(), safety: { keepAtLeast: 2 } });

    expect(deletedDigests(plan)).toEqual([oldest]);
    expect(keptEntry(plan, release.index).reasons).toEqual([
      { kind: 'keep-at-least', rank: 1, keepAtLeast: 2 },
    ]);
    expect(keptEntry(plan, older).reasons).toEqual([{ kind: 'keep-at-least', rank: 2, keepAtLeast: 2 }]);
    for (const child of release.children) expect(reasonKinds(plan, child)).toEqual(['child-of-kept-index']);
    expect(reasonKinds(plan, release.signature)).toEqual(['referrer-of-kept-image']);
  });

  it('keeps an image being restored from archive: no rule may act on it', () => {
    const repository = new RepositoryBuilder();
    const restoring = repository.image('restoring', { daysAgo: 300, imageStatus: 'ACTIVATING' });

    const plan = planOf(repository, { policy: expireEverything() });

    expect(reasonKinds(plan, restoring)).toEqual(['restoring-from-archive', 'not-selected-by-policy']);
  });

  it('records every reason that applies, protections first', () => {
    const repository = new RepositoryBuilder();
    const latest = repository.image('latest', { tags: ['latest'], daysAgo: 90 });

    const plan = planOf(repository, {
      policy: expireEverything(),
      inUse: new Map([[latest, [serviceUse('payments-api')]]]),
      safety: { protectTags: ['latest'], keepAtLeast: 1 },
    });

    expect(reasonKinds(plan, latest)).toEqual(['in-use-ecs-service', 'protected-tag', 'keep-at-least']);
    expect(plan.summary.topKeepReasons).toEqual([{ kind: 'in-use-ecs-service', count: 1 }]);
  });
});

describe('planRepositoryCleanup: multi-arch images and referrers', () => {
  // ECR's lifecycle may expire the children of an archived index (LifecyclePolicies.html: a child
  // "cannot be expired or archived without the manifest list being deleted or archived first");
  // ecr-warden keeps them under a reason of its own, so that the index can still be restored.
  it('keeps the children of an archived index that the untagged rule selects, naming the archived index', () => {
    const repository = new RepositoryBuilder();
    const children = ['amd64', 'arm64'].map((arch) => repository.image(`v1/${arch}`, { daysAgo: 30 }));
    const index = repository.index('v1', ['v1/amd64', 'v1/arm64'], {
      tags: ['v1'],
      daysAgo: 30,
      imageStatus: 'ARCHIVED',
    });

    const plan = planOf(repository, { policy: policy(expireUntaggedAfter(7)) });

    expect(plan.delete).toEqual([]);
    for (const child of children) {
      expect(keptEntry(plan, child)).toEqual(
        expect.objectContaining({
          selectedByRule: 1,
          reasons: [{ kind: 'child-of-archived-index', indexDigest: index, indexTags: ['v1'] }],
        }),
      );
    }
  });

  it('keeps the children and signature of a kept index, even though the untagged rule selects them', () => {
    const repository = new RepositoryBuilder();
    const release = repository.multiArch('v1.8.0', { tags: ['v1.8.0'], daysAgo: 30 });

    const plan = planOf(repository, {
      policy: policy(expireUntaggedAfter(7)),
      inUse: new Map([[release.index, [serviceUse('payments-api')]]]),
    });

    expect(plan.delete).toEqual([]);
    for (const child of release.children) {
      expect(keptEntry(plan, child)).toEqual(
        expect.objectContaining({
          selectedByRule: 1,
          reasons: [{ kind: 'child-of-kept-index', indexDigest: release.index, indexTags: ['v1.8.0'] }],
        }),
      );
    }
    expect(keptEntry(plan, release.signature)).toEqual(
      expect.objectContaining({
        selectedByRule: 1,
        reasons: [
          {
            kind: 'referrer-of-kept-image',
            subjectDigest: release.index,
            artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          },
        ],
      }),
    );
  });

  it('deletes an expiring index with its children and attestations, index first, referrers last', () => {
    const repository = new RepositoryBuilder();
    const release = repository.multiArch('v1.0.0', { tags: ['v1.0.0'], daysAgo: 90 });
    const sbom = repository.referrer('v1.0.0/sbom', 'v1.0.0', {
      daysAgo: 90,
      artifactMediaType: 'application/spdx+json',
      sizeBytes: 300_000,
    });

    const plan = planOf(repository, { policy: policy(expireTaggedAfter(['v*'], 30)) });

    expect(deletedDigests(plan)).toEqual([
      release.index,
      ...[...release.children].sort(),
      ...[release.signature, sbom].sort(),
    ]);
    expect(plan.delete[0]).toMatchObject({ role: 'index', bytes: 0, reason: { kind: 'expired-by-policy' } });
    for (const deletion of plan.delete.slice(1, 4)) {
      expect(deletion).toMatchObject({
        role: 'child',
        reason: { kind: 'child-of-deleted-index', indexDigest: release.index },
      });
    }
    for (const deletion of plan.delete.slice(4)) {
      expect(deletion).toMatchObject({
        role: 'referrer',
        reason: { kind: 'referrer-of-deleted-image', subjectDigest: release.index },
      });
    }
    expect(plan.keep).toEqual([]);
  });

  it('counts an index as 0 bytes: DescribeImages reports the size of its largest child, counted already', () => {
    const repository = new RepositoryBuilder();
    repository.multiArch('v1.0.0', { tags: ['v1.0.0'], daysAgo: 90 });

    const plan = planOf(repository, { policy: policy(expireTaggedAfter(['v*'], 30)) });

    expect(plan.summary.bytesReclaimed).toBe(150 * MIB + 140 * MIB + 1_500 + 800);
    expect(plan.summary.monthlySavingsUsd).toBeCloseTo((plan.summary.bytesReclaimed / 1024 ** 3) * 0.1, 10);
  });

  it('keeps a child that a kept index also lists when another index referencing it is deleted', () => {
    const repository = new RepositoryBuilder();
    repository.image('shared/amd64', { daysAgo: 60 });
    repository.image('old-only/arm64', { daysAgo: 60 });
    const oldIndex = repository.index('old', ['shared/amd64', 'old-only/arm64'], {
      tags: ['v1'],
      daysAgo: 60,
    });
    const newIndex = repository.index('new', ['shared/amd64'], { tags: ['v2'], daysAgo: 5 });

    const plan = planOf(repository, { policy: policy(expireTaggedAfter(['v*'], 30)) });

    expect(deletedDigests(plan)).toEqual([oldIndex, digestOf('old-only/arm64')]);
    expect(keptEntry(plan, digestOf('shared/amd64')).reasons).toEqual([
      { kind: 'child-of-kept-index', indexDigest: newIndex, indexTags: ['v2'] },
      { kind: 'not-selected-by-policy' },
    ]);
  });

  it('deletes an expiring index but keeps its child that a running task uses', () => {
    const repository = new RepositoryBuilder();
    const release = repository.multiArch('v1.0.0', { tags: ['v1.0.0'], daysAgo: 90 });
    const [amd64] = release.children as [string];

    const plan = planOf(repository, {
      policy: policy(expireTaggedAfter(['v*'], 30)),
      inUse: new Map([
        [amd64, [{ kind: 'in-use-ecs-task', taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/1' }]],
      ]),
    });

    expect(deletedDigests(plan)).toContain(release.index);
    expect(reasonKinds(plan, amd64)).toEqual(['in-use-ecs-task', 'not-selected-by-policy']);
  });

  it('keeps the subject of a referrer that a protection keeps, so that the referrer is not orphaned', () => {
    const repository = new RepositoryBuilder();
    const subject = repository.image('subject', { tags: ['v1'], daysAgo: 90 });
    const attestation = repository.referrer('attestation', 'subject', {
      tags: ['keep-attestation'],
      daysAgo: 90,
    });

    const plan = planOf(repository, {
      policy: policy(expireTaggedAfter(['v*'], 30)),
      safety: { protectTags: ['keep-*'] },
    });

    expect(plan.delete).toEqual([]);
    expect(keptEntry(plan, subject).reasons).toEqual([
      { kind: 'subject-of-kept-referrer', referrerDigest: attestation },
    ]);
  });

  it('deletes referrers of referrers with their subject (a signature of an SBOM)', () => {
    const repository = new RepositoryBuilder();
    const subject = repository.image('subject', { tags: ['v1'], daysAgo: 90 });
    const sbom = repository.referrer('sbom', 'subject', {
      daysAgo: 90,
      artifactMediaType: 'application/spdx+json',
    });
    const sbomSignature = repository.referrer('sbom-signature', 'sbom', { daysAgo: 90 });

    const plan = planOf(repository, { policy: policy(expireTaggedAfter(['v*'], 30)) });

    expect(deletedDigests(plan)).toEqual([subject, sbom, sbomSignature]);
    expect(plan.delete[2]?.reason).toEqual({ kind: 'referrer-of-deleted-image', subjectDigest: sbom });
  });
});

describe('planRepositoryCleanup: safety rails', () => {
  /** `count` untagged images, one a day, the oldest `count` days ago. */
  function untaggedImages(count: number): { repository: RepositoryBuilder; digests: string[] } {
    const repository = new RepositoryBuilder();
    const digests = Array.from({ length: count }, (_, i) =>
      repository.image(`build-${i}`, { daysAgo: 100 - i }),
    );
    return { repository, digests };
  }

  it('deletes at most maxDeletionsPerRepository images, the oldest first, and says why the rest stay', () => {
    const { repository, digests } = untaggedImages(10);

    const plan = planOf(repository, {
      policy: policy(expireUntaggedAfter(7)),
      safety: { maxDeletionsPerRepository: 3 },
    });

    expect(deletedDigests(plan)).toEqual(digests.slice(0, 3));
    expect(keptEntry(plan, digests[3] as string)).toMatchObject({
      selectedByRule: 1,
      reasons: [{ kind: 'deletion-cap', cap: 'maxDeletionsPerRepository', limit: 3 }],
    });
    expect(plan.summary).toMatchObject({ deletionLimit: 3, deletionCapReached: true, imagesDeleted: 3 });
  });

  it('deletes at most maxDeletionShare of the repository, rounded down', () => {
    const { repository } = untaggedImages(9);

    const plan = planOf(repository, {
      policy: policy(expireUntaggedAfter(7)),
      safety: { maxDeletionShare: 0.5 },
    });

    expect(plan.summary).toMatchObject({ imagesDeleted: 4, deletionLimit: 4, deletionCapReached: true });
    expect(plan.keep.filter((kept) => kept.reasons[0]?.kind === 'deletion-cap')).toHaveLength(5);
  });

  it('applies half the repository as the share cap when the config sets none', () => {
    expect(deletionLimit({ protectTags: [], keepAtLeast: 0 }, 9)).toEqual({
      limit: 4,
      cap: 'maxDeletionShare',
    });
    expect(deletionLimit({ protectTags: [], keepAtLeast: 0, maxDeletionShare: 1 }, 9)).toBeUndefined();
    expect(deletionLimit({ protectTags: [], keepAtLeast: 0, maxDeletionsPerRepository: 2 }, 9)).toEqual({
      limit: 2,
      cap: 'maxDeletionsPerRepository',
    });
  });

  it('keeps a capped index whole with its children and signature, and still deletes a smaller later group', () => {
    const repository = new RepositoryBuilder();
    const release = repository.multiArch('v1', { tags: ['v1'], daysAgo: 90 });
    const loose = repository.image('loose', { tags: ['v2'], daysAgo: 60 });

    const plan = planOf(repository, {
      policy: policy(expireTaggedAfter(['v*'], 30)),
      safety: { maxDeletionsPerRepository: 3 },
    });

    expect(deletedDigests(plan)).toEqual([loose]);
    for (const digest of [release.index, ...release.children, release.signature]) {
      expect(reasonKinds(plan, digest)).toContain('deletion-cap');
    }
    expect(reasonKinds(plan, release.children[0] as string)).toEqual([
      'child-of-kept-index',
      'deletion-cap',
      'not-selected-by-policy',
    ]);
  });
});

describe('planRepositoryCleanup: the plan as a whole', () => {
  it('lists kept images newest first and puts every image in exactly one list', () => {
    const repository = new RepositoryBuilder();
    repository.multiArch('v1', { tags: ['v1'], daysAgo: 90 });
    repository.multiArch('v2', { tags: ['v2'], daysAgo: 3 });
    repository.image('debris', { daysAgo: 50 });

    const plan = planOf(repository, { policy: policy(expireAnyAfter(30)) });

    const all = [...deletedDigests(plan), ...plan.keep.map((kept) => kept.imageDigest)];
    expect(all.sort()).toEqual(
      repository
        .images()
        .map((image) => image.imageDigest)
        .sort(),
    );
    const keptTimes = plan.keep.map(
      (kept) => repository.images().find((image) => image.imageDigest === kept.imageDigest)?.pushedAt ?? 0,
    );
    expect(keptTimes).toEqual([...keptTimes].sort((a, b) => b - a));
    expect(plan.summary).toMatchObject({ imagesEvaluated: 11, imagesDeleted: 6, imagesKept: 5 });
  });

  it('gives the same plan whatever order describe-images listed the images in', () => {
    const repository = new RepositoryBuilder();
    repository.multiArch('v1', { tags: ['v1'], daysAgo: 90 });
    repository.image('debris', { daysAgo: 50 });
    const images = repository.images();

    const forward = planOf(repository, { policy: policy(expireAnyAfter(30)), images });
    const backward = planOf(repository, {
      policy: policy(expireAnyAfter(30)),
      images: [...images].reverse(),
    });

    expect(backward).toEqual(forward);
  });

  it('refuses a repository that lists one digest twice', () => {
    const repository = new RepositoryBuilder();
    repository.image('twice', { daysAgo: 5 });
    const [image] = repository.images();

    expect(() => planOf(repository, { images: [image, image].filter((x) => x !== undefined) })).toThrow(
      /listed twice/,
    );
  });

  it('evaluates ages at the given time', () => {
    const repository = new RepositoryBuilder();
    const image = repository.image('ten-days-old', { daysAgo: 10 });

    const today = planOf(repository, { policy: policy(expireUntaggedAfter(14)) });
    const inAWeek = planOf(repository, { policy: policy(expireUntaggedAfter(14)), now: NOW + 7 * DAY_MS });

    expect(deletedDigests(today)).toEqual([]);
    expect(deletedDigests(inAWeek)).toEqual([image]);
  });
});
