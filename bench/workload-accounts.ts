/**
 * Issue 14's workload accounts at scale: one cleanup-worker invocation reads the ECS and Lambda in-use
 * picture of 10 workload accounts through their workload-reader roles, in the registry simulator (real
 * SDK clients, real pagination, every call counted, a fixed latency per call injected). Built and
 * started by bench/workload-accounts.mjs; prints one JSON line.
 *
 * The invocation cleans REPOSITORIES repositories and, as per-repository code would, asks for each
 * account's credentials once per repository: the goal is still exactly one AssumeRole per account.
 * BENCH_WORKLOAD_ACCOUNTS, _SERVICES, _FUNCTIONS, _REPOSITORIES and _LATENCY_MS change the shape.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { createRegistrySimulator, imageManifest, type RegistrySimulator } from '../local/registry-sim';
import {
  createWorkloadAccountCredentials,
  createWorkloadClients,
} from '../shared/aws/workload-account-credentials';
import { createWorkloadInventory } from '../shared/aws/workload-inventory';

const ACCOUNTS = Number(process.env.BENCH_WORKLOAD_ACCOUNTS ?? 10);
const SERVICES = Number(process.env.BENCH_WORKLOAD_SERVICES ?? 20);
const FUNCTIONS = Number(process.env.BENCH_WORKLOAD_FUNCTIONS ?? 10);
const REPOSITORIES = Number(process.env.BENCH_WORKLOAD_REPOSITORIES ?? 50);
const LATENCY_MS = Number(process.env.BENCH_WORKLOAD_LATENCY_MS ?? 25);
const HUB = '111111111111';
const REGION = 'us-east-1';
const ROLE = 'ecr-warden-workload-reader';
const AS_OF = new Date('2026-11-01T00:00:00Z');

process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const workloadAccount = (n: number) => String(222_222_222_200 + n);

function buildWorld(): RegistrySimulator {
  const sim = createRegistrySimulator({ asOf: AS_OF, accountId: HUB });
  const uri = `${HUB}.dkr.ecr.${REGION}.amazonaws.com/svc/app`;
  sim.addRepository('svc/app');
  for (let v = 0; v < 4; v++) {
    sim.pushImage({ repositoryName: 'svc/app', manifest: imageManifest({ seed: `v${v}` }), tags: [`v${v}`] });
  }
  for (let a = 0; a < ACCOUNTS; a++) {
    const accountId = workloadAccount(a);
    sim.services.identity.createRole({ accountId, roleName: ROLE });
    for (let s = 0; s < SERVICES; s++) {
      const family = `svc-${s}`;
      sim.registerTaskDefinition({
        family,
        containers: [{ name: 'app', image: `${uri}:v${s % 4}` }],
        accountId,
      });
      sim.createService({
        cluster: `cluster-${s % 2}`,
        serviceName: family,
        taskDefinition: `${family}:1`,
        runningTasks: 2,
        accountId,
      });
    }
    for (let f = 0; f < FUNCTIONS; f++) {
      const functionName = `fn-${f}`;
      sim.createFunction({ functionName, imageUri: `${uri}:v${f % 4}`, accountId });
      sim.publishVersion({ functionName, accountId });
    }
  }
  return sim;
}

async function invocation(sim: RegistrySimulator, latencyMs: number) {
  const installed = sim.install();
  if (latencyMs > 0) installed.faults.latency({ ms: latencyMs });
  const started = performance.now();
  // One credentials cache and one set of clients per invocation, as the worker builds them.
  const credentials = createWorkloadAccountCredentials({
    partition: 'aws',
    roleName: ROLE,
    functionName: 'cleanupWorker',
    sts: new STSClient({ region: REGION }),
    now: () => sim.clock.nowMs(),
  });
  const clients = createWorkloadClients(credentials);
  const accounts = Array.from({ length: ACCOUNTS }, (_, n) => workloadAccount(n));
  const pictures = await Promise.all(
    accounts.map((account) =>
      createWorkloadInventory({
        ecs: clients.client(ECSClient, account, REGION),
        lambda: clients.client(LambdaClient, account, REGION),
        taskDefinitionRevisions: 1,
      }).readWorkloads(),
    ),
  );
  // Each repository of the invocation asks again for every account's credentials (the cache answers).
  for (let r = 0; r < REPOSITORIES; r++) {
    await Promise.all(accounts.map((account) => credentials.credentialsFor(account)));
  }
  const ms = performance.now() - started;
  const calls = installed.calls.byApi();
  const byAccount = installed.calls.records.reduce<Record<string, number>>((tally, call) => {
    tally[call.accountId] = (tally[call.accountId] ?? 0) + 1;
    return tally;
  }, {});
  installed.restore();
  return {
    ms,
    calls,
    byAccount,
    assumeRoleCalls: credentials.assumeRoleCalls,
    services: pictures.reduce((sum, picture) => sum + picture.ecs.services.length, 0),
    tasks: pictures.reduce((sum, picture) => sum + picture.ecs.tasks.length, 0),
    functions: pictures.reduce((sum, picture) => sum + picture.lambda.functions.length, 0),
  };
}

async function main() {
  const sim = buildWorld();
  const fast = await invocation(sim, 0);
  const slow = await invocation(sim, LATENCY_MS);
  process.stdout.write(
    `${JSON.stringify({
      accounts: ACCOUNTS,
      servicesPerAccount: SERVICES,
      functionsPerAccount: FUNCTIONS,
      repositories: REPOSITORIES,
      latencyMs: LATENCY_MS,
      assumeRoleCalls: slow.assumeRoleCalls,
      stsCalls: slow.calls.AssumeRole ?? 0,
      calls: slow.calls,
      totalCalls: Object.values(slow.calls).reduce((sum, n) => sum + n, 0),
      callsPerAccount: Object.values(slow.byAccount),
      read: { services: slow.services, tasks: slow.tasks, functionEntries: slow.functions },
      noLatencyMs: fast.ms,
      withLatencyMs: slow.ms,
    })}\n`,
  );
}

void main();
