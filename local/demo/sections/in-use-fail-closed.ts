import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import { createCleanupWorkerDependencies } from '../../../shared/aws/cleanup-worker-dependencies';
import { buildCleanupRequest } from '../../../shared/cleanup/cleanup-request';
import { loadBundledConfig } from '../../../shared/config/bundled-config';
import type { GovernanceDetail } from '../../../shared/events/governance';
import { logger } from '../../../shared/logger';
import { DEMO_CLUSTER, UNREADABLE_CLUSTER } from '../in-use-world';
import { DEMO_EVENT_BUS } from '../world';
import { cleanupLambdaContext, cleanupSqsEvent } from './cleanup';
import type { DemoSection } from './section';

/** One repository whose plan deletes something: the held report says how many deletions wait. */
const REPOSITORY = 'payments/api';

/**
 * Fail closed, on its own short run so that the main cleanup run's figures stay what they are: the
 * demo config as it would be after someone adds the cluster `ops-eks` to `cleanup.protect.kubernetes`
 * before giving the worker's role an access entry there. Its API answers 403 Forbidden, so ecr-warden
 * cannot know what runs there: cleanupWorker holds the repository (nothing deleted, in a dry run too),
 * and its Cleanup Report names the source and why (`inUseSourceFailures`, `held`, `imagesHeld`).
 */
export const inUseFailClosedSection: DemoSection = {
  title: `In-use sources fail closed (cleanupWorker on ${REPOSITORY}, with ${UNREADABLE_CLUSTER}: no access entry, 403)`,
  async run(world) {
    const config = loadBundledConfig();
    const cleanup = {
      ...config.cleanup,
      protect: {
        ...config.cleanup.protect,
        kubernetes: { clusters: [DEMO_CLUSTER, UNREADABLE_CLUSTER] },
      },
    };
    const dependencies = createCleanupWorkerDependencies({
      cleanup,
      eventBusName: DEMO_EVENT_BUS,
      tableName: world.stateTableName,
      logger,
      now: () => world.asOf.getTime(),
    });
    const repository = world.sim.repository(REPOSITORY);
    const request = buildCleanupRequest(
      {
        repositoryName: REPOSITORY,
        repositoryArn: `arn:aws:ecr:${world.region}:${world.account}:repository/${REPOSITORY}`,
        registryId: world.account,
      },
      'demo-fail-closed-run',
    );
    const imagesBefore = repository.images.size;
    const deleteCallsBefore = world.aws.calls.count('BatchDeleteImage');
    const eventsBefore = world.governanceEvents.length;

    const response = await processCleanupBatch(
      cleanupSqsEvent([JSON.stringify(request)], 0, world, 'demo-fail-closed'),
      cleanupLambdaContext('cleanupWorker'),
      dependencies,
    );

    const reports = world.governanceEvents
      .slice(eventsBefore)
      .filter((event) => event.DetailType === 'Cleanup Report')
      .map((event) => JSON.parse(event.Detail ?? '{}') as GovernanceDetail<'Cleanup Report'>);
    const report = reports[0];
    const deleteCalls = world.aws.calls.count('BatchDeleteImage') - deleteCallsBefore;
    const imagesAfter = repository.images.size;
    const failures = report?.inUseSourceFailures ?? [];
    const lines = [
      report === undefined
        ? `${REPOSITORY}: no Cleanup Report`
        : `${REPOSITORY}: ${report.held === true ? 'held' : 'NOT held'}: ${report.imagesDeleted} deleted, ` +
          `${report.imagesHeld ?? 0} deletion(s) the plan would make wait (severity ${report.severity})`,
      ...failures.map((failure) => `  ${failure.source}: ${failure.reason}`),
      `${deleteCalls} BatchDeleteImage calls, ${response.batchItemFailures.length} failed messages; ` +
        `the repository holds ${imagesAfter} of its ${imagesBefore} images`,
    ];
    return {
      lines,
      json: {
        repositoryName: REPOSITORY,
        report,
        deleteCalls,
        failedMessages: response.batchItemFailures.length,
        imagesBefore,
        imagesAfter,
      },
    };
  },
};
