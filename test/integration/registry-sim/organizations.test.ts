import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { readOrganizationDirectory } from '../../../shared/aws/organization-directory';
import { parseConfig } from '../../../shared/config/load-config';
import { rejection } from '../../support/rejection';

const HUB = '123456789012';
const ORG = 'o-testorg001';
const ROOT = 'r-test';
const WORKLOADS = 'ou-test-workload';
const PAYMENTS = 'ou-test-payments';

let sim: RegistrySimulator;
let env: InstalledSimulator;
const organizations = new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1 });

beforeEach(() => {
  sim = createRegistrySimulator({ accountId: HUB });
  env = sim.install();
  const org = sim.services.organizations;
  org.createOrganization({ id: ORG, managementAccountId: HUB, rootId: ROOT });
  org.addOrganizationalUnit({ id: WORKLOADS, name: 'workloads', parentId: ROOT });
  org.addOrganizationalUnit({ id: PAYMENTS, name: 'payments', parentId: WORKLOADS });
  // 25 ACTIVE accounts under payments: two pages of ListAccountsForParent at MaxResults 20.
  for (let i = 0; i < 25; i++) {
    org.addAccount({ id: String(300000000000 + i), name: `payments-${i}`, parentId: PAYMENTS });
  }
  org.addAccount({ id: '400000000000', name: 'closed', parentId: WORKLOADS, state: 'CLOSED' });
  org.addAccount({ id: '400000000001', name: 'sandbox', parentId: WORKLOADS });
});
afterEach(() => env.restore());

describe('simulated Organizations', () => {
  it('pages ListAccountsForParent by MaxResults with a NextToken bound to the listing', async () => {
    const first = await organizations.send(
      new ListAccountsForParentCommand({ ParentId: PAYMENTS, MaxResults: 20 }),
    );
    const second = await organizations.send(
      new ListAccountsForParentCommand({ ParentId: PAYMENTS, MaxResults: 20, NextToken: first.NextToken }),
    );
    const foreign = await rejection(
      organizations.send(
        new ListAccountsForParentCommand({ ParentId: WORKLOADS, NextToken: first.NextToken }),
      ),
    );
    const tooMany = await rejection(
      organizations.send(new ListAccountsForParentCommand({ ParentId: PAYMENTS, MaxResults: 21 })),
    );

    expect(first.Accounts).toHaveLength(20);
    expect(second.Accounts).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    expect(first.Accounts?.[0]).toMatchObject({ Id: '300000000000', State: 'ACTIVE', Status: 'ACTIVE' });
    expect(foreign.name).toBe('InvalidInputException');
    expect(tooMany.name).toBe('InvalidInputException');
  });

  it('answers the documented errors: unknown parent or child, a caller that is no administrator, an account outside any organization', async () => {
    const missingParent = await rejection(
      organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-test-nothere1' })),
    );
    const missingChild = await rejection(
      organizations.send(new ListParentsCommand({ ChildId: 'ou-test-nothere1' })),
    );
    sim.services.organizations.addAccount({ id: '555555555555', name: 'member', parentId: ROOT });
    const member = await rejection(
      organizationsAs('555555555555').send(new ListAccountsForParentCommand({ ParentId: ROOT })),
    );
    const memberDescribe = await organizationsAs('555555555555').send(new DescribeOrganizationCommand({}));
    sim.services.organizations.delegatedAdministrators.add('555555555555');
    const delegated = await organizationsAs('555555555555').send(
      new ListAccountsForParentCommand({ ParentId: ROOT }),
    );
    const outsider = await rejection(
      organizationsAs('999999999999').send(new DescribeOrganizationCommand({})),
    );

    expect(missingParent.name).toBe('ParentNotFoundException');
    expect(missingChild.name).toBe('ChildNotFoundException');
    expect(member.name).toBe('AccessDeniedException');
    expect(memberDescribe.Organization?.Id).toBe(ORG);
    expect(delegated.Accounts?.map((account) => account.Id)).toEqual([HUB, '555555555555']);
    expect(outsider.name).toBe('AWSOrganizationsNotInUseException');
  });

  it('serves readOrganizationDirectory: every ACTIVE account at any depth, with its OUs up to the root', async () => {
    const config = parseConfig({
      organization: { organizationalUnits: [WORKLOADS], regions: ['us-east-1'], organizationId: ORG },
    }).organization;
    if (config === undefined) throw new Error('no organization section');

    const directory = await readOrganizationDirectory(config, { hubAccount: HUB, client: organizations });

    expect(directory.accounts).toHaveLength(26);
    expect(directory.get('400000000000')).toBeUndefined();
    expect(directory.get('400000000001')).toEqual({
      id: '400000000001',
      alias: 'sandbox',
      parents: [WORKLOADS, ROOT],
    });
    expect(directory.get('300000000024')?.parents).toEqual([PAYMENTS, WORKLOADS, ROOT]);
    expect(env.calls.count('ListAccountsForParent')).toBe(3);
  });
});

