import { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { STSClient } from '@aws-sdk/client-sts';
import type { MemberCleanupAccess, OrganizationCleanupPorts } from '../cleanup/member-cleanup-ports';
import type { CleanupWorkerDependencies } from '../cleanup/process-cleanup-batch';
import type { CleanupConfig } from '../config/schema';
import type { OrganizationConfig } from '../config/schema-organization';
import { createInUseConverters } from '../inuse/in-use-converters';
import type { AssumedCredentials } from '../inuse/in-use-ports';
import { composeInUseSources, governedPlaceSources } from '../inuse/in-use-sources';
import type { StructuredLogger } from '../logger';
import { createAccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import { createCleanupMetrics } from '../metrics/cleanup-metrics';
import { createAccountUnreachableReporter } from '../organization/account-unreachable';
import { readCleanupGovernedPlaces } from './cleanup-governed-directory';
import { createCleanupRunProgressStore, createGraceMarkStore } from './cleanup-state';
import { ecrClient } from './ecr-client';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import { createImageArchiver } from './image-archiver';
import { createImageDeleter } from './image-deleter';
import { createInUseIndexWriter } from './in-use-index-store';
import { createInUseReaders } from './in-use-readers';
import { createMemberAccountAccess } from './member-account-access';
import { memberAccountUnreachableCause } from './member-reachability';
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
  organization?: {
    config: OrganizationConfig;
    hubAccount: string;
    hubRegion: string;
    /** The STS client that assumes the member roles (default: the execution environment's). */
    sts?: STSClient;
  };
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
          organization: createOrganizationCleanupPorts(settings.organization, {
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
 * The worker's member accounts (issue 15): per invocation one member access (one AssumeRole per
 * account, one ECR, ECS and Lambda client per account × region) and one set of in-use readers.
 */
function createOrganizationCleanupPorts(
  hub: NonNullable<Parameters<typeof createCleanupWorkerDependencies>[0]['organization']>,
  shared: {
    protect: CleanupConfig['protect'];
    guard: CleanupWorkerDependencies['guard'];
    publisher: CleanupWorkerDependencies['publisher'];
    logger: StructuredLogger;
    now: () => number;
  },
): OrganizationCleanupPorts {
  const { protect, now } = shared;
  return {
    hubAccount: hub.hubAccount,
    governedPlaces: () =>
      readCleanupGovernedPlaces(hub.config, { account: hub.hubAccount, region: hub.hubRegion }),
    unreachable: createAccountUnreachableReporter({
      guard: shared.guard,
      publisher: shared.publisher,
      metrics: createAccountReachabilityMetrics(),
      logger: shared.logger,
      scope: 'cleanup',
      hubRegion: hub.hubRegion,
    }),
    openMemberAccess(): MemberCleanupAccess {
      const access = createMemberAccountAccess({
        hubAccount: hub.hubAccount,
        hubRegion: hub.hubRegion,
        memberRoleName: hub.config.memberRoleName,
        functionName: 'cleanupWorker',
        ...(hub.sts === undefined ? {} : { sts: hub.sts }),
        now,
      });
      const readers = createInUseReaders({
        functionName: 'cleanupWorker',
        region: hub.hubRegion,
        taskDefinitionRevisions: protect.taskDefinitionRevisions,
        now,
      });
      const converters = createInUseConverters({ taskDefinitionRevisions: protect.taskDefinitionRevisions });
      const sessionOf = (account: string) => async (): Promise<AssumedCredentials> => {
        const provider = access.clientConfig(account, hub.hubRegion).credentials;
        if (provider === undefined) throw new Error(`no member session for the hub account ${account}`);
        const session = await provider();
        return {
          accessKeyId: session.accessKeyId,
          secretAccessKey: session.secretAccessKey,
          sessionToken: session.sessionToken ?? '',
          ...(session.expiration === undefined ? {} : { expiration: session.expiration }),
        };
      };
      return {
        reach: (account) => memberAccountUnreachableCause(access, account.id),
        registry(place) {
          const ecr = access.client(ECRClient, place.account, place.region);
          return {
            images: createRepositoryImageSource(ecr),
            deleter: createImageDeleter(ecr),
            archiver: createImageArchiver(ecr),
          };
        },
        placeInUseSources: (place) =>
          governedPlaceSources({
            protect,
            place,
            credentials: place.account === hub.hubAccount ? undefined : sessionOf(place.account),
            readers,
            converters,
            now,
          }),
        assumeRoleCalls: () => access.assumeRoleCalls,
      };
    },
  };
}
