import type { RegistrySimulator } from '../registry-sim';
import type { DemoWorld } from './world';

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

/**
 * A repository of payments-prod's registry (the member account, acted in through its member role)
 * that complies with the demo's payments/** rule in everything but, possibly, its tag mutability:
 * scanning as the rule asks for payments/*, KMS, a lifecycle policy, no repository policy. Sections that
 * plant member repositories use it, so that the guard finds in payments-prod only what they mean.
 */
export function plantGovernedMemberRepository(
  world: DemoWorld,
  repositoryName: string,
  tagMutability: {
    imageTagMutability: string;
    imageTagMutabilityExclusionFilters?: { filterType: string; filter: string }[];
  },
): void {
  const at = { accountId: MEMBER_ACCOUNT, region: world.region };
  world.sim.setScanningConfiguration(
    'ENHANCED',
    [
      {
        scanFrequency: 'CONTINUOUS_SCAN',
        repositoryFilters: [{ filter: 'payments/*', filterType: 'WILDCARD' }],
      },
    ],
    at,
  );
  world.sim.addRepository(repositoryName, {
    ...at,
    ...tagMutability,
    encryptionType: 'KMS',
    kmsKey: `arn:aws:kms:${world.region}:${MEMBER_ACCOUNT}:key/5f2c1e7a-9b3d-4c8e-a1f0-2d6b7e9c3a41`,
    lifecyclePolicyText: JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: 'Untagged images older than 14 days',
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 14,
          },
          action: { type: 'expire' },
        },
      ],
    }),
  });
}
