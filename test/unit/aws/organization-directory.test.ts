import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  OrganizationsClient,
  ParentNotFoundException,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  isActive,
  ORGANIZATION_DIRECTORY_TTL_MS,
  OrganizationDirectoryError,
  readOrganizationDirectory,
} from '../../../shared/aws/organization-directory';
import { parseConfig } from '../../../shared/config/load-config';
import type { OrganizationConfig } from '../../../shared/config/schema-organization';
import { rejection } from '../../support/rejection';

const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
beforeEach(() => {
  organizations.reset();
  sts.reset();
});

const ROOT = 'r-ab12';
const PLATFORM = 'ou-ab12-platform1';
const PAYMENTS = 'ou-ab12-payments1';
const metadata = { $metadata: {} };

function organization(section: Record<string, unknown>): OrganizationConfig {
  const parsed = parseConfig({ organization: { regions: ['us-east-1'], ...section } }).organization;
  if (parsed === undefined) throw new Error('no organization section');
  return parsed;
}

/** root → PLATFORM → PAYMENTS; accounts in each, listed in pages of the given size. */
function plantOrganization() {
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abcdefghij' } });
  organizations
    .on(ListParentsCommand, { ChildId: PLATFORM })
    .resolves({ Parents: [{ Id: ROOT, Type: 'ROOT' }] });
  organizations
    .on(ListAccountsForParentCommand, { ParentId: PLATFORM, NextToken: undefined })
    .resolves({
      Accounts: [{ Id: '111111111111', Name: 'platform-tools', State: 'ACTIVE' }],
      NextToken: 'p2',
    })
    // An empty page that still carries a NextToken: the listing goes on.
    .on(ListAccountsForParentCommand, { ParentId: PLATFORM, NextToken: 'p2' })
    .resolves({ Accounts: [], NextToken: 'p3' })
    .on(ListAccountsForParentCommand, { ParentId: PLATFORM, NextToken: 'p3' })
    .resolves({
      Accounts: [
        { Id: '222222222222', Name: 'closing', State: 'PENDING_CLOSURE', Status: 'PENDING_CLOSURE' },
        // No State (older answers): the deprecated Status decides.
        { Id: '555555555555', Name: 'old-style', Status: 'ACTIVE' },
      ],
    });
  organizations
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: PLATFORM })
    .resolves({ OrganizationalUnits: [{ Id: PAYMENTS, Name: 'payments' }] });
  organizations.on(ListAccountsForParentCommand, { ParentId: PAYMENTS }).resolves({
    Accounts: [
      { Id: '333333333333', Name: 'Payments Prod', State: 'ACTIVE' },
      { Id: '444444444444', Name: 'suspended', State: 'SUSPENDED' },
      { Id: '666666666666', Name: 'excluded', State: 'ACTIVE' },
    ],
  });
  organizations.on(ListOrganizationalUnitsForParentCommand, { ParentId: PAYMENTS }).resolves({});
}

