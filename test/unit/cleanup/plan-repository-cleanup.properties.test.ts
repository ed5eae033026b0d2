// Invariants of the cleanup plan, checked on random repositories: images, indexes and referrers wired
// at random (each referencing images generated before it, as content addressing forces), random tags,
// ages and storage classes, random workloads, protections, caps and policies. The oracles (which
// images are top-level, what a glob protects) are written here from the rules, not taken from the code.
import fc from 'fast-check';
import picomatch from 'picomatch/posix';
import { createSeededRandom, type RandomSource } from '../../../local/registry-sim/model/seeded-random';
import { type InUseReason, KEEP_REASON_KINDS } from '../../../shared/cleanup/cleanup-reasons';
import type { CleanupSafety, RepositoryCleanupPlan } from '../../../shared/cleanup/plan-repository-cleanup';
import type { ImageRecord } from '../../../shared/inventory/image-details';
import type { LifecyclePolicy } from '../../../shared/lifecycle';
import { archiveUnpulledRule, expireArchivedRule } from '../../support/lifecycle-policies';
import { digestOf, expireAnyAfter, planOf, policy, RepositoryBuilder } from './repository-builder';

const RUNS = { seed: 20_261_101, numRuns: 400 };
const TAGS = ['v1', 'v2', 'v1.1', 'latest', 'keep-me', 'pr-1', 'pr-2'];
const PROTECT_GLOBS = ['keep-*', 'latest', 'v1*'];

type ImageSpec =
  | { kind: 'image'; tags: string[]; daysAgo: number; status: Status }
  | { kind: 'index'; tags: string[]; daysAgo: number; status: Status; children: number[] }
  | { kind: 'referrer'; tags: string[]; daysAgo: number; status: Status; subject: number };
type Status = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';

const status = fc.constantFrom<Status>('ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ARCHIVED', 'ACTIVATING');
const tags = fc.subarray(TAGS, { maxLength: 2 });
const daysAgo = fc.integer({ min: 0, max: 60 });

/** Random images; `links` picks, for image i, what it references among images 0..i-1. */
const imageSpecs: fc.Arbitrary<ImageSpec[]> = fc
  .array(
    fc.record({
      kind: fc.constantFrom('image', 'image', 'index', 'referrer'),
      tags,
      daysAgo,
      status,
      links: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 24 },
  )
  .map((raw) =>
    raw.map(({ kind, links, ...rest }, i): ImageSpec => {
      if (i === 0 || kind === 'image') return { kind: 'image', ...rest };
      const targets = [...new Set(links.map((link) => link % i))];
      if (kind === 'index') return { kind: 'index', ...rest, children: targets };
      return { kind: 'referrer', ...rest, subject: targets[0] as number };
    }),
  );

const policies: fc.Arbitrary<LifecyclePolicy> = fc.oneof(
  fc.integer({ min: 1, max: 40 }).map((days) => policy(expireAnyAfter(days))),
  fc.integer({ min: 1, max: 40 }).map((days) =>
    policy({
      rulePriority: 1,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: days,
      },
      action: { type: 'expire' },
    }),
  ),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 })).map(([count, days]) =>
    policy(
      {
        rulePriority: 1,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['v*'],
          countType: 'imageCountMoreThan',
          countNumber: count,
        },
        action: { type: 'expire' },
      },
      archiveUnpulledRule(2, days),
      expireArchivedRule(3, 90),
    ),
  ),
);

const safety: fc.Arbitrary<CleanupSafety> = fc.record({
  protectTags: fc.subarray(PROTECT_GLOBS),
  keepAtLeast: fc.integer({ min: 0, max: 3 }),
  maxDeletionsPerRepository: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  maxDeletionShare: fc.constantFrom(undefined, 0.3, 0.5, 1),
});

interface Scenario {
  specs: ImageSpec[];
  inUse: number[];
  policy: LifecyclePolicy;
  safety: CleanupSafety;
}

const scenarios: fc.Arbitrary<Scenario> = imageSpecs.chain((specs) =>
  fc.record({
    specs: fc.constant(specs),
    inUse: fc.subarray(specs.map((_, i) => i)),
    policy: policies,
    safety,
  }),
);

const nameOf = (i: number) => `image-${i}`;

function build(specs: ImageSpec[]): RepositoryBuilder {
  const repository = new RepositoryBuilder();
  specs.forEach((spec, i) => {
    const options = { tags: spec.tags, daysAgo: spec.daysAgo, imageStatus: spec.status };
    if (spec.kind === 'image') repository.image(nameOf(i), options);
    else if (spec.kind === 'index') repository.index(nameOf(i), spec.children.map(nameOf), options);
    else repository.referrer(nameOf(i), nameOf(spec.subject), options);
  });
  return repository;
}

