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

const { images, policy, steadyStatePolicy } = writeBenchInputs(dir, IMAGES);
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
const previewArgs = (output, policyFile = policy) => [
  join(root, 'bin', 'ecr-warden.js'),
  'lifecycle',
  'preview',
  '--policy',
  policyFile,
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
const previewSteady = [];
timeNode(baselineArgs); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  baseline.push(timeNode(baselineArgs));
  previewJson.push(timeNode(previewArgs('json')));
  previewTable.push(timeNode(previewArgs('table')));
  previewSteady.push(timeNode(previewArgs('json', steadyStatePolicy)));
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
const count = (n) => n.toLocaleString('en');
/** How many images a policy's preview lists, from one run's JSON summary. */
function previewedImages(policyFile) {
  const child = spawnSync(process.execPath, previewArgs('json', policyFile), {
    cwd: root,
    maxBuffer: 1 << 28,
  });
  const { summary } = JSON.parse(child.stdout);
  return summary.expiringImageTotalCount + (summary.transitioningImageTotalCounts?.[0]?.imageTotalCount ?? 0);
}

/** Peak resident memory of one run, in bytes. */
function peakMemory(args) {
  const child = spawnSync(
    process.execPath,
    ['--require', join(import.meta.dirname, 'report-peak-memory.cjs'), ...args],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    },
  );
  return Number(/peak-rss-kib (\d+)/.exec(child.stderr)?.[1]) * 1024;
}

const base = median(baseline);
const line = (label, ms, note = '') =>
  console.log(
    `  ${label.padEnd(58)} ${ms.toFixed(0).padStart(5)} ms   ratio ${(ms / base).toFixed(2)}x${note}`,
  );
console.log(
  `lifecycle preview, ${count(IMAGES)} images (${mb(inputBytes)} of describe-images JSON), 4 rules, ${RUNS} runs each, medians:`,
);
console.log(`  ${'node: read + JSON.parse the same file'.padEnd(58)} ${base.toFixed(0).padStart(5)} ms`);
line(
  `preview --output json, first cleanup (${count(previewedImages(policy))} images listed)`,
  median(previewJson),
  '  (goal <= 2.00x)',
);
line(
  `preview --output json, daily run (${count(previewedImages(steadyStatePolicy))} images listed)`,
  median(previewSteady),
  '  (goal <= 2.00x)',
);
line('preview --output table, first cleanup', median(previewTable));
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
const basePeak = peakMemory(baselineArgs);
const previewPeak = peakMemory(previewArgs('json'));
console.log(
  `whole-process peak memory: node read + parse ${mb(basePeak)}, preview (first cleanup) ${mb(previewPeak)}: ` +
    `the CLI adds ${mb(previewPeak - basePeak)}, ${((previewPeak - basePeak) / inputBytes).toFixed(2)}x the input file`,
);

// The cleanup worker's ECR calls against the minimum any cleaner needs (bench/cleanup.ts).
const cleanupBundle = join(dir, 'cleanup.js');
await build({
  entryPoints: [join(import.meta.dirname, 'cleanup.ts')],
  outfile: cleanupBundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const cleanupRun = spawnSync(process.execPath, ['--max-old-space-size=8192', cleanupBundle], {
  encoding: 'utf8',
  maxBuffer: 1 << 24,
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
if (cleanupRun.status !== 0) throw new Error(`cleanup bench failed: ${cleanupRun.stderr}`);
console.log('cleanup worker, ECR calls per run against the minimum (goal: ratio 1.00 for each API):');
for (const result of JSON.parse(cleanupRun.stdout)) {
  console.log(
    `  ${result.title}: ${count(result.images)} images, ${count(result.deleted)} deleted, ` +
      `${(result.ms / 1000).toFixed(1)} s wall (${((result.ms * 1000) / result.images).toFixed(1)} µs per image; registry built in ${(result.buildMs / 1000).toFixed(1)} s)`,
  );
  for (const api of ['DescribeImages', 'BatchGetImage', 'BatchDeleteImage']) {
    const made = result.calls[api];
    const least = result.minimum[api];
    const ratio = least === 0 ? (made === 0 ? '1.00' : 'inf') : (made / least).toFixed(2);
    console.log(
      `    ${api.padEnd(17)} ${count(made).padStart(7)} calls, minimum ${count(least).padStart(7)}, ratio ${ratio}`,
    );
  }
  console.log(`    in-use picture (ECS, Lambda): ${result.otherCalls} calls for the whole run`);
}

// The replication audit at 2,000 repositories × 3 destination regions: bench/replication-audit.mjs.
await import('./replication-audit.mjs');

// The repository guard's sweep and tag ledger at scale (bench/repository-guard.mjs prints its own lines).
await import('./repository-guard.mjs');

// Tag pattern matching against the regular expression it replaced (bench/tag-pattern.mjs).
await import('./tag-pattern.mjs');
