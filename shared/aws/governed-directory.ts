import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrganizationConfig } from '../config/schema-organization';
import {
  type AccountDirectory,
  accountDirectory,
  listedAccountDirectory,
  ownAccountDirectory,
} from '../organization/governed-accounts';
import type { ReadOrganizationDirectoryOptions } from './organization-directory';

/**
 * Which accounts and regions a function governs (issue 15): the one choice every detector makes at
 * cold start (or per invocation: the OU listing is cached for the execution environment, so asking
 * again is cheap) and the CLI's `organization check` makes the same way.
 *
 * | `organization`                 | directory                                         | regions               |
 * |--------------------------------|---------------------------------------------------|-----------------------|
 * | absent                         | the deployment's own account (DEPLOYMENT_ACCOUNT_ID) | `[AWS_REGION]`     |
 * | `accounts` only                | the listed accounts, minus `excludeAccounts`      | `organization.regions`|
 * | `organizationalUnits` (± `accounts`) | Organizations' ACTIVE accounts under the OUs, united with the listed ones, minus `excludeAccounts` | `organization.regions` |
 *
 * Absent `organization` is exactly the single-account behaviour of before issue 15: no Organizations
 * call, no member role.
 */
export interface GovernedDirectory {
  readonly directory: AccountDirectory;
  readonly regions: readonly string[];
}

/** Where the function runs (shared/config/environment.ts `deploymentLocationEnvironmentShape`). */
export interface DeploymentLocation {
  readonly DEPLOYMENT_ACCOUNT_ID: string;
  readonly AWS_REGION: string;
}

export type ReadOrganizationDirectory = (
  organization: OrganizationConfig,
  options: ReadOrganizationDirectoryOptions,
) => Promise<AccountDirectory>;

export interface GovernedDirectoryOptions {
  /** The Organizations client for OU listings (default: the execution environment's). */
  organizationsClient?: OrganizationsClient;
  /** Replaces the OU listing (tests, the local mode); default shared/aws/organization-directory.ts. */
  readOrganizationDirectory?: ReadOrganizationDirectory;
}

/** Whether the config makes this deployment an Organizations hub (an `organization` section). */
export function isOrganizationHub(config: {
  readonly organization?: OrganizationConfig | undefined;
}): boolean {
  return config.organization !== undefined;
}

export async function loadGovernedDirectory(
  config: { readonly organization?: OrganizationConfig | undefined },
  location: DeploymentLocation,
  options: GovernedDirectoryOptions = {},
): Promise<GovernedDirectory> {
  const organization = config.organization;
  if (organization === undefined) {
    return { directory: ownAccountDirectory(location.DEPLOYMENT_ACCOUNT_ID), regions: [location.AWS_REGION] };
  }
  const regions = [...organization.regions];
  if (organization.organizationalUnits === undefined) {
    return { directory: listedAccountDirectory(organization), regions };
  }
  const read = options.readOrganizationDirectory ?? (await defaultOrganizationDirectoryReader());
  const listed = await read(organization, {
    hubAccount: location.DEPLOYMENT_ACCOUNT_ID,
    ...(options.organizationsClient === undefined ? {} : { client: options.organizationsClient }),
  });
  return { directory: withoutExcluded(listed, organization.excludeAccounts), regions };
}

/**
 * `excludeAccounts` wins over everything, applied here too so that a replaced reader (the local mode,
 * a test) cannot bring an excluded account back.
 */
function withoutExcluded(directory: AccountDirectory, excluded: readonly string[]): AccountDirectory {
  if (excluded.length === 0) return directory;
  const skip = new Set(excluded);
  return accountDirectory(directory.accounts.filter((account) => !skip.has(account.id)));
}

/**
 * The Organizations adapter (and its SDK client, ~100 KB minified) is loaded only when a config names
 * OUs: a listed-accounts or single-account deployment never reaches this import.
 */
async function defaultOrganizationDirectoryReader(): Promise<ReadOrganizationDirectory> {
  const { readOrganizationDirectory } = await import('./organization-directory');
  return readOrganizationDirectory;
}
