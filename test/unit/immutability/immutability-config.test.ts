import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText, validateConfig } from '../../../shared/config/load-config';
import { STANDARD_POLICY } from '../../support/lifecycle-policies';

const ROOT = join(__dirname, '..', '..', '..');

function issues(immutability: unknown): string[] {
  const result = validateConfig({ immutability });
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('the immutability section of ecr-warden.yml', () => {
  it('is safe by default: dry run, a daily sweep, no rule', () => {
    const result = validateConfig({});

    expect(result.ok && result.config.immutability).toEqual({
      schedule: 'rate(1 day)',
      dryRun: true,
      lifecyclePolicies: {},
      rules: [],
    });
  });

  it('defaults a rule to IMMUTABLE, report only, without protected tags or other baselines', () => {
    const result = validateConfig({ immutability: { rules: [{ repositories: ['**'] }] } });

    expect(result.ok && result.config.immutability.rules).toEqual([
      { repositories: ['**'], mode: 'IMMUTABLE', remediate: false, protectedTags: [] },
    ]);
  });

  it('validates exclusion filters as ECR does, naming each one', () => {
    expect(
      issues({
        rules: [
          { repositories: ['**'], mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest', 'v1/*', '*a*b*'] },
          {
            repositories: ['**'],
            mode: 'MUTABLE_WITH_EXCLUSION',
            exclusions: ['a', 'b', 'c', 'd', 'e', 'f'],
          },
          { repositories: ['**'], mode: 'IMMUTABLE', exclusions: ['latest'] },
          { repositories: ['**'], mode: 'IMMUTABLE_WITH_EXCLUSION' },
        ],
      }),
    ).toEqual([
      'immutability.rules[0].exclusions[1]: must be 1-128 characters of a-z A-Z 0-9 . _ - and * (ECR WILDCARD filter)',
      'immutability.rules[0].exclusions[2]: may hold at most 2 "*" wildcards',
      'immutability.rules[1].exclusions: MUTABLE_WITH_EXCLUSION needs 1 to 5 exclusion filters, got 6',
      'immutability.rules[2].exclusions: IMMUTABLE takes no exclusions; use IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION',
      'immutability.rules[3].exclusions: IMMUTABLE_WITH_EXCLUSION needs 1 to 5 exclusion filters, got 0',
    ]);
  });

  it('requires a named default lifecycle policy for lifecycle remediation, and one that exists', () => {
    expect(
      issues({
        rules: [
          { repositories: ['a/**'], lifecyclePolicy: { remediate: true } },
          { repositories: ['b/**'], lifecyclePolicy: { defaultPolicy: 'missing' } },
        ],
      }),
    ).toEqual([
      'immutability.rules[0].lifecyclePolicy.defaultPolicy: is required when remediate is true (a policy named in immutability.lifecyclePolicies)',
      'immutability.rules[1].lifecyclePolicy.defaultPolicy: "missing" is not in immutability.lifecyclePolicies',
    ]);
  });

  it('validates default lifecycle policies with ECR’s own rules and keeps them as PutLifecyclePolicy text', () => {
    const result = validateConfig({ immutability: { lifecyclePolicies: { standard: STANDARD_POLICY } } });
    // ecr-warden's own extension (expire by last pull) is refused: ECR evaluates this policy.
    const extension = issues({
      lifecyclePolicies: {
        pulled: {
          rules: [
            {
              rulePriority: 1,
              selection: {
                tagStatus: 'any',
                countType: 'sinceImagePulled',
                countUnit: 'days',
                countNumber: 30,
              },
              action: { type: 'expire' },
            },
          ],
        },
      },
    });
    const invalid = issues({
      lifecyclePolicies: {
        broken: {
          rules: [
            {
              ...STANDARD_POLICY.rules[0],
              selection: { ...STANDARD_POLICY.rules[0]?.selection, countNumber: 0 },
            },
          ],
        },
      },
    });

    expect(result.ok && result.config.immutability.lifecyclePolicies.standard).toBe(
      JSON.stringify(STANDARD_POLICY),
    );
    expect(extension).toEqual([
      'immutability.lifecyclePolicies.pulled.rules[0].selection.countType: sinceImagePulled is only allowed with action type "transition" (rulePriority 1)',
    ]);
    expect(invalid).toEqual([
      'immutability.lifecyclePolicies.broken.rules[0].selection.countNumber: must be a positive integer (0 is not accepted) (rulePriority 1)',
    ]);
  });

  it('refuses remediation of the report-only baselines, saying why', () => {
    expect(
      issues({
        rules: [
          { repositories: ['**'], encryption: { remediate: true }, repositoryPolicy: { remediate: true } },
        ],
      }),
    ).toEqual([
      'immutability.rules[0].encryption.remediate: encryption cannot change after a repository is created: report only (leave remediate out)',
      'immutability.rules[0].repositoryPolicy.remediate: ecr-warden never rewrites a repository policy: report only (leave remediate out)',
    ]);
  });

  it('loads the example ecr-warden.yml and the demo config', () => {
    for (const file of ['ecr-warden.yml', join('local', 'demo', 'ecr-warden.demo.yml')]) {
      const config = parseConfigText(readFileSync(join(ROOT, file), 'utf8'), file);
      expect(config.immutability.rules.length).toBeGreaterThan(0);
    }
  });
});
