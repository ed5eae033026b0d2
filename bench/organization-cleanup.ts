/**
 * Issue 15's performance section: cleanup across an Organizations hub of 100 member accounts × 2
 * regions × 50 repositories, in the registry simulator (real SDK clients, real pagination, the
 * simulated STS checking each member role's trust, every call counted) with a fixed latency per call,
 * SendMessageBatch answered by a stub with the same latency. Built and started by
 * bench/organization-cleanup.mjs; prints one JSON line.
 *
 * - The scheduler: one invocation over every account × region: time, messages, AssumeRole calls
 *   (goal: one per account), DescribeRepositories and SendMessageBatch calls against their minimum.
 * - The worker: invocations of 5 messages (the event source's batchSize), first as the queue hands
 *   them out (in the scheduler's order: one account × region a batch), then the worst case, five
 *   accounts a batch: AssumeRole per invocation (goal: at most one per account and region), ECR calls
 *   per repository against the pagination minimum (ceil(n/1000) DescribeImages + ceil(d/100)
 *   BatchDeleteImage; no indexes here), wall time. State-table ports are in memory (no ECR call).
 *
 * BENCH_ORG_ACCOUNTS, _REGIONS, _REPOSITORIES, _WORKER_BATCHES, _LATENCY_MS change the shape.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { processCleanupBatch } from '../functions/batch/cleanup-batch';
import { createRegistrySimulator, imageManifest, type RegistrySimulator } from '../local/registry-sim';
import { createCleanupRequestQueue } from '../shared/aws/cleanup-queue';
import { createMemberRegistries } from '../shared/aws/cleanup-scheduler-organization';
import { createCleanupWorkerDependencies } from '../shared/aws/cleanup-worker-dependencies';
import type { CleanupRunProgress } from '../shared/cleanup/cleanup-ports';
import type { CleanupRequest } from '../shared/cleanup/cleanup-request';
import { scheduleOrganizationCleanup } from '../shared/cleanup/schedule-organization-cleanup';
import { parseConfig } from '../shared/config/load-config';
import { governedTargets, listedAccountDirectory } from '../shared/organization/governed-accounts';
import type { RunOnceGuard } from '../shared/state/run-once';

const ACCOUNTS = Number(process.env.BENCH_ORG_ACCOUNTS ?? 100);
const REGION_COUNT = Number(process.env.BENCH_ORG_REGIONS ?? 2);
const REPOSITORIES = Number(process.env.BENCH_ORG_REPOSITORIES ?? 50);
const WORKER_BATCHES = Number(process.env.BENCH_ORG_WORKER_BATCHES ?? 20);
const LATENCY_MS = Number(process.env.BENCH_ORG_LATENCY_MS ?? 25);
const HUB = '111111111111';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'].slice(0, REGION_COUNT);
const IMAGES_PER_REPOSITORY = 5;
const KEEP = 2;
const BATCH_SIZE = 5;
const AS_OF = new Date('2026-11-01T00:00:00Z');
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111111111111/ecr-warden-bench-cleanup';

process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const memberAccount = (n: number) => String(300_000_000_000 + n);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const config = parseConfig({
  organization: {
    accounts: Array.from({ length: ACCOUNTS }, (_, n) => memberAccount(n)),
    regions: REGIONS,
  },
  cleanup: {
    dryRun: false,
    maxDeletionShare: 1,
    protect: { taskDefinitionRevisions: 0 },
    rules: [
      {
        repositories: ['**'],
        policy: {
          rules: [
            {
              rulePriority: 1,
              selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: KEEP },
              action: { type: 'expire' },
            },
          ],
        },
      },
    ],
  },
});
const organization = config.organization as NonNullable<typeof config.organization>;

function buildWorld(): RegistrySimulator {
  const sim = createRegistrySimulator({ asOf: AS_OF, accountId: HUB });
  for (let a = 0; a < ACCOUNTS; a++) {
    const accountId = memberAccount(a);
    sim.services.identity.createRole({ accountId, roleName: organization.memberRoleName });
    for (const region of REGIONS) {
      for (let r = 0; r < REPOSITORIES; r++) {
        const repositoryName = `team-${r % 5}/service-${r}`;
        sim.addRepository(repositoryName, { accountId, region });
        for (let i = 0; i < IMAGES_PER_REPOSITORY; i++) {
          sim.pushImage({
            repositoryName,
            manifest: imageManifest({ seed: `${accountId}/${region}/${r}/${i}` }),
            tags: [`v${i}`],
            pushedAt: new Date(AS_OF.getTime() - (IMAGES_PER_REPOSITORY - i) * 86_400_000),
            accountId,
            region,
          });
        }
      }
    }
  }
  return sim;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function schedulerRun(sim: RegistrySimulator) {
  const installed = sim.install();
  installed.faults.latency({ ms: LATENCY_MS });
  const sqs = mockClient(SQSClient);
  const queued: string[] = [];
  sqs
    .on(SendMessageBatchCommand)
    .callsFake(async (input: { Entries: { Id: string; MessageBody: string }[] }) => {
      await sleep(LATENCY_MS);
      queued.push(...input.Entries.map((entry) => entry.MessageBody));
      return {
        Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: Id, MD5OfMessageBody: '' })),
        Failed: [],
      };
    });
  let unreachable = 0;
  const started = performance.now();
  const summary = await scheduleOrganizationCleanup(
    {
      runId: 'bench-run',
      rules: config.cleanup.rules,
      targets: governedTargets(listedAccountDirectory(organization), organization.regions),
    },
    {
      openMemberRegistries: () =>
        createMemberRegistries({
          hubAccount: HUB,
          hubRegion: 'us-east-1',
          memberRoleName: organization.memberRoleName,
          sts: new STSClient({ region: 'us-east-1' }),
          now: () => sim.clock.nowMs(),
        }),
      queue: createCleanupRequestQueue({
        queueUrl: QUEUE_URL,
        client: new SQSClient({ region: 'us-east-1' }),
      }),
      unreachable: {
        async report() {
          unreachable += 1;
          return 'reported';
        },
      },
    },
  );
  const ms = performance.now() - started;
  const calls = installed.calls.byApi();
  const sendCalls = sqs.commandCalls(SendMessageBatchCommand).length;
  sqs.restore();
  installed.restore();
  return { ms, summary, calls, sendCalls, unreachable, messages: queued };
}

/** The worker's state ports in memory: what the state table would hold, without DynamoDB. */
function memoryState() {
  const progress = new Map<string, CleanupRunProgress>();
  const done = new Set<string>();
  const guard: RunOnceGuard = {
    async runOnce(key, _options, action) {
      if (done.has(key)) return { status: 'duplicate', completedAt: AS_OF.toISOString() };
      const result = await action();
      done.add(key);
      return { status: 'executed', result };
    },
  };
  return {
    guard,
    progress: {
      read: async (runId: string, name: string) => progress.get(`${runId}/${name}`),
      start: async (runId: string, name: string, value: CleanupRunProgress) =>
        !progress.has(`${runId}/${name}`) && Boolean(progress.set(`${runId}/${name}`, value)),
      write: async (runId: string, name: string, value: CleanupRunProgress) =>
        void progress.set(`${runId}/${name}`, value),
    },
    marks: { read: async () => new Map<string, number>(), mark: async () => {}, unmark: async () => {} },
  };
}

