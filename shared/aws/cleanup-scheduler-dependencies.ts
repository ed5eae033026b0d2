import type { CleanupScheduleDependencies } from '../cleanup/schedule-cleanup';
import type { OrganizationCleanupScheduleDependencies } from '../cleanup/schedule-organization-cleanup';
import { EcrWardenError } from '../errors';
import { createCleanupRequestQueue } from './cleanup-queue';
import type { OrganizationCleanupSchedulerSettings } from './cleanup-scheduler-organization';
import { createRepositoryCatalog } from './repository-catalog';

/**
 * cleanupScheduler's adapters, wired once per execution environment (functions/cleanup-scheduler.ts):
 * the repository list of the module's ECR client and the cleanup queue.
 */
export function createCleanupSchedulerDependencies(settings: {
  queueUrl: string;
}): CleanupScheduleDependencies {
  return {
    repositories: createRepositoryCatalog(),
    queue: createCleanupRequestQueue({ queueUrl: settings.queueUrl }),
  };
}

/** The config names an `organization` but the bundle was packaged without its code. */
export class OrganizationSchedulerNotBundledError extends EcrWardenError {
  override name = 'OrganizationSchedulerNotBundledError';
}

/**
 * cleanupScheduler's adapters in an Organizations hub (issue 15), from ./cleanup-scheduler-organization.ts,
 * loaded behind ECR_WARDEN_BUNDLE_ORGANIZATION (deploy/bundle-defines.ts): a single-account bundle
 * carries neither the member-role code nor STS, DynamoDB and EventBridge.
 */
export async function loadOrganizationCleanupSchedulerDependencies(
  settings: OrganizationCleanupSchedulerSettings,
): Promise<OrganizationCleanupScheduleDependencies> {
  if (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION) {
    const module = await import('./cleanup-scheduler-organization');
    return module.createOrganizationCleanupSchedulerDependencies(settings);
  }
  throw new OrganizationSchedulerNotBundledError(
    'the config has an organization section, but this bundle was packaged without it: package and deploy again',
  );
}