describe('readOrganizationDirectory', () => {
  it('lists the ACTIVE accounts under the OU at any depth, every page, with their OUs nearest first', async () => {
    plantOrganization();
    const config = organization({
      organizationalUnits: [PLATFORM],
      accounts: ['777777777777'],
      excludeAccounts: ['666666666666'],
      accountAliases: { '333333333333': 'payments-prod' },
    });

    const directory = await readOrganizationDirectory(config, {
      hubAccount: '999999999999',
      client: new OrganizationsClient({ region: 'us-east-1' }),
    });

    expect(directory.accounts).toEqual([
      { id: '111111111111', alias: 'platform-tools', parents: [PLATFORM, ROOT] },
      { id: '555555555555', alias: 'old-style', parents: [PLATFORM, ROOT] },
      { id: '333333333333', alias: 'payments-prod', parents: [PAYMENTS, PLATFORM, ROOT] },
      { id: '777777777777', alias: undefined, parents: [] },
    ]);
    const pages = organizations.commandCalls(ListAccountsForParentCommand);
    expect(pages.map((call) => [call.args[0].input.ParentId, call.args[0].input.NextToken])).toEqual([
      [PLATFORM, undefined],
      [PLATFORM, 'p2'],
      [PLATFORM, 'p3'],
      [PAYMENTS, undefined],
    ]);
    expect(pages.every((call) => call.args[0].input.MaxResults === 20)).toBe(true);
  });

  it('answers from its cache for 15 minutes, then lists again', async () => {
    plantOrganization();
    const config = organization({ organizationalUnits: [PAYMENTS] });
    organizations
      .on(ListParentsCommand, { ChildId: PAYMENTS })
      .resolves({ Parents: [{ Id: PLATFORM, Type: 'ORGANIZATIONAL_UNIT' }] });
    let now = 1_000_000;
    const client = new OrganizationsClient({ region: 'us-east-1' });
    const read = () =>
      readOrganizationDirectory(config, { hubAccount: '999999999999', client, now: () => now });

    await read();
    now += ORGANIZATION_DIRECTORY_TTL_MS - 1;
    await read();
    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(1);
    now += 1;
    const again = await read();

    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(2);
    expect(again.get('333333333333')?.parents).toEqual([PAYMENTS, PLATFORM, ROOT]);
  });

  it('refuses an OU that does not exist in the organization, naming it', async () => {
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abcdefghij' } });
    organizations
      .on(ListParentsCommand)
      .rejects(new ParentNotFoundException({ message: 'parent not found', ...metadata }));
    const config = organization({ organizationalUnits: ['ou-zz99-missing01'] });

    const error = await rejection(
      readOrganizationDirectory(config, { hubAccount: '999999999999', client: new OrganizationsClient({}) }),
    );

    expect(error).toBeInstanceOf(OrganizationDirectoryError);
    expect(error.message).toBe(
      'OU ou-zz99-missing01 does not exist in the organization (ParentNotFoundException): fix organization.organizationalUnits',
    );
  });

  it('says that the hub is neither the management account nor a delegated administrator on AccessDenied', async () => {
    organizations
      .on(DescribeOrganizationCommand)
      .rejects(new AccessDeniedException({ message: 'You don’t have permissions', ...metadata }));
    const config = organization({ organizationalUnits: [ROOT] });

    const error = await rejection(
      readOrganizationDirectory(config, { hubAccount: '999999999999', client: new OrganizationsClient({}) }),
    );

    expect((error as OrganizationDirectoryError).errorName).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /^Organizations refused DescribeOrganization to the hub account 999999999999 \(AccessDeniedException\): it must be the management account or a delegated administrator/,
    );
  });

  it('says that the hub is in no organization', async () => {
    organizations
      .on(DescribeOrganizationCommand)
      .rejects(new AWSOrganizationsNotInUseException({ message: 'not in use', ...metadata }));

    const error = await rejection(
      readOrganizationDirectory(organization({ organizationalUnits: [ROOT] }), {
        hubAccount: '999999999999',
        client: new OrganizationsClient({}),
      }),
    );

    expect(error.message).toMatch(/^the hub account 999999999999 is not a member of an organization/);
  });

  it('refuses to list another organization than organization.organizationId names', async () => {
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-otherorg01' } });

    const error = await rejection(
      readOrganizationDirectory(
        organization({ organizationalUnits: [ROOT], organizationId: 'o-abcdefghij' }),
        {
          hubAccount: '999999999999',
          client: new OrganizationsClient({}),
        },
      ),
    );

    expect(error.message).toContain(
      'belongs to organization o-otherorg01, not organization.organizationId o-abcdefghij',
    );
    expect(organizations.commandCalls(ListAccountsForParentCommand)).toHaveLength(0);
  });

  it('does not cache a failure: the next invocation asks again', async () => {
    organizations
      .on(DescribeOrganizationCommand)
      .rejectsOnce(new AccessDeniedException({ message: 'denied', ...metadata }))
      .resolves({ Organization: { Id: 'o-abcdefghij' } });
    organizations
      .on(ListAccountsForParentCommand)
      .resolves({ Accounts: [{ Id: '333333333333', State: 'ACTIVE' }] });
    organizations.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    const config = organization({ organizationalUnits: [ROOT] });
    const client = new OrganizationsClient({});

    await rejection(readOrganizationDirectory(config, { hubAccount: '999999999999', client }));
    const directory = await readOrganizationDirectory(config, { hubAccount: '999999999999', client });

    expect(directory.accounts).toEqual([{ id: '333333333333', alias: undefined, parents: [ROOT] }]);
  });

  it('lists through organizationsRoleArn when set, and names the role when it cannot be assumed', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const roleArn = 'arn:aws:iam::100000000000:role/org-reader';

    const error = await rejection(
      readOrganizationDirectory(
        organization({ organizationalUnits: [ROOT], organizationsRoleArn: roleArn }),
        {
          hubAccount: '999999999999',
          sts: new STSClient({ region: 'us-east-1' }),
        },
      ),
    );

    expect(error.message).toBe(
      `the hub account 999999999999 cannot assume organization.organizationsRoleArn ${roleArn} (AccessDenied): check the role's trust policy and the hub's sts:AssumeRole`,
    );
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: roleArn,
      DurationSeconds: 900,
    });
  });

  it.each([
    [{ State: 'ACTIVE' }, true],
    [{ State: 'PENDING_ACTIVATION' }, false],
    [{ State: 'CLOSED', Status: 'ACTIVE' }, false],
    [{ Status: 'ACTIVE' }, true],
    [{ Status: 'SUSPENDED' }, false],
    [{}, false],
  ] as const)('account %j is ACTIVE: %s', (account, expected) => {
    expect(isActive(account)).toBe(expected);
  });
});
