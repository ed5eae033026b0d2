import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GovernanceEventSink } from '../events/governance';
import type { DigestUsagePort, DriftLedgerPort, RegistryPort, TagLedgerPort } from '../immutability/ports';
import type { StructuredLogger } from '../logger';
import {
  createRepositoryGuardMetrics,
  type RepositoryGuardMetrics,
} from '../metrics/repository-guard-metrics';
import type { RunOnceGuard } from '../state/run-once';
import { createGovernancePublisher } from './governance-publisher';
import { createIdempotencyGuard } from './idempotency';
import { createInUseIndexReader } from './in-use-index-store';
import type { MemberAccountAccess } from './member-account-access';
import { createHubWork, type HubWork } from './organization-hub';
import { createDriftLedgerStore, createTagLedgerStore } from './repository-guard-ledgers';
import { createRepositoryGuardRegistry } from './repository-guard-registry';
import { createStateStore } from './state-store';
import { createWorkloadDigestUsage } from './workload-digest-usage';

/** What the guard reads and writes for the repositories of one account × region. */
export interface RepositoryGuardLocationPorts {
  registry: RegistryPort;
  tagLedger: TagLedgerPort;
  driftLedger: DriftLedgerPort;
  usage: DigestUsagePort;
}

/** What tagImmutability (the repository guard) reaches AWS and the state table through. */
export interface RepositoryGuardDependencies extends HubWork {
  registry: RegistryPort;
  tagLedger: TagLedgerPort;
  driftLedger: DriftLedgerPort;
  publisher: GovernanceEventSink;
  metrics: RepositoryGuardMetrics;
  /** CloudTrail records and schedule runs are handled once per event id. */
  once: RunOnceGuard;
  /** The in-use lookup of an account and region, made on first use and kept (it caches for a minute). */
  usageFor(account: string, region: string): DigestUsagePort;
  /**
   * An Organizations hub's ports for one governed account × region, through the invocation's member
   * access (shared/aws/member-account-access.ts): ECR, ECS and Lambda there with the member role's
   * session (the hub's own account with the function's own credentials), the ledgers keyed by the
   * location (shared/state/state-keys.ts). The hub's own account in its own region gets exactly the
   * ports above, so that its ledgers keep their keys.
   */
  portsAt(access: MemberAccountAccess, account: string, region: string): RepositoryGuardLocationPorts;
}

/** The repository guard's adapters, wired once per execution environment (functions/tag-immutability.ts). */
export function createRepositoryGuardDependencies(settings: {
  eventBusName: string;
  stateTableName: string;
  logger: StructuredLogger;
  /** The deployment's own account and region. */
  hub: { account: string; region: string };
  targetQueueUrl?: string | undefined;
  sqs?: SQSClient;
}): RepositoryGuardDependencies {
  const store = createStateStore({ tableName: settings.stateTableName });
  const usageByLocation = new Map<string, DigestUsagePort>();
  // Where a moved tag's previous image runs, as the cleanup worker last saw it (read only).
  const inUseIndex = createInUseIndexReader(store, { logger: settings.logger });
  const publisher = createGovernancePublisher({ eventBusName: settings.eventBusName });
  const once = createIdempotencyGuard({ store });
  const own = {
    registry: createRepositoryGuardRegistry(),
    tagLedger: createTagLedgerStore(store),
    driftLedger: createDriftLedgerStore(store),
  };
  const usageFor = (account: string, region: string): DigestUsagePort => {
    const key = `${account}/${region}`;
    let usage = usageByLocation.get(key);
    if (usage === undefined) {
      usage = createWorkloadDigestUsage({ account, region, logger: settings.logger, inUseIndex });
      usageByLocation.set(key, usage);
    }
    return usage;
  };
  return {
    ...own,
    publisher,
    metrics: createRepositoryGuardMetrics(),
    once,
    usageFor,
    portsAt(access, account, region) {
      if (account === settings.hub.account && region === settings.hub.region) {
        return { ...own, usage: usageFor(account, region) };
      }
      const at = { account, region };
      return {
        registry: createRepositoryGuardRegistry(access.client(ECRClient, account, region)),
        tagLedger: createTagLedgerStore(store, at),
        driftLedger: createDriftLedgerStore(store, at),
        // Made per invocation, as the member session is: its one-minute cache never outlives it.
        usage: createWorkloadDigestUsage({
          account,
          region,
          logger: settings.logger,
          inUseIndex,
          ecs: access.client(ECSClient, account, region),
          lambda: access.client(LambdaClient, account, region),
        }),
      };
    },
    ...createHubWork({
      once,
      publisher,
      logger: settings.logger,
      scope: 'repository-guard',
      hubRegion: settings.hub.region,
      targetQueueUrl: settings.targetQueueUrl,
      sqs: settings.sqs,
    }),
  };
}
