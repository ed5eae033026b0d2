// The pure in-use model at issue 14's scale (`node bench/in-use-model.mjs`, also run by `npm run bench`):
// a kubectl List of 20,000 pods and 5,000 workload objects turned into image uses in one pass, and
// resolved per repository. Figures, not assertions.
import { cpus, loadavg } from 'node:os';
import { runTypeScriptBench } from './run-typescript-bench.mjs';

const r = await runTypeScriptBench('in-use-model');
const ms = (value) => `${value.toFixed(0)} ms`;
console.log(
  `in-use model: kubectl List of ${r.objects.toLocaleString('en')} objects in ${r.namespaces} namespaces ` +
    `(${(r.listBytes / 1e6).toFixed(1)} MB), medians (${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}):`,
);
console.log(
  `  JSON.parse ${ms(r.parseMs)}; kubernetesImageUses, one pass ${ms(r.convertMs)} -> ${r.uses.toLocaleString('en')} uses`,
);
console.log(
  `  resolved against ${r.repositories} repositories x 1,000 images: ${ms(r.resolveMs)}, ${r.digestsInUse} digests in use; ` +
    `heap ${r.heapUsedMb.toFixed(0)} MB`,
);
