import type { AccountDirectory } from '../organization/governed-accounts';

/** The accounts and regions an Organizations hub's cleanup governs (the directory and organization.regions). */
export interface GovernedPlaces {
  directory: AccountDirectory;
  regions: readonly string[];
}
