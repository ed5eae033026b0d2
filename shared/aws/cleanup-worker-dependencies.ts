import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { OrganizationCleanupPorts } from '../cleanup/member-cleanup-ports';
import type { CleanupWorkerDependencies } from '../cleanup/process-cleanup-batch';
import type { CleanupConfig } from '../config/schema';
import { EcrWardenError } from '../errors';
import { createInUseConverters } from '../inuse/in-use-converters';
import { composeInUseSources } from '../inuse/in-use-sources';
import type { StructuredLogger } from '../logger';
import { createCleanupMetrics } from '../metrics/cleanup-metrics';
import { createCleanupRunProgressStore, createGraceMarkStore } from './cleanup-state';
import type { OrganizationCleanupHub, OrganizationCleanupShared } from './cleanup-worker-organization';
import { ecrClient } from './ecr-client';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import { createImageArchiver } from './image-archiver';
import { createImageDeleter } from './image-deleter';
import { createInUseIndexWriter } from './in-use-index-store';
import { createInUseReaders } from './in-use-readers';
import { createRepositoryImageSource } from './repository-images';
import { createStateStore, type StateStoreSettings } from './state-store';
import { createWorkloadInventory } from './workload-inventory';

/**
 * cleanupWorker's adapters, wired once per execution environment (functions/cleanup-worker.ts); the
 * demo and the tests build them the same way with their own clock.
 */
export function createCleanupWorkerDependencies(settings: {
  cleanup: CleanupConfig;
  eventBusName: string;
  tableName: string;
  logger: StructuredLogger;
  /** Evaluation time and state-table clock (default: the system clock). */
  now?: () => number;
  ecr?: ECRClient;
  ecs?: ECSClient;
  lambda?: LambdaClient;
  eventBridge?: EventBridgeClient;
  stateClient?: StateStoreSettings['client'];
  /** An Organizations hub (issue 15): the config's section and the hub's own account and region. */
  organization?: OrganizationCleanupHub;
}): CleanupWorkerDependencies {
  const now = settings.now ?? Date.now;
  const ecr = settings.ecr ?? ecrClient;
  const store = createStateStore({
    tableName: settings.tableName,
    now: () => new Date(now()),
    ...(settings.stateClient === undefined ? {} : { client: settings.stateClient }),
  });
  const guard = createIdempotencyGuard({ store, now: () => new Date(now()) });
  const publisher = createGovernancePublisher({
    eventBusName: settings.eventBusName,
    ...(settings.eventBridge === undefined ? {} : { client: settings.eventBridge }),
  });
  return {
    cleanup: settings.cleanup,
    region: () => ecr.config.region(),
    images: createRepositoryImageSource(ecr),
    deleter: createImageDeleter(ecr),
    archiver: createImageArchiver(ecr),
    workloads: createWorkloadInventory({
      taskDefinitionRevisions: settings.cleanup.protect.taskDefinitionRevisions,
      ...(settings.ecs === undefined ? {} : { ecs: settings.ecs }),
      ...(settings.lambda === undefined ? {} : { lambda: settings.lambda }),
    }),
    // Every other source cleanup.protect names, read once per invocation (batch): new readers each
    // time, so that each workload account is assumed once per invocation and a deployment since is seen.
    otherInUseSources: (local) =>
      composeInUseSources({
        protect: settings.cleanup.protect,
        local,
        localWorkloads: false,
        readers: createInUseReaders({
          functionName: 'cleanupWorker',
          region: local.region,
          taskDefinitionRevisions: settings.cleanup.protect.taskDefinitionRevisions,
          ...(settings.ecs === undefined ? {} : { ecs: settings.ecs }),
          ...(settings.lambda === undefined ? {} : { lambda: settings.lambda }),
          now,
        }),
        converters: createInUseConverters({
          taskDefinitionRevisions: settings.cleanup.protect.taskDefinitionRevisions,
        }),
        now,
      }),
    progress: createCleanupRunProgressStore(store, now),
    marks: createGraceMarkStore(store),
    inUseIndex: createInUseIndexWriter(store),
    guard,
    publisher,
    metrics: createCleanupMetrics(),
    logger: settings.logger,
    now,
    ...(settings.organization === undefined
      ? {}
      : {
          organization: lazyOrganizationCleanupPorts(settings.organization, {
            protect: settings.cleanup.protect,
            guard,
            publisher,
            logger: settings.logger,
            now,
          }),
        }),
  };
}

/**
 * The Organizations hub's ports (issue 15), loaded on first use from ./cleanup-worker-organization.ts
 * behind ECR_WARDEN_BUNDLE_ORGANIZATION (deploy/bundle-defines.ts): a single-account bundle does not
 * carry the member-role code and its STS client.
 */
function lazyOrganizationCleanupPorts(
  hub: OrganizationCleanupHub,
  shared: OrganizationCleanupShared,
): OrganizationCleanupPorts {
  let loaded: Promise<OrganizationCleanupPorts> | undefined;
  const load = async (): Promise<OrganizationCleanupPorts> => {
    if (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION) {
      const module = await import('./cleanup-worker-organization');
      return module.createOrganizationCleanupPorts(hub, shared);
    }
    throw new OrganizationNotBundledError(
      'the config has an organization section, but this bundle was packaged without it: package and deploy again',
    );
  };
  const ports = () => {
    loaded ??= load();
    return loaded;
  };
  return {
    hubAccount: hub.hubAccount,
    openBatch: async (cacheOptions) => (await ports()).openBatch(cacheOptions),
  };
}

/** The config names an `organization` but the bundle was packaged without its code. */
export class OrganizationNotBundledError extends EcrWardenError {
  override name = 'OrganizationNotBundledError';
}