function plan(scenario: Scenario, images?: ImageRecord[]): RepositoryCleanupPlan {
  const repository = build(scenario.specs);
  const use: InUseReason = {
    kind: 'in-use-ecs-task',
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/1',
  };
  return planOf(repository, {
    policy: scenario.policy,
    inUse: new Map(scenario.inUse.map((i) => [digestOf(nameOf(i)), [use]])),
    safety: scenario.safety,
    ...(images === undefined ? {} : { images }),
  });
}

/** The references among the scenario's images, by digest. */
function references(specs: ImageSpec[]) {
  const childrenOf = new Map<string, string[]>();
  const subjectOf = new Map<string, string>();
  specs.forEach((spec, i) => {
    if (spec.kind === 'index')
      childrenOf.set(
        digestOf(nameOf(i)),
        spec.children.map((c) => digestOf(nameOf(c))),
      );
    if (spec.kind === 'referrer') subjectOf.set(digestOf(nameOf(i)), digestOf(nameOf(spec.subject)));
  });
  return { childrenOf, subjectOf };
}

function check(property: (scenario: Scenario, result: RepositoryCleanupPlan) => void): void {
  fc.assert(
    fc.property(scenarios, (scenario) => {
      property(scenario, plan(scenario));
    }),
    RUNS,
  );
}

