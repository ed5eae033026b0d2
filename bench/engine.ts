/**
 * In-process figures for the lifecycle engine: evaluation time against n log n, and the memory the
 * engine itself retains against the size of its input. Run by bench/run.mjs (bundled with esbuild,
 * started with --expose-gc); prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { readImageDetails } from '../shared/inventory/image-details';
import { evaluateLifecyclePolicy, parseLifecyclePolicy } from '../shared/lifecycle';

const [imagesPath, policyPath, now] = process.argv.slice(2) as [string, string, string];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const parsed = parseLifecyclePolicy(JSON.parse(readFileSync(policyPath, 'utf8')));
if (!parsed.ok) throw new Error('bench policy is invalid');
const policy = parsed.policy;
const { images: all } = readImageDetails(JSON.parse(readFileSync(imagesPath, 'utf8')));
const nowMs = Date.parse(now);

function heapBytes(): number {
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// Scaling: the same repository shape at several sizes (prefixes of one generated repository).
const scaling: { images: number; ms: number }[] = [];
for (const n of [12_500, 25_000, 50_000, 100_000]) {
  const images = all.slice(0, n);
  evaluateLifecyclePolicy(policy, images, { now: nowMs, explain: true }); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    gc();
    const start = performance.now();
    evaluateLifecyclePolicy(policy, images, { now: nowMs, explain: true });
    times.push(performance.now() - start);
  }
  scaling.push({ images: n, ms: median(times) });
}

// Memory: what one evaluation of every image retains (its result included), after collection.
const before = heapBytes();
const evaluation = evaluateLifecyclePolicy(policy, all, { now: nowMs, explain: true });
const retained = heapBytes() - before;

// The in-memory size of the input: the parsed describe-images document and the image records.
const beforeInput = heapBytes();
const input = readImageDetails(JSON.parse(readFileSync(imagesPath, 'utf8')));
const inputHeap = heapBytes() - beforeInput;

process.stdout.write(
  `${JSON.stringify({
    scaling,
    memory: { retainedBytes: retained, inputHeapBytes: inputHeap, actions: evaluation.actions.length },
    images: input.images.length,
  })}\n`,
);
