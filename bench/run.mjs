// `npm run bench`: the lifecycle engine and its CLI on a generated 100,000-image repository
// (ECR's default per-repository quota) with a 4-rule policy. Figures, not assertions: the goals
// are printed next to the measurements. Wall-clock figures are medians of interleaved runs.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BENCH_NOW, writeBenchInputs } from './generate.mjs';

const IMAGES = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const dir = join(import.meta.dirname, '.data');
const root = join(import.meta.dirname, '..');

const { images, policy } = writeBenchInputs(dir, IMAGES);
const inputBytes = statSync(images).size;
if (!existsSync(join(root, 'dist', 'cli.js'))) {
  console.error('bench: build the CLI first (npm run build)');
  process.exit(2);
}

function timeNode(args) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baselineArgs = ['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(images)}, 'utf8'))`];
const previewArgs = (output) => [
  join(root, 'bin', 'ecr-warden.js'),
  'lifecycle',
  'preview',
  '--policy',
  policy,
  '--images',
  images,
  '--now',
  BENCH_NOW,
  '--output',
  output,
];

// Interleave the runs so that a busy machine slows each side alike.
const baseline = [];
const previewJson = [];
const previewTable = [];
timeNode(baselineArgs); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  baseline.push(timeNode(baselineArgs));
  previewJson.push(timeNode(previewArgs('json')));
  previewTable.push(timeNode(previewArgs('table')));
}

const engineBundle = join(dir, 'engine.js');
await build({
  entryPoints: [join(import.meta.dirname, 'engine.ts')],
  outfile: engineBundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const engineRun = spawnSync(process.execPath, ['--expose-gc', engineBundle, images, policy, BENCH_NOW], {
  encoding: 'utf8',
});
if (engineRun.status !== 0) throw new Error(`engine bench failed: ${engineRun.stderr}`);
const engine = JSON.parse(engineRun.stdout);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const base = median(baseline);
const json = median(previewJson);
const table = median(previewTable);
console.log(
  `lifecycle preview, ${IMAGES.toLocaleString('en')} images (${mb(inputBytes)} of describe-images JSON), 4 rules, ${RUNS} runs each, medians:`,
);
console.log(`  node: read + JSON.parse the file      ${base.toFixed(0)} ms`);
console.log(
  `  ecr-warden lifecycle preview --json   ${json.toFixed(0)} ms   ratio ${(json / base).toFixed(2)}x  (goal <= 2.00x)`,
);
console.log(
  `  ecr-warden lifecycle preview (table)  ${table.toFixed(0)} ms   ratio ${(table / base).toFixed(2)}x`,
);
console.log('engine evaluation (in process, median of 5 after a warm-up):');
let previous;
for (const { images: n, ms } of engine.scaling) {
  const perNLogN = (ms * 1e6) / (n * Math.log2(n));
  const growth = previous
    ? `  x${(ms / previous.ms).toFixed(2)} for x${n / previous.images} images (n log n predicts x${((n * Math.log2(n)) / (previous.images * Math.log2(previous.images))).toFixed(2)})`
    : '';
  console.log(
    `  ${String(n).padStart(7)} images  ${ms.toFixed(1).padStart(7)} ms  ${perNLogN.toFixed(1)} ns per n·log2(n)${growth}`,
  );
  previous = { images: n, ms };
}
const { retainedBytes, inputHeapBytes, actions } = engine.memory;
console.log(
  `engine memory: retains ${mb(retainedBytes)} for ${actions.toLocaleString('en')} actions on ${IMAGES.toLocaleString('en')} images`,
);
console.log(
  `  = ${(retainedBytes / inputBytes).toFixed(2)}x the input file (${mb(inputBytes)}), ${(retainedBytes / inputHeapBytes).toFixed(2)}x the parsed input in memory (${mb(inputHeapBytes)})  (goal <= 3x)`,
);