function sqsEvent(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:ecr-warden-bench-cleanup',
      awsRegion: 'us-east-1',
    })),
  };
}

async function workerInvocations(sim: RegistrySimulator, batches: readonly string[][]) {
  const installed = sim.install();
  installed.faults.latency({ ms: LATENCY_MS });
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.callsFake(async (input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })),
  }));
  const context = {
    getRemainingTimeInMillis: () => 900_000,
    functionName: 'bench-cleanupWorker',
    awsRequestId: 'bench',
  } as unknown as Parameters<typeof processCleanupBatch>[1];
  const perInvocation: { assumeRoleCalls: number; places: number; ms: number }[] = [];
  let repositories = 0;
  let images = 0;
  let deleted = 0;
  const minimum = { DescribeImages: 0, BatchDeleteImage: 0 };
  const started = performance.now();
  for (const batch of batches) {
    const state = memoryState();
    const dependencies = {
      ...createCleanupWorkerDependencies({
        cleanup: config.cleanup,
        eventBusName: 'ecr-warden-bench',
        tableName: 'ecr-warden-bench-state',
        logger: silent,
        now: () => sim.clock.nowMs(),
        ecr: new ECRClient({ region: 'us-east-1' }),
        ecs: new ECSClient({ region: 'us-east-1' }),
        lambda: new LambdaClient({ region: 'us-east-1' }),
        eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
        organization: {
          config: organization,
          hubAccount: HUB,
          hubRegion: 'us-east-1',
          sts: new STSClient({ region: 'us-east-1' }),
        },
      }),
      ...state,
      inUseIndex: { recordInUse: async () => {} },
    };
    const stsBefore = installed.calls.count('AssumeRole');
    const invocationStarted = performance.now();
    const response = await processCleanupBatch(sqsEvent(batch), context, {
      ...dependencies,
      onRepositoryCleaned: (outcome) => {
        if (outcome.kind !== 'cleaned') return;
        repositories += 1;
        images += outcome.inventory.imageCount;
        deleted += outcome.deletions.deleted.length;
        minimum.DescribeImages += Math.ceil(outcome.inventory.imageCount / 1000);
        minimum.BatchDeleteImage += Math.ceil(outcome.deletions.deleted.length / 100);
      },
    });
    if (response.batchItemFailures.length > 0)
      throw new Error(`worker: ${response.batchItemFailures.length} failed`);
    const places = new Set(
      batch.map((body) => {
        const request = JSON.parse(body) as CleanupRequest;
        return `${request.registryId}/${request.region}`;
      }),
    );
    perInvocation.push({
      assumeRoleCalls: installed.calls.count('AssumeRole') - stsBefore,
      places: places.size,
      ms: performance.now() - invocationStarted,
    });
  }
  const ms = performance.now() - started;
  const calls = installed.calls.byApi();
  eventBridge.restore();
  installed.restore();
  const ecrCalls = {
    DescribeImages: calls.DescribeImages ?? 0,
    BatchGetImage: calls.BatchGetImage ?? 0,
    BatchDeleteImage: calls.BatchDeleteImage ?? 0,
  };
  return {
    invocations: batches.length,
    repositories,
    images,
    deleted,
    ms,
    ecrCalls,
    minimum,
    calls,
    maxAssumeRolePerInvocation: Math.max(...perInvocation.map((i) => i.assumeRoleCalls)),
    maxPlacesPerInvocation: Math.max(...perInvocation.map((i) => i.places)),
    assumeRoleCalls: perInvocation.reduce((sum, i) => sum + i.assumeRoleCalls, 0),
    medianInvocationMs: [...perInvocation.map((i) => i.ms)].sort((a, b) => a - b)[
      Math.floor(perInvocation.length / 2)
    ],
  };
}

