import { type ECRClient, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr';
import type { ImageArchiver } from '../cleanup/cleanup-ports';
import { ecrClient } from './ecr-client';
import { target, translateNotFound } from './repository-images';

// UpdateImageStorageClass moves one image (imageId) to targetStorageClass STANDARD or ARCHIVE and answers
// its imageStatus (ACTIVE, ARCHIVED, ACTIVATING). Errors that concern the image itself:
// ImageStorageClassUpdateNotSupportedException (e.g. an active manifest list references it, or it is
// being restored) and ImageNotFoundException; InvalidParameterException, RepositoryNotFoundException,
// ServerException and ValidationException concern the call.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive_restore_image.html
const REFUSALS = new Set(['ImageStorageClassUpdateNotSupportedException', 'ImageNotFoundException']);

/**
 * Archives images by digest, one call each (the API takes one image id). Throttling is the SDK's
 * business (the ECR client's adaptive retry); a throttled call was not applied.
 */
export function createImageArchiver(client: ECRClient = ecrClient): ImageArchiver {
  return {
    async archiveImage(repository, imageDigest) {
      try {
        const output = await client.send(
          new UpdateImageStorageClassCommand({
            ...target(repository),
            imageId: { imageDigest },
            targetStorageClass: 'ARCHIVE',
          }),
        );
        return { archived: true, imageStatus: output.imageStatus ?? 'ARCHIVED' };
      } catch (error) {
        if (error instanceof Error && REFUSALS.has(error.name)) {
          return { archived: false, failureCode: error.name, failureReason: error.message };
        }
        throw translateNotFound(error, repository);
      }
    },
  };
}
