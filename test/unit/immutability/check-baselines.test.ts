import { parseConfig } from '../../../shared/config/load-config';
import {
  checkRepositoryBaselines,
  decideRemediation,
  describeFix,
  type ObservedRepository,
} from '../../../shared/immutability/check-baselines';
import { compileBaselines, type RepositoryBaseline } from '../../../shared/immutability/desired-state';
import { STANDARD_POLICY } from '../../support/lifecycle-policies';

const OWN = '123456789012';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b7c1d3e-8f21-4a57-9c6b-2e4f5a6b7c8d';
function baselineFor(rule: Record<string, unknown>, name = 'team-a/api'): RepositoryBaseline {
  const config = parseConfig({
    immutability: {
      lifecyclePolicies: { standard: STANDARD_POLICY },
      rules: [{ repositories: ['team-a/**'], ...rule }],
    },
  });
  const baseline = compileBaselines(config.immutability)(name);
  if (baseline === undefined) throw new Error(`no rule covers ${name}`);
  return baseline;
}

function observed(change: Partial<ObservedRepository> = {}): ObservedRepository {
  return {
    repositoryName: 'team-a/api',
    tagMutability: { mode: 'IMMUTABLE', exclusions: [] },
    tagMutabilityReported: 'IMMUTABLE',
    encryption: { type: 'KMS', kmsKey: KEY },
    lifecyclePolicyText: JSON.stringify(STANDARD_POLICY),
    repositoryPolicyText: null,
    scanFrequency: 'SCAN_ON_PUSH',
    ...change,
  };
}

const ALL_BASELINES = {
  scanning: {},
  lifecyclePolicy: { defaultPolicy: 'standard', remediate: true },
  encryption: {},
  repositoryPolicy: {},
};

describe('checkRepositoryBaselines', () => {
  it('finds a repository that meets every baseline compliant', () => {
    const checks = checkRepositoryBaselines(baselineFor(ALL_BASELINES), observed(), { ownAccount: OWN });

    expect(checks.map((check) => [check.baseline, check.status])).toEqual([
      ['tag-immutability', 'compliant'],
      ['scanning', 'compliant'],
      ['lifecycle-policy', 'compliant'],
      ['encryption', 'compliant'],
      ['repository-policy', 'compliant'],
    ]);
  });

  it('checks only tag immutability when the rule asks for nothing else', () => {
    const checks = checkRepositoryBaselines(baselineFor({}), observed({ encryption: { type: 'AES256' } }), {
      ownAccount: OWN,
    });

    expect(checks.map((check) => check.baseline)).toEqual(['tag-immutability']);
  });

  it('finds every baseline drifted, each with what remediation would do', () => {
    const checks = checkRepositoryBaselines(
      baselineFor({ remediate: true, ...ALL_BASELINES }),
      observed({
        tagMutability: { mode: 'MUTABLE', exclusions: [] },
        tagMutabilityReported: 'MUTABLE',
        encryption: { type: 'AES256' },
        lifecyclePolicyText: null,
        repositoryPolicyText: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }],
        }),
        scanFrequency: 'MANUAL',
      }),
      { ownAccount: OWN },
    );

    expect(
      checks.map((check) =>
        check.status === 'drift'
          ? [check.baseline, check.actual, check.severity, describeFix(check.fix)]
          : check,
      ),
    ).toEqual([
      ['tag-immutability', 'MUTABLE', 'warning', 'PutImageTagMutability IMMUTABLE'],
      [
        'scanning',
        'no automatic scanning (MANUAL)',
        'warning',
        'PutRegistryScanningConfiguration (add to the SCAN_ON_PUSH rule)',
      ],
      ['lifecycle-policy', 'no lifecycle policy', 'info', 'PutLifecyclePolicy "standard"'],
      [
        'encryption',
        'AES256',
        'warning',
        'none (encryption is fixed when a repository is created: recreate it to change it)',
      ],
      [
        'repository-policy',
        'statement "Statement[0]" lets everyone ("*") ecr:BatchGetImage',
        'critical',
        'none (ecr-warden never rewrites a repository policy)',
      ],
    ]);
  });

  it('accepts continuous scanning where scan on push is required, but not the other way round', () => {
    const onPush = baselineFor({ scanning: { frequency: 'SCAN_ON_PUSH' } });
    const continuous = baselineFor({ scanning: { frequency: 'CONTINUOUS_SCAN' } });

    expect(
      checkRepositoryBaselines(onPush, observed({ scanFrequency: 'CONTINUOUS_SCAN' }), { ownAccount: OWN })[1]
        ?.status,
    ).toBe('compliant');
    expect(
      checkRepositoryBaselines(continuous, observed({ scanFrequency: 'SCAN_ON_PUSH' }), {
        ownAccount: OWN,
      })[1]?.status,
    ).toBe('drift');
  });

  it('requires one of the listed KMS keys when kmsKeys is set', () => {
    const baseline = baselineFor({
      encryption: { kmsKeys: ['arn:aws:kms:us-east-1:123456789012:key/other'] },
    });

    const [, encryption] = checkRepositoryBaselines(baseline, observed(), { ownAccount: OWN });

    expect(encryption).toMatchObject({ status: 'drift', actual: `KMS (${KEY})` });
  });

  it('reports a mode this version does not know as a drift, as ECR reported it', () => {
    const [check] = checkRepositoryBaselines(
      baselineFor({}),
      observed({ tagMutability: undefined, tagMutabilityReported: 'IMMUTABLE_SOMEDAY' }),
      { ownAccount: OWN },
    );

    expect(check).toMatchObject({ status: 'drift', actual: 'IMMUTABLE_SOMEDAY' });
  });
});

describe('decideRemediation', () => {
  const fix = { kind: 'put-image-tag-mutability', setting: { mode: 'IMMUTABLE', exclusions: [] } } as const;

  it('applies only what the config allows, and only outside dry run', () => {
    expect(decideRemediation({ ...fix, remediate: true }, false)).toBe('apply');
    expect(decideRemediation({ ...fix, remediate: true }, true)).toBe('would-apply');
    expect(decideRemediation({ ...fix, remediate: false }, false)).toBe('report-only');
    expect(decideRemediation({ kind: 'none', reason: 'fixed at creation' }, false)).toBe('report-only');
  });
});
