import type { RegistrySimulator } from '../registry-sim';

/**
 * The demo as an Organizations hub (issue 15): the demo config's `organization` section governs the
 * demo's own account (the hub, acted in with the functions' own credentials), a member account with
 * the member stack's role, and an account whose role was never deployed. What each detector finds in
 * the member account is planted by that detector's section (sections/*.ts) before it runs.
 */
export const HUB_ACCOUNT = '123456789012';
/** `payments-prod`: the member stack is deployed, the hub's roles are trusted. */
export const MEMBER_ACCOUNT = '333333333333';
/** `legacy-sandbox`: governed, but no member role there: every run reports it Account Unreachable. */
export const UNREACHABLE_ACCOUNT = '444444444444';
/** As ecr-warden.demo.yml's `organization.memberRoleName` and `organizationId` name them. */
export const MEMBER_ROLE_NAME = 'ecr-warden-member';
export const DEMO_ORGANIZATION_ID = 'o-ecrwarden01';
/** The organization's root, and the OU the two member accounts sit in (the hub sits under the root). */
export const DEMO_ROOT_ID = 'r-ecrw';
export const DEMO_WORKLOADS_OU = 'ou-ecrw-workloads';

export interface DemoOrganizationWorld {
  hubAccount: string;
  memberAccount: string;
  unreachableAccount: string;
  memberRoleArn: string;
  organizationId: string;
  rootId: string;
  workloadsOu: string;
}

/**
 * The organization DEMO_ORGANIZATION_ID, whose management account is the hub (so the hub may list its
 * OUs), with both member accounts in DEMO_WORKLOADS_OU; and the member role in MEMBER_ACCOUNT, trusting
 * the role the demo's handlers act as (the simulator's default caller: in a deployment, each hub
 * function's own role) only with `aws:PrincipalOrgID` = DEMO_ORGANIZATION_ID, as the member template
 * writes it. UNREACHABLE_ACCOUNT gets no role.
 */
export function plantOrganization(sim: RegistrySimulator): DemoOrganizationWorld {
  const { identity, organizations } = sim.world.services;
  organizations.createOrganization({
    id: DEMO_ORGANIZATION_ID,
    managementAccountId: HUB_ACCOUNT,
    managementAccountName: 'demo-hub',
    rootId: DEMO_ROOT_ID,
  });
  organizations.addOrganizationalUnit({ id: DEMO_WORKLOADS_OU, name: 'workloads', parentId: DEMO_ROOT_ID });
  organizations.addAccount({ id: MEMBER_ACCOUNT, name: 'payments-prod', parentId: DEMO_WORKLOADS_OU });
  organizations.addAccount({ id: UNREACHABLE_ACCOUNT, name: 'legacy-sandbox', parentId: DEMO_WORKLOADS_OU });
  const role = identity.createRole({
    accountId: MEMBER_ACCOUNT,
    roleName: MEMBER_ROLE_NAME,
    trustedRoleArns: [identity.defaultCallerRoleArn],
    principalOrgId: DEMO_ORGANIZATION_ID,
  });
  return {
    hubAccount: HUB_ACCOUNT,
    memberAccount: MEMBER_ACCOUNT,
    unreachableAccount: UNREACHABLE_ACCOUNT,
    memberRoleArn: role.arn,
    organizationId: DEMO_ORGANIZATION_ID,
    rootId: DEMO_ROOT_ID,
    workloadsOu: DEMO_WORKLOADS_OU,
  };
}
