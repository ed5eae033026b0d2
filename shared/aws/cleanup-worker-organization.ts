import { ECRClient } from '@aws-sdk/client-ecr';
import type { STSClient } from '@aws-sdk/client-sts';
import { openMemberBatch } from '../cleanup/member-cleanup-batch';
import type {
  MemberCleanupAccess,
  MemberOrganization,
  OrganizationCleanupPorts,
} from '../cleanup/member-cleanup-ports';
import type { CleanupConfig } from '../config/schema';
import type { OrganizationConfig } from '../config/schema-organization';
import type { GovernanceEventSink } from '../events/governance';
import { createInUseConverters } from '../inuse/in-use-converters';
import type { AssumedCredentials } from '../inuse/in-use-ports';
import { governedPlaceSources } from '../inuse/in-use-sources';
import type { StructuredLogger } from '../logger';
import { createAccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import { createAccountUnreachableReporter } from '../organization/account-unreachable';
import type { RunOnceGuard } from '../state/run-once';
import { loadGovernedDirectory } from './governed-directory';
import { createImageArchiver } from './image-archiver';
import { createImageDeleter } from './image-deleter';
import { createInUseReaders } from './in-use-readers';
import { createMemberAccountAccess } from './member-account-access';
import { memberAccountUnreachableCause } from './member-reachability';
import { createRepositoryImageSource } from './repository-images';

/** An Organizations hub's cleanupWorker (issue 15): the config's section and the hub's own place. */
export interface OrganizationCleanupHub {
  config: OrganizationConfig;
  hubAccount: string;
  hubRegion: string;
  /** The STS client that assumes the member roles (default: the execution environment's). */
  sts?: STSClient;
}

/** What the hub's ports share with the rest of the worker. */
export interface OrganizationCleanupShared {
  protect: CleanupConfig['protect'];
  guard: RunOnceGuard;
  publisher: GovernanceEventSink;
  logger: StructuredLogger;
  now: () => number;
}

/**
 * The worker's member accounts (issue 15): per invocation one member access (one AssumeRole per
 * account, one ECR, ECS and Lambda client per account × region) and one set of in-use readers.
 */
export function createOrganizationCleanupPorts(
  hub: OrganizationCleanupHub,
  shared: OrganizationCleanupShared,
): OrganizationCleanupPorts {
  const organization = memberOrganization(hub, shared);
  return {
    hubAccount: hub.hubAccount,
    openBatch: (cacheOptions) => openMemberBatch(organization, cacheOptions),
  };
}

function memberOrganization(
  hub: OrganizationCleanupHub,
  shared: OrganizationCleanupShared,
): MemberOrganization {
  const { protect, now } = shared;
  return {
    governedPlaces: () =>
      loadGovernedDirectory(
        { organization: hub.config },
        { DEPLOYMENT_ACCOUNT_ID: hub.hubAccount, AWS_REGION: hub.hubRegion },
      ),
    unreachable: createAccountUnreachableReporter({
      guard: shared.guard,
      publisher: shared.publisher,
      metrics: createAccountReachabilityMetrics(),
      logger: shared.logger,
      scope: 'cleanup',
      hubRegion: hub.hubRegion,
    }),
    async openMemberAccess(): Promise<MemberCleanupAccess> {
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
