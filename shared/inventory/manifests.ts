/**
 * Index manifests (OCI image indexes and Docker manifest lists) list the images they reference in
 * `manifests[].digest`. ECR stores those children as untagged images of the same repository.
 * https://github.com/opencontainers/image-spec/blob/main/image-index.md
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-manifest-formats.html
 */
export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_MEDIA_TYPES.has(mediaType);
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** The digests an index manifest references; [] for a manifest that is not an index. */
export function indexChildren(manifestText: string, digest = 'manifest'): string[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    throw new ManifestError(`${digest}: manifest is not valid JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null) {
    throw new ManifestError(`${digest}: manifest is not a JSON object`);
  }
  const { mediaType, manifests } = manifest as { mediaType?: unknown; manifests?: unknown };
  // An index without a mediaType field is still an index when it lists manifests (OCI allows
  // omitting mediaType; ECR reports the type separately in imageManifestMediaType).
  if (!Array.isArray(manifests)) return [];
  if (typeof mediaType === 'string' && !isIndexMediaType(mediaType)) return [];
  const children: string[] = [];
  for (const entry of manifests) {
    const child = (entry as { digest?: unknown } | null)?.digest;
    if (typeof child === 'string') children.push(child);
  }
  return children;
}

/** Every digest that some index in `manifests` (digest → manifest text) references. */
export function referencedByIndexes(manifests: ReadonlyMap<string, string>): Set<string> {
  const referenced = new Set<string>();
  for (const [digest, text] of manifests) {
    for (const child of indexChildren(text, digest)) referenced.add(child);
  }
  return referenced;
}
