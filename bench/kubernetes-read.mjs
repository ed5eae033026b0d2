// The Kubernetes (EKS) read at scale (`node bench/kubernetes-read.mjs`): 20,000 pods and 5,000 workload
// objects across 200 namespaces, served over HTTPS by the Kubernetes API stand-in (its own process)
// and read with limit=500. Figures, not assertions. BENCH_K8S_PODS, _WORKLOADS and _NAMESPACES change
// the shape.
import { bundleTypeScriptBench, runTypeScriptBench } from './run-typescript-bench.mjs';

const standIn = await bundleTypeScriptBench('kubernetes-stand-in');
const r = await runTypeScriptBench('kubernetes-read', { args: [standIn], nodeArgs: ['--expose-gc'] });

const count = (n) => n.toLocaleString('en');
console.log(
  `kubernetes read, ${count(r.pods)} pods + ${count(r.workloads)} workload objects in ${count(r.namespaces)} namespaces ` +
    `(${count(r.items)} listed):`,
);
console.log(
  `  ${r.pages} list pages at limit=500 (minimum ${r.minimumPages}), ${r.requests} requests, ` +
    `${(r.ms / 1000).toFixed(2)} s over HTTPS on loopback`,
);
console.log(
  `  memory: peak RSS ${r.peakRssMiB} MiB (${r.rssBeforeMiB} MiB before the read), the List keeps ${r.heapRetainedMiB} MiB of heap ` +
    `(${r.listJsonMiB} MiB as JSON)`,
);
