import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { type Blob, layerParts, OCI_MANIFEST_MEDIA_TYPE, type TinyImage } from './tiny-image';

// UploadLayerPart takes at most 20 MiB a part (the live check's blobs are a few hundred bytes).
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UploadLayerPart.html
const DEFAULT_PART_SIZE = 20 * 1024 * 1024;

/**
 * Pushes an image as `docker push` does, through the ECR API: each blob that ECR does not have yet
 * (BatchCheckLayerAvailability) is uploaded (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload),
 * then the manifest is put under a tag (PutImage). Returns the digest ECR gives the image.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html
 */
export async function pushTinyImage(
  ecr: ECRClient,
  repositoryName: string,
  image: TinyImage,
  tag: string,
): Promise<string> {
  for (const blob of [image.layer, image.config]) await uploadBlob(ecr, repositoryName, blob);
  const put = await ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: image.manifest,
      imageManifestMediaType: OCI_MANIFEST_MEDIA_TYPE,
      imageTag: tag,
    }),
  );
  const digest = put.image?.imageId?.imageDigest;
  if (digest !== image.imageDigest) {
    throw new Error(
      `PutImage gave ${repositoryName}:${tag} the digest ${digest}, expected ${image.imageDigest}`,
    );
  }
  return digest;
}

async function uploadBlob(ecr: ECRClient, repositoryName: string, blob: Blob): Promise<void> {
  const availability = await ecr.send(
    new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: [blob.digest] }),
  );
  if (availability.layers?.[0]?.layerAvailability === 'AVAILABLE') return;
  const upload = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
  const uploadId = upload.uploadId;
  if (uploadId === undefined)
    throw new Error(`InitiateLayerUpload on ${repositoryName} returned no uploadId`);
  for (const part of layerParts(blob.bytes.length, upload.partSize ?? DEFAULT_PART_SIZE)) {
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName,
        uploadId,
        partFirstByte: part.first,
        partLastByte: part.last,
        layerPartBlob: blob.bytes.subarray(part.first, part.last + 1),
      }),
    );
  }
  try {
    await ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [blob.digest] }));
  } catch (error) {
    // Another push completed the same blob in between: what we wanted is there.
    if ((error as Error).name !== 'LayerAlreadyExistsException') throw error;
  }
}
