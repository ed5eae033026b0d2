import type { GovernedPlaces } from '../cleanup/governed-places';
import type { OrganizationConfig } from '../config/schema-organization';
import { EcrWardenError } from '../errors';
import { listedAccountDirectory, ownAccountDirectory } from '../organization/governed-accounts';

/**
 * TEMPORARY, until shared/aws/governed-directory.ts (i15-interfaces.md, O-D) is on main: the one
 * function that chooses which accounts and regions the cleanup functions govern. At merge, the
 * callers switch to the seam's function and this file goes.
 *
 * - no `organization`: the deployment's own account and region, as before issue 15;
 * - `organization.accounts`: those accounts, minus `excludeAccounts`, in `organization.regions`;
 * - `organization.organizationalUnits`: needs the Organizations listing (O-D's
 *   readOrganizationDirectory), which this build does not have: a clear error at cold start.
 */

export class OrganizationDirectoryUnavailableError extends EcrWardenError {
  override name = 'OrganizationDirectoryUnavailableError';
}

export async function readCleanupGovernedPlaces(
  organization: OrganizationConfig | undefined,
  hub: { account: string; region: string },
): Promise<GovernedPlaces> {
  if (organization === undefined) {
    return { directory: ownAccountDirectory(hub.account), regions: [hub.region] };
  }
  if (organization.organizationalUnits !== undefined) {
    throw new OrganizationDirectoryUnavailableError(
      'organization.organizationalUnits: the Organizations listing is not in this build of the cleanup functions; list the accounts in organization.accounts',
    );
  }
  return { directory: listedAccountDirectory(organization), regions: organization.regions };
}
