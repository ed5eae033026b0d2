import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createRegistrySimulator,
  type InstalledSimulator,
  imageManifest,
  type RegistrySimulator,
} from '../../../local/registry-sim';
import type { EnhancedFinding } from '../../../local/registry-sim/model/scan';
import { createFindingsLedgerStore } from '../../../shared/aws/findings-ledger-store';
import { createGovernancePublisher } from '../../../shared/aws/governance-publisher';
import { createIdempotencyGuard } from '../../../shared/aws/idempotency';
import { createInUseIndexReader, createInUseIndexWriter } from '../../../shared/aws/in-use-index-store';
import { createScanFindingsOrganization } from '../../../shared/aws/scan-findings-organization';
import { createScanFindingsReader } from '../../../shared/aws/scan-findings-reader';
import { createStateStore } from '../../../shared/aws/state-store';
import { parseConfig } from '../../../shared/config/load-config';
import { ownScope } from '../../../shared/events/governed-scope';
import type { ScanFindingsDependencies } from '../../../shared/findings/scan-findings-service';
import { createScanningPolicy } from '../../../shared/findings/scanning-policy';
import type { InUseIndexWriter } from '../../../shared/inuse/in-use-index';
import { listedAccountDirectory } from '../../../shared/organization/governed-accounts';
import { loadEventFixture } from '../../support/fixtures';
import { acceptPutEvents } from '../../support/put-events-stub';
import { useStateTable } from '../../support/state-table';

/**
 * The local world the findings tests run in: the registry simulator behind the real ECR client,
 * a fresh dynalite state table per test, and EventBridge answered by a stub that records what was
 * published (aws-sdk-client-mock; the simulator does not model EventBridge).
 */
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const REPOSITORY = 'team-a/api';

export interface FindingsWorld {
  readonly sim: RegistrySimulator;
  readonly env: InstalledSimulator;
  /** Governance events published so far (PutEvents entries). */
  readonly published: PutEventsRequestEntry[];
  /** Details of the published events of one detail-type, parsed. */
  details(detailType: string): Record<string, unknown>[];
  dependencies(options?: {
    scanning?: Record<string, unknown>;
    now?: () => Date;
    /** Read the cleanup worker's in-use index on the test's table (scan-findings-dependencies.ts does). */
    inUseIndex?: boolean;
  }): ScanFindingsDependencies;
  /** The cleanup worker's in-use index writer on the test's table. */
  inUseIndexWriter(): InUseIndexWriter;
  /**
   * The same, as an Organizations hub (the function's own wiring, scan-findings-organization.ts) in
   * ACCOUNT, governing HUB_ORGANIZATION's accounts (or `organization`'s): member sessions through the
   * simulator's STS, digest targets recorded in `targetMessages`.
   */
  hubDependencies(options?: {
    scanning?: Record<string, unknown>;
    organization?: Record<string, unknown>;
    now?: () => Date;
  }): ScanFindingsDependencies & { unreachableCounted: () => number };
  /** Bodies of the digest target messages the hub queued, parsed. */
  readonly targetMessages: Record<string, unknown>[];
  /** Every key of the test's state table (a Scan), sorted. */
  stateKeys(): Promise<{ pk: string; sk: string }[]>;
}

