import { createHash } from 'node:crypto';
import {
  buildTinyImage,
  layerParts,
  OCI_CONFIG_MEDIA_TYPE,
  OCI_LAYER_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  tarWithOneFile,
} from '../../live/tiny-image';

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('the live check tiny image', () => {
  it('is an OCI manifest whose config and layer digests and sizes are those of the blobs', () => {
    const image = buildTinyImage('repo old');

    const manifest = JSON.parse(image.manifest);

    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: {
        mediaType: OCI_CONFIG_MEDIA_TYPE,
        digest: sha256(image.config.bytes),
        size: image.config.bytes.length,
      },
      layers: [
        {
          mediaType: OCI_LAYER_MEDIA_TYPE,
          digest: sha256(image.layer.bytes),
          size: image.layer.bytes.length,
        },
      ],
    });
    expect(image.imageDigest).toBe(sha256(image.manifest));
  });

  it('names its uncompressed layer as the diff_id of the config, as the image spec asks', () => {
    const image = buildTinyImage('repo old');

    const config = JSON.parse(Buffer.from(image.config.bytes).toString('utf8'));

    expect(config).toMatchObject({
      os: 'linux',
      architecture: 'amd64',
      rootfs: { type: 'layers', diff_ids: [image.layer.digest] },
    });
  });

  it('gives the same bytes for the same label and other digests for another one', () => {
    const first = buildTinyImage('repo old');
    const again = buildTinyImage('repo old');
    const other = buildTinyImage('repo new');

    expect(again.manifest).toBe(first.manifest);
    expect(other.imageDigest).not.toBe(first.imageDigest);
    expect(other.layer.digest).not.toBe(first.layer.digest);
  });
});

describe('tarWithOneFile', () => {
  it('writes one ustar header with a valid checksum, the content, and two empty blocks', () => {
    const tar = Buffer.from(tarWithOneFile('hello.txt', 'hi\n'));

    const header = tar.subarray(0, 512);
    const stored = Number.parseInt(header.subarray(148, 154).toString('ascii'), 8);
    const computed = [...header].reduce(
      (sum, byte, index) => sum + (index >= 148 && index < 156 ? 32 : byte),
      0,
    );
    expect(tar.length).toBe(512 * 4);
    expect(header.subarray(0, 9).toString('utf8')).toBe('hello.txt');
    expect(header.subarray(257, 263).toString('ascii')).toBe('ustar\0');
    expect(Number.parseInt(header.subarray(124, 135).toString('ascii'), 8)).toBe(3);
    expect(stored).toBe(computed);
    expect(tar.subarray(512, 515).toString('utf8')).toBe('hi\n');
    expect(tar.subarray(1024).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a name longer than a ustar header holds', () => {
    expect(() => tarWithOneFile('x'.repeat(101), '')).toThrow(RangeError);
  });
});

describe('layerParts', () => {
  it('covers a blob with inclusive ranges of partSize bytes, the last one shorter', () => {
    expect(layerParts(10, 4)).toEqual([
      { first: 0, last: 3 },
      { first: 4, last: 7 },
      { first: 8, last: 9 },
    ]);
  });

  it('uploads a blob smaller than a part in one part', () => {
    expect(layerParts(300, 20 * 1024 * 1024)).toEqual([{ first: 0, last: 299 }]);
  });

  it('refuses a part size that is not a positive integer', () => {
    expect(() => layerParts(10, 0)).toThrow(RangeError);
  });
});
