import type { CleanupScheduleDependencies } from '../cleanup/schedule-cleanup';
import { createCleanupRequestQueue } from './cleanup-queue';
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