describe('planRepositoryCleanup invariants', () => {
  it('puts every image in exactly one of delete and keep', () => {
    check((scenario, result) => {
      const listed = [...result.delete, ...result.keep].map((entry) => entry.imageDigest);
      expect(listed.sort()).toEqual(scenario.specs.map((_, i) => digestOf(nameOf(i))).sort());
    });
  });

  it('never deletes an image in use, with a protected tag, or being restored', () => {
    check((scenario, result) => {
      const protects = picomatch(
        PROTECT_GLOBS.filter((glob) => scenario.safety.protectTags.includes(glob)),
        {
          dot: true,
        },
      );
      const deleted = new Set(result.delete.map((deletion) => deletion.imageDigest));
      scenario.specs.forEach((spec, i) => {
        const digest = digestOf(nameOf(i));
        const isProtected =
          scenario.inUse.includes(i) ||
          spec.status === 'ACTIVATING' ||
          (scenario.safety.protectTags.length > 0 && spec.tags.some((tag) => protects(tag)));
        if (isProtected) expect(deleted.has(digest)).toBe(false);
      });
    });
  });

  it('never deletes one of the newest keepAtLeast images people push', () => {
    check((scenario, result) => {
      const listedByIndex = new Set(
        scenario.specs.flatMap((spec) => (spec.kind === 'index' ? spec.children : [])),
      );
      const topLevel = scenario.specs
        .map((spec, i) => ({ spec, digest: digestOf(nameOf(i)), i }))
        .filter(({ spec, i }) => spec.kind !== 'referrer' && !listedByIndex.has(i))
        .sort((a, b) => a.spec.daysAgo - b.spec.daysAgo || (a.digest < b.digest ? 1 : -1));
      const deleted = new Set(result.delete.map((deletion) => deletion.imageDigest));
      for (const { digest } of topLevel.slice(0, scenario.safety.keepAtLeast))
        expect(deleted.has(digest)).toBe(false);
    });
  });

  it('never deletes a child of a kept index or a referrer of a kept image', () => {
    check((scenario, result) => {
      const { childrenOf, subjectOf } = references(scenario.specs);
      const deleted = new Set(result.delete.map((deletion) => deletion.imageDigest));
      for (const [index, children] of childrenOf) {
        if (!deleted.has(index)) for (const child of children) expect(deleted.has(child)).toBe(false);
      }
      for (const [referrer, subject] of subjectOf) {
        if (!deleted.has(subject)) expect(deleted.has(referrer)).toBe(false);
      }
    });
  });

  it("deletes a deleted index's children unless a kept index lists them, they refer to a kept image, or a protection keeps them", () => {
    const protections = ['in-use-ecs-task', 'protected-tag', 'keep-at-least', 'restoring-from-archive'];
    check((scenario, result) => {
      const { childrenOf, subjectOf } = references(scenario.specs);
      const deleted = new Set(result.delete.map((deletion) => deletion.imageDigest));
      const kept = new Map(result.keep.map((entry) => [entry.imageDigest, entry]));
      // Protected directly, or a subject that such an image refers to (so that it is not orphaned).
      const anchored = new Set(
        result.keep
          .filter((entry) => entry.reasons.some((reason) => protections.includes(reason.kind)))
          .map((entry) => entry.imageDigest),
      );
      for (const [index, children] of childrenOf) {
        if (!deleted.has(index)) continue;
        for (const child of children) {
          if (deleted.has(child)) continue;
          const subject = subjectOf.get(child);
          const keptByIndex = [...childrenOf].some(
            ([other, list]) => !deleted.has(other) && list.includes(child),
          );
          const refersToKept = subject !== undefined && kept.has(subject);
          const holdsKeptReferrer = (kept.get(child)?.reasons ?? []).some(
            (reason) =>
              reason.kind === 'subject-of-kept-referrer' &&
              subjectOf.get(reason.referrerDigest) === child &&
              kept.has(reason.referrerDigest),
          );
          expect(keptByIndex || refersToKept || anchored.has(child) || holdsKeptReferrer).toBe(true);
        }
      }
    });
  });

  it('deletes every referrer of a deleted image: nothing is orphaned', () => {
    check((scenario, result) => {
      const { subjectOf } = references(scenario.specs);
      const deleted = new Set(result.delete.map((deletion) => deletion.imageDigest));
      for (const [referrer, subject] of subjectOf) {
        if (deleted.has(subject)) expect(deleted.has(referrer)).toBe(true);
      }
    });
  });

  it('respects maxDeletionsPerRepository and maxDeletionShare (0.5 when unset)', () => {
    check((scenario, result) => {
      const { maxDeletionsPerRepository, maxDeletionShare = 0.5 } = scenario.safety;
      if (maxDeletionsPerRepository !== undefined) {
        expect(result.delete.length).toBeLessThanOrEqual(maxDeletionsPerRepository);
      }
      if (maxDeletionShare < 1) {
        expect(result.delete.length).toBeLessThanOrEqual(
          Math.floor(maxDeletionShare * scenario.specs.length),
        );
      }
    });
  });

  it('orders deletions so that every index precedes its children and every subject its referrers', () => {
    check((scenario, result) => {
      const { childrenOf, subjectOf } = references(scenario.specs);
      const position = new Map(result.delete.map((deletion, i) => [deletion.imageDigest, i]));
      for (const [index, children] of childrenOf) {
        for (const child of children) {
          const [a, b] = [position.get(index), position.get(child)];
          if (a !== undefined && b !== undefined) expect(a).toBeLessThan(b);
        }
      }
      for (const [referrer, subject] of subjectOf) {
        const [a, b] = [position.get(subject), position.get(referrer)];
        if (a !== undefined && b !== undefined) expect(a).toBeLessThan(b);
      }
    });
  });

  it('gives every deletion a reason that holds, and every kept image at least one documented reason', () => {
    check((scenario, result) => {
      const { childrenOf, subjectOf } = references(scenario.specs);
      const deleted = new Set(result.delete.map((deletion) => deletion.imageDigest));
      const expireRules = scenario.policy.rules
        .filter((rule) => rule.action.type === 'expire')
        .map((rule) => rule.rulePriority);
      for (const { imageDigest, reason } of result.delete) {
        if (reason.kind === 'expired-by-policy') expect(expireRules).toContain(reason.rulePriority);
        if (reason.kind === 'child-of-deleted-index') {
          expect(deleted.has(reason.indexDigest)).toBe(true);
          expect(childrenOf.get(reason.indexDigest)).toContain(imageDigest);
        }
        if (reason.kind === 'referrer-of-deleted-image') {
          expect(deleted.has(reason.subjectDigest)).toBe(true);
          expect(subjectOf.get(imageDigest)).toBe(reason.subjectDigest);
        }
      }
      const order = KEEP_REASON_KINDS as readonly string[];
      for (const kept of result.keep) {
        expect(kept.reasons.length).toBeGreaterThan(0);
        const positions = kept.reasons.map((reason) => order.indexOf(reason.kind));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }
    });
  });

  it('keeps an image the policy selects only for a reason other than the policy', () => {
    check((_scenario, result) => {
      for (const kept of result.keep.filter((entry) => entry.selectedByRule !== undefined)) {
        const kinds = kept.reasons.map((reason) => reason.kind);
        expect(
          kinds.some((kind) => !['not-selected-by-policy', 'claimed-by-higher-priority-rule'].includes(kind)),
        ).toBe(true);
      }
    });
  });

  it('counts bytes once: the summary is the sum of the deletions, indexes at 0', () => {
    check((scenario, result) => {
      const { childrenOf } = references(scenario.specs);
      const total = result.delete.reduce((sum, deletion) => sum + deletion.bytes, 0);
      expect(result.summary.bytesReclaimed).toBe(total);
      for (const deletion of result.delete)
        if (childrenOf.has(deletion.imageDigest)) expect(deletion.bytes).toBe(0);
    });
  });

  it('is deterministic: the same repository listed in another order gives the same plan', () => {
    fc.assert(
      fc.property(scenarios, fc.nat(), (scenario, seed) => {
        const images = build(scenario.specs).images();
        const shuffled = shuffle(images, createSeededRandom(seed));

        expect(plan(scenario, shuffled)).toEqual(plan(scenario, images));
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});

/** Fisher–Yates with the simulator's seeded generator: another order, the same for the same seed. */
function shuffle<T>(items: readonly T[], random: RandomSource): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled;
}
