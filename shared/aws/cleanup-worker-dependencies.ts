import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CleanupWorkerDependencies } from '../cleanup/process-cleanup-batch';
import type { CleanupConfig } from '../config/schema';
import { createInUseConverters } from '../inuse/in-use-converters';
import { composeInUseSources } from '../inuse/in-use-sources';
import type { StructuredLogger } from '../logger';
import { createCleanupMetrics } from '../metrics/cleanup-metrics';
import { createCleanupRunProgressStore, createGraceMarkStore } from './cleanup-state';
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
}): CleanupWorkerDependencies {
  const now = settings.now ?? Date.now;
  const ecr = settings.ecr ?? ecrClient;
  const store = createStateStore({
    tableName: settings.tableName,
    now: () => new Date(now()),
    ...(settings.stateClient === undefined ? {} : { client: settings.stateClient }),
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
    guard: createIdempotencyGuard({ store, now: () => new Date(now()) }),
    publisher: createGovernancePublisher({
      eventBusName: settings.eventBusName,
      ...(settings.eventBridge === undefined ? {} : { client: settings.eventBridge }),
    }),
    metrics: createCleanupMetrics(),
    logger: settings.logger,
    now,
  };
}
