// Issue 14's workload accounts (`npm run bench`, or `node bench/workload-accounts.mjs` alone): one
// cleanup-worker invocation reads the ECS and Lambda in-use picture of 10 workload accounts through
// their assumed workload-reader roles, in the registry simulator with 25 ms per call. Figures, not
// assertions: AssumeRole calls against the goal (one per account per invocation), total calls, wall time.
import { runTypeScriptBench } from './run-typescript-bench.mjs';

const r = await runTypeScriptBench('workload-accounts');
const count = (n) => n.toLocaleString('en');
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `workload accounts, ${r.accounts} accounts × (${r.servicesPerAccount} ECS services with 2 tasks each, ` +
    `${r.functionsPerAccount} image functions with a published version), one invocation cleaning ${r.repositories} repositories:`,
);
console.log(
  `  AssumeRole: ${r.assumeRoleCalls} calls (${r.stsCalls} reached STS)  (goal: exactly ${r.accounts}, one per account per invocation, not per repository)`,
);
console.log(
  `  calls: ${count(r.totalCalls)} in all, ${(r.totalCalls / r.accounts).toFixed(1)} per account: ${Object.entries(
    r.calls,
  )
    .map(([api, n]) => `${api} ${count(n)}`)
    .join(', ')}`,
);
console.log(
  `  read: ${count(r.read.services)} services, ${count(r.read.tasks)} tasks, ${count(r.read.functionEntries)} function versions and aliases`,
);
console.log(
  `  wall time without latency: ${seconds(r.noLatencyMs)}; with ${r.latencyMs} ms per call (simulated): ${seconds(r.withLatencyMs)} ` +
    `(accounts read at once, 4 calls in flight per account and service)`,
);
