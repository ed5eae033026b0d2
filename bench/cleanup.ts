/**
 * The cleanup worker's ECR call efficiency, against the registry simulator's call counters (run by
 * bench/run.mjs, bundled with esbuild). For each repository of n images, i of them indexes, from which a
 * run deletes d, the least any cleaner can do is ceil(n/1000) DescribeImages calls (1000 a page),
 * ceil(i/100) BatchGetImage calls (100 ids a call, index manifests only) and ceil(d/100)
 * BatchDeleteImage calls (100 ids a call). Prints the calls made, their ratio to that minimum (goal
 * 1.00) and the wall time, for 10,000 repositories of 100 images and for one repository of 100,000.
 *
 * Each repository goes through cleanRepository, the worker's per-repository core, with the real ECR,
 * ECS and Lambda adapters on the simulator (not a dry run); the in-use picture is read once, as one
 * invocation reads it; state-table ports are in memory (they make no ECR call).
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { generateImages, generateRepositories } from '../local/registry-sim/data/generators';
import { MEDIA_TYPES, manifestDigest } from '../local/registry-sim/model/manifest';
import type { RepositoryState } from '../local/registry-sim/model/repository';
import { createRegistrySimulator, type RegistrySimulator } from '../local/registry-sim/simulator';
import { createImageArchiver } from '../shared/aws/image-archiver';
import { createImageDeleter } from '../shared/aws/image-deleter';
import { createRepositoryImageSource } from '../shared/aws/repository-images';
import { createWorkloadInventory } from '../shared/aws/workload-inventory';
import { type CleanRepositoryPorts, cleanRepository } from '../shared/cleanup/clean-repository';
import type { CleanupRunProgress } from '../shared/cleanup/cleanup-ports';
import { createInUseCache } from '../shared/cleanup/workload-cache';
import { parseConfig } from '../shared/config/load-config';
import { localWorkloadSources } from '../shared/inuse/in-use-sources';

const REGION = 'us-east-1';

interface Scenario {
  title: string;
  build(sim: RegistrySimulator): RepositoryState[];
  /** Keep the newest `keep` images of each repository; older ones expire (their children go with them). */
  keep: number;
}

const SCENARIOS: Scenario[] = [
  {
    title: '10,000 repositories x 100 images (4 multi-arch indexes each)',
    keep: 50,
    build: (sim) => {
      const repositories = generateRepositories(sim, {
        count: 10_000,
        prefix: 'svc',
        imagesPerRepository: 96,
      });
      for (const repository of repositories) addIndexes(repository, 4);
      return repositories;
    },
  },
  {
    title: '1 repository x 100,000 images (1,000 multi-arch indexes)',
    keep: 50_000,
    build: (sim) => {
      const { repository } = generateImages(sim, { repositoryName: 'monorepo/builds', count: 99_000 });
      addIndexes(repository, 1_000);
      return [repository];
    },
  },
];

/** Adds `count` indexes, each listing two of the oldest images as its platform children. */
function addIndexes(repository: RepositoryState, count: number): void {
  const images = repository.listImages();
  const last = images[images.length - 1];
  for (let i = 0; i < count; i++) {
    const children = [images[2 * i], images[2 * i + 1]].filter((image) => image !== undefined);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: children.map((child, n) => ({
        mediaType: child.mediaType,
        digest: child.digest,
        size: child.manifest.length,
        platform: { architecture: n === 0 ? 'amd64' : 'arm64', os: 'linux' },
      })),
    });
    repository.insertImage({
      digest: manifestDigest(manifest),
      manifest,
      mediaType: MEDIA_TYPES.ociIndex,
      children: children.map((child) => child.digest),
      sizeBytes: Math.max(...children.map((child) => child.sizeBytes)),
      pushedAt: (children[1]?.pushedAt ?? last?.pushedAt ?? 0) + 1,
      tags: [],
    });
  }
}

async function run(scenario: Scenario) {
  const sim = createRegistrySimulator();
  const buildStart = performance.now();
  const repositories = scenario.build(sim);
  const buildMs = performance.now() - buildStart;
  const aws = sim.install();
  const ecr = new ECRClient({ region: REGION, retryMode: 'adaptive', maxAttempts: 8 });
  const cleanup = parseConfig({
    cleanup: {
      dryRun: false,
      maxDeletionShare: 1,
      rules: [
        {
          repositories: ['**'],
          policy: {
            rules: [
              {
                rulePriority: 1,
                selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: scenario.keep },
                action: { type: 'expire' },
              },
            ],
          },
        },
      ],
    },
  }).cleanup;
  const inventory = createWorkloadInventory({
    ecs: new ECSClient({ region: REGION }),
    lambda: new LambdaClient({ region: REGION }),
    taskDefinitionRevisions: 3,
  });
  const workloads = createInUseCache(
    () =>
      localWorkloadSources(
        inventory,
        { account: repositories[0]?.registryId ?? 'bench', region: REGION },
        { taskDefinitionRevisions: 3 },
      ),
    { concurrency: 4 },
  );
  const progress = new Map<string, CleanupRunProgress>();
  const ports: CleanRepositoryPorts = {
    images: createRepositoryImageSource(ecr),
    deleter: createImageDeleter(ecr),
    archiver: createImageArchiver(ecr),
    inUsePicture: () => workloads.picture(),
    progress: {
      read: async (runId, name) => progress.get(`${runId}/${name}`),
      start: async (runId, name, value) =>
        !progress.has(`${runId}/${name}`) && Boolean(progress.set(`${runId}/${name}`, value)),
      write: async (runId, name, value) => void progress.set(`${runId}/${name}`, value),
    },
    marks: { read: async () => new Map(), mark: async () => {}, unmark: async () => {} },
  };

  const minimum = { DescribeImages: 0, BatchGetImage: 0, BatchDeleteImage: 0 };
  let images = 0;
  let deleted = 0;
  const start = performance.now();
  for (const repository of repositories) {
    const outcome = await cleanRepository(
      {
        repository: { repositoryName: repository.name, registryId: repository.registryId },
        location: { registryId: repository.registryId, region: REGION, repositoryName: repository.name },
        runId: 'bench',
        rule: { index: 0, policy: cleanup.rules[0]?.policy ?? 'native' },
        cleanup,
        now: sim.clock.nowMs(),
      },
      ports,
    );
    if (outcome.kind !== 'cleaned') throw new Error(`${repository.name}: ${outcome.kind}`);
    const n = outcome.inventory.imageCount;
    const d = outcome.deletions.deleted.length;
    minimum.DescribeImages += Math.ceil(n / 1000);
    minimum.BatchGetImage += Math.ceil(outcome.inventory.indexCount / 100);
    minimum.BatchDeleteImage += Math.ceil(d / 100);
    images += n;
    deleted += d;
  }
  const ms = performance.now() - start;
  const calls = Object.fromEntries(
    (Object.keys(minimum) as (keyof typeof minimum)[]).map((api) => [api, aws.calls.count(api)]),
  ) as typeof minimum;
  aws.restore();
  return {
    title: scenario.title,
    repositories: repositories.length,
    images,
    deleted,
    calls,
    minimum,
    otherCalls: aws.calls.count() - calls.DescribeImages - calls.BatchGetImage - calls.BatchDeleteImage,
    buildMs,
    ms,
  };
}

async function main() {
  const results = [];
  for (const scenario of SCENARIOS) results.push(await run(scenario));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
