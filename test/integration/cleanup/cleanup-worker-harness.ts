// The cleanup worker's world for tests: the registry simulator behind the real ECR, ECS and Lambda
// clients, the state table on dynalite, and EventBridge recorded. The worker is wired as
// functions/cleanup-worker.ts wires it (createCleanupWorkerDependencies), on the simulator's clock.
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { createCleanupWorkerDependencies } from '../../../shared/aws/cleanup-worker-dependencies';
import type { CleanupRequest } from '../../../shared/cleanup/cleanup-request';
import type { CleanupWorkerDependencies } from '../../../shared/cleanup/process-cleanup-batch';
import { parseConfig } from '../../../shared/config/load-config';
import type { CleanupConfig } from '../../../shared/config/schema';
import type { GovernanceDetail } from '../../../shared/events/governance';
import type { StructuredLogger } from '../../../shared/logger';
import { acceptPutEvents } from '../../support/put-events-stub';
import type { StateTableFixture } from '../../support/state-table';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const URI = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const RUN_ID = '5b8c4a0e-1d2f-4e3a-9b7c-0a1b2c3d4e5f';
export const DAY_MS = 86_400_000;

/** Expires every image pushed more than 7 days ago: every protection has something to stop. */
export const EXPIRE_OLDER_THAN_7_DAYS = {
  rules: [
    {
      rulePriority: 1,
      description: 'anything older than a week',
      selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
};

/** Keeps the 2 newest images, tagged or not: counts only, so that the handlers' real clock does not matter. */
export const KEEP_TWO_NEWEST = {
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 },
      action: { type: 'expire' },
    },
  ],
};

export const EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS = {
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
};

/** The `cleanup` section: not a dry run, no share cap, no revision protection unless said otherwise. */
export function cleanupConfig(
  overrides: Record<string, unknown> = {},
  policy: unknown = EXPIRE_OLDER_THAN_7_DAYS,
): CleanupConfig {
  return parseConfig({
    cleanup: {
      dryRun: false,
      maxDeletionShare: 1,
      protect: { tags: ['release-*'], taskDefinitionRevisions: 0 },
      rules: [{ repositories: ['team/**'], policy }],
      ...overrides,
    },
  }).cleanup;
}

export const silentLogger: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface WorkerWorld {
  sim: RegistrySimulator;
  aws: InstalledSimulator;
  /** Cleanup Report details published, in order. */
  reports(): GovernanceDetail<'Cleanup Report'>[];
  /**
   * The worker's dependencies, built as the handler builds them. `retryMode: 'standard'` for tests
   * that throttle: adaptive mode's client-side rate limiter waits in real time after throttling.
   */
  dependencies(
    cleanup: CleanupConfig,
    overrides?: Partial<CleanupWorkerDependencies>,
    options?: { retryMode?: 'adaptive' | 'standard' },
  ): CleanupWorkerDependencies;
  restore(): void;
}

export function createWorkerWorld(table: StateTableFixture): WorkerWorld {
  const sim = createRegistrySimulator();
  const aws = sim.install();
  const entries: PutEventsRequestEntry[] = [];
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(entries));
  return {
    sim,
    aws,
    reports: () =>
      entries
        .filter((entry) => entry.DetailType === 'Cleanup Report')
        .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Cleanup Report'>),
    dependencies: (cleanup, overrides = {}, options = {}) => ({
      ...createCleanupWorkerDependencies({
        cleanup,
        eventBusName: 'ecr-warden-test',
        tableName: table.tableName,
        stateClient: table.documentClient,
        logger: silentLogger,
        now: () => sim.clock.nowMs(),
        // Configured as the production clients (shared/aws/*-client.ts), in the simulator's region.
        ecr: new ECRClient({ region: REGION, retryMode: options.retryMode ?? 'adaptive', maxAttempts: 8 }),
        ecs: new ECSClient({ region: REGION, retryMode: options.retryMode ?? 'adaptive', maxAttempts: 8 }),
        lambda: new LambdaClient({
          region: REGION,
          retryMode: options.retryMode ?? 'adaptive',
          maxAttempts: 8,
        }),
        eventBridge: new EventBridgeClient({ region: REGION }),
      }),
      ...overrides,
    }),
    restore() {
      aws.restore();
      eventBridge.restore();
    },
  };
}

export function cleanupRequest(repositoryName: string, runId = RUN_ID): CleanupRequest {
  return {
    schemaVersion: 1,
    repositoryName,
    repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repositoryName}`,
    registryId: ACCOUNT,
    runId,
  };
}

/** An SQS event of the cleanup queue; a string is sent as the body as it is (a malformed message). */
export function sqsEvent(messages: readonly (CleanupRequest | string)[]): SQSEvent {
  return {
    Records: messages.map(
      (message, i): SQSRecord => ({
        messageId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        receiptHandle: `receipt-${i + 1}`,
        body: typeof message === 'string' ? message : JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1793491200000',
          SenderId: 'AROAEXAMPLE:ecr-warden-test-cleanupScheduler',
          ApproximateFirstReceiveTimestamp: '1793491200100',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:ecr-warden-test-cleanup`,
        awsRegion: REGION,
      }),
    ),
  };
}

/** Pushes a single-platform image `daysAgo` days before the simulator's now; returns its digest. */
export function pushImage(
  sim: RegistrySimulator,
  repositoryName: string,
  seed: string,
  options: { tags?: string[]; daysAgo?: number } = {},
): string {
  return sim.pushImage({
    repositoryName,
    manifest: imageManifest({ seed }),
    tags: options.tags ?? [],
    pushedAt: new Date(sim.clock.nowMs() - (options.daysAgo ?? 30) * DAY_MS),
  }).image.digest;
}

/** Whether the repository still holds the digest. */
export function holds(sim: RegistrySimulator, repositoryName: string, digest: string): boolean {
  return sim.repository(repositoryName).images.has(digest);
}
