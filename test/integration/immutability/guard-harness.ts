import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createRegistrySimulator,
  type InstalledSimulator,
  type RegistrySimulator,
} from '../../../local/registry-sim';
import { createGovernancePublisher } from '../../../shared/aws/governance-publisher';
import { createDriftLedgerStore, createTagLedgerStore } from '../../../shared/aws/repository-guard-ledgers';
import { createRepositoryGuardRegistry } from '../../../shared/aws/repository-guard-registry';
import { createStateStore, type StateStore } from '../../../shared/aws/state-store';
import { createWorkloadDigestUsage } from '../../../shared/aws/workload-digest-usage';
import { parseConfig } from '../../../shared/config/load-config';
import { compileBaselines } from '../../../shared/immutability/desired-state';
import { createRepositoryGuard, type RepositoryGuard } from '../../../shared/immutability/repository-guard';
import type { StructuredLogger } from '../../../shared/logger';
import { acceptPutEvents } from '../../support/put-events-stub';
import { useStateTable } from '../../support/state-table';

/**
 * The local world the repository guard is tested in: the registry simulator (ECR, ECS, Lambda) behind
 * the real SDK clients, a fresh dynalite state table per test, and EventBridge answered by a stub that
 * records what was published (the simulator does not model EventBridge).
 */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** The guard's own role, as serverless.yml passes it in GUARD_ROLE_ARN. */
export const GUARD_ROLE_ARN =
  'arn:aws:iam::123456789012:role/ecr-warden-prod-tagImmutability-us-east-1-lambdaRole';

/** The rule most guard tests govern: payments/** immutable but for `latest`, fixed when it drifts. */
export const PAYMENTS_RULE = {
  repositories: ['payments/**'],
  mode: 'IMMUTABLE_WITH_EXCLUSION',
  exclusions: ['latest'],
  remediate: true,
} as const;

export const silentLogger: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface GuardWorld {
  readonly sim: RegistrySimulator;
  readonly env: InstalledSimulator;
  readonly store: StateStore;
  /** Governance events published so far, as PutEvents entries. */
  readonly published: PutEventsRequestEntry[];
  /** The details of the published events of one detail-type, parsed. */
  details(detailType: string): Record<string, unknown>[];
  /** The next PutEvents call fails with this error (as when EventBridge cannot be reached). */
  failNextPublish(error: Error): void;
  /** A guard with the `immutability` section given (schema defaults apply). */
  guard(immutability: Record<string, unknown>): RepositoryGuard;
}

const eventBridge = mockClient(EventBridgeClient);

export function useGuardWorld(): GuardWorld {
  const table = useStateTable();
  let sim: RegistrySimulator | undefined;
  let env: InstalledSimulator | undefined;
  let store: StateStore | undefined;
  const published: PutEventsRequestEntry[] = [];
  let nextPublishError: Error | undefined;

  beforeEach(() => {
    nextPublishError = undefined;
    sim = createRegistrySimulator();
    env = sim.install();
    store = createStateStore({ tableName: table.tableName, client: table.documentClient });
    published.length = 0;
    eventBridge.reset();
    const accept = acceptPutEvents(published);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (nextPublishError !== undefined) {
        const error = nextPublishError;
        nextPublishError = undefined;
        throw error;
      }
      return accept(input);
    });
  });
  afterEach(() => {
    env?.restore();
  });

  const required = <Value>(value: Value | undefined, name: string): Value => {
    if (value === undefined) throw new Error(`useGuardWorld(): ${name} is only available inside a test`);
    return value;
  };

  return {
    get sim() {
      return required(sim, 'sim');
    },
    get env() {
      return required(env, 'env');
    },
    get store() {
      return required(store, 'store');
    },
    published,
    failNextPublish(error) {
      nextPublishError = error;
    },
    details(detailType) {
      return published
        .filter((entry) => entry.DetailType === detailType)
        .map((entry) => JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>);
    },
    guard(immutability) {
      const config = parseConfig({ immutability }).immutability;
      const stateStore = required(store, 'store');
      return createRepositoryGuard(
        {
          account: ACCOUNT,
          region: REGION,
          dryRun: config.dryRun,
          ownRoleArn: GUARD_ROLE_ARN,
          resolveBaseline: compileBaselines(config),
        },
        {
          // The clients as shared/aws builds them (adaptive retry), with the region Lambda would give them.
          registry: createRepositoryGuardRegistry(
            new ECRClient({ region: REGION, retryMode: 'adaptive', maxAttempts: 8 }),
          ),
          tagLedger: createTagLedgerStore(stateStore),
          driftLedger: createDriftLedgerStore(stateStore),
          usage: createWorkloadDigestUsage({
            account: ACCOUNT,
            region: REGION,
            logger: silentLogger,
            ecs: new ECSClient({ region: REGION }),
            lambda: new LambdaClient({ region: REGION }),
          }),
          publisher: createGovernancePublisher({ eventBusName: 'ecr-warden-test' }),
          logger: silentLogger,
        },
      );
    },
  };
}