/** A member account with the member role (planted by `plantMemberRole`), and one without. */
export const MEMBER = '333333333333';
export const UNREACHABLE = '444444444444';
export const HUB_ORGANIZATION = {
  accounts: [ACCOUNT, MEMBER, UNREACHABLE],
  regions: [REGION],
  memberRoleName: 'ecr-warden-member',
  accountAliases: { [ACCOUNT]: 'demo-hub', [MEMBER]: 'payments-prod', [UNREACHABLE]: 'legacy-sandbox' },
};
export const TARGET_QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/ecr-warden-test-scan-findings-targets`;

/** The member stack's role in MEMBER, trusting the hub function's role (the simulator's default caller). */
export function plantMemberRole(sim: RegistrySimulator): void {
  const identity = sim.world.services.identity;
  identity.createRole({
    accountId: MEMBER,
    roleName: 'ecr-warden-member',
    trustedRoleArns: [identity.defaultCallerRoleArn],
  });
}

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

export function useFindingsWorld(): FindingsWorld {
  const table = useStateTable();
  let sim: RegistrySimulator | undefined;
  let env: InstalledSimulator | undefined;
  const published: PutEventsRequestEntry[] = [];
  const targetMessages: Record<string, unknown>[] = [];

  beforeEach(() => {
    targetMessages.length = 0;
    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .callsFake((input: { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] }) => {
        if (input.QueueUrl !== TARGET_QUEUE_URL) throw new Error(`unexpected queue ${input.QueueUrl}`);
        targetMessages.push(...input.Entries.map((entry) => JSON.parse(entry.MessageBody)));
        return {
          Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: '' })),
          Failed: [],
        };
      });
    sim = createRegistrySimulator({ asOf: '2026-06-01T12:00:00Z' });
    env = sim.install();
    published.length = 0;
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published));
  });
  afterEach(() => {
    env?.restore();
  });

  return {
    get sim() {
      if (sim === undefined) throw new Error('only inside a test');
      return sim;
    },
    get env() {
      if (env === undefined) throw new Error('only inside a test');
      return env;
    },
    published,
    details(detailType) {
      return published.filter((e) => e.DetailType === detailType).map((e) => JSON.parse(e.Detail ?? '{}'));
    },
    dependencies(options = {}) {
      const now = options.now ?? (() => new Date('2026-06-01T12:00:00Z'));
      // The store's clock is the test's: TTLs (closed findings, idempotency records) count from it.
      const store = createStateStore({ tableName: table.tableName, client: table.documentClient, now });
      const config = parseConfig({ scanning: options.scanning ?? {} });
      return {
        scope: ownScope({ account: ACCOUNT, region: REGION }),
        ledger: createFindingsLedgerStore(store),
        once: createIdempotencyGuard({ store }),
        publisher: createGovernancePublisher({
          eventBusName: 'ecr-warden-test',
          client: new EventBridgeClient({ region: REGION }),
          retry: { sleep: async () => undefined },
        }),
        scans: createScanFindingsReader(new ECRClient({ region: REGION })),
        policy: createScanningPolicy(config.scanning),
        expiringWithinDays: config.scanning.digest.expiringWithinDays,
        now,
        sleep: async () => undefined,
        ...(options.inUseIndex === true
          ? { inUseIndex: createInUseIndexReader(store, { logger: { warn() {} } }) }
          : {}),
      };
    },
    targetMessages,
    async stateKeys() {
      const { Items = [] } = await table.documentClient.send(new ScanCommand({ TableName: table.tableName }));
      return Items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })).sort(
        (a, b) => a.pk.localeCompare(b.pk) || a.sk.localeCompare(b.sk),
      );
    },
    hubDependencies(options = {}) {
      const now = options.now ?? (() => new Date('2026-06-01T12:00:00Z'));
      const base = this.dependencies({ ...options, now, inUseIndex: true });
      const store = createStateStore({ tableName: table.tableName, client: table.documentClient, now });
      const config = parseConfig({
        scanning: options.scanning ?? {},
        organization: options.organization ?? HUB_ORGANIZATION,
      });
      let unreachable = 0;
      const organization = config.organization;
      if (organization === undefined) throw new Error('the hub config has an organization section');
      return {
        ...base,
        organization: createScanFindingsOrganization({
          config,
          location: { DEPLOYMENT_ACCOUNT_ID: ACCOUNT, AWS_REGION: REGION },
          store,
          targetQueueUrl: TARGET_QUEUE_URL,
          publisher: base.publisher,
          metrics: {
            accountUnreachable: () => {
              unreachable += 1;
            },
          },
          logger: { debug() {}, info() {}, warn() {}, error() {} },
          loadDirectory: async () => ({
            directory: listedAccountDirectory(organization),
            regions: organization.regions,
          }),
          sts: new STSClient({ region: REGION }),
          sqs: new SQSClient({ region: REGION }),
          homeScans: base.scans,
          now,
        }),
        unreachableCounted: () => unreachable,
      };
    },
    inUseIndexWriter() {
      return createInUseIndexWriter(
        createStateStore({ tableName: table.tableName, client: table.documentClient }),
      );
    },
  };
}

/** Pushes an image and returns its digest. */
export function pushImage(
  sim: RegistrySimulator,
  seed: string,
  tags: string[] = [],
  repositoryName = REPOSITORY,
): string {
  try {
    sim.repository(repositoryName);
  } catch {
    sim.addRepository(repositoryName);
  }
  return sim.pushImage({ repositoryName, manifest: imageManifest({ seed }), tags }).image.digest;
}

export function basicFinding(
  name: string,
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED',
  packageName = 'openssl',
) {
  return {
    name,
    severity,
    uri: `https://security-tracker.debian.org/tracker/${name}`,
    attributes: [
      { key: 'package_name', value: packageName },
      { key: 'package_version', value: '1.0.0' },
    ],
  };
}

