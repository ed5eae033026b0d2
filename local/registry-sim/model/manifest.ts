import { createHash } from 'node:crypto';
import { serviceError } from './simulated-error';

/**
 * What ECR reads from a manifest when it is pushed. The digest is the sha256 of the manifest bytes
 * exactly as pushed; index manifests (OCI image indexes, Docker manifest lists) list children that
 * must already be in the repository; an OCI `subject` makes the manifest a referrer (signature, SBOM,
 * attestation) whose `subjectManifestDigest` DescribeImages reports.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-manifest-formats.html
 * https://github.com/opencontainers/image-spec/blob/main/manifest.md
 * https://github.com/opencontainers/image-spec/blob/main/image-index.md
 */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
]);

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.has(mediaType);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST_PATTERN.test(digest);
}

/** `sha256:<hex>` of the manifest text, as ECR and every OCI registry compute it. */
export function manifestDigest(manifestText: string): string {
  return `sha256:${createHash('sha256').update(manifestText, 'utf8').digest('hex')}`;
}

export interface InspectedManifest {
  digest: string;
  mediaType: string;
  /** The artifact type (OCI 1.1 `artifactType`), else the config media type; absent for indexes. */
  artifactMediaType: string | undefined;
  subjectDigest: string | undefined;
  /** Digests an index references; [] for anything else. */
  children: string[];
  /** Sum of the layer sizes (compressed, as pushed); 0 for an index (ECR uses its largest child). */
  layersSize: number;
}

/**
 * Reads a manifest as PutImage does. `declaredMediaType` is the request's imageManifestMediaType:
 * "If you push an image manifest that does not contain the mediaType field, you must specify the
 * imageManifestMediaType in the request." (API_PutImage)
 */
export function inspectManifest(manifestText: string, declaredMediaType?: string): InspectedManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestText);
  } catch {
    throw serviceError(
      'InvalidParameterException',
      "Invalid parameter at 'imageManifest': invalid JSON syntax",
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw serviceError(
      'InvalidParameterException',
      "Invalid parameter at 'imageManifest': not a JSON object",
    );
  }
  const manifest = parsed as Record<string, unknown>;
  const ownMediaType = typeof manifest.mediaType === 'string' ? manifest.mediaType : undefined;
  if (ownMediaType !== undefined && declaredMediaType !== undefined && ownMediaType !== declaredMediaType) {
    throw serviceError(
      'InvalidParameterException',
      `Invalid parameter at 'imageManifestMediaType': ${declaredMediaType} does not match the manifest's mediaType ${ownMediaType}`,
    );
  }
  const mediaType = ownMediaType ?? declaredMediaType;
  if (mediaType === undefined) {
    throw serviceError(
      'InvalidParameterException',
      'The manifest has no mediaType field: imageManifestMediaType is required',
    );
  }
  const isIndex = isIndexMediaType(mediaType);
  const children: string[] = [];
  if (isIndex) {
    for (const entry of Array.isArray(manifest.manifests) ? manifest.manifests : []) {
      const digest = (entry as { digest?: unknown } | null)?.digest;
      if (typeof digest === 'string') children.push(digest);
    }
  }
  let layersSize = 0;
  for (const layer of Array.isArray(manifest.layers) ? manifest.layers : []) {
    const size = (layer as { size?: unknown } | null)?.size;
    if (typeof size === 'number' && Number.isFinite(size)) layersSize += size;
  }
  const subject = manifest.subject as { digest?: unknown } | undefined;
  const config = manifest.config as { mediaType?: unknown } | undefined;
  const artifactType = typeof manifest.artifactType === 'string' ? manifest.artifactType : undefined;
  const configMediaType = typeof config?.mediaType === 'string' ? config.mediaType : undefined;
  return {
    digest: manifestDigest(manifestText),
    mediaType,
    artifactMediaType: isIndex ? undefined : (artifactType ?? configMediaType),
    subjectDigest: typeof subject?.digest === 'string' ? subject.digest : undefined,
    children,
    layersSize,
  };
}
