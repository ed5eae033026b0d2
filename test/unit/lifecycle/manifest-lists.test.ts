// Manifest lists and the lifecycle engine, from "How lifecycle policies work"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html): "If an image is
// referenced by a manifest list, it cannot be expired or archived without the manifest list being
// deleted or archived first." An index holds its children while it is in standard storage; once it
// is archived, rules act on them as on any image.
import {
  evaluateLifecyclePolicy,
  type LifecycleEvaluation,
  type LifecycleImage,
  type LifecyclePolicy,
} from '../../../shared/lifecycle';
import { DAY_MS, digestOf, imagePushed, NOW, nameOf } from './policy-fixtures';

function outcome(evaluation: LifecycleEvaluation): string[] {
  return evaluation.actions.map((a) => `${nameOf(a.image)}:${a.rulePriority}:${a.type}`).sort();
}

/** Untagged images pushed over 7 days ago expire (rule 1); standard images over 30 days old archive (rule 2). */
const POLICY: LifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      selection: {
        tagStatus: 'tagged',
        tagPrefixList: ['arch'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 30,
      },
      action: { type: 'transition', targetStorageClass: 'archive' },
    },
  ],
};

/** Index I (tagged v1) lists the untagged children A and B, and the tagged child F (arch-1), all 60 days old. */
function repository(indexExtra: Partial<LifecycleImage>): LifecycleImage[] {
  return [
    imagePushed('I', ['v1'], 60, indexExtra),
    imagePushed('A', [], 60),
    imagePushed('B', [], 60),
    imagePushed('F', ['arch-1'], 60),
  ];
}
const CHILDREN = new Map([[digestOf('I'), [digestOf('A'), digestOf('B'), digestOf('F')]]]);

describe('manifest lists in the lifecycle engine', () => {
  it('holds the children of an index in standard storage: neither expired nor archived', () => {
    const evaluation = evaluateLifecyclePolicy(POLICY, repository({}), {
      now: NOW,
      indexChildren: CHILDREN,
      explain: true,
    });

    expect(outcome(evaluation)).toEqual([]);
    expect(evaluation.held.map((h) => `${nameOf(h.image)}:${h.reason}`).sort()).toEqual([
      'A:referenced-by-manifest-list',
      'B:referenced-by-manifest-list',
      'F:referenced-by-manifest-list',
    ]);
  });

  it('lets rules expire and archive the children once the index is archived', () => {
    const archivedIndex = repository({ storageClass: 'archive', archivedAt: NOW - 10 * DAY_MS });

    const evaluation = evaluateLifecyclePolicy(POLICY, archivedIndex, {
      now: NOW,
      indexChildren: CHILDREN,
      explain: true,
    });

    expect(outcome(evaluation)).toEqual(['A:1:expire', 'B:1:expire', 'F:2:transition']);
    expect(evaluation.held).toEqual([]);
  });

  it('still holds the children of an index that the listing does not include (missing, or being restored)', () => {
    const withoutIndex = repository({}).filter((image) => nameOf(image) !== 'I');

    const evaluation = evaluateLifecyclePolicy(POLICY, withoutIndex, { now: NOW, indexChildren: CHILDREN });

    expect(outcome(evaluation)).toEqual([]);
  });

  it('holds a child that a standard index lists even when an archived index lists it too', () => {
    const images = [...repository({ storageClass: 'archive' }), imagePushed('J', ['v2'], 1)];
    const children = new Map([...CHILDREN, [digestOf('J'), [digestOf('A')]]]);

    const evaluation = evaluateLifecyclePolicy(POLICY, images, { now: NOW, indexChildren: children });

    expect(outcome(evaluation)).toEqual(['B:1:expire', 'F:2:transition']);
  });
});
