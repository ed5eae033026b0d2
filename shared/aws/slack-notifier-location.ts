import { EnvironmentError } from '../config/environment';
import type { EcrWardenConfig } from '../config/schema';

/** What slackNotifier knows of where it runs (both optional: only a hub reads them). */
export interface NotifierLocation {
  DEPLOYMENT_ACCOUNT_ID?: string | undefined;
  AWS_REGION?: string | undefined;
}

/**
 * The hub account, which an OU config needs to list its accounts (DEPLOYMENT_ACCOUNT_ID): missing,
 * an EnvironmentError naming it. A config of listed accounts reads no Organizations and needs none:
 * the placeholder is then never used.
 */
export function requireHubAccount(
  config: Pick<EcrWardenConfig, 'organization'>,
  location: NotifierLocation,
): string {
  const account = location.DEPLOYMENT_ACCOUNT_ID;
  if (account !== undefined) return account;
  if (config.organization?.organizationalUnits !== undefined) {
    throw new EnvironmentError([
      { variable: 'DEPLOYMENT_ACCOUNT_ID', message: 'is not set (routes of an OU config list its accounts)' },
    ]);
  }
  return '000000000000';
}
