// Properties of the lifecycle evaluator that follow from "Lifecycle policy evaluation rules"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html), checked on
// random valid policies and repositories. Tags and tag filters come from one small alphabet so that
// rules really do match images, and overlap. The oracles below (tag matching, reference times) are
// written from the doc independently of shared/lifecycle, so that a property is not checked
// against the code it tests.
import fc from 'fast-check';
import {
  evaluateLifecyclePolicy,
  type LifecycleEvaluation,
  type LifecycleImage,
  type LifecyclePolicy,
  type LifecycleRule,
  parseLifecyclePolicy,
} from '../../../shared/lifecycle';
import { POLICY_TAGS, storageClassOf, validPolicy } from '../../support/lifecycle-policy-arbitraries';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');
const RUNS = { seed: 20_260_301, numRuns: 500 };

const TAGS = POLICY_TAGS;

// ---- repositories ----------------------------------------------------------------------------

interface Repository {
  images: LifecycleImage[];
  referencedByIndex: Set<string>;
}

/** The value `present` times out of `present + absent`, else undefined. */
function sometimes<T>(value: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { arbitrary: value, weight: present },
    { arbitrary: fc.constant(undefined), weight: absent },
  );
}

// Ages in minutes, within an hour and a half of a whole number of days: rules count in days, so
// this puts many images just either side of a rule's limit.
const minutesAgo = fc
  .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: -90, max: 90 }))
  .map(([days, minutes]) => Math.max(0, days * 24 * 60 + minutes));

