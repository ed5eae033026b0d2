// ECR's acceptance rules for lifecycle policies, from "Lifecycle policy properties in Amazon ECR"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html), the
// "Lifecycle policy evaluation rules" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html),
// the notes on the examples page, "Archiving an image" (archive-image.html) and the 100 to 30,720
// character limit of PutLifecyclePolicy's lifecyclePolicyText.
import {
  type PolicyParseResult,
  type PolicyViolation,
  parseLifecyclePolicy,
} from '../../../shared/lifecycle';

type Json = Record<string, unknown>;

/** A valid rule: keep the 5 newest images tagged v*, with fields overridden or removed (undefined). */
function rule(
  rulePriority: number,
  selection: Json = {},
  action: Json = {},
  extra: Json = {},
): Record<string, unknown> {
  return dropUndefined({
    rulePriority,
    description: `rule ${rulePriority}`,
    selection: dropUndefined({
      tagStatus: 'tagged',
      tagPatternList: [`v${rulePriority}*`],
      countType: 'imageCountMoreThan',
      countNumber: 5,
      ...selection,
    }),
    action: dropUndefined({ type: 'expire', ...action }),
    ...extra,
  });
}

function dropUndefined(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function policy(...rules: Json[]): Json {
  return { rules };
}

/** The violations as `path @ priority`, sorted: order is not part of the contract. */
function violationsOf(result: PolicyParseResult): string[] {
  if (result.ok) return [];
  return result.violations.map(where).sort();
}

function where(v: PolicyViolation): string {
  return `${v.path} @ ${v.rulePriority ?? '-'}`;
}

/** Pads a valid policy document's JSON text with trailing spaces to exactly `length` characters. */
function policyTextOfLength(length: number): string {
  const text = JSON.stringify(policy(rule(1)));
  return text + ' '.repeat(length - text.length);
}

describe('tagStatus and tag lists', () => {
  it('accepts a tagged rule with only a tagPatternList and one with only a tagPrefixList', () => {
    const document = policy(
      rule(1, { tagPatternList: ['prod*'] }),
      rule(2, { tagPatternList: undefined, tagPrefixList: ['release-'] }),
    );

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });

  it('rejects a tagged rule that has neither tagPatternList nor tagPrefixList', () => {
    const document = policy(rule(1, { tagPatternList: undefined }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.tagStatus @ 1']);
  });

  it('rejects a tagged rule that has both tagPatternList and tagPrefixList', () => {
    const document = policy(rule(1, { tagPatternList: ['prod*'], tagPrefixList: ['prod'] }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection @ 1']);
  });

  it.each(['untagged', 'any'])(
    'rejects a tagPatternList and a tagPrefixList on a %s rule, each reported',
    (tagStatus) => {
      const document = policy(
        rule(1, { tagStatus, tagPatternList: ['prod*'], tagPrefixList: ['prod'], countNumber: 3 }),
      );

      const result = parseLifecyclePolicy(document);

      expect(violationsOf(result)).toEqual([
        'rules[0].selection.tagPatternList @ 1',
        'rules[0].selection.tagPrefixList @ 1',
      ]);
    },
  );

  it('accepts the documented patterns with four wildcards, "*test*1*2*3" and "test*1*2*3*"', () => {
    const document = policy(rule(1, { tagPatternList: ['*test*1*2*3', 'test*1*2*3*'] }));

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });

  it('rejects the documented pattern "test*1*2*3*4*5*6", which has more than four wildcards', () => {
    const document = policy(rule(1, { tagPatternList: ['prod*', 'test*1*2*3*4*5*6'] }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.tagPatternList[1] @ 1']);
  });
});

describe('rulePriority', () => {
  it('rejects a rulePriority that another rule already uses, at the second rule', () => {
    const document = policy(rule(3), rule(3, { tagPatternList: ['other*'] }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[1].rulePriority @ 3']);
  });

  it('accepts priorities that are unique but not sequential', () => {
    const document = policy(rule(10), rule(2), rule(7));

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });

  it('rejects an "any" rule that does not have the highest rulePriority of its storage class', () => {
    const document = policy(rule(1, { tagStatus: 'any', tagPatternList: undefined }), rule(2));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].rulePriority @ 1']);
  });

  it('accepts two "any" rules in different storage classes, as "Combining archive and expire rules" does', () => {
    const document = policy(
      rule(
        1,
        {
          tagStatus: 'any',
          tagPatternList: undefined,
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 30,
        },
        { type: 'transition', targetStorageClass: 'archive' },
      ),
      rule(2, {
        tagStatus: 'any',
        tagPatternList: undefined,
        storageClass: 'archive',
        countType: 'sinceImageTransitioned',
        countUnit: 'days',
        countNumber: 365,
      }),
    );

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });
});

describe('countType, countUnit and countNumber', () => {
  it.each([
    ['sinceImagePushed', { type: 'expire' }, 'standard'],
    ['sinceImagePulled', { type: 'transition', targetStorageClass: 'archive' }, 'standard'],
    ['sinceImageTransitioned', { type: 'expire' }, 'archive'],
  ])('rejects a %s rule without countUnit', (countType, action, storageClass) => {
    const document = policy(rule(1, { countType, countNumber: 90, storageClass }, action));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countUnit @ 1']);
  });

  it('rejects countUnit on an imageCountMoreThan rule', () => {
    const document = policy(rule(1, { countType: 'imageCountMoreThan', countUnit: 'days' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countUnit @ 1']);
  });

  it('rejects a countUnit other than "days"', () => {
    const document = policy(rule(1, { countType: 'sinceImagePushed', countUnit: 'weeks' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countUnit @ 1']);
  });

  it.each([0, -1, 1.5])('rejects countNumber %p: it must be a positive integer', (countNumber) => {
    const document = policy(rule(1, { countNumber }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countNumber @ 1']);
  });

  it('accepts countNumber 1, the smallest positive integer', () => {
    const document = policy(rule(1, { countNumber: 1 }));

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });
});

describe('actions and storage classes', () => {
  const pulledRule = (action: Json) =>
    rule(
      1,
      {
        tagStatus: 'any',
        tagPatternList: undefined,
        countType: 'sinceImagePulled',
        countUnit: 'days',
        countNumber: 30,
      },
      action,
    );

  it('rejects sinceImagePulled with the expire action, which ECR only allows with transition', () => {
    const document = policy(pulledRule({ type: 'expire' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countType @ 1']);
  });

  it('accepts sinceImagePulled with the expire action when options.allowExpireSincePulled is set', () => {
    const document = policy(pulledRule({ type: 'expire' }));

    const result = parseLifecyclePolicy(document, { allowExpireSincePulled: true });

    expect(result.ok).toBe(true);
  });

  it('accepts sinceImagePulled with a transition to archive', () => {
    const document = policy(pulledRule({ type: 'transition', targetStorageClass: 'archive' }));

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });

  const transitionedRule = (selection: Json, action: Json = {}) =>
    rule(
      1,
      {
        tagStatus: 'any',
        tagPatternList: undefined,
        storageClass: 'archive',
        countType: 'sinceImageTransitioned',
        countUnit: 'days',
        countNumber: 90,
        ...selection,
      },
      action,
    );

  it('accepts sinceImageTransitioned with expire, storageClass archive and countNumber 90', () => {
    const document = policy(transitionedRule({}));

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });

  it('rejects sinceImageTransitioned with the transition action', () => {
    const document = policy(transitionedRule({}, { type: 'transition', targetStorageClass: 'archive' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countType @ 1']);
  });

  it.each([
    ['omitted (so standard)', undefined],
    ['standard', 'standard'],
  ])('rejects sinceImageTransitioned with storageClass %s', (_label, storageClass) => {
    const document = policy(transitionedRule({ storageClass }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.storageClass @ 1']);
  });

  it('rejects sinceImageTransitioned with countNumber 89: archived images must stay 90 days', () => {
    const document = policy(transitionedRule({ countNumber: 89 }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.countNumber @ 1']);
  });

  it('rejects a transition action without targetStorageClass', () => {
    const document = policy(rule(1, {}, { type: 'transition' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].action.targetStorageClass @ 1']);
  });

  it('rejects a targetStorageClass on an expire action', () => {
    const document = policy(rule(1, {}, { type: 'expire', targetStorageClass: 'archive' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].action.targetStorageClass @ 1']);
  });

  it.each([
    ['imageCountMoreThan', {}],
    ['sinceImagePushed', { countUnit: 'days' }],
  ])('rejects storageClass archive with countType %s', (countType, selection) => {
    const document = policy(rule(1, { storageClass: 'archive', countType, ...selection }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0].selection.storageClass @ 1']);
  });
});

describe('rules across a storage class', () => {
  const untaggedRule = (rulePriority: number) =>
    rule(rulePriority, { tagStatus: 'untagged', tagPatternList: undefined, countNumber: 2 });

  it('rejects a second rule selecting untagged images in the same storage class', () => {
    const document = policy(untaggedRule(1), rule(2), untaggedRule(3));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[2].selection.tagStatus @ 3']);
  });

  it('accepts one untagged rule per storage class', () => {
    const document = policy(
      untaggedRule(1),
      rule(2, {
        tagStatus: 'untagged',
        tagPatternList: undefined,
        storageClass: 'archive',
        countType: 'sinceImageTransitioned',
        countUnit: 'days',
        countNumber: 120,
      }),
    );

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(true);
  });

  it('rejects two rules of one storage class with the same set of tag patterns, in any order', () => {
    const document = policy(
      rule(1, { tagPatternList: ['alpha*', 'beta*'] }),
      rule(2, { tagPatternList: ['beta*', 'alpha*'], countNumber: 9 }),
    );

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[1].selection @ 2']);
  });
});

describe('unknown fields', () => {
  it('rejects an unknown field at each level (policy, rule, selection, action), each reported', () => {
    const document = {
      ...policy(rule(1, { tagPrefix: ['v'] }, { retain: true }, { enabled: true })),
      version: '2012-10-17',
    };

    const result = parseLifecyclePolicy(document);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '', message: expect.stringContaining('version') }),
        expect.objectContaining({
          path: 'rules[0]',
          rulePriority: 1,
          message: expect.stringContaining('enabled'),
        }),
        expect.objectContaining({
          path: 'rules[0].selection',
          rulePriority: 1,
          message: expect.stringContaining('tagPrefix'),
        }),
        expect.objectContaining({
          path: 'rules[0].action',
          rulePriority: 1,
          message: expect.stringContaining('retain'),
        }),
      ]),
    );
    expect(violationsOf(result)).toHaveLength(4);
  });
});

describe('policy text', () => {
  it('rejects policy text of 99 characters, below PutLifecyclePolicy minimum of 100', () => {
    const text = '{"rules":[]}'.padEnd(99, ' ');

    const result = parseLifecyclePolicy(text);

    expect(result).toEqual({ ok: false, violations: [{ path: '', message: expect.stringContaining('99') }] });
  });

  it('lets text of exactly 100 characters past the length check (a policy cannot be that short, so the next check speaks)', () => {
    const text = '{"rules":[]}'.padEnd(100, ' ');

    const result = parseLifecyclePolicy(text);

    expect(violationsOf(result)).toEqual(['rules @ -']);
  });

  it('accepts valid policy text of exactly 30,720 characters, the maximum', () => {
    const text = policyTextOfLength(30_720);

    const result = parseLifecyclePolicy(text);

    expect(result.ok).toBe(true);
  });

  it('rejects valid policy JSON of 30,721 characters, above the 30,720 limit', () => {
    const text = policyTextOfLength(30_721);

    const result = parseLifecyclePolicy(text);

    expect(result).toEqual({
      ok: false,
      violations: [{ path: '', message: expect.stringContaining('30721') }],
    });
  });

  it('rejects text that is not JSON and says so', () => {
    const text = `{"rules": [${JSON.stringify(rule(1))},]}`.padEnd(120, ' ');

    const result = parseLifecyclePolicy(text);

    expect(result).toEqual({
      ok: false,
      violations: [{ path: '', message: expect.stringMatching(/not valid JSON/) }],
    });
  });

  it('rejects a policy without rules', () => {
    const document = policy();

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules @ -']);
  });

  // ECR service quotas: "Rules per lifecycle policy: 50", not adjustable
  // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html).
  it('accepts 50 rules, the most a lifecycle policy may have', () => {
    const rules = Array.from({ length: 50 }, (_, i) => rule(i + 1));

    const result = parseLifecyclePolicy(JSON.stringify(policy(...rules)));

    expect(result.ok).toBe(true);
  });

  it('rejects 51 rules, above ECR quota of 50 rules per lifecycle policy, even as valid text within 30,720 characters', () => {
    const text = JSON.stringify(policy(...Array.from({ length: 51 }, (_, i) => rule(i + 1))));
    expect(text.length).toBeLessThanOrEqual(30_720);

    const result = parseLifecyclePolicy(text);

    expect(result).toEqual({
      ok: false,
      violations: [
        { path: 'rules', message: 'at most 50 rules per lifecycle policy (ECR service quota), got 51' },
      ],
    });
  });
});

describe('every violation is reported', () => {
  it('reports all three problems of a policy, with the path and rulePriority of each', () => {
    const document = policy(
      rule(4, { countType: 'sinceImagePushed', countNumber: 7 }),
      rule(9, { tagStatus: 'any', tagPatternList: undefined }, { type: 'transition' }),
      rule(2, { tagPatternList: ['a*b*c*d*e*f'] }),
    );

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual([
      'rules[0].selection.countUnit @ 4',
      'rules[1].action.targetStorageClass @ 9',
      'rules[2].selection.tagPatternList[0] @ 2',
    ]);
  });

  it('reports problems found across rules together with those inside rules', () => {
    const document = policy(
      rule(1, { tagStatus: 'any', tagPatternList: undefined }),
      rule(2, { countUnit: 'days' }),
      rule(2, { tagPatternList: ['x*'] }),
    );

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual([
      'rules[0].rulePriority @ 1',
      'rules[1].selection.countUnit @ 2',
      'rules[2].rulePriority @ 2',
    ]);
  });

  it('reports every shape error of a rule, not only the first', () => {
    const document = policy(rule(1, { tagStatus: 'sometimes', countNumber: 0 }, { type: 'delete' }));

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual([
      'rules[0].action.type @ 1',
      'rules[0].selection.countNumber @ 1',
      'rules[0].selection.tagStatus @ 1',
    ]);
  });

  it('reports a rule-level violation of one rule alongside a shape error of another rule', () => {
    const document = policy(
      rule(1, {}, {}, { enabled: true }),
      rule(2, { countType: 'sinceImagePushed', countNumber: 14 }),
    );

    const result = parseLifecyclePolicy(document);

    expect(violationsOf(result)).toEqual(['rules[0] @ 1', 'rules[1].selection.countUnit @ 2']);
  });
});
