// The replication audit at scale (`npm run bench`, or `node bench/replication-audit.mjs` alone): 2,000
// replicated repositories × 3 destination regions in the registry simulator. Figures, not assertions:
// calls per repository and region against the pagination minimum, and wall time against Lambda's
// 900 s limit. BENCH_REPLICATION_REPOSITORIES, _IMAGES and _LATENCY_MS change the shape.
import { runTypeScriptBench } from './run-typescript-bench.mjs';

const runBench = (mode) =>
  runTypeScriptBench('replication-audit', { args: [mode], nodeArgs: ['--expose-gc'] });
const r = { ...(await runBench('time')), ...(await runBench('memory')) };

const count = (n) => n.toLocaleString('en');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const regions = r.destinations + 1;
console.log(
  `replication audit, ${count(r.repositories)} replicated repositories × ${r.destinations} destination regions, ` +
    `${r.imagesPerRepository} images each (1 in 100 missing an image in one destination):`,
);
console.log(
  `  calls: ${count(r.totalCalls)} for ${count(r.repositories * regions)} repository-region pairs = ` +
    `${r.perRepositoryAndRegion.toFixed(3)} per repository and region; pagination minimum ` +
    `${count(r.minimumCalls)} = ${r.minimumPerRepositoryAndRegion.toFixed(3)}  (goal: at the minimum)`,
);
console.log(
  `    ${Object.entries(r.calls)
    .map(([api, n]) => `${api} ${count(n)}`)
    .join(', ')}`,
);
console.log(
  `    by region: ${Object.entries(r.callsByRegion)
    .map(([region, n]) => `${region} ${count(n)}`)
    .join(', ')}`,
);
console.log(
  `  found ${count(r.comparisonsWithProblems)} replicas with a problem in ${count(r.pairsAudited)} compared pairs ` +
    `(${count(r.repositoriesAudited)} repositories audited)`,
);
console.log(`  wall time without network latency: ${seconds(r.noLatencyMs)} (the audit's own cost)`);
console.log(
  `  wall time with ${r.latencyMs} ms per call (simulated): ${seconds(r.withLatencyMs)}  ` +
    `(goal: well under Lambda's 900 s; the audit stops starting repositories 90 s before it)`,
);
console.log(
  `    scaled to 100 ms per call (a slow day for ECR): ~${seconds((r.withLatencyMs * 100) / r.latencyMs)}; ` +
    `the ${count(r.repositories)} repositories fit one invocation, so no SQS fan-out`,
);
console.log(
  `  the audit's working memory: peak live heap +${(r.auditHeapBytes / 1024 / 1024).toFixed(0)} MiB over the simulated ` +
    `registry's ${(r.registryHeapBytes / 1024 / 1024).toFixed(0)} MiB (function memory: 512 MB); simulator build ${seconds(r.buildMs)}`,
);
