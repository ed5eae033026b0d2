import { createHash } from 'node:crypto';
import { MEDIA_TYPES, manifestDigest } from '../model/manifest';

/**
 * Deterministic manifests for tests, generators and the sample: the same seed gives the same bytes
 * and so the same digest. Shapes follow the OCI image spec and Docker's manifest v2 schema 2, and
 * what BuildKit, cosign and SBOM tools push.
 * https://github.com/opencontainers/image-spec/blob/main/manifest.md
 * https://docs.docker.com/build/metadata/attestations/attestation-storage/
 */
export interface BuiltManifest {
  /** The exact manifest text (what PutImage receives). */
  manifest: string;
  mediaType: string;
  digest: string;
  /** Byte length of the manifest text (the size an index or a subject descriptor records). */
  size: number;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export const ARTIFACT_TYPES = {
  cosignSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  spdxSbom: 'application/spdx+json',
  cyclonedxSbom: 'application/vnd.cyclonedx+json',
  inTotoLayer: 'application/vnd.in-toto+json',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

// The OCI empty descriptor: the two bytes `{}`.
const EMPTY_DESCRIPTOR = {
  mediaType: ARTIFACT_TYPES.ociEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};

export function blobDigest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/** Serializes a manifest object as compact JSON (as BuildKit and the sample file do). */
export function built(manifest: object): BuiltManifest {
  const text = JSON.stringify(manifest);
  return {
    manifest: text,
    mediaType: (manifest as { mediaType: string }).mediaType,
    digest: manifestDigest(text),
    size: Buffer.byteLength(text, 'utf8'),
  };
}

/** A single-platform image manifest with `layers` (compressed sizes in bytes). */
export function imageManifest(options: {
  seed: string;
  layers?: readonly number[];
  format?: 'oci' | 'docker';
  annotations?: Record<string, string>;
}): BuiltManifest {
  const docker = options.format === 'docker';
  const layers = (options.layers ?? [31_457_280, 8_388_608, 1_048_576]).map((size, i) => ({
    mediaType: docker ? MEDIA_TYPES.dockerLayer : MEDIA_TYPES.ociLayer,
    digest: blobDigest(`${options.seed}/layer/${i}`),
    size,
  }));
  return built({
    schemaVersion: 2,
    mediaType: docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest,
    config: {
      mediaType: docker ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig,
      digest: blobDigest(`${options.seed}/config`),
      size: 1_472,
    },
    layers,
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  });
}

/** A BuildKit attestation manifest (SLSA provenance and SPDX in-toto statements) for one platform image. */
export function attestationManifest(options: { seed: string }): BuiltManifest {
  return built({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: blobDigest(`${options.seed}/att-config`), size: 167 },
    layers: [
      {
        mediaType: ARTIFACT_TYPES.inTotoLayer,
        digest: blobDigest(`${options.seed}/provenance`),
        size: 8_211,
        annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
      },
      {
        mediaType: ARTIFACT_TYPES.inTotoLayer,
        digest: blobDigest(`${options.seed}/spdx`),
        size: 201_544,
        annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' },
      },
    ],
  });
}

export interface IndexEntry {
  image: BuiltManifest;
  platform: Platform;
  /** BuildKit's attestation manifest for this platform image, listed in the index after it. */
  attestation?: BuiltManifest;
}

/** An OCI image index (or Docker manifest list) of platform images, with BuildKit attestations. */
export function imageIndex(options: {
  entries: readonly IndexEntry[];
  format?: 'oci' | 'docker';
}): BuiltManifest {
  const docker = options.format === 'docker';
  const manifests: object[] = [];
  for (const entry of options.entries) {
    manifests.push({
      mediaType: entry.image.mediaType,
      digest: entry.image.digest,
      size: entry.image.size,
      platform: entry.platform,
    });
  }
  for (const entry of options.entries) {
    if (entry.attestation === undefined) continue;
    manifests.push({
      mediaType: entry.attestation.mediaType,
      digest: entry.attestation.digest,
      size: entry.attestation.size,
      annotations: {
        'vnd.docker.reference.digest': entry.image.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  }
  return built({
    schemaVersion: 2,
    mediaType: docker ? MEDIA_TYPES.dockerManifestList : MEDIA_TYPES.ociIndex,
    manifests,
  });
}

/** An OCI 1.1 referrer of `subject` (its `subject` field makes ECR report subjectManifestDigest). */
export function referrerManifest(options: {
  subject: BuiltManifest;
  artifactType: string;
  layerMediaType: string;
  layerSize: number;
  seed: string;
  annotations?: Record<string, string>;
}): BuiltManifest {
  return built({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: options.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [
      {
        mediaType: options.layerMediaType,
        digest: blobDigest(`${options.seed}/payload`),
        size: options.layerSize,
      },
    ],
    subject: {
      mediaType: options.subject.mediaType,
      digest: options.subject.digest,
      size: options.subject.size,
    },
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  });
}

/** A cosign signature stored as an OCI 1.1 referrer. */
export function cosignSignature(subject: BuiltManifest, createdAt: string): BuiltManifest {
  return referrerManifest({
    subject,
    artifactType: ARTIFACT_TYPES.cosignSignature,
    layerMediaType: ARTIFACT_TYPES.cosignSimpleSigning,
    layerSize: 245,
    seed: `cosign/${subject.digest}`,
    annotations: { 'org.opencontainers.image.created': createdAt },
  });
}

/** An SPDX SBOM attached as an OCI 1.1 referrer (as `oras attach` or `syft` + `cosign attach` push it). */
export function sbomReferrer(subject: BuiltManifest, createdAt: string): BuiltManifest {
  return referrerManifest({
    subject,
    artifactType: ARTIFACT_TYPES.spdxSbom,
    layerMediaType: ARTIFACT_TYPES.spdxSbom,
    layerSize: 48_913,
    seed: `sbom/${subject.digest}`,
    annotations: { 'org.opencontainers.image.created': createdAt },
  });
}

/** A legacy (tag-based) cosign signature: pushed with tag `sha256-<hex>.sig`, no `subject` field. */
export function legacyCosignSignature(subject: BuiltManifest): { manifest: BuiltManifest; tag: string } {
  const manifest = built({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: {
      mediaType: MEDIA_TYPES.ociConfig,
      digest: blobDigest(`legacy-sig/${subject.digest}/config`),
      size: 233,
    },
    layers: [
      {
        mediaType: ARTIFACT_TYPES.cosignSimpleSigning,
        digest: blobDigest(`legacy-sig/${subject.digest}`),
        size: 250,
        annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQDsimulated' },
      },
    ],
  });
  return { manifest, tag: `${subject.digest.replace(':', '-')}.sig` };
}