async function main() {
  const buildStarted = performance.now();
  const sim = buildWorld();
  const buildMs = performance.now() - buildStarted;
  const scheduler = await schedulerRun(sim);
  const { messages } = scheduler;
  // As the queue hands them out: the scheduler's order, one account × region per batch of 5.
  const inOrder = Array.from({ length: WORKER_BATCHES }, (_, b) =>
    messages.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE),
  );
  // The worst case: each batch 5 messages of 5 different accounts, none cleaned by the batches above.
  const used = new Set(inOrder.flat());
  const byAccount = new Map<string, string[]>();
  for (const body of messages) {
    if (used.has(body)) continue;
    const account = (JSON.parse(body) as CleanupRequest).registryId;
    byAccount.set(account, [...(byAccount.get(account) ?? []), body]);
  }
  const accountQueues = [...byAccount.values()];
  const mixed = Array.from({ length: WORKER_BATCHES }, (_, b) =>
    Array.from({ length: BATCH_SIZE }, (_, k) =>
      accountQueues[(b * BATCH_SIZE + k) % accountQueues.length]?.pop(),
    ).filter((body): body is string => body !== undefined),
  );
  const inOrderRun = await workerInvocations(sim, inOrder);
  const mixedRun = await workerInvocations(sim, mixed);
  process.stdout.write(
    `${JSON.stringify({
      accounts: ACCOUNTS,
      regions: REGIONS.length,
      repositoriesPerPlace: REPOSITORIES,
      imagesPerRepository: IMAGES_PER_REPOSITORY,
      latencyMs: LATENCY_MS,
      buildMs,
      scheduler: {
        ms: scheduler.ms,
        summary: scheduler.summary,
        messages: messages.length,
        describeRepositories: scheduler.calls.DescribeRepositories ?? 0,
        assumeRole: scheduler.calls.AssumeRole ?? 0,
        sendMessageBatch: scheduler.sendCalls,
        unreachable: scheduler.unreachable,
      },
      worker: { inOrder: inOrderRun, mixed: mixedRun },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
