import type { EcrWardenConfig } from '../config/schema';
import type { NotificationAccounts } from '../notify/governance-notifier';
import { type DeploymentLocation, type GovernedDirectory, loadGovernedDirectory } from './governed-directory';
import { type NotifierLocation, requireHubAccount } from './slack-notifier-location';

/**
 * The hub's governed accounts for routing (issue 15): the listed accounts need no call; an OU config
 * lists them with Organizations (governed-directory.ts; its reader caches the listing for 15 minutes).
 */
export function notificationAccounts(
  config: Pick<EcrWardenConfig, 'organization'>,
  location: NotifierLocation,
  load: (
    config: Pick<EcrWardenConfig, 'organization'>,
    location: DeploymentLocation,
  ) => Promise<GovernedDirectory> = loadGovernedDirectory,
): NotificationAccounts {
  const where = {
    DEPLOYMENT_ACCOUNT_ID: requireHubAccount(config, location),
    AWS_REGION: location.AWS_REGION ?? 'us-east-1',
  };
  return {
    async lookUp(accountId) {
      const { directory } = await load(config, where);
      return directory.get(accountId);
    },
  };
}
