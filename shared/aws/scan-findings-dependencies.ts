import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import { requireTargetQueueUrl } from '../config/environment';
import type { EcrWardenConfig } from '../config/schema';
import type { GovernedScope } from '../events/governed-scope';
import type { ScanFindingsOrganization } from '../findings/scan-findings-hub';
import type { ScanFindingsDependencies } from '../findings/scan-findings-service';
import { createScanningPolicy } from '../findings/scanning-policy';
import { logger } from '../logger';
import {
  type AccountReachabilityMetrics,
  createAccountReachabilityMetrics,
} from '../metrics/account-reachability-metrics';
import { ownAccountDirectory } from '../organization/governed-accounts';
import { sleep } from './backoff';
import { createFindingsLedgerStore } from './findings-ledger-store';
import { createGovernancePublisher } from './governance-publisher';
import type { DeploymentLocation, GovernedDirectory } from './governed-directory';
import { createIdempotencyGuard } from './idempotency';
import { createInUseIndexReader } from './in-use-index-store';
import { createScanFindingsReader } from './scan-findings-reader';
import { createStateStore } from './state-store';

/**
 * scanFindings' wiring: the ledger and idempotency records on the state table, the governance
 * publisher on the ecr-warden bus, DescribeImageScanFindings on the module's ECR client, the cleanup
 * worker's in-use index (where an alerted image runs), the policy of
 * the `scanning` section. One clock for all of them (the state store's TTLs included), so that the demo
 * can run the function at the sample registry's date.
 *
 * With an `organization` section (issue 15) it also wires the hub (./scan-findings-organization.ts):
 * the governed directory, the member sessions and the target queue, opened once per invocation.
 * Without one, nothing of it exists: exactly the single-account wiring, its policy the own account's.
 */
export function createScanFindingsDependencies(settings: {
  eventBusName: string;
  stateTableName: string;
  scanning: EcrWardenConfig['scanning'];
  scope: GovernedScope;
  now?: () => Date;
  /** Organizations hub: the config's `organization`, where the function runs and its target queue. */
  organization?: {
    config: Pick<EcrWardenConfig, 'organization' | 'scanning'>;
    location: DeploymentLocation;
    targetQueueUrl: string | undefined;
    /** AccountsUnreachable (default: the function's EMF metrics). */
    metrics?: AccountReachabilityMetrics;
    loadDirectory?: () => Promise<GovernedDirectory>;
    sts?: STSClient;
    sqs?: SQSClient;
  };
}): ScanFindingsDependencies {
  const now = settings.now ?? (() => new Date());
  const store = createStateStore({ tableName: settings.stateTableName, now });
  const scans = createScanFindingsReader();
  const hub = settings.organization;
  const ownAccount = [...settings.scope.accounts][0];
  const deps: ScanFindingsDependencies = {
    scope: settings.scope,
    ledger: createFindingsLedgerStore(store),
    once: createIdempotencyGuard({ store, now }),
    publisher: createGovernancePublisher({ eventBusName: settings.eventBusName }),
    scans,
    // Where an alerted image runs: the cleanup worker's in-use index (read only).
    inUseIndex: createInUseIndexReader(store, { logger }),
    // `accounts` on thresholds and suppressions: the own account is the one governed account.
    policy: createScanningPolicy(
      settings.scanning,
      ownAccount === undefined ? undefined : ownAccountDirectory(ownAccount).accounts[0],
    ),
    expiringWithinDays: settings.scanning.digest.expiringWithinDays,
    now,
    sleep,
  };
  if (hub?.config.organization === undefined) return deps;
  const targetQueueUrl = requireTargetQueueUrl({ TARGET_QUEUE_URL: hub.targetQueueUrl }, true) as string;
  const organizationSettings = {
    config: hub.config,
    location: hub.location,
    store,
    targetQueueUrl,
    publisher: deps.publisher,
    metrics: hub.metrics ?? createAccountReachabilityMetrics(),
    logger,
    homeScans: scans,
    now,
    ...(hub.loadDirectory === undefined ? {} : { loadDirectory: hub.loadDirectory }),
    ...(hub.sts === undefined ? {} : { sts: hub.sts }),
    ...(hub.sqs === undefined ? {} : { sqs: hub.sqs }),
  };
  // Loaded on first use, and only into bundles whose config has `organization` (bundle-flags.d.ts):
  // its STS and SQS clients are no part of a single-account deployment.
  let loaded: Promise<ScanFindingsOrganization> | undefined;
  deps.organization = {
    async open() {
      if (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION) {
        loaded ??= import('./scan-findings-organization').then((module) =>
          module.createScanFindingsOrganization(organizationSettings),
        );
        return (await loaded).open();
      }
      throw new Error('this bundle was packaged without the organization section');
    },
  };
  return deps;
}