export interface EnhancedOptions {
  id: string;
  severity?: EnhancedFinding['severity'];
  fixAvailable?: 'YES' | 'NO' | 'PARTIAL';
  exploitAvailable?: 'YES' | 'NO';
  updatedAt?: string;
  status?: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
  packageName?: string;
}

/** An enhanced finding as the simulator stores it (ISO timestamps). */
export function enhancedFinding(options: EnhancedOptions): EnhancedFinding {
  const fixed = options.fixAvailable === 'NO' ? undefined : '2.0.0';
  return {
    awsAccountId: ACCOUNT,
    findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/${options.id.toLowerCase()}`,
    title: `${options.id} - ${options.packageName ?? 'openssl'}`,
    severity: options.severity ?? 'HIGH',
    status: options.status ?? 'ACTIVE',
    type: 'PACKAGE_VULNERABILITY',
    score: 7.5,
    fixAvailable: options.fixAvailable ?? 'YES',
    exploitAvailable: options.exploitAvailable ?? 'NO',
    firstObservedAt: '2026-05-29T09:00:00Z',
    lastObservedAt: options.updatedAt ?? '2026-06-01T11:00:00Z',
    updatedAt: options.updatedAt ?? '2026-06-01T11:00:00Z',
    packageVulnerabilityDetails: {
      vulnerabilityId: options.id,
      sourceUrl: `https://nvd.nist.gov/vuln/detail/${options.id}`,
      vulnerablePackages: [
        {
          name: options.packageName ?? 'openssl',
          version: '1.0.0',
          packageManager: 'OS',
          ...(fixed === undefined ? {} : { fixedInVersion: fixed }),
        },
      ],
    },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2026-06-01T11:58:02.411Z` as Inspector writes it in events: `Mon Jun 01 11:58:02.411 UTC 2026`. */
export function javaDate(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC ${d.getUTCFullYear()}`;
}

/** A JSON fixture that a test edits field by field (cloned per test by loadEventFixture). */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are AWS's documented JSON, edited in place by tests
export type Fixture = Record<string, any>;

/** An `Inspector2 Finding` event (from the fixture) for one finding of one image. */
export function inspectorFindingEvent(
  imageDigest: string,
  options: EnhancedOptions & { imageTags?: string[]; inUseCount?: number; eventId?: string },
): Fixture {
  const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-finding-java-date');
  const stored = enhancedFinding(options);
  const detail = event.detail;
  if (options.eventId !== undefined) event.id = options.eventId;
  detail.findingArn = stored.findingArn;
  detail.title = stored.title;
  detail.severity = stored.severity;
  detail.status = stored.status;
  detail.fixAvailable = stored.fixAvailable;
  detail.exploitAvailable = stored.exploitAvailable;
  detail.updatedAt = javaDate(stored.updatedAt);
  detail.lastObservedAt = javaDate(stored.lastObservedAt);
  detail.packageVulnerabilityDetails.vulnerabilityId = options.id;
  detail.packageVulnerabilityDetails.sourceUrl = stored.packageVulnerabilityDetails.sourceUrl;
  detail.packageVulnerabilityDetails.vulnerablePackages =
    stored.packageVulnerabilityDetails.vulnerablePackages;
  const image = detail.resources[0].details.awsEcrContainerImage;
  image.imageHash = imageDigest;
  image.repositoryName = REPOSITORY;
  image.imageTags = options.imageTags ?? [];
  if (options.inUseCount === undefined) delete image.inUseCount;
  else image.inUseCount = options.inUseCount;
  return event;
}

/** An `ECR Image Scan` event (from the fixture) for an image. */
export function ecrImageScanEvent(imageDigest: string, imageTags: string[], status = 'COMPLETE'): Fixture {
  const event = loadEventFixture<Fixture>('aws.ecr', 'ecr-image-scan-basic');
  event.detail['image-digest'] = imageDigest;
  event.detail['image-tags'] = imageTags;
  event.detail['scan-status'] = status;
  return event;
}
