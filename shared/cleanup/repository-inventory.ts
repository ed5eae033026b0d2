import { EcrWardenError } from '../errors';
import { type ImageDetail, type ImageRecord, toImageRecord } from '../inventory/image-details';
import { indexChildren, isIndexMediaType, ManifestError } from '../inventory/manifests';
import type { RepositoryImageSource, RepositoryRef } from './cleanup-ports';

/** One repository as a cleanup run sees it. */
export interface RepositoryInventory {
  /** The describe-images entries, pull times as they were before any manifest was read. */
  details: ImageDetail[];
  images: ImageRecord[];
  /** Index digest → the digests its manifest lists. */
  indexChildren: Map<string, string[]>;
  /** Index digest → its manifest text (what a snapshot records). */
  manifests: Map<string, string>;
  /** Indexes listed by DescribeImages whose manifest was read. */
  indexCount: number;
}

/** An index manifest that cannot be read: its children are unknown, so nothing can be planned safely. */
export class InventoryError extends EcrWardenError {
  override name = 'InventoryError';
}

/**
 * Reads a repository: every image (one DescribeImages page per 1000 images), then the manifests of its
 * indexes only (one BatchGetImage call per 100 indexes), in that order. Referrers need no extra call:
 * DescribeImages reports each one's subject (subjectManifestDigest).
 *
 * The order matters: BatchGetImage records a pull on each index it reads, and the pull times the
 * policy is evaluated on are those DescribeImages returned before that. An index deleted between the
 * two calls is dropped from the inventory (there is nothing left to plan for it).
 */
export async function readRepositoryInventory(
  source: RepositoryImageSource,
  repository: RepositoryRef,
): Promise<RepositoryInventory> {
  const listed = await source.listImages(repository);
  const indexDigests = listed
    .filter((detail) => isIndexMediaType(detail.imageManifestMediaType))
    .map((detail) => detail.imageDigest);
  const manifests =
    indexDigests.length === 0
      ? new Map<string, string>()
      : await source.readManifests(repository, indexDigests);

  const children = new Map<string, string[]>();
  for (const [digest, text] of manifests) {
    try {
      const listedChildren = indexChildren(text, digest);
      if (listedChildren.length > 0) children.set(digest, listedChildren);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      throw new InventoryError(`${repository.repositoryName}: ${error.message}`, { cause: error });
    }
  }
  const details = listed.filter(
    (detail) => !isIndexMediaType(detail.imageManifestMediaType) || manifests.has(detail.imageDigest),
  );
  const images = details.map((detail) =>
    toImageRecord(detail, `${repository.repositoryName}@${detail.imageDigest}`),
  );
  return { details, images, indexChildren: children, manifests, indexCount: manifests.size };
}