const imageSpec = fc.record({
  tags: fc.subarray(TAGS, { maxLength: 3 }),
  archived: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  pushedMinutesAgo: minutesAgo,
  // Later than the push: each is capped at the push's age.
  pulledMinutesAgo: sometimes(minutesAgo, 1, 1),
  // Restores from archive are rare, and a restored image counts as young: keep them rare here too.
  activatedMinutesAgo: sometimes(minutesAgo, 1, 5),
  archivedMinutesAgo: sometimes(minutesAgo, 8, 1),
  referenced: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

const repository: fc.Arbitrary<Repository> = fc
  .array(imageSpec, { minLength: 1, maxLength: 16, size: 'max' })
  .map((specs) => {
    const referencedByIndex = new Set<string>();
    const images = specs.map((spec, i): LifecycleImage => {
      const imageDigest = `sha256:${i.toString(16).padStart(64, '0')}`;
      if (spec.referenced) referencedByIndex.add(imageDigest);
      const ago = (minutes: number) => NOW - Math.min(minutes, spec.pushedMinutesAgo) * MINUTE_MS;
      const image: LifecycleImage = {
        imageDigest,
        imageTags: spec.tags,
        pushedAt: NOW - spec.pushedMinutesAgo * MINUTE_MS,
        storageClass: spec.archived ? 'archive' : 'standard',
      };
      if (spec.pulledMinutesAgo !== undefined) image.lastPulledAt = ago(spec.pulledMinutesAgo);
      if (spec.activatedMinutesAgo !== undefined) image.activatedAt = ago(spec.activatedMinutesAgo);
      if (spec.archived && spec.archivedMinutesAgo !== undefined)
        image.archivedAt = ago(spec.archivedMinutesAgo);
      return image;
    });
    return { images, referencedByIndex };
  });

// ---- oracles, from the doc --------------------------------------------------------------------

/** `*` matches any run of characters, everything else itself; the whole tag must match. */
function globMatches(pattern: string, tag: string): boolean {
  if (pattern === '') return tag === '';
  if (pattern[0] === '*')
    return globMatches(pattern.slice(1), tag) || (tag !== '' && globMatches(pattern, tag.slice(1)));
  return tag !== '' && tag[0] === pattern[0] && globMatches(pattern.slice(1), tag.slice(1));
}

/** Whether the rule's storage class and tagging requirements select the image. */
function ruleMatches(rule: LifecycleRule, image: LifecycleImage): boolean {
  if (image.storageClass !== storageClassOf(rule)) return false;
  const { tagStatus, tagPatternList, tagPrefixList } = rule.selection;
  if (tagStatus === 'any') return true;
  if (tagStatus === 'untagged') return image.imageTags.length === 0;
  // "An image is successfully matched if all of the tags in the tagPatternList or tagPrefixList
  // value are matched against any of the image's tags."
  if (tagPatternList) return tagPatternList.every((p) => image.imageTags.some((t) => globMatches(p, t)));
  return (tagPrefixList ?? []).every((p) => image.imageTags.some((t) => t.startsWith(p)));
}

/** The time a since* rule measures an image's age from (bullets 9, 16, 17 and 18). */
function referenceTime(rule: LifecycleRule, image: LifecycleImage): number | undefined {
  const { countType } = rule.selection;
  if (countType === 'sinceImageTransitioned') return image.archivedAt;
  if (countType === 'sinceImagePulled') {
    if (image.activatedAt !== undefined && (image.lastPulledAt ?? 0) < image.activatedAt)
      return image.activatedAt;
    return image.lastPulledAt ?? image.pushedAt;
  }
  return image.activatedAt ?? image.pushedAt;
}

function ruleAt(policy: LifecyclePolicy, rulePriority: number): LifecycleRule {
  const rule = policy.rules.find((r) => r.rulePriority === rulePriority);
  if (!rule) throw new Error(`no rule with priority ${rulePriority}`);
  return rule;
}

function evaluate(policy: LifecyclePolicy, repo: Repository): LifecycleEvaluation {
  return evaluateLifecyclePolicy(policy, repo.images, {
    now: NOW,
    referencedByIndex: repo.referencedByIndex,
    explain: true,
  });
}

// ---- properties -------------------------------------------------------------------------------

describe('lifecycle evaluation properties on random valid policies and repositories', () => {
  it('generates only policies that ECR would accept (the premise of every other property)', () => {
    fc.assert(
      fc.property(validPolicy, (policy) => {
        const result = parseLifecyclePolicy(structuredClone(policy));

        expect(result.ok ? [] : result.violations).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(a) acts on every image at most once', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const { actions } = evaluate(policy, repo);

        const digests = actions.map((a) => a.image.imageDigest);
        expect(new Set(digests).size).toBe(digests.length);
      }),
      RUNS,
    );
  });

  it('(b) never lets a rule act on an image whose tags a higher-priority rule of the same storage class matched', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const { actions } = evaluate(policy, repo);

        for (const action of actions) {
          const claimants = policy.rules.filter(
            (rule) => rule.rulePriority < action.rulePriority && ruleMatches(rule, action.image),
          );
          expect(claimants.map((rule) => rule.rulePriority)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('(c) leaves at least min(N, matched) of the images an imageCountMoreThan N rule matched un-acted by that rule', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const { actions } = evaluate(policy, repo);

        for (const rule of policy.rules.filter((r) => r.selection.countType === 'imageCountMoreThan')) {
          const matched = repo.images.filter((image) => ruleMatches(rule, image)).length;
          const actedByRule = actions.filter((a) => a.rulePriority === rule.rulePriority).length;
          expect(matched - actedByRule).toBeGreaterThanOrEqual(Math.min(rule.selection.countNumber, matched));
        }
      }),
      RUNS,
    );
  });

  it('(d) gives the same result whatever the order of the rules in the array', () => {
    const policyAndShuffle = validPolicy.chain((policy) =>
      fc.tuple(
        fc.constant(policy),
        fc.shuffledSubarray(policy.rules, { minLength: policy.rules.length, maxLength: policy.rules.length }),
      ),
    );
    fc.assert(
      fc.property(policyAndShuffle, repository, ([policy, shuffledRules], repo) => {
        const inOrder = evaluate(policy, repo);

        const shuffled = evaluate({ rules: shuffledRules }, repo);

        expect(shuffled).toEqual(inOrder);
      }),
      RUNS,
    );
  });

  it('(e) never lets a since* rule act on an image younger than its countNumber days by the reference time', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const { actions } = evaluate(policy, repo);

        for (const action of actions) {
          const rule = ruleAt(policy, action.rulePriority);
          if (rule.selection.countType === 'imageCountMoreThan') continue;
          const since = referenceTime(rule, action.image);
          expect(since).toBeDefined();
          expect(NOW - (since ?? NOW)).toBeGreaterThan(rule.selection.countNumber * DAY_MS);
        }
      }),
      RUNS,
    );
  });

  it('(f) never acts on an image that a manifest list references', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const { actions } = evaluate(policy, repo);

        const acted = actions.map((a) => a.image.imageDigest);
        expect(acted.filter((digest) => repo.referencedByIndex.has(digest))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(g) lets standard rules act only on standard images and archive rules only on archive images', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const { actions } = evaluate(policy, repo);

        for (const action of actions) {
          expect(action.image.storageClass).toBe(storageClassOf(ruleAt(policy, action.rulePriority)));
        }
      }),
      RUNS,
    );
  });

  it('(h) returns the same evaluation for the same inputs', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const first = evaluate(structuredClone(policy), structuredClone(repo));

        const second = evaluate(structuredClone(policy), structuredClone(repo));

        expect(second).toEqual(first);
      }),
      RUNS,
    );
  });

  it('acts on the same images whether or not explanations are asked for', () => {
    fc.assert(
      fc.property(validPolicy, repository, (policy, repo) => {
        const explained = evaluate(policy, repo);

        const plain = evaluateLifecyclePolicy(policy, repo.images, {
          now: NOW,
          referencedByIndex: repo.referencedByIndex,
        });

        expect(plain.actions).toEqual(explained.actions);
      }),
      RUNS,
    );
  });
});
