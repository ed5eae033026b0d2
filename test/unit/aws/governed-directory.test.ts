import { isOrganizationHub, loadGovernedDirectory } from '../../../shared/aws/governed-directory';
import { parseConfig } from '../../../shared/config/load-config';
import { accountDirectory } from '../../../shared/organization/governed-accounts';

const location = { DEPLOYMENT_ACCOUNT_ID: '123456789012', AWS_REGION: 'eu-west-1' };

describe('loadGovernedDirectory', () => {
  it('without organization, governs the own account in the own region and reads no OU', async () => {
    const config = parseConfig({});
    const read = jest.fn();

    const governed = await loadGovernedDirectory(config, location, { readOrganizationDirectory: read });

    expect(isOrganizationHub(config)).toBe(false);
    expect(governed.directory.accounts).toEqual([{ id: '123456789012', alias: undefined, parents: [] }]);
    expect(governed.regions).toEqual(['eu-west-1']);
    expect(read).not.toHaveBeenCalled();
  });

  it('with listed accounts, governs them minus the excluded in the configured regions, without Organizations', async () => {
    const config = parseConfig({
      organization: {
        accounts: ['222222222222', '333333333333'],
        excludeAccounts: ['333333333333'],
        regions: ['us-east-1', 'ap-south-1'],
        accountAliases: { '222222222222': 'payments-prod' },
      },
    });
    const read = jest.fn();

    const governed = await loadGovernedDirectory(config, location, { readOrganizationDirectory: read });

    expect(isOrganizationHub(config)).toBe(true);
    expect(governed.directory.accounts).toEqual([
      { id: '222222222222', alias: 'payments-prod', parents: [] },
    ]);
    expect(governed.regions).toEqual(['us-east-1', 'ap-south-1']);
    expect(read).not.toHaveBeenCalled();
  });

  it('with OUs, asks the Organizations listing as the hub and still drops an excluded account it returns', async () => {
    const config = parseConfig({
      organization: {
        organizationalUnits: ['ou-ab12-cd34ef56'],
        excludeAccounts: ['444444444444'],
        regions: ['us-east-1'],
      },
    });
    const read = jest.fn().mockResolvedValue(
      accountDirectory([
        { id: '333333333333', alias: 'payments-prod', parents: ['ou-ab12-cd34ef56', 'r-ab12'] },
        { id: '444444444444', alias: 'legacy', parents: ['ou-ab12-cd34ef56', 'r-ab12'] },
      ]),
    );

    const governed = await loadGovernedDirectory(config, location, { readOrganizationDirectory: read });

    expect(read).toHaveBeenCalledWith(config.organization, { hubAccount: '123456789012' });
    expect(governed.directory.accounts.map((account) => account.id)).toEqual(['333333333333']);
    expect(governed.directory.get('444444444444')).toBeUndefined();
    expect(governed.regions).toEqual(['us-east-1']);
  });

  it('passes a listing failure on: a function that cannot know its accounts governs none', async () => {
    const config = parseConfig({ organization: { organizationalUnits: ['r-ab12'], regions: ['us-east-1'] } });
    const failure = new Error('OU ou-… does not exist');

    await expect(
      loadGovernedDirectory(config, location, { readOrganizationDirectory: () => Promise.reject(failure) }),
    ).rejects.toBe(failure);
  });
});
