import {
  planScanningConfiguration,
  type RegistryScanningConfiguration,
} from '../../../shared/immutability/scanning';

const wildcard = (filter: string) => ({ filter, filterType: 'WILDCARD' as const });

describe('planScanningConfiguration', () => {
  it('adds the repository to the rule of the required frequency and keeps everything else', () => {
    const current: RegistryScanningConfiguration = {
      scanType: 'ENHANCED',
      rules: [
        { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [wildcard('payments/*')] },
        { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [wildcard('data/*')] },
      ],
    };

    const plan = planScanningConfiguration(current, 'web/frontend', 'SCAN_ON_PUSH');

    expect(plan).toEqual({
      ok: true,
      configuration: {
        scanType: 'ENHANCED',
        rules: [
          { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [wildcard('payments/*')] },
          {
            scanFrequency: 'SCAN_ON_PUSH',
            repositoryFilters: [wildcard('data/*'), wildcard('web/frontend')],
          },
        ],
      },
    });
    expect(current.rules[1]?.repositoryFilters).toHaveLength(1);
  });

  it('creates the rule when the registry has none for that frequency', () => {
    const plan = planScanningConfiguration({ scanType: 'BASIC', rules: [] }, 'team-a/api', 'SCAN_ON_PUSH');

    expect(plan).toEqual({
      ok: true,
      configuration: {
        scanType: 'BASIC',
        rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [wildcard('team-a/api')] }],
      },
    });
  });

  it('refuses to switch a BASIC registry to ENHANCED (Amazon Inspector, billed) for continuous scanning', () => {
    const plan = planScanningConfiguration({ scanType: 'BASIC', rules: [] }, 'team-a/api', 'CONTINUOUS_SCAN');

    expect(plan).toMatchObject({ ok: false, reason: expect.stringContaining('ENHANCED') });
  });

  it('refuses a rule already at its 100 filters', () => {
    const filters = Array.from({ length: 100 }, (_, n) => wildcard(`svc-${n}`));
    const plan = planScanningConfiguration(
      { scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: filters }] },
      'team-a/api',
      'SCAN_ON_PUSH',
    );

    expect(plan).toEqual({
      ok: false,
      reason: 'the SCAN_ON_PUSH rule already has 100 filters; widen a filter instead',
    });
  });

  it('refuses a third rule: a registry has at most two', () => {
    const plan = planScanningConfiguration(
      {
        scanType: 'ENHANCED',
        rules: [
          { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [wildcard('a/*')] },
          { scanFrequency: 'MANUAL', repositoryFilters: [wildcard('b/*')] },
        ],
      },
      'team-a/api',
      'CONTINUOUS_SCAN',
    );

    expect(plan).toEqual({ ok: false, reason: 'the registry already has 2 scanning rules' });
  });
});
