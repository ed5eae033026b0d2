import { applyOrganizationHub, organizationHubSettings } from '../../deploy/organization-hub';
import type { CloudFormationTemplate } from '../../deploy/template-guard/cloudformation';
import { organizationSection } from '../../shared/config/schema-organization';
import { packagedStack } from './packaged-stack';

/**
 * The packaged template as a config with an `organization` section would package it: the committed
 * ecr-warden.yml has none (a hub needs member stacks deployed first), so the package tests apply the
 * same step scripts/organization-hub.cjs applies at package time (deploy/organization-hub.ts) to a copy
 * of the packaged template, for the two forms the section takes: accounts listed, and OUs.
 */
export const LISTED_ACCOUNTS = {
  accounts: ['222222222222', '333333333333', '444444444444'],
  excludeAccounts: ['444444444444'],
  regions: ['us-east-1', 'eu-west-1'],
  memberRoleName: 'ecr-warden-member',
  organizationId: 'o-a1b2c3d4e5',
};

export const ORGANIZATIONAL_UNITS = {
  organizationalUnits: ['ou-ab12-11111111', 'r-ab12'],
  excludeAccounts: ['555555555555'],
  regions: ['us-east-1'],
  organizationId: 'o-a1b2c3d4e5',
};

export interface OrganizationVariant {
  hub: CloudFormationTemplate;
  member: CloudFormationTemplate;
}

/** The hub region the package tests package for (provider.region's default). */
export const PACKAGE_REGION = 'us-east-1';

export function withOrganization(
  organization: unknown,
  template = packagedStack().template,
): OrganizationVariant {
  const { service, stage } = packagedStack();
  const settings = organizationHubSettings(organizationSection.parse(organization));
  if (settings === null) throw new Error('no organization settings');
  const hub = structuredClone(template);
  const member = applyOrganizationHub(hub, settings, { service, stage, region: PACKAGE_REGION });
  return { hub, member: member as CloudFormationTemplate };
}
