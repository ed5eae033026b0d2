// Generates the benchmark inputs: a repository of N images as `aws ecr describe-images --output json`
// prints it (ECR's default quota is 100,000 images per repository), and a 4-rule policy.
// Deterministic (the registry simulator's seeded generator), so that runs compare. TypeScript so that it
// shares that generator; bench/run.mjs bundles it with esbuild before importing it.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeededRandom } from '../local/registry-sim/model/seeded-random';

export const BENCH_NOW = '2026-11-01T00:00:00Z';
const NOW = Date.parse(BENCH_NOW);
const DAY = 86_400_000;

export const BENCH_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'Keep the 500 newest releases',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['v*.*.*'],
        countType: 'imageCountMoreThan',
        countNumber: 500,
      },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'Branch builds live 30 days',
      selection: {
        tagStatus: 'tagged',
        tagPrefixList: ['build-'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 30,
      },
      action: { type: 'expire' },
    },
    {
      rulePriority: 3,
      description: 'Untagged images live 7 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 4,
      description: 'Archive what nobody pulled for 90 days',
      selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
      action: { type: 'transition', targetStorageClass: 'archive' },
    },
  ],
};

// The same rules with the thresholds of a registry that is cleaned every day: only the images
// that crossed a threshold since the last run are in the preview.
export const STEADY_STATE_POLICY = {
  rules: BENCH_POLICY.rules.map((rule) => {
    const countNumber = ({ 1: 29_000, 2: 700, 3: 700, 4: 710 } as Record<number, number>)[rule.rulePriority];
    return { ...rule, selection: { ...rule.selection, countNumber } };
  }),
};

/** One entry of `aws ecr describe-images` output, as far as the bench fills it. */
interface BenchImageDetail {
  registryId: string;
  repositoryName: string;
  imageDigest: string;
  imageSizeInBytes: number;
  imagePushedAt: string;
  imageManifestMediaType: string;
  artifactMediaType: string;
  imageStatus: string;
  imageTags?: string[];
  lastRecordedPullTime?: string;
}

export function generateImageDetails(count: number, seed = 42): { imageDetails: BenchImageDetail[] } {
  const random = createSeededRandom(seed);
  const imageDetails = new Array<BenchImageDetail>(count);
  for (let i = 0; i < count; i++) {
    const pushedDaysAgo = random() * 720;
    const kind = random();
    const detail: BenchImageDetail = {
      registryId: '123456789012',
      repositoryName: 'bench/monorepo',
      imageDigest: `sha256:${createHash('sha256').update(`${seed}:${i}`).digest('hex')}`,
      imageSizeInBytes: Math.floor(20_000_000 + random() * 900_000_000),
      imagePushedAt: new Date(NOW - pushedDaysAgo * DAY)
        .toISOString()
        .replace('.000Z', '+00:00')
        .replace(/\.\d{3}Z$/, '+00:00'),
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      imageStatus: 'ACTIVE',
    };
    if (kind < 0.3) detail.imageTags = [`v${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`];
    else if (kind < 0.8)
      detail.imageTags = [`build-${i.toString(36)}`, `sha-${detail.imageDigest.slice(7, 19)}`];
    if (random() < 0.7) {
      detail.lastRecordedPullTime = new Date(NOW - pushedDaysAgo * random() * DAY)
        .toISOString()
        .replace(/\.\d{3}Z$/, '+00:00');
    }
    imageDetails[i] = detail;
  }
  return { imageDetails };
}

export function writeBenchInputs(
  dir: string,
  count: number,
): { images: string; policy: string; steadyStatePolicy: string } {
  mkdirSync(dir, { recursive: true });
  const images = join(dir, `images-${count}.json`);
  const policy = join(dir, 'policy.json');
  const steadyStatePolicy = join(dir, 'policy-steady-state.json');
  writeFileSync(images, JSON.stringify(generateImageDetails(count), null, 4));
  writeFileSync(policy, JSON.stringify(BENCH_POLICY, null, 4));
  writeFileSync(steadyStatePolicy, JSON.stringify(STEADY_STATE_POLICY, null, 4));
  return { images, policy, steadyStatePolicy };
}
