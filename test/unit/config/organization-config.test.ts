import { ConfigError, type ConfigIssue, formatConfigIssue } from '../../../shared/config/config-error';
import { parseConfig, parseConfigText } from '../../../shared/config/load-config';

function issuesOf(config: Record<string, unknown>): string[] {
  try {
    parseConfig(config);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((issue: ConfigIssue) => formatConfigIssue(issue));
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('the organization section (issue 15)', () => {
  it('reads the smallest form, with the member role name it names', () => {
    const config = parseConfigText(`
organization:
  accounts: ["222222222222", "333333333333"]
  regions: ["us-east-1", "eu-west-1"]
  memberRoleName: ecr-warden-member
`);

    expect(config.organization).toEqual({
      accounts: ['222222222222', '333333333333'],
      excludeAccounts: [],
      regions: ['us-east-1', 'eu-west-1'],
      memberRoleName: 'ecr-warden-member',
      accountAliases: {},
    });
  });

  it('is absent without the section: the single-account behaviour', () => {
    expect(parseConfig({}).organization).toBeUndefined();
  });

  it('reads OUs, exclusions, the organization id and aliases', () => {
    const config = parseConfig({
      organization: {
        organizationalUnits: ['ou-ab12-cd34ef56', 'r-ab12'],
        excludeAccounts: ['444444444444'],
        regions: ['us-east-1'],
        organizationId: 'o-a1b2c3d4e5',
        organizationsRoleArn: 'arn:aws:iam::111111111111:role/org-reader',
        accountAliases: { '222222222222': 'payments-prod' },
      },
    });

    expect(config.organization).toMatchObject({
      organizationalUnits: ['ou-ab12-cd34ef56', 'r-ab12'],
      memberRoleName: 'ecr-warden-member',
      accountAliases: { '222222222222': 'payments-prod' },
    });
  });

  it.each([
    [
      { regions: ['us-east-1'] },
      'organization.accounts: needs `accounts` (account ids) or `organizationalUnits`',
    ],
    [
      { accounts: ['22222222222'], regions: ['us-east-1'] },
      'organization.accounts[0]: must be a 12-digit AWS account id',
    ],
    [
      { accounts: ['222222222222', '222222222222'], regions: ['us-east-1'] },
      'organization.accounts[1]: "222222222222" is listed twice',
    ],
    [{ accounts: ['222222222222'], regions: [] }, 'organization.regions: must list at least one region'],
    [{ accounts: ['222222222222'], regions: ['mars-1'] }, 'organization.regions[0]: must be an AWS region'],
    [
      { organizationalUnits: ['ou-1'], regions: ['us-east-1'] },
      'organization.organizationalUnits[0]: must be an organizational unit id',
    ],
    [
      { accounts: ['222222222222'], excludeAccounts: ['222222222222'], regions: ['us-east-1'] },
      'organization.excludeAccounts: excludes every listed account',
    ],
    [
      { accounts: ['222222222222'], regions: ['us-east-1'], organizationId: 'org-1' },
      'organization.organizationId: must be an organization id',
    ],
    [
      { accounts: ['222222222222'], regions: ['us-east-1'], memberRoleName: 'a b' },
      'organization.memberRoleName: must be an IAM role name',
    ],
    [
      {
        accounts: ['222222222222'],
        regions: ['us-east-1'],
        accountAliases: { '222222222222': 'Payments Prod' },
      },
      'organization.accountAliases.222222222222: must be an account alias',
    ],
    [{ accounts: ['222222222222'], regions: ['us-east-1'], member: 'x' }, 'organization.member: unknown key'],
  ])('refuses %j with a clear issue', (organization, expected) => {
    expect(issuesOf({ organization }).join('\n')).toContain(expected);
  });

  it('lets every rule, route, threshold and suppression scope by account', () => {
    const config = parseConfig({
      cleanup: {
        rules: [{ repositories: ['**'], accounts: ['payments-prod', 'ou-ab12-cd34ef56'], policy: 'native' }],
      },
      immutability: { rules: [{ repositories: ['**'], accounts: ['222222222222'] }] },
      scanning: {
        thresholds: [{ repositories: ['**'], accounts: ['222222222222'], minSeverity: 'CRITICAL' }],
        suppressions: [
          {
            vulnerability: 'CVE-2026-1',
            repositories: ['**'],
            accounts: ['222222222222'],
            reason: 'r',
            owner: 'o',
            expires: '2027-01-01',
          },
        ],
      },
      replication: { accounts: ['222222222222'] },
      notifications: {
        routes: [{ name: 'payments', webhookParameter: '/ecr-warden/slack/p', accounts: ['payments-prod'] }],
      },
    });

    expect(config.cleanup.rules[0]?.accounts).toEqual(['payments-prod', 'ou-ab12-cd34ef56']);
    expect(config.immutability.rules[0]?.accounts).toEqual(['222222222222']);
    expect(config.scanning.thresholds[0]?.accounts).toEqual(['222222222222']);
    expect(config.scanning.suppressions[0]?.accounts).toEqual(['222222222222']);
    expect(config.replication.accounts).toEqual(['222222222222']);
    expect(config.notifications.routes[0]?.accounts).toEqual(['payments-prod']);
  });

  it('refuses an account reference that is neither an id, an alias nor an OU', () => {
    expect(
      issuesOf({
        cleanup: { rules: [{ repositories: ['**'], accounts: ['Payments Prod'], policy: 'native' }] },
      }).join('\n'),
    ).toContain('cleanup.rules[0].accounts[0]: must be a 12-digit account id, an account alias');
  });
});