describe('readOrganizationDirectory through organizationsRoleArn', () => {
  it('lists as a role in the management account when the hub, a plain member, may not', async () => {
    // Another world: the hub (the default caller's account) is a member; HUB is the management account.
    env.restore();
    const memberHub = '555555555555';
    sim = createRegistrySimulator({ accountId: memberHub });
    env = sim.install();
    const org = sim.services.organizations;
    org.createOrganization({ id: ORG, managementAccountId: HUB, rootId: ROOT });
    org.addAccount({ id: memberHub, name: 'hub', parentId: ROOT });
    org.addAccount({ id: '300000000000', name: 'payments', parentId: ROOT });
    const reader = sim.services.identity.createRole({ accountId: HUB, roleName: 'org-reader' });
    const section = (extra: Record<string, unknown>) => {
      const parsed = parseConfig({
        organization: { organizationalUnits: [ROOT], regions: ['us-east-1'], ...extra },
      });
      if (parsed.organization === undefined) throw new Error('no organization section');
      return parsed.organization;
    };

    const denied = await rejection(
      readOrganizationDirectory(section({}), { hubAccount: memberHub, client: organizations }),
    );
    const directory = await readOrganizationDirectory(section({ organizationsRoleArn: reader.arn }), {
      hubAccount: memberHub,
      sts: new STSClient({ region: 'us-east-1', maxAttempts: 1 }),
    });

    expect(denied.message).toMatch(
      /^Organizations refused ListAccountsForParent \(r-test\) to the hub account 555555555555 \(AccessDeniedException\)/,
    );
    expect(directory.accounts.map((account) => account.id)).toEqual([HUB, '300000000000', memberHub]);
    expect(env.calls.count('AssumeRole')).toBe(1);
  });
});

describe('simulated STS and aws:PrincipalOrgID', () => {
  const sts = new STSClient({ region: 'us-east-1', maxAttempts: 1 });

  it('lets a caller of the organization assume a role that requires it, and refuses one outside as STS does', async () => {
    const identity = sim.services.identity;
    const inOrg = identity.createRole({ accountId: '300000000001', roleName: 'member', principalOrgId: ORG });
    const otherOrg = identity.createRole({
      accountId: '300000000002',
      roleName: 'member',
      principalOrgId: 'o-elsewhere01',
    });

    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: inOrg.arn, RoleSessionName: 'check' }));
    const refused = await rejection(
      sts.send(new AssumeRoleCommand({ RoleArn: otherOrg.arn, RoleSessionName: 'check' })),
    );

    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::300000000001:assumed-role/member/check');
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toBe(
      `User: arn:aws:sts::${HUB}:assumed-role/ecr-warden-worker/ecr-warden-worker is not authorized to perform: sts:AssumeRole on resource: ${otherOrg.arn}`,
    );
  });
});

/** A client acting for another account (the simulator's resolveAccount hook, re-installed). */
function organizationsAs(account: string): OrganizationsClient {
  env.restore();
  env = sim.install({ resolveAccount: () => account });
  return organizations;
}
