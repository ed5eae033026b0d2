import type { EcrWardenConfig } from '../config/schema';
import type { GovernedScope } from '../events/governed-scope';
import type { ScanFindingsDependencies } from '../findings/scan-findings-service';
import { createScanningPolicy } from '../findings/scanning-policy';
import { logger } from '../logger';
import { sleep } from './backoff';
import { createFindingsLedgerStore } from './findings-ledger-store';
import { createGovernancePublisher } from './governance-publisher';
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
 */
export function createScanFindingsDependencies(settings: {
  eventBusName: string;
  stateTableName: string;
  scanning: EcrWardenConfig['scanning'];
  scope: GovernedScope;
  now?: () => Date;
}): ScanFindingsDependencies {
  const now = settings.now ?? (() => new Date());
  const store = createStateStore({ tableName: settings.stateTableName, now });
  return {
    scope: settings.scope,
    ledger: createFindingsLedgerStore(store),
    once: createIdempotencyGuard({ store, now }),
    publisher: createGovernancePublisher({ eventBusName: settings.eventBusName }),
    scans: createScanFindingsReader(),
    // Where an alerted image runs: the cleanup worker's in-use index (read only).
    inUseIndex: createInUseIndexReader(store, { logger }),
    policy: createScanningPolicy(settings.scanning),
    expiringWithinDays: settings.scanning.digest.expiringWithinDays,
    now,
    sleep,
  };
}
