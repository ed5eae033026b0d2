import { createHash } from 'node:crypto';

/**
 * A tiny, valid OCI image built in memory, for the live check to push through the ECR API without Docker:
 * one uncompressed tar layer holding one small file, an image config naming that layer, and the image
 * manifest. Deterministic: the same label gives the same bytes and digests.
 *
 * https://github.com/opencontainers/image-spec/blob/main/manifest.md (an uncompressed tar layer is
 * `application/vnd.oci.image.layer.v1.tar`, and its diff_id is then its own digest)
 * https://github.com/opencontainers/image-spec/blob/main/config.md
 */
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar';

export interface Blob {
  digest: string;
  bytes: Uint8Array;
}

export interface TinyImage {
  config: Blob;
  layer: Blob;
  /** The manifest text exactly as PutImage receives it: its sha256 is the image digest. */
  manifest: string;
  imageDigest: string;
}

export const sha256Digest = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const TAR_BLOCK = 512;

/** A POSIX ustar archive with one regular file (mode 0644, mtime 0), ended by two empty blocks. */
export function tarWithOneFile(name: string, content: string): Uint8Array {
  if (Buffer.byteLength(name) > 100) throw new RangeError('a ustar name holds at most 100 bytes');
  const data = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(TAR_BLOCK);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  header.write(name, 0, 100, 'utf8');
  field(100, 8, octal(0o644, 8)); // mode
  field(108, 8, octal(0, 8)); // uid
  field(116, 8, octal(0, 8)); // gid
  field(124, 12, octal(data.length, 12)); // size
  field(136, 12, octal(0, 12)); // mtime
  field(148, 8, '        '); // checksum: spaces while it is computed
  field(156, 1, '0'); // typeflag: regular file
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((TAR_BLOCK - (data.length % TAR_BLOCK)) % TAR_BLOCK);
  return Buffer.concat([header, data, padding, Buffer.alloc(2 * TAR_BLOCK)]);
}

export function buildTinyImage(label: string): TinyImage {
  const layerBytes = tarWithOneFile('ecr-warden-live-check.txt', `${label}\n`);
  const layer = { digest: sha256Digest(layerBytes), bytes: layerBytes };
  const configText = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'org.opencontainers.image.title': label } },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    history: [{ created_by: 'ecr-warden live check' }],
  });
  const configBytes = Buffer.from(configText, 'utf8');
  const config = { digest: sha256Digest(configBytes), bytes: configBytes };
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: OCI_CONFIG_MEDIA_TYPE, digest: config.digest, size: config.bytes.length },
    layers: [{ mediaType: OCI_LAYER_MEDIA_TYPE, digest: layer.digest, size: layer.bytes.length }],
  });
  return { config, layer, manifest, imageDigest: sha256Digest(manifest) };
}

/**
 * The byte ranges UploadLayerPart takes for a blob: parts of `partSize` bytes (what InitiateLayerUpload
 * answered), the last one shorter; `partFirstByte` and `partLastByte` are inclusive.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UploadLayerPart.html
 */
export function layerParts(size: number, partSize: number): { first: number; last: number }[] {
  if (!(Number.isInteger(partSize) && partSize > 0))
    throw new RangeError(`partSize must be a positive integer, got ${partSize}`);
  const parts: { first: number; last: number }[] = [];
  for (let first = 0; first < size; first += partSize)
    parts.push({ first, last: Math.min(size, first + partSize) - 1 });
  return parts;
}
