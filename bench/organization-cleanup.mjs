// Issue 15's cleanup across an Organizations hub (`npm run bench`, or `node bench/organization-cleanup.mjs`
// alone): 100 member accounts × 2 regions × 50 repositories in the registry simulator with 25 ms per
// call. Figures, not assertions: the scheduler's time and messages, AssumeRole calls per scheduler and
// per worker invocation against their goals, ECR calls per repository against the pagination minimum.
import { runTypeScriptBench } from './run-typescript-bench.mjs';

const r = await runTypeScriptBench('organization-cleanup');
const count = (n) => n.toLocaleString('en');
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const s = r.scheduler;
const places = r.accounts * r.regions;
console.log(
  `organization cleanup, ${r.accounts} member accounts × ${r.regions} regions × ${r.repositoriesPerPlace} repositories ` +
    `(${r.imagesPerRepository} images each), ${r.latencyMs} ms per call (simulated):`,
);
console.log(
  `  cleanupScheduler: ${seconds(s.ms)} for ${count(s.messages)} messages (goal ${count(places * r.repositoriesPerPlace)}); ` +
    `AssumeRole ${s.assumeRole} (goal ≤ ${r.accounts}, one per account); DescribeRepositories ${s.describeRepositories} ` +
    `(minimum ${places}); SendMessageBatch ${count(s.sendMessageBatch)} (minimum ${count(Math.ceil(s.messages / 10))}); ` +
    `${s.unreachable} unreachable`,
);
for (const [name, w] of [
  ['in queue order', r.worker.inOrder],
  ['five accounts a batch (worst case)', r.worker.mixed],
]) {
  const ecr = w.ecrCalls.DescribeImages + w.ecrCalls.BatchGetImage + w.ecrCalls.BatchDeleteImage;
  const minimum = w.minimum.DescribeImages + w.minimum.BatchDeleteImage;
  console.log(
    `  cleanupWorker, ${w.invocations} invocations of 5 messages ${name}: AssumeRole at most ${w.maxAssumeRolePerInvocation} ` +
      `per invocation for at most ${w.maxPlacesPerInvocation} account × region(s) (goal: one per account and region at most); ` +
      `ECR ${count(ecr)} calls for ${w.repositories} repositories, ${(ecr / w.repositories).toFixed(2)} per repository, ` +
      `${(ecr / minimum).toFixed(2)} × the pagination minimum (DescribeImages ${w.ecrCalls.DescribeImages}, ` +
      `BatchGetImage ${w.ecrCalls.BatchGetImage}, BatchDeleteImage ${w.ecrCalls.BatchDeleteImage}); ` +
      `${w.deleted} of ${w.images} images deleted; median invocation ${seconds(w.medianInvocationMs)}, all ${seconds(w.ms)}`,
  );
}
