import {
  BatchGetImageCommand,
  type BatchGetImageCommandOutput,
  type ECRClient,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  paginateDescribeImages,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  type RepositoryImageSource,
  RepositoryNotFoundError,
  type RepositoryRef,
} from '../cleanup/cleanup-ports';
import type { ImageDetail } from '../inventory/image-details';
import { ecrClient } from './ecr-client';

// DescribeImages returns 1 to 1000 images a page (default 100) and, without a filter, only ACTIVE
// ones: `filter.imageStatus: ANY` lists archived images and those being restored too, so that an
// archived index still protects its children and an archived image can expire.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImagesFilter.html
export const DESCRIBE_IMAGES_PAGE_SIZE = 1000;

// BatchGetImage takes at most 100 image ids a call.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
export const BATCH_GET_IMAGE_MAX_IDS = 100;

/**
 * ECR reads for a cleanup run. Reading a manifest with BatchGetImage is a pull: ECR updates the
 * image's lastRecordedPullTime (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-time-update-exclusions.html).
 * Callers therefore list the images (and their pull times) first and read index manifests after, and
 * never list again in the same run: a `sinceImagePulled` rule sees the pull times as they were before
 * ecr-warden looked. serverless.yml registers the worker's role as a pull-time update exclusion, so
 * that the next day's run does not see its own reads either.
 */
export function createRepositoryImageSource(client: ECRClient = ecrClient): RepositoryImageSource {
  return {
    async listImages(repository) {
      const details: ImageDetail[] = [];
      try {
        const pages = paginateDescribeImages(
          { client, pageSize: DESCRIBE_IMAGES_PAGE_SIZE },
          { ...target(repository), filter: { imageStatus: 'ANY' } },
        );
        for await (const page of pages) {
          for (const detail of page.imageDetails ?? []) {
            if (detail.imageDigest === undefined || detail.imagePushedAt === undefined) continue;
            details.push(detail as ImageDetail);
          }
        }
      } catch (error) {
        throw translateNotFound(error, repository);
      }
      return details;
    },

    async readManifests(repository, digests) {
      const manifests = new Map<string, string>();
      for (let start = 0; start < digests.length; start += BATCH_GET_IMAGE_MAX_IDS) {
        const imageIds = digests
          .slice(start, start + BATCH_GET_IMAGE_MAX_IDS)
          .map((imageDigest) => ({ imageDigest }));
        let output: BatchGetImageCommandOutput;
        try {
          output = await client.send(new BatchGetImageCommand({ ...target(repository), imageIds }));
        } catch (error) {
          throw translateNotFound(error, repository);
        }
        // An image deleted since it was listed comes back in failures[] (ImageNotFound): left out.
        for (const image of output.images ?? []) {
          const digest = image.imageId?.imageDigest;
          if (digest !== undefined && image.imageManifest !== undefined)
            manifests.set(digest, image.imageManifest);
        }
      }
      return manifests;
    },

    async readLifecyclePolicy(repository) {
      try {
        const output = await client.send(new GetLifecyclePolicyCommand(target(repository)));
        return output.lifecyclePolicyText;
      } catch (error) {
        // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetLifecyclePolicy.html
        if (error instanceof LifecyclePolicyNotFoundException) return undefined;
        throw translateNotFound(error, repository);
      }
    },
  };
}

export function target(repository: RepositoryRef): { repositoryName: string; registryId?: string } {
  return repository.registryId === undefined
    ? { repositoryName: repository.repositoryName }
    : { repositoryName: repository.repositoryName, registryId: repository.registryId };
}

export function translateNotFound(error: unknown, repository: RepositoryRef): unknown {
  return error instanceof RepositoryNotFoundException
    ? new RepositoryNotFoundError(repository.repositoryName, { cause: error })
    : error;
}
