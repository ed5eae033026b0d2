// The examples of AWS's page "Examples of lifecycle policies in Amazon ECR":
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
// Every policy is the page's JSON, copied exactly into test/events/lifecycle/. Where the page lists
// repository contents and states a Result, the expected outcome is that Result; where it gives only
// the policy, the repository is ours and the expected outcome is what the page's prose says the
// policy does.
import {
  evaluateLifecyclePolicy,
  type LifecycleEvaluation,
  parseLifecyclePolicy,
} from '../../../shared/lifecycle';
import {
  DAY_MS,
  imagePushed,
  loadValidPolicy,
  MINUTE_MS,
  NOW,
  nameOf,
  readPolicyText,
} from './policy-fixtures';

/** "A:1:expire" per acted-on image, sorted by name: the outcome, readable in a failure message. */
function outcome(evaluation: LifecycleEvaluation): string[] {
  return evaluation.actions.map((a) => `${nameOf(a.image)}:${a.rulePriority}:${a.type}`).sort();
}

const DOCUMENTED_POLICIES = [
  'image-age',
  'last-pulled-time',
  'archive-transition-time',
  'image-count',
  'multiple-rules-a',
  'multiple-rules-b',
  'multiple-tags-a',
  'multiple-tags-b',
  'all-images-a',
  'all-images-b',
  'archive-older-than-days',
  'archive-not-pulled',
  'archive-and-expire',
];

it.each(DOCUMENTED_POLICIES)('accepts the documented policy %s exactly as the page prints it', (name) => {
  const text = readPolicyText(name);

  const result = parseLifecyclePolicy(text);

  expect(result).toEqual({ ok: true, policy: JSON.parse(text) });
});

describe('documented examples with a stated Result', () => {
  describe('Filtering on multiple rules', () => {
    it('Example A: expires only image A, because rule 2 may not expire B that rule 1 matched', () => {
      const policy = loadValidPolicy('multiple-rules-a');
      const images = [
        imagePushed('A', ['beta-1', 'prod-1'], 10),
        imagePushed('B', ['beta-2', 'prod-2'], 9),
        imagePushed('C', ['beta-3'], 8),
      ];

      const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

      expect(outcome(evaluation)).toEqual(['A:1:expire']);
    });

    it('Example B: expires images A and B, both by rule 1, when the beta rule comes first', () => {
      const policy = loadValidPolicy('multiple-rules-b');
      const images = [
        imagePushed('A', ['beta-1', 'prod-1'], 10),
        imagePushed('B', ['beta-2', 'prod-2'], 9),
        imagePushed('C', ['beta-3'], 8),
      ];

      const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

      expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:1:expire']);
    });
  });

  describe('Filtering on multiple tags in a single rule', () => {
    it('Example A: expires image C only, the one image older than five days that has both an alpha and a beta tag', () => {
      const policy = loadValidPolicy('multiple-tags-a');
      const images = [
        imagePushed('A', ['alpha-1'], 12),
        imagePushed('B', ['beta-1'], 11),
        imagePushed('C', ['alpha-2', 'beta-2'], 10),
        imagePushed('D', ['alpha-3'], 4),
        imagePushed('E', ['beta-3'], 3),
        imagePushed('F', ['alpha-4', 'beta-4'], 2),
      ];

      const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

      expect(outcome(evaluation)).toEqual(['C:1:expire']);
    });

    it('Example B: expires images A and B and keeps the newest C, because extra tags do not stop a match', () => {
      const policy = loadValidPolicy('multiple-tags-b');
      const images = [
        imagePushed('A', ['alpha-1', 'beta-1', 'gamma-1'], 10),
        imagePushed('B', ['alpha-2', 'beta-2'], 9),
        imagePushed('C', ['alpha-3', 'beta-3', 'gamma-2'], 8),
      ];

      const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

      expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:1:expire']);
    });
  });

  describe('Filtering on all images', () => {
    it('Example A: expires images A, B and C and keeps D, the newest, tagged or not', () => {
      const policy = loadValidPolicy('all-images-a');
      const images = [
        imagePushed('A', ['alpha-1'], 4),
        imagePushed('B', ['beta-1'], 3),
        imagePushed('C', [], 2),
        imagePushed('D', ['alpha-2'], 1),
      ];

      const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

      expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:1:expire', 'C:1:expire']);
    });

    it('Example B: expires A by rule 1, B by rule 2 and D by rule 3, and keeps C and E that higher rules matched', () => {
      const policy = loadValidPolicy('all-images-b');
      // The page lists D and E both as "Pushed: 1 day ago" and does not say which is newer. Its
      // Result (rule 3 keeps one image and expires D, yet cannot expire E) only holds if E is the
      // newest image, so D is given a push time a few minutes older than E's. E stays at exactly one
      // day: rule 2 expires untagged images "older than one day", and the page keeps E.
      const images = [
        imagePushed('A', ['alpha-1', 'beta-1'], 4),
        imagePushed('B', [], 3),
        imagePushed('C', ['alpha-2'], 2),
        imagePushed('D', ['git hash'], 1, { pushedAt: NOW - DAY_MS - 5 * MINUTE_MS }),
        imagePushed('E', [], 1),
      ];

      const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

      expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:2:expire', 'D:3:expire']);
    });
  });
});

