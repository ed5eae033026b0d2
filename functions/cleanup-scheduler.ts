import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  createCleanupSchedulerDependencies,
  loadOrganizationCleanupSchedulerDependencies,
} from '../shared/aws/cleanup-scheduler-dependencies';
import { loadGovernedDirectory } from '../shared/aws/governed-directory';
import { type CleanupScheduleSummary, scheduleCleanup } from '../shared/cleanup/schedule-cleanup';
import {
  type OrganizationCleanupSummary,
  scheduleOrganizationCleanup,
} from '../shared/cleanup/schedule-organization-cleanup';
import { loadBundledConfig } from '../shared/config/bundled-config';
import {
  readCleanupSchedulerEnvironment,
  readOrganizationCleanupSchedulerEnvironment,
} from '../shared/config/environment';
import type { OrganizationConfig } from '../shared/config/schema-organization';
import { parseScheduledEvent } from '../shared/events/scheduled-event';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import { governedTargets } from '../shared/organization/governed-accounts';

// Cold start: a missing environment variable or an invalid bundled config fails the init phase with a
// message that names the variable or the config path, before any event is accepted.
const config = loadBundledConfig();
const scheduleRun =
  config.organization === undefined ? singleAccountSchedule() : organizationSchedule(config.organization);

function singleAccountSchedule(): (runId: string) => Promise<CleanupScheduleSummary> {
  const environment = readCleanupSchedulerEnvironment();
  const dependencies = createCleanupSchedulerDependencies({ queueUrl: environment.CLEANUP_QUEUE_URL });
  return (runId) => scheduleCleanup({ runId, rules: config.cleanup.rules }, dependencies);
}

// An Organizations hub (issue 15) lists every governed account × region through the member roles.
function organizationSchedule(
  organization: OrganizationConfig,
): (runId: string) => Promise<OrganizationCleanupSummary> {
  const hub = readOrganizationCleanupSchedulerEnvironment();
  // Loaded at the first run (the module and its clients then stay for the execution environment).
  let ports: ReturnType<typeof loadOrganizationCleanupSchedulerDependencies> | undefined;
  const load = () =>
    loadOrganizationCleanupSchedulerDependencies({
      queueUrl: hub.CLEANUP_QUEUE_URL,
      eventBusName: hub.EVENT_BUS_NAME,
      tableName: hub.STATE_TABLE_NAME,
      hubAccount: hub.DEPLOYMENT_ACCOUNT_ID,
      hubRegion: hub.AWS_REGION,
      memberRoleName: organization.memberRoleName,
      logger,
    });
  return async (runId) => {
    ports ??= load();
    const places = await loadGovernedDirectory(
      { organization },
      { DEPLOYMENT_ACCOUNT_ID: hub.DEPLOYMENT_ACCOUNT_ID, AWS_REGION: hub.AWS_REGION },
    );
    const targets = governedTargets(places.directory, places.regions);
    return scheduleOrganizationCleanup({ runId, rules: config.cleanup.rules, targets }, await ports);
  };
}

/**
 * Runs on the `cleanup.schedule` of ecr-warden.yml: queues one cleanup request per repository that a
 * cleanup rule covers (in an Organizations hub: in every governed account × region). A failure is
 * logged and rethrown so that Lambda's asynchronous retries and then the on-failure destination (the
 * scheduler's failure queue) see it.
 */
async function scheduleCleanupRun(
  event: unknown,
): Promise<CleanupScheduleSummary | OrganizationCleanupSummary> {
  try {
    const scheduled = parseScheduledEvent(event);
    logger.appendKeys({ runId: scheduled.id });
    const summary = await scheduleRun(scheduled.id);
    logger.info('cleanup scheduled', { ...summary, dryRun: config.cleanup.dryRun });
    return summary;
  } catch (error) {
    logger.error('cleanup scheduling failed', error as Error);
    throw error;
  }
}

export const handler = middy(scheduleCleanupRun).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
