import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
} from '@aws-sdk/client-organizations';
import { defineRoute, type Route } from './route';

/**
 * Organizations' four reads, answered from model/organizations.ts for the calling client's account
 * (the management account, a delegated administrator, or anyone else: AccessDeniedException).
 */
export const organizationsRoutes: readonly Route[] = [
  defineRoute('organizations', DescribeOrganizationCommand, 'DescribeOrganization', (_input, context) => {
    const state = context.world.services.organizations;
    const organization = state.describeOrganization(context.accountId);
    return {
      Organization: {
        Id: organization.id,
        Arn: state.arnOf('organization', organization.id),
        FeatureSet: 'ALL' as const,
        MasterAccountArn: state.arnOf('account', organization.managementAccountId),
        MasterAccountId: organization.managementAccountId,
        MasterAccountEmail: organization.managementAccountEmail,
        AvailablePolicyTypes: [],
      },
    };
  }),

  defineRoute('organizations', ListAccountsForParentCommand, 'ListAccountsForParent', (input, context) => {
    const state = context.world.services.organizations;
    const page = state.listAccountsForParent(context.accountId, input.ParentId ?? '', {
      maxResults: input.MaxResults,
      nextToken: input.NextToken,
    });
    return {
      Accounts: page.items.map((account) => ({
        Id: account.id,
        Arn: state.arnOf('account', account.id),
        Email: account.email,
        Name: account.name,
        State: account.state,
        // The deprecated Status has no PENDING_ACTIVATION nor CLOSED: AWS answers what maps.
        ...(account.state === 'PENDING_ACTIVATION' || account.state === 'CLOSED'
          ? {}
          : { Status: account.state }),
        JoinedMethod: 'CREATED' as const,
        JoinedTimestamp: new Date(account.joinedAt),
      })),
      ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
    };
  }),

  defineRoute(
    'organizations',
    ListOrganizationalUnitsForParentCommand,
    'ListOrganizationalUnitsForParent',
    (input, context) => {
      const state = context.world.services.organizations;
      const page = state.listOrganizationalUnitsForParent(context.accountId, input.ParentId ?? '', {
        maxResults: input.MaxResults,
        nextToken: input.NextToken,
      });
      return {
        OrganizationalUnits: page.items.map((unit) => ({
          Id: unit.id,
          Arn: state.arnOf('ou', unit.id),
          Name: unit.name,
        })),
        ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
      };
    },
  ),

  defineRoute('organizations', ListParentsCommand, 'ListParents', (input, context) => {
    const parent = context.world.services.organizations.listParents(context.accountId, input.ChildId ?? '');
    return { Parents: [{ Id: parent.id, Type: parent.type }] };
  }),
];