describe('documented examples without a stated Result: each validates and does what the prose says', () => {
  it('Filtering on image age: expires images with a tag starting with prod that are older than 14 days, as the prose implies', () => {
    const policy = loadValidPolicy('image-age');
    const images = [
      imagePushed('A', ['prod-1'], 20),
      imagePushed('B', ['production'], 15),
      imagePushed('C', ['prod-2'], 10),
      imagePushed('D', ['dev-1'], 30),
      imagePushed('E', [], 30),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:1:expire']);
  });

  it('Filtering on last pulled time: archives images not pulled for 90 days, counting a never-pulled image from its push, as the prose implies', () => {
    const policy = loadValidPolicy('last-pulled-time');
    const images = [
      imagePushed('A', ['v1'], 200, { lastPulledAt: NOW - 100 * DAY_MS }),
      imagePushed('B', ['v2'], 200, { lastPulledAt: NOW - 10 * DAY_MS }),
      imagePushed('C', [], 120),
      imagePushed('D', [], 30),
      imagePushed('E', ['v0'], 400, {
        storageClass: 'archive',
        lastPulledAt: NOW - 300 * DAY_MS,
        archivedAt: NOW - 200 * DAY_MS,
      }),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:transition', 'C:1:transition']);
  });

  it('Filtering on archive transition time: expires only archived images that were archived more than 365 days ago, as the prose implies', () => {
    const policy = loadValidPolicy('archive-transition-time');
    const images = [
      imagePushed('A', ['v1'], 900, { storageClass: 'archive', archivedAt: NOW - 400 * DAY_MS }),
      imagePushed('B', ['v2'], 900, { storageClass: 'archive', archivedAt: NOW - 100 * DAY_MS }),
      imagePushed('C', ['v3'], 900),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:expire']);
  });

  it('Filtering on image count: keeps the newest untagged image and expires the other untagged ones, as the prose implies', () => {
    const policy = loadValidPolicy('image-count');
    const images = [
      imagePushed('A', [], 5),
      imagePushed('B', [], 3),
      imagePushed('C', [], 1),
      imagePushed('D', ['v1'], 9),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:1:expire']);
  });

  it('Archiving images older than a specified number of days: archives prod images older than 30 days, as the prose implies', () => {
    const policy = loadValidPolicy('archive-older-than-days');
    const images = [
      imagePushed('A', ['prod-1'], 40),
      imagePushed('B', ['prod-2'], 20),
      imagePushed('C', ['dev-1'], 40),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:transition']);
  });

  it('Archiving images not pulled in a specified number of days: archives images whose last pull is over 90 days old, as the prose implies', () => {
    const policy = loadValidPolicy('archive-not-pulled');
    const images = [
      imagePushed('A', ['v1'], 365, { lastPulledAt: NOW - 91 * DAY_MS }),
      imagePushed('B', ['v2'], 365, { lastPulledAt: NOW - 89 * DAY_MS }),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:transition']);
  });

  it('Combining archive and expire rules: archives standard images older than 30 days and expires images archived over 365 days ago, as the prose implies', () => {
    const policy = loadValidPolicy('archive-and-expire');
    const images = [
      imagePushed('A', ['v1'], 40),
      imagePushed('B', ['v2'], 10),
      imagePushed('C', ['v0'], 900, { storageClass: 'archive', archivedAt: NOW - 400 * DAY_MS }),
      imagePushed('D', [], 900, { storageClass: 'archive', archivedAt: NOW - 200 * DAY_MS }),
    ];

    const evaluation = evaluateLifecyclePolicy(policy, images, { now: NOW });

    expect(outcome(evaluation)).toEqual(['A:1:transition', 'C:2:expire']);
  });
});
