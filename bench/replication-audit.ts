/**
 * The replication audit at the scale of issue 8: 2,000 replicated repositories × 3 destination regions,
 * run in process against the registry simulator (real SDK clients, real pagination, every call counted).
 * Built and started by bench/replication-audit.mjs; prints one JSON line.
 *
 * - calls per repository and region, against the pagination minimum (what no audit of these facts can
 *   do with fewer calls: DescribeImages pages, GetLifecyclePolicy, GetRepositoryPolicy, plus the
 *   per-region listing calls shared by all repositories);
 * - wall time without network latency (the audit's own cost), and with a fixed latency per call
 *   injected by the simulator (real waiting), to project a Lambda run against the 900 s limit.
 */
import { createRegistrySimulator, generateImages, type RegistrySimulator } from '../local/registry-sim';
import { createRegionalEcrClients } from '../shared/aws/regional-ecr-clients';
import { createReplicationRegistryReaders } from '../shared/aws/replication-registry';
import { auditReplication } from '../shared/replication/audit-replication';

const REPOSITORIES = Number(process.env.BENCH_REPLICATION_REPOSITORIES ?? 2_000);
const IMAGES = Number(process.env.BENCH_REPLICATION_IMAGES ?? 20);
const LATENCY_MS = Number(process.env.BENCH_REPLICATION_LATENCY_MS ?? 25);
const SOURCE = 'us-east-1';
const DESTINATIONS = ['us-west-2', 'eu-west-1', 'ap-southeast-2'];
const AS_OF = new Date('2026-11-01T00:00:00Z');
// One repository in a hundred lost an image in one destination: the audit reads its status.
const DAMAGED_EVERY = 100;

process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

function buildRegistry(): RegistrySimulator {
  const sim = createRegistrySimulator({ asOf: AS_OF });
  const width = String(REPOSITORIES - 1).length;
  for (let n = 0; n < REPOSITORIES; n++) {
    const name = `svc/service-${String(n).padStart(width, '0')}`;
    const { repository } = generateImages(sim, {
      repositoryName: name,
      count: IMAGES,
      region: SOURCE,
      intervalMs: 86_400_000,
    });
    for (const image of repository.listImages()) {
      image.replication = DESTINATIONS.map((region) => ({
        region,
        registryId: sim.accountId,
        status: 'COMPLETE',
      }));
    }
    for (const region of DESTINATIONS) {
      const replica = sim.world
        .registry(sim.accountId, region)
        .createRepository(name, {}, repository.createdAt);
      for (const image of repository.listImages())
        replica.insertImage({ ...image, tags: [...image.tags], replication: undefined });
    }
    if (n % DAMAGED_EVERY === 0) {
      const replica = sim.repository(name, { region: DESTINATIONS[0] as string });
      const first = replica.listImages()[0];
      if (first !== undefined) replica.removeImage(first);
    }
  }
  sim.setReplicationRules([
    {
      destinations: DESTINATIONS.map((region) => ({ region, registryId: sim.accountId })),
      repositoryFilters: [{ filter: 'svc/', filterType: 'PREFIX_MATCH' }],
    },
  ]);
  return sim;
}

async function measure(sim: RegistrySimulator, latencyMs: number, onCall?: () => void) {
  const installed = sim.install();
  // sinon (behind aws-sdk-client-mock) keeps every call's arguments and answer: drop them as the audit
  // goes, so that the heap measured is the audit's and the SDK's, not the test double's history.
  const forget = setInterval(() => {
    installed.mocks.ecr.resetHistory();
    onCall?.();
  }, 20);
  if (latencyMs > 0) installed.faults.latency({ ms: latencyMs });
  const started = performance.now();
  const result = await auditReplication(
    {
      sourceRegion: SOURCE,
      now: AS_OF,
      settings: {
        destinationRegions: DESTINATIONS,
        repositoryPrefixes: [],
        ruleCreatedAt: {},
        inFlightMinutes: 30,
        lagWindowHours: 168,
        statusChecksPerRepository: 100,
      },
    },
    { readerFor: createReplicationRegistryReaders(createRegionalEcrClients()) },
  );
  const ms = performance.now() - started;
  clearInterval(forget);
  const calls = installed.calls.byApi();
  const byRegion = installed.calls.byRegion();
  installed.restore();
  return { ms, calls, byRegion, result };
}

async function main() {
  const mode = process.argv[2] ?? 'time';
  const buildStarted = performance.now();
  const sim = buildRegistry();
  const buildMs = performance.now() - buildStarted;

  if (mode === 'memory') {
    // The audit's own working memory: the live heap it adds to the simulated registry's, sampled after
    // a full collection every half second of a run with latency (without latency every call resolves
    // in microtasks and no timer runs until the end).
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error('run with --expose-gc');
    gc();
    const baseHeap = process.memoryUsage().heapUsed;
    let peakHeap = baseHeap;
    let ticks = 0;
    await measure(sim, LATENCY_MS, () => {
      if (++ticks % 25 !== 0) return;
      gc();
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    });
    process.stdout.write(
      `${JSON.stringify({ auditHeapBytes: peakHeap - baseHeap, registryHeapBytes: baseHeap })}\n`,
    );
    return;
  }

  const fast = await measure(sim, 0);
  const slow = await measure(sim, LATENCY_MS);
  const regions = DESTINATIONS.length + 1;
  const pages = Math.ceil(IMAGES / 1000);
  // Per repository and region: DescribeImages pages, GetLifecyclePolicy, GetRepositoryPolicy. Per
  // region: DescribeRepositories pages, GetRegistryScanningConfiguration, BatchGetRepositoryScanning-
  // Configuration (25 names). Once: DescribeRegistry. Per missing image: one status.
  const minimum =
    REPOSITORIES * regions * (pages + 2) +
    regions * (Math.ceil(REPOSITORIES / 1000) + 1 + Math.ceil(REPOSITORIES / 25)) +
    1 +
    Math.ceil(REPOSITORIES / DAMAGED_EVERY);
  const total = Object.values(fast.calls).reduce((sum, n) => sum + n, 0);
  process.stdout.write(
    `${JSON.stringify({
      repositories: REPOSITORIES,
      destinations: DESTINATIONS.length,
      imagesPerRepository: IMAGES,
      buildMs,
      calls: fast.calls,
      callsByRegion: fast.byRegion,
      totalCalls: total,
      minimumCalls: minimum,
      perRepositoryAndRegion: total / (REPOSITORIES * regions),
      minimumPerRepositoryAndRegion: minimum / (REPOSITORIES * regions),
      noLatencyMs: fast.ms,
      latencyMs: LATENCY_MS,
      withLatencyMs: slow.ms,
      repositoriesAudited: fast.result.repositoriesAudited,
      pairsAudited: fast.result.pairsAudited,
      comparisonsWithProblems: fast.result.comparisons.length,
    })}\n`,
  );
}

void main();
