import { isIndexMediaType } from './manifests';

/**
 * How the images of one repository reference each other, the two ways ECR knows:
 * - an image index (OCI index or Docker manifest list) lists its children in `manifests[].digest`
 *   (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-manifest-formats.html);
 * - a referrer (signature, SBOM, attestation) names its subject in the manifest's `subject` field,
 *   which `DescribeImages` reports as `subjectManifestDigest`
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
 *
 * Only references between images present in the repository are kept: an index that lists a digest
 * the repository does not hold, or a referrer whose subject is gone, has no edge for it.
 *
 * Both kinds of reference are made by content address (a manifest holds the digest of what it
 * references), so real data cannot contain a cycle; code that walks the graph still terminates on
 * one, since snapshots can be written by hand.
 */
export interface ImageGraph {
  /** Index digest → its children in the repository, in manifest order, without repeats. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** Child digest → the indexes in the repository that list it, sorted. */
  readonly parents: ReadonlyMap<string, readonly string[]>;
  /** Subject digest → its referrers in the repository, sorted. */
  readonly referrers: ReadonlyMap<string, readonly string[]>;
  /** Referrer digest → its subject, when the subject is in the repository. */
  readonly subjects: ReadonlyMap<string, string>;
  /** Digests of the images that are indexes (by media type or because they list children). */
  readonly indexes: ReadonlySet<string>;
}

/** The fields of a describe-images entry the graph reads. */
export interface GraphImage {
  readonly imageDigest: string;
  readonly detail: {
    readonly imageManifestMediaType?: string;
    readonly subjectManifestDigest?: string;
  };
}

/**
 * Builds the graph from a repository's images and the children of its indexes (digest → child
 * digests, as read from the index manifests with `indexChildren`).
 */
export function buildImageGraph(
  images: readonly GraphImage[],
  indexChildren: ReadonlyMap<string, readonly string[]>,
): ImageGraph {
  const present = new Set<string>();
  for (const image of images) present.add(image.imageDigest);

  const children = new Map<string, string[]>();
  const parents = new Map<string, string[]>();
  const referrers = new Map<string, string[]>();
  const subjects = new Map<string, string>();
  const indexes = new Set<string>();

  for (const image of images) {
    const digest = image.imageDigest;
    if (isIndexMediaType(image.detail.imageManifestMediaType)) indexes.add(digest);
    const listed = indexChildren.get(digest);
    if (listed !== undefined && listed.length > 0) {
      indexes.add(digest);
      const own: string[] = [];
      for (const child of listed) {
        if (child === digest || !present.has(child) || own.includes(child)) continue;
        own.push(child);
        appendTo(parents, child, digest);
      }
      if (own.length > 0) children.set(digest, own);
    }
    const subject = image.detail.subjectManifestDigest;
    if (subject !== undefined && subject !== digest && present.has(subject)) {
      subjects.set(digest, subject);
      appendTo(referrers, subject, digest);
    }
  }
  for (const list of parents.values()) list.sort();
  for (const list of referrers.values()) list.sort();
  return { children, parents, referrers, subjects, indexes };
}

function appendTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
