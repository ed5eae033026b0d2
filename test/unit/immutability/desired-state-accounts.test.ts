import { parseConfig } from '../../../shared/config/load-config';
import { compileBaselines } from '../../../shared/immutability/desired-state';

const PAYMENTS_PROD = { id: '333333333333', alias: 'payments-prod', parents: ['ou-ab12-cd34ef56', 'r-ab12'] };
const SANDBOX = { id: '444444444444', alias: 'legacy-sandbox', parents: ['r-ab12'] };

const config = parseConfig({
  immutability: {
    rules: [
      // Production accounts: immutable, by OU.
      { repositories: ['payments/**'], accounts: ['ou-ab12-cd34ef56'], mode: 'IMMUTABLE' },
      // Everyone else's payments repositories: latest may float.
      { repositories: ['payments/**'], mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest'] },
      // Only the sandbox, by alias.
      { repositories: ['scratch/**'], accounts: ['legacy-sandbox'], mode: 'MUTABLE' },
    ],
  },
}).immutability;

describe('compileBaselines by account', () => {
  it('takes the first rule whose globs and accounts both cover the repository', () => {
    expect(compileBaselines(config, PAYMENTS_PROD)('payments/api')?.ruleIndex).toBe(0);
    expect(compileBaselines(config, SANDBOX)('payments/api')?.ruleIndex).toBe(1);
  });

  it('leaves a repository alone in an account that no covering rule names', () => {
    expect(compileBaselines(config, PAYMENTS_PROD)('scratch/tmp')).toBeUndefined();
    expect(compileBaselines(config, SANDBOX)('scratch/tmp')?.tagMutability.setting.mode).toBe('MUTABLE');
  });

  it('applies rules by their globs alone when no account is given (the snapshot audit)', () => {
    expect(compileBaselines(config)('payments/api')?.ruleIndex).toBe(0);
    expect(compileBaselines(config)('scratch/tmp')?.ruleIndex).toBe(2);
  });
});
