import { parseConfig } from '../../../shared/config/load-config';
import {
  accountDirectory,
  accountLabel,
  accountRefMatches,
  coversAccount,
  directoryScope,
  governedTargets,
  listedAccountDirectory,
  ownAccountDirectory,
} from '../../../shared/organization/governed-accounts';

const payments = { id: '222222222222', alias: 'payments-prod', parents: ['ou-ab12-cd34ef56', 'r-ab12'] };
const sandbox = { id: '333333333333', parents: [] };

describe('which accounts a rule covers', () => {
  it.each([
    ['222222222222', payments, true],
    ['333333333333', payments, false],
    ['payments-prod', payments, true],
    ['payments-dev', payments, false],
    ['ou-ab12-cd34ef56', payments, true],
    ['r-ab12', payments, true],
    ['ou-ab12-00000000', payments, false],
    ['payments-prod', sandbox, false],
  ])('%s names %j: %s', (ref, account, expected) => {
    expect(accountRefMatches(ref, account)).toBe(expected);
  });

  it('a rule without accounts covers every governed account; with them, only those named', () => {
    expect(coversAccount(undefined, sandbox)).toBe(true);
    expect(coversAccount(['payments-prod'], sandbox)).toBe(false);
    expect(coversAccount(['payments-prod', '333333333333'], sandbox)).toBe(true);
  });
});

describe('the governed accounts and regions', () => {
  it('lists the configured accounts minus the excluded, with their aliases', () => {
    const { organization } = parseConfig({
      organization: {
        accounts: ['222222222222', '333333333333', '444444444444'],
        excludeAccounts: ['444444444444'],
        regions: ['us-east-1', 'eu-west-1'],
        accountAliases: { '222222222222': 'payments-prod' },
      },
    });
    if (organization === undefined) throw new Error('the organization section was not read');
    const directory = listedAccountDirectory(organization);

    expect(directory.accounts).toEqual([
      { id: '222222222222', alias: 'payments-prod', parents: [] },
      { id: '333333333333', alias: undefined, parents: [] },
    ]);
    expect(directory.get('444444444444')).toBeUndefined();
    expect(
      governedTargets(directory, ['us-east-1', 'eu-west-1']).map((t) => `${t.account.id}/${t.region}`),
    ).toEqual([
      '222222222222/us-east-1',
      '222222222222/eu-west-1',
      '333333333333/us-east-1',
      '333333333333/eu-west-1',
    ]);
    const scope = directoryScope(directory, ['us-east-1', 'eu-west-1']);
    expect([...scope.accounts]).toEqual(['222222222222', '333333333333']);
    expect([...scope.regions]).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('without organization, the directory is the own account alone', () => {
    expect(ownAccountDirectory('123456789012').accounts).toEqual([
      { id: '123456789012', alias: undefined, parents: [] },
    ]);
  });

  it('keeps one entry per account id', () => {
    expect(accountDirectory([payments, { ...payments, alias: 'other' }]).accounts).toHaveLength(1);
  });

  it('names an account by alias and id when the alias is known', () => {
    expect(accountLabel(payments)).toBe('payments-prod (222222222222)');
    expect(accountLabel(sandbox)).toBe('333333333333');
  });
});
