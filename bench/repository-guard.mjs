// The repository guard at scale (`node bench/repository-guard.mjs`): a sweep of 2,000 repositories with
// every baseline checked, and the tag ledger's seeding and pushes, against the registry simulator and
// dynalite. Figures, not assertions. BENCH_GUARD_REPOSITORIES, _LATENCY_MS, _TAGS and _PUSHES change
// the shape.
import { runTypeScriptBench } from './run-typescript-bench.mjs';

const r = await runTypeScriptBench('repository-guard', { external: ['dynalite'] });

const count = (n) => n.toLocaleString('en');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const per = (ms, n) => `${(ms / n).toFixed(2)} ms`;
console.log(
  `repository guard sweep, ${count(r.repositories)} repositories, every baseline checked (1 in 100 drifting):`,
);
console.log(
  `  first sweep: ${seconds(r.first.ms)} (${per(r.first.ms, r.repositories)} a repository, no network latency), ` +
    `${count(r.first.total)} ECR calls = ${(r.first.total / r.repositories).toFixed(2)} a repository, ` +
    `${r.first.published} drift events`,
);
console.log(
  `    ${Object.entries(r.first.calls)
    .map(([api, n]) => `${api} ${count(n)}`)
    .join(', ')}`,
);
console.log(
  `  steady-state sweep: ${seconds(r.steady.ms)}, ${r.steady.published} events (each drift is reported once)`,
);
console.log(
  `  with ${r.latencyMs} ms per ECR call (8 repositories at a time): ${seconds(r.withLatency.ms)}; ` +
    `projected for 10,000 repositories: ${seconds((r.withLatency.ms / r.repositories) * 10_000)}  (Lambda limit 900 s)`,
);
console.log(
  `tag ledger: first PUSH to a repository of ${count(r.seed.tags)} tags seeds it in ${seconds(r.seed.ms)} ` +
    `(${r.seed.calls} DescribeImages pages); then ${count(r.pushes.count)} pushes in ${seconds(r.pushes.ms)} = ` +
    `${per(r.pushes.ms, r.pushes.count)} a push, ${r.pushes.calls} ECR calls`,
);
