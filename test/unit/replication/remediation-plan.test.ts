import { planRemediation } from '../../../shared/replication/remediation-plan';
import { auditResult, comparison, image, settings } from './replication-builders';

const ALL = {
  dryRun: true,
  backfill: true,
  alignSettings: ['tag-mutability', 'lifecycle-policy', 'repository-policy'] as const,
};

describe('planRemediation', () => {
  it('sets the destination tag mutability and lifecycle policy to the source ones', () => {
    const source = settings({ tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['latest'] });
    const result = auditResult({
      comparisons: [
        comparison({
          sourceSettings: source,
          drift: [
            { setting: 'tag-mutability', source: 'IMMUTABLE_WITH_EXCLUSION (latest)', replica: 'MUTABLE' },
            { setting: 'lifecycle-policy', source: '1 rule', replica: 'none' },
          ],
        }),
      ],
    });

    const plan = planRemediation(result, { ...ALL, alignSettings: [...ALL.alignSettings] });

    expect(plan.actions).toEqual([
      {
        action: 'align-setting',
        destinationRegion: 'us-west-2',
        repositoryName: 'payments/api',
        setting: 'tag-mutability',
        tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        exclusionFilters: ['latest'],
      },
      {
        action: 'align-setting',
        destinationRegion: 'us-west-2',
        repositoryName: 'payments/api',
        setting: 'lifecycle-policy',
        policyText: source.lifecyclePolicyText,
      },
    ]);
  });

  it('never changes encryption or scanning, and never deletes a policy only the destination has', () => {
    const result = auditResult({
      comparisons: [
        comparison({
          sourceSettings: settings({ repositoryPolicyText: undefined }),
          drift: [
            { setting: 'encryption', source: 'KMS', replica: 'AES256' },
            {
              setting: 'scanning',
              source: 'ENHANCED CONTINUOUS_SCAN',
              replica: 'MANUAL (no automatic scans)',
            },
            { setting: 'repository-policy', source: 'none', replica: '1 statement' },
          ],
        }),
      ],
    });

    const plan = planRemediation(result, { ...ALL, alignSettings: [...ALL.alignSettings] });

    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => s.setting)).toEqual(['encryption', 'scanning', 'repository-policy']);
  });

  it('aligns only the settings alignSettings lists', () => {
    const result = auditResult({
      comparisons: [
        comparison({ drift: [{ setting: 'tag-mutability', source: 'IMMUTABLE', replica: 'MUTABLE' }] }),
      ],
    });

    const plan = planRemediation(result, {
      dryRun: true,
      backfill: true,
      alignSettings: ['lifecycle-policy'],
    });

    expect(plan.actions).toEqual([]);
    expect(plan.skipped[0]?.reason).toMatch(/not in replication.remediate.alignSettings/);
  });

  it('starts one backfill per destination region for images that never reached it, not for stuck ones', () => {
    const never = { ...image('never', 300), preRule: true, reason: 'never-replicated' as const };
    const stuck = { ...image('stuck', 2), preRule: false, reason: 'stuck-in-progress' as const };
    const result = auditResult({
      comparisons: [
        comparison({ repositoryName: 'payments/api', missing: [never] }),
        comparison({ repositoryName: 'web/admin', missing: [never, stuck] }),
        comparison({ repositoryName: 'web/frontend', missing: [stuck] }),
      ],
    });

    const plan = planRemediation(result, { ...ALL, alignSettings: [] });

    expect(plan.actions).toEqual([
      {
        action: 'start-backfill',
        destination: { region: 'us-west-2', registryId: '123456789012' },
        images: 2,
        repositories: ['payments/api', 'web/admin'],
      },
    ]);
  });

  it('starts no backfill when backfill is off', () => {
    const never = { ...image('never', 300), preRule: true, reason: 'never-replicated' as const };

    const plan = planRemediation(auditResult({ comparisons: [comparison({ missing: [never] })] }), {
      dryRun: false,
      backfill: false,
      alignSettings: [],
    });

    expect(plan.actions).toEqual([]);
  });
});
