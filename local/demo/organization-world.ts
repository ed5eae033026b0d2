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

export interface DemoOrganizationWorld {
  hubAccount: string;
  memberAccount: string;
  unreachableAccount: string;
  memberRoleArn: string;
}

/**
 * The member role in MEMBER_ACCOUNT, trusting the role the demo's handlers act as (the simulator's
 * default caller: in a deployment, each hub function's own role). UNREACHABLE_ACCOUNT gets none.
 */
export function plantOrganization(sim: RegistrySimulator): DemoOrganizationWorld {
  const identity = sim.world.services.identity;
  const role = identity.createRole({
    accountId: MEMBER_ACCOUNT,
    roleName: MEMBER_ROLE_NAME,
    trustedRoleArns: [identity.defaultCallerRoleArn],
  });
  return {
    hubAccount: HUB_ACCOUNT,
    memberAccount: MEMBER_ACCOUNT,
    unreachableAccount: UNREACHABLE_ACCOUNT,
    memberRoleArn: role.arn,
  };
}
