// `npm run bench`: the lifecycle engine and its CLI on a generated 100,000-image repository
// (ECR's default per-repository quota) with a 4-rule policy. Figures, not assertions: the goals
// are printed next to the measurements. Wall-clock figures are medians of interleaved runs; each
// JSON preview is set against its I/O floor (bench/io-floor.mjs), what node needs merely to read
// and parse the same file and write an output of the preview's shape and size to the same sink.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleTypeScriptBench, runTypeScriptBench } from './run-typescript-bench.mjs';

const IMAGES = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const dir = join(import.meta.dirname, '.data');
const root = join(import.meta.dirname, '..');

// The inputs' generator is TypeScript (it shares the simulator's seeded generator): bundle it, then load it.
const generateBundle = await bundleTypeScriptBench('generate', { format: 'esm' });
const { BENCH_NOW, writeBenchInputs } = await import(pathToFileURL(generateBundle).href);

const { images, policy, steadyStatePolicy } = writeBenchInputs(dir, IMAGES);
const inputBytes = statSync(images).size;
if (!existsSync(join(root, 'dist', 'cli.mjs'))) {
  console.error('bench: build the CLI first (npm run build)');
  process.exit(2);
}

const usageHook = join(import.meta.dirname, 'report-peak-memory.cjs');

/** One run: wall time, CPU time (user + system, all threads) and peak RSS, each side measured alike. */
function timeNode(args) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', usageHook, ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  const cpuMs = Number(/cpu-us (\d+)/.exec(child.stderr)?.[1]) / 1000;
  const rss = Number(/peak-rss-kib (\d+)/.exec(child.stderr)?.[1]) * 1024;
  return { ms, cpuMs, rss };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medianOf = (runs, field) => median(runs.map((run) => run[field]));
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

/** One preview's JSON as it prints it: how many images it lists and how many bytes it writes. */
function previewOutput(policyFile) {
  const child = spawnSync(process.execPath, previewArgs('json', policyFile), {
    cwd: root,
    maxBuffer: 1 << 28,
  });
  if (child.status !== 0) throw new Error(`preview failed: ${child.stderr}`);
  const { summary } = JSON.parse(child.stdout);
  const listed =
    summary.expiringImageTotalCount + (summary.transitioningImageTotalCounts?.[0]?.imageTotalCount ?? 0);
  return { listed, bytes: child.stdout.length };
}
const firstCleanup = previewOutput(policy);
const dailyRun = previewOutput(steadyStatePolicy);
// The I/O floor of each JSON preview: read + parse the same file, write as many bytes of the
// preview's shape (one result per listed image, in file order) to the same sink (stdout, here
// /dev/null), and nothing else (bench/io-floor.mjs).
const floorArgs = (bytes) => [join(import.meta.dirname, 'io-floor.mjs'), images, String(bytes)];

// Interleave the runs so that a busy machine slows each side alike.
const baseline = [];
const floorFirst = [];
const floorDaily = [];
const previewJson = [];
const previewTable = [];
const previewSteady = [];
const loadBefore = loadavg()[0];
timeNode(baselineArgs); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  baseline.push(timeNode(baselineArgs));
  floorFirst.push(timeNode(floorArgs(firstCleanup.bytes)));
  previewJson.push(timeNode(previewArgs('json')));
  floorDaily.push(timeNode(floorArgs(dailyRun.bytes)));
  previewSteady.push(timeNode(previewArgs('json', steadyStatePolicy)));
  previewTable.push(timeNode(previewArgs('table')));
}
const loadAfter = loadavg()[0];

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const count = (n) => n.toLocaleString('en');

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

const base = medianOf(baseline, 'ms');
const figure = (label, ms, note = '') =>
  console.log(`  ${label.padEnd(66)} ${ms.toFixed(0).padStart(5)} ms${note}`);
const ratio = (ms, to) => (ms / to).toFixed(2);
console.log(
  `lifecycle preview, ${count(IMAGES)} images (${mb(inputBytes)} of describe-images JSON), 4 rules, ${RUNS} runs each, medians` +
    ` (load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, ${cpus().length} CPUs):`,
);
figure('node: read + JSON.parse the same file', base);
for (const [title, output, floorRuns, previewRuns] of [
  ['first cleanup', firstCleanup, floorFirst, previewJson],
  ['daily run', dailyRun, floorDaily, previewSteady],
]) {
  const floor = medianOf(floorRuns, 'ms');
  const preview = medianOf(previewRuns, 'ms');
  const floorCpu = medianOf(floorRuns, 'cpuMs');
  const previewCpu = medianOf(previewRuns, 'cpuMs');
  figure(
    `I/O floor, ${title}: read + parse, write ${mb(output.bytes)} of results`,
    floor,
    `   CPU ${floorCpu.toFixed(0)} ms, peak RSS ${mb(medianOf(floorRuns, 'rss'))}`,
  );
  figure(
    `preview --output json, ${title} (${count(output.listed)} images listed)`,
    preview,
    `   ratio ${ratio(preview, floor)}x its floor (goal <= 1.30x), ${ratio(preview, base)}x read + parse`,
  );
  figure(
    `  the same runs in CPU time (user + system, every thread)`,
    previewCpu,
    `   ratio ${ratio(previewCpu, floorCpu)}x its floor's CPU, peak RSS ${mb(medianOf(previewRuns, 'rss'))}`,
  );
}
figure(
  'preview --output table, first cleanup',
  medianOf(previewTable, 'ms'),
  `   ratio ${ratio(medianOf(previewTable, 'ms'), base)}x read + parse`,
);
// The columnar engine the JSON preview runs against the general engine, on this listing: the
// same bytes, or the bench fails (test/unit/lifecycle/columnar-engine.test.ts checks random ones).
const engines = await runTypeScriptBench('preview-engines', {
  args: [images, BENCH_NOW, policy, steadyStatePolicy],
});
for (const { identical, bytes } of engines) {
  if (!identical)
    throw new Error('the columnar preview differs from the general engine on the bench listing');
  console.log(`  columnar preview = general engine's, byte for byte (${count(bytes)} bytes)`);
}
// `npm run bench -- --preview-only`: the CLI figures above, without the slower benchmarks below.
if (process.argv.includes('--preview-only')) process.exit(0);

const engine = await runTypeScriptBench('engine', {
  args: [images, policy, BENCH_NOW],
  nodeArgs: ['--expose-gc'],
});
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
const cleanupResults = await runTypeScriptBench('cleanup', { nodeArgs: ['--max-old-space-size=8192'] });
console.log('cleanup worker, ECR calls per run against the minimum (goal: ratio 1.00 for each API):');
for (const result of cleanupResults) {
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

// Issue 14's workload accounts: AssumeRole per invocation, calls and wall time (bench/workload-accounts.mjs).
await import('./workload-accounts.mjs');

// Issue 15's cleanup across an Organizations hub: fan-out, AssumeRole per invocation, ECR calls per repository.
await import('./organization-cleanup.mjs');

// The repository guard's sweep and tag ledger at scale (bench/repository-guard.mjs prints its own lines).
await import('./repository-guard.mjs');

// Tag pattern matching against the regular expression it replaced (bench/tag-pattern.mjs).
await import('./tag-pattern.mjs');

// The in-use model (Kubernetes objects to image uses) at issue 14's scale (bench/in-use-model.mjs).
await import('./in-use-model.mjs');
// The Kubernetes (EKS) read: 20,000 pods and 5,000 workloads through the list client (bench/kubernetes-read.mjs).
await import('./kubernetes-read.mjs');
