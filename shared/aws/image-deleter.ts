import { BatchDeleteImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { ImageDeleter } from '../cleanup/cleanup-ports';
import { EcrWardenError } from '../errors';
import { ecrClient } from './ecr-client';
import { target, translateNotFound } from './repository-images';

// BatchDeleteImage takes at most 100 image ids; more fails the whole call. Images it cannot delete
// come back in `failures[]` (ImageNotFound, ImageReferencedByManifestList, ...) rather than as an
// exception, so every response is read image by image.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
export const BATCH_DELETE_IMAGE_MAX_IDS = 100;

export class DeleteBatchTooLargeError extends EcrWardenError {
  override name = 'DeleteBatchTooLargeError';
}

/**
 * Deletes images by digest (never by tag: deleting by tag only untags an image that has other tags).
 * Throttling is the SDK's business (the ECR client's adaptive retry mode): a throttled call is
 * retried whole and was not applied, so no image is deleted twice.
 */
export function createImageDeleter(client: ECRClient = ecrClient): ImageDeleter {
  return {
    async deleteImages(repository, digests) {
      if (digests.length === 0) return { deleted: [], failures: [] };
      if (digests.length > BATCH_DELETE_IMAGE_MAX_IDS) {
        throw new DeleteBatchTooLargeError(
          `BatchDeleteImage takes at most ${BATCH_DELETE_IMAGE_MAX_IDS} image ids, got ${digests.length}`,
        );
      }
      try {
        const output = await client.send(
          new BatchDeleteImageCommand({
            ...target(repository),
            imageIds: digests.map((imageDigest) => ({ imageDigest })),
          }),
        );
        return {
          deleted: (output.imageIds ?? []).flatMap((id) =>
            id.imageDigest === undefined ? [] : [id.imageDigest],
          ),
          failures: (output.failures ?? []).flatMap((failure) =>
            failure.imageId?.imageDigest === undefined
              ? []
              : [
                  {
                    imageDigest: failure.imageId.imageDigest,
                    failureCode: failure.failureCode ?? 'Unknown',
                    failureReason: failure.failureReason ?? '',
                  },
                ],
          ),
        };
      } catch (error) {
        throw translateNotFound(error, repository);
      }
    },
  };
}
