import {
  BatchGetImageCommand,
  type DescribeImagesCommand,
  type ECRClient,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  paginateDescribeImages,
  paginateDescribeRepositories,
} from '@aws-sdk/client-ecr';
import { type ImageDetail, toImageRecord } from '../../../shared/inventory/image-details';
import { isIndexMediaType, referencedByIndexes } from '../../../shared/inventory/manifests';
import { monthlyStorageCost } from '../../../shared/inventory/storage-cost';
import { evaluateLifecyclePolicy, parseLifecyclePolicy } from '../../../shared/lifecycle';
import type { DemoSection } from './section';

/**
 * Each sample repository's own ECR lifecycle policy, evaluated by ecr-warden's engine on what the
 * (simulated) ECR API returns: what native ECR would expire, and what it keeps because a manifest
 * list references it. The cleanup section shows what ecr-warden's own cleanup adds on top.
 */
export const lifecyclePreviewSection: DemoSection = {
  title: 'Native lifecycle policies, previewed offline',
  async run(world) {
    const { ECRClient } = await import('@aws-sdk/client-ecr');
    const ecr = new ECRClient({ region: world.region });
    const lines: string[] = [];
    const repositories: unknown[] = [];
    for await (const page of paginateDescribeRepositories({ client: ecr }, { maxResults: 1000 })) {
      for (const repository of page.repositories ?? []) {
        const name = repository.repositoryName ?? '';
        const policyText = await lifecyclePolicyText(ecr, name);
        if (policyText === undefined) {
          lines.push(`${name}: no lifecycle policy`);
          repositories.push({ repositoryName: name, lifecyclePolicy: false });
          continue;
        }
        const parsed = parseLifecyclePolicy(policyText);
        if (!parsed.ok) {
          lines.push(`${name}: lifecycle policy invalid (${parsed.violations.length} violations)`);
          continue;
        }
        const details = await allImages(ecr, name);
        const referenced = await indexReferences(ecr, name, details);
        const images = details.map((detail, i) => toImageRecord(detail, i));
        const evaluation = evaluateLifecyclePolicy(parsed.policy, images, {
          now: world.asOf.getTime(),
          referencedByIndex: referenced,
          explain: true,
        });
        const expiring = evaluation.actions.filter((a) => a.type === 'expire');
        const bytes = expiring.reduce(
          (sum, a) => sum + (images.find((i) => i.imageDigest === a.image.imageDigest)?.sizeBytes ?? 0),
          0,
        );
        const keptByIndex = evaluation.held.filter((h) => h.reason === 'referenced-by-manifest-list').length;
        lines.push(
          `${name}: ${expiring.length} of ${images.length} images would expire (${(bytes / 1024 ** 2).toFixed(0)} MiB, ` +
            `$${monthlyStorageCost(bytes).toFixed(2)}/month)` +
            (keptByIndex > 0 ? `; ${keptByIndex} kept because a manifest list references them` : ''),
        );
        repositories.push({
          repositoryName: name,
          lifecyclePolicy: true,
          images: images.length,
          expiring: expiring.map((a) => ({
            imageDigest: a.image.imageDigest,
            imageTags: a.image.imageTags,
            rulePriority: a.rulePriority,
          })),
          keptBecauseReferencedByManifestList: keptByIndex,
        });
      }
    }
    return { lines, json: { repositories } };
  },
};

async function lifecyclePolicyText(ecr: ECRClient, repositoryName: string): Promise<string | undefined> {
  try {
    return (await ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText;
  } catch (error) {
    if (error instanceof LifecyclePolicyNotFoundException) return undefined;
    throw error;
  }
}

async function allImages(ecr: ECRClient, repositoryName: string): Promise<ImageDetail[]> {
  const details: ImageDetail[] = [];
  const pages = paginateDescribeImages({ client: ecr }, {
    repositoryName,
    maxResults: 1000,
    filter: { imageStatus: 'ANY' },
  } as ConstructorParameters<typeof DescribeImagesCommand>[0]);
  for await (const page of pages) details.push(...((page.imageDetails ?? []) as ImageDetail[]));
  return details;
}

async function indexReferences(
  ecr: ECRClient,
  repositoryName: string,
  details: ImageDetail[],
): Promise<Set<string>> {
  const indexes = details
    .filter((d) => isIndexMediaType(d.imageManifestMediaType))
    .map((d) => ({ imageDigest: d.imageDigest }));
  const manifests = new Map<string, string>();
  // BatchGetImage takes at most 100 image ids a call.
  for (let start = 0; start < indexes.length; start += 100) {
    const { images } = await ecr.send(
      new BatchGetImageCommand({ repositoryName, imageIds: indexes.slice(start, start + 100) }),
    );
    for (const image of images ?? []) {
      if (image.imageId?.imageDigest && image.imageManifest)
        manifests.set(image.imageId.imageDigest, image.imageManifest);
    }
  }
  return referencedByIndexes(manifests);
}
