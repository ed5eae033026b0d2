/**
 * The repository guard at scale, run in process against the registry simulator (real SDK clients, real
 * pagination, every call counted) and a dynalite state table. Built and started by
 * bench/repository-guard.mjs; prints one JSON line.
 *
 * - the sweep: calls per repository (and by API) for a registry of REPOSITORIES repositories with every
 *   baseline checked, wall time without network latency (the guard's own cost, dynalite included) and
 *   with a fixed latency per ECR call injected by the simulator, to project a Lambda run against the
 *   900 s limit; then the second, steady-state sweep (nothing new to report);
 * - the tag ledger: the first PUSH to a repository of TAGS tagged images (the ledger seeded from
 *   DescribeImages), then PUSHES pushes one after the other.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { createRegistrySimulator, generateImages, generateRepositories } from '../local/registry-sim';
import { createLocalDynamoDbClient, createStateTable, startLocalDynamoDb } from '../local/state-table';
import { createStateDocumentClient } from '../shared/aws/dynamodb-client';
import { createGovernancePublisher } from '../shared/aws/governance-publisher';
import { createDriftLedgerStore, createTagLedgerStore } from '../shared/aws/repository-guard-ledgers';
import { createRepositoryGuardRegistry } from '../shared/aws/repository-guard-registry';
import { createStateStore } from '../shared/aws/state-store';
import { parseConfig } from '../shared/config/load-config';
import { parseRepositoryGuardEvent } from '../shared/events/repository-guard-events';
import { compileBaselines } from '../shared/immutability/desired-state';
import { createRepositoryGuard } from '../shared/immutability/repository-guard';
import type { StructuredLogger } from '../shared/logger';

const REPOSITORIES = Number(process.env.BENCH_GUARD_REPOSITORIES ?? 2_000);
const LATENCY_MS = Number(process.env.BENCH_GUARD_LATENCY_MS ?? 25);
const TAGS = Number(process.env.BENCH_GUARD_TAGS ?? 10_000);
const PUSHES = Number(process.env.BENCH_GUARD_PUSHES ?? 500);
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b7c1d3e-8f21-4a57-9c6b-2e4f5a6b7c8d';
const POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'Untagged images older than 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};
const quiet: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };

process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

async function main() {
  const dynamo = await startLocalDynamoDb();
  const client = createLocalDynamoDbClient(dynamo.endpoint);
  const store = createStateStore({
    tableName: await createStateTable(client, 'ecr-warden-bench-state'),
    client: createStateDocumentClient(client),
  });
  const eventBridge = mockClient(EventBridgeClient);
  let published = 0;
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => {
    published += input.Entries.length;
    return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'e' })) };
  });

  const sim = createRegistrySimulator();
  sim.setScanningConfiguration('BASIC', [
    { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'fleet/*', filterType: 'WILDCARD' }] },
  ]);
  // One repository in a hundred drifts (MUTABLE): the sweep reports it.
  for (const [n, repository] of generateRepositories(sim, {
    count: REPOSITORIES,
    prefix: 'fleet/svc',
  }).entries()) {
    repository.setTagMutability(n % 100 === 0 ? 'MUTABLE' : 'IMMUTABLE', undefined);
    repository.encryptionType = 'KMS';
    repository.kmsKey = KMS_KEY;
    repository.lifecyclePolicy = { text: JSON.stringify(POLICY), lastEvaluatedAt: undefined };
  }
  const config = parseConfig({
    immutability: {
      dryRun: true,
      lifecyclePolicies: { standard: POLICY },
      rules: [
        {
          repositories: ['**'],
          remediate: true,
          protectedTags: ['v*.*.*'],
          scanning: {},
          lifecyclePolicy: { defaultPolicy: 'standard', remediate: true },
          encryption: {},
          repositoryPolicy: {},
        },
      ],
    },
  }).immutability;
  const guard = createRepositoryGuard(
    { account: sim.accountId, region: 'us-east-1', dryRun: true, resolveBaseline: compileBaselines(config) },
    {
      registry: createRepositoryGuardRegistry(
        new ECRClient({ region: 'us-east-1', retryMode: 'adaptive', maxAttempts: 8 }),
      ),
      tagLedger: createTagLedgerStore(store),
      driftLedger: createDriftLedgerStore(store),
      usage: { isInUse: async () => null },
      publisher: createGovernancePublisher({ eventBusName: 'ecr-warden-bench' }),
      logger: quiet,
    },
  );
  const schedule = (time: string) => {
    const parsed = parseRepositoryGuardEvent({
      version: '0',
      id: `bench-${time}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: sim.accountId,
      time,
      region: 'us-east-1',
      resources: [],
      detail: {},
    });
    if (parsed.kind !== 'schedule') throw new Error('not a schedule');
    return parsed.event;
  };

  const installed = sim.install();
  const forget = setInterval(() => installed.mocks.ecr.resetHistory(), 20);
  const timed = async <Result>(run: () => Promise<Result>) => {
    installed.calls.reset();
    const started = performance.now();
    const result = await run();
    return {
      result,
      ms: performance.now() - started,
      calls: installed.calls.byApi(),
      total: installed.calls.count(),
    };
  };

  const first = await timed(() => guard.sweep(schedule('2026-11-01T00:00:00Z')));
  const firstPublished = published;
  const steady = await timed(() => guard.sweep(schedule('2026-11-02T00:00:00Z')));
  installed.faults.latency({ service: 'ecr', ms: LATENCY_MS });
  const withLatency = await timed(() => guard.sweep(schedule('2026-11-03T00:00:00Z')));
  installed.faults.clear();

  // The tag ledger: a big repository's first PUSH seeds it, then pushes one after the other.
  const { repository, digests } = generateImages(sim, {
    repositoryName: 'fleet/big',
    count: TAGS,
    taggedShare: 1,
  });
  repository.setTagMutability('MUTABLE', undefined);
  const pushEvent = (n: number, time: string) => {
    const parsed = parseRepositoryGuardEvent({
      version: '0',
      id: `push-${n}`,
      'detail-type': 'ECR Image Action',
      source: 'aws.ecr',
      account: sim.accountId,
      time,
      region: 'us-east-1',
      resources: [],
      detail: {
        result: 'SUCCESS',
        'repository-name': 'fleet/big',
        'image-digest': digests[n % digests.length],
        'action-type': 'PUSH',
        'image-tag': `push-${n}`,
      },
    });
    if (parsed.kind !== 'image-action') throw new Error('not a push');
    return parsed.event;
  };
  const seed = await timed(() => guard.recordPush(pushEvent(0, '2026-11-04T00:00:00Z')));
  const pushes = await timed(async () => {
    for (let n = 1; n <= PUSHES; n++)
      await guard.recordPush(
        pushEvent(
          n,
          `2026-11-04T00:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`,
        ),
      );
  });
  clearInterval(forget);
  installed.restore();
  eventBridge.restore();
  client.destroy();
  await dynamo.close();

  process.stdout.write(
    `${JSON.stringify({
      repositories: REPOSITORIES,
      latencyMs: LATENCY_MS,
      first: {
        ms: first.ms,
        calls: first.calls,
        total: first.total,
        summary: first.result,
        published: firstPublished,
      },
      steady: { ms: steady.ms, total: steady.total, published: published - firstPublished },
      withLatency: { ms: withLatency.ms, total: withLatency.total },
      seed: { tags: TAGS, ms: seed.ms, calls: seed.total },
      pushes: { count: PUSHES, ms: pushes.ms, calls: pushes.total },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
