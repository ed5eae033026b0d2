// Reading `aws ecr describe-images --output json` (ImageDetail:
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html) and the manifests
// that `aws ecr batch-get-image --output json` prints.
import fc from 'fast-check';
import {
  ImageDetailsError,
  parseUtcTimestamp,
  readImageDetails,
} from '../../../shared/inventory/image-details';
import { indexChildren, ManifestError, referencedByIndexes } from '../../../shared/inventory/manifests';

const PUSHED_ISO = '2026-02-27T12:00:00+00:00';
const PUSHED_MS = Date.parse('2026-02-27T12:00:00Z');
const PUSHED_EPOCH_SECONDS = PUSHED_MS / 1000;

/** One describe-images entry, new on every call; `undefined` in `fields` removes a field. */
function imageDetail(n: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    registryId: '123456789012',
    repositoryName: 'payments-api',
    imageDigest: `sha256:${n.toString(16).padStart(64, '0')}`,
    imageTags: [`v1.${n}.0`],
    imageSizeInBytes: 100_000_000 + n,
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    imageStatus: 'ACTIVE',
    imagePushedAt: PUSHED_ISO,
    ...fields,
  };
  for (const [key, value] of Object.entries(entry)) if (value === undefined) delete entry[key];
  return entry;
}

function describeImagesOutput(...imageDetails: unknown[]): unknown {
  return { imageDetails };
}

describe('readImageDetails timestamps', () => {
  it('reads an ISO 8601 imagePushedAt as AWS CLI v2 prints it', () => {
    const document = describeImagesOutput(imageDetail(1, { imagePushedAt: PUSHED_ISO }));

    const { images } = readImageDetails(document);

    expect(images[0]?.pushedAt).toBe(PUSHED_MS);
  });

  it('reads an ISO 8601 timestamp with microseconds and a non-UTC offset', () => {
    const document = describeImagesOutput(
      imageDetail(1, { imagePushedAt: '2026-02-27T13:00:00.250000+01:00' }),
    );

    const { images } = readImageDetails(document);

    expect(images[0]?.pushedAt).toBe(PUSHED_MS + 250);
  });

  it('reads epoch seconds as AWS CLI v1 prints them', () => {
    const document = describeImagesOutput(imageDetail(1, { imagePushedAt: PUSHED_EPOCH_SECONDS }));

    const { images } = readImageDetails(document);

    expect(images[0]?.pushedAt).toBe(PUSHED_MS);
  });

  it('reads fractional epoch seconds to the millisecond', () => {
    const document = describeImagesOutput(imageDetail(1, { imagePushedAt: PUSHED_EPOCH_SECONDS + 0.123 }));

    const { images } = readImageDetails(document);

    expect(images[0]?.pushedAt).toBe(PUSHED_MS + 123);
  });

  it('reads a Date, as the SDK returns it', () => {
    const document = describeImagesOutput(imageDetail(1, { imagePushedAt: new Date(PUSHED_MS) }));

    const { images } = readImageDetails(document);

    expect(images[0]?.pushedAt).toBe(PUSHED_MS);
  });

  it('converts lastRecordedPullTime, lastArchivedAt and lastActivatedAt whichever format each uses', () => {
    const document = describeImagesOutput(
      imageDetail(1, {
        lastRecordedPullTime: PUSHED_EPOCH_SECONDS + 60,
        lastArchivedAt: '2026-02-27T12:02:00Z',
        lastActivatedAt: PUSHED_EPOCH_SECONDS + 180.5,
      }),
    );

    const { images } = readImageDetails(document);

    expect(images[0]).toMatchObject({
      lastPulledAt: PUSHED_MS + 60_000,
      archivedAt: PUSHED_MS + 120_000,
      activatedAt: PUSHED_MS + 180_500,
    });
  });

  it('gives the same lifecycle fields for the same image in ISO and in epoch seconds', () => {
    const iso = describeImagesOutput(imageDetail(1, { lastRecordedPullTime: '2026-02-28T00:00:00Z' }));
    const epoch = describeImagesOutput(
      imageDetail(1, {
        imagePushedAt: PUSHED_EPOCH_SECONDS,
        lastRecordedPullTime: Date.parse('2026-02-28T00:00:00Z') / 1000,
      }),
    );

    const [fromIso, fromEpoch] = [readImageDetails(iso), readImageDetails(epoch)];

    const { detail: _isoDetail, ...isoFields } = fromIso.images[0] ?? { detail: undefined };
    const { detail: _epochDetail, ...epochFields } = fromEpoch.images[0] ?? { detail: undefined };
    expect(epochFields).toEqual(isoFields);
  });
});

describe('parseUtcTimestamp, the fast path for AWS CLI timestamps', () => {
  const instants = fc.date({
    min: new Date('1990-01-01T00:00:00Z'),
    max: new Date('2099-12-31T23:59:59Z'),
    noInvalidDate: true,
  });

  it('agrees with Date.parse on every layout the AWS CLI prints', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 999_999 }), (instant, micros) => {
        const seconds = instant.toISOString().slice(0, 19);
        for (const text of [
          `${seconds}+00:00`,
          `${seconds}Z`,
          `${seconds}.${String(micros).padStart(6, '0')}+00:00`,
        ]) {
          expect(parseUtcTimestamp(text)).toBe(Date.parse(text));
        }
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });

  // The fast path counts days arithmetically: it must give what Date.UTC gave for any fields,
  // leap days, century years and impossible days included (those it leaves to the strict reader).
  it('reads any year, month, day and time as Date.UTC does, and leaves days a month lacks', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom('', '.5', '.123', '.999999'),
        fc.constantFrom('Z', '+00:00'),
        (year, month, day, hour, minute, second, fraction, zone) => {
          const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${fraction}${zone}`;
          const millis = Math.floor(Number(`0${fraction || '.0'}`) * 1000 + 1e-9);
          const expected = Date.UTC(year, month - 1, day, hour, minute, second, millis);
          const dayExists = new Date(expected).getUTCDate() === day;
          expect(parseUtcTimestamp(text)).toBe(dayExists ? expected : undefined);
        },
      ),
      { seed: 20261204, numRuns: 2000 },
    );
    expect(parseUtcTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseUtcTimestamp('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseUtcTimestamp('1900-02-29T00:00:00Z')).toBeUndefined();
    expect(parseUtcTimestamp('2100-02-29T00:00:00Z')).toBeUndefined();
  });

  it('leaves other offsets, layouts and impossible dates to Date.parse', () => {
    for (const text of [
      '2026-02-27T12:00:00+01:00',
      '2026-02-27 12:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      // A character that is no digit in the time: read as -1 by the fast path before, and accepted.
      '2026-02-27T1x:00:00Z',
      '2026-02-27T12:0a:00Z',
      '2026-02-27T12:00:/9Z',
      'yesterday',
    ]) {
      expect(parseUtcTimestamp(text)).toBeUndefined();
    }
  });
});

describe('readImageDetails fields', () => {
  it('treats an entry without imageTags as untagged', () => {
    const document = describeImagesOutput(imageDetail(1, { imageTags: undefined }));

    const { images } = readImageDetails(document);

    expect(images[0]?.imageTags).toEqual([]);
  });

  it('reads imageSizeInBytes, and 0 when it is missing', () => {
    const document = describeImagesOutput(
      imageDetail(1, { imageSizeInBytes: 4096 }),
      imageDetail(2, { imageSizeInBytes: undefined }),
    );

    const { images } = readImageDetails(document);

    expect(images.map((image) => image.sizeBytes)).toEqual([4096, 0]);
  });

  it('puts an ARCHIVED image in the archive storage class with its lastArchivedAt', () => {
    const document = describeImagesOutput(
      imageDetail(1, { imageStatus: 'ARCHIVED', lastArchivedAt: '2026-02-28T12:00:00Z' }),
    );

    const { images } = readImageDetails(document);

    expect(images[0]).toMatchObject({
      storageClass: 'archive',
      archivedAt: Date.parse('2026-02-28T12:00:00Z'),
    });
  });

  it('puts ACTIVE images and images without imageStatus (older output) in the standard storage class', () => {
    const document = describeImagesOutput(
      imageDetail(1, { imageStatus: 'ACTIVE' }),
      imageDetail(2, { imageStatus: undefined }),
    );

    const { images } = readImageDetails(document);

    expect(images.map((image) => image.storageClass)).toEqual(['standard', 'standard']);
  });

  it('leaves out ACTIVATING images, which are being restored, and counts them', () => {
    const document = describeImagesOutput(
      imageDetail(1),
      imageDetail(2, { imageStatus: 'ACTIVATING' }),
      imageDetail(3, { imageStatus: 'ACTIVATING' }),
      imageDetail(4, { imageStatus: 'ARCHIVED', lastArchivedAt: PUSHED_ISO }),
    );

    const { images, activating } = readImageDetails(document);

    expect({ tags: images.map((image) => image.imageTags[0]), activating }).toEqual({
      tags: ['v1.1.0', 'v1.4.0'],
      activating: 2,
    });
  });

  it('reads an empty repository', () => {
    const document = describeImagesOutput();

    const result = readImageDetails(document);

    expect(result).toEqual({ images: [], activating: 0 });
  });
});

describe('readImageDetails errors name the entry and the field', () => {
  it.each([
    ['an unparsable imagePushedAt', 3, { imagePushedAt: 'last tuesday' }, 'imageDetails[3].imagePushedAt'],
    ['a missing imagePushedAt', 3, { imagePushedAt: undefined }, 'imageDetails[3].imagePushedAt'],
    ['a negative epoch imagePushedAt', 3, { imagePushedAt: -5 }, 'imageDetails[3].imagePushedAt'],
    [
      'a boolean lastRecordedPullTime',
      1,
      { lastRecordedPullTime: true },
      'imageDetails[1].lastRecordedPullTime',
    ],
    ['an unparsable lastArchivedAt', 2, { lastArchivedAt: 'soon' }, 'imageDetails[2].lastArchivedAt'],
    ['an unparsable lastActivatedAt', 0, { lastActivatedAt: '' }, 'imageDetails[0].lastActivatedAt'],
    ['a missing imageDigest', 2, { imageDigest: undefined }, 'imageDetails[2].imageDigest'],
    ['imageTags that are not strings', 1, { imageTags: ['v1', 2] }, 'imageDetails[1].imageTags'],
    ['a negative imageSizeInBytes', 0, { imageSizeInBytes: -1 }, 'imageDetails[0].imageSizeInBytes'],
    ['a numeric imageStatus', 2, { imageStatus: 1 }, 'imageDetails[2].imageStatus'],
  ])('rejects %s at imageDetails[%i]', (_what, index, fields, where) => {
    const document = describeImagesOutput(
      ...[0, 1, 2, 3].map((n) => imageDetail(n, n === index ? fields : {})),
    );

    const act = () => readImageDetails(document);

    expect(act).toThrow(ImageDetailsError);
    expect(act).toThrow(new RegExp(`^${where.replace(/[[\]]/g, '\\$&')}: `));
  });

  it('rejects an entry that is not an object, naming it', () => {
    const document = describeImagesOutput(imageDetail(0), 'sha256:abc');

    const act = () => readImageDetails(document);

    expect(act).toThrow(ImageDetailsError);
    expect(act).toThrow(/^imageDetails\[1\]: expected an object$/);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['an object without imageDetails', { images: [] }],
    ['imageDetails that is not an array', { imageDetails: {} }],
  ])('rejects %s as a whole, saying what output it expects', (_what, document) => {
    const act = () => readImageDetails(document);

    expect(act).toThrow(ImageDetailsError);
    expect(act).toThrow('aws ecr describe-images');
  });
});

describe('readImageDetails refuses what would mislead the preview', () => {
  it.each([
    ['February 30th', '2026-02-30T00:00:00+00:00', /day 30 does not exist: February 2026 has 28 days/],
    ['February 29th of a common year', '2026-02-29T12:00:00Z', /February 2026 has 28 days/],
    ['month 13', '2026-13-01T00:00:00Z', /month 13 does not exist/],
    ['24:61', '2026-01-01T24:61:00Z', /time 24:61:00 does not exist/],
    [
      'hour 24, which Date.parse reads as the next day',
      '2026-01-01T24:00:00Z',
      /time 24:00:00 does not exist/,
    ],
    ['second 60', '2026-01-01T12:00:60+00:00', /time 12:00:60 does not exist/],
    [
      'a time without an offset, which Date.parse reads in local time',
      '2026-01-01T12:00:00',
      /needs its offset/,
    ],
    ['an impossible offset', '2026-01-01T12:00:00+25:00', /offset \+25:00 does not exist/],
  ])('refuses %s, naming the field and the value', (_what, value, reason) => {
    const document = describeImagesOutput(imageDetail(0), imageDetail(1, { lastRecordedPullTime: value }));

    const act = () => readImageDetails(document);

    expect(act).toThrow(ImageDetailsError);
    expect(act).toThrow(
      `imageDetails[1].lastRecordedPullTime: expected an ISO 8601 timestamp or epoch seconds, got "${value}"`,
    );
    expect(act).toThrow(reason);
  });

  it('reads February 29th of a leap year and offsets in both signs', () => {
    const document = describeImagesOutput(
      imageDetail(0, { imagePushedAt: '2028-02-29T23:30:00-01:00' }),
      imageDetail(1, { imagePushedAt: '2028-03-01T01:30:00.5+01:00' }),
    );

    const { images } = readImageDetails(document);

    expect(images.map((image) => image.pushedAt)).toEqual([
      Date.parse('2028-03-01T00:30:00Z'),
      Date.parse('2028-03-01T00:30:00.500Z'),
    ]);
  });

  it('names the kind of a timestamp that is a structure instead of printing it', () => {
    const document = describeImagesOutput(imageDetail(0, { imagePushedAt: [[['2026-01-01T00:00:00Z']]] }));

    expect(() => readImageDetails(document)).toThrow(
      /^imageDetails\[0\]\.imagePushedAt: expected an ISO 8601 timestamp or epoch seconds, got an array$/,
    );
  });

  it.each(['DELETED', 'active', 'ARCHIVE', ''])(
    'refuses imageStatus %j, which ECR does not have',
    (status) => {
      const document = describeImagesOutput(imageDetail(0), imageDetail(1, { imageStatus: status }));

      const act = () => readImageDetails(document);

      expect(act).toThrow(ImageDetailsError);
      expect(act).toThrow(
        `imageDetails[1].imageStatus: expected ACTIVE, ARCHIVED, ACTIVATING (ECR's image statuses), got ${JSON.stringify(status)}`,
      );
    },
  );

  it('finds a digest listed twice among 50,000 that share all but their last characters', () => {
    const details = Array.from({ length: 50_000 }, (_, n) => imageDetail(n));
    expect(readImageDetails(describeImagesOutput(...details)).images).toHaveLength(50_000);
    details.push({ ...(details[31_337] as Record<string, unknown>) });
    expect(() => readImageDetails(describeImagesOutput(...details))).toThrow(
      'imageDetails[50000].imageDigest: sha256:',
    );
    expect(() => readImageDetails(describeImagesOutput(...details))).toThrow('(also imageDetails[31337])');
  });

  it('refuses a digest listed twice, naming it and both entries', () => {
    const twice = imageDetail(1);
    const document = describeImagesOutput(imageDetail(0), twice, imageDetail(2), {
      ...twice,
      imageTags: ['again'],
    });

    const act = () => readImageDetails(document);

    expect(act).toThrow(ImageDetailsError);
    expect(act).toThrow(
      `imageDetails[3].imageDigest: ${twice.imageDigest} is listed twice (also imageDetails[1])`,
    );
  });

  it.each(['NextToken', 'nextToken'])(
    'refuses a listing with a %s, which is one page of the repository',
    (key) => {
      const document = { imageDetails: [imageDetail(0)], [key]: 'eyJOZXh0VG9rZW4iOiBudWxsfQ==' };

      const act = () => readImageDetails(document);

      expect(act).toThrow(ImageDetailsError);
      expect(act).toThrow(`has a ${key}: it is one page of a longer listing, not the whole repository`);
      expect(act).toThrow(/without --max-items/);
    },
  );
});

describe('index manifests', () => {
  const CHILD_AMD64 = `sha256:${'a'.repeat(64)}`;
  const CHILD_ARM64 = `sha256:${'b'.repeat(64)}`;

  function indexManifest(mediaType: string | undefined, childMediaType: string): string {
    return JSON.stringify({
      schemaVersion: 2,
      ...(mediaType === undefined ? {} : { mediaType }),
      manifests: [
        {
          mediaType: childMediaType,
          digest: CHILD_AMD64,
          size: 1000,
          platform: { architecture: 'amd64', os: 'linux' },
        },
        {
          mediaType: childMediaType,
          digest: CHILD_ARM64,
          size: 1000,
          platform: { architecture: 'arm64', os: 'linux' },
        },
      ],
    });
  }

  it('lists the children of an OCI image index', () => {
    const manifest = indexManifest(
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
    );

    const children = indexChildren(manifest);

    expect(children).toEqual([CHILD_AMD64, CHILD_ARM64]);
  });

  it('lists the children of a Docker manifest list', () => {
    const manifest = indexManifest(
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    );

    const children = indexChildren(manifest);

    expect(children).toEqual([CHILD_AMD64, CHILD_ARM64]);
  });

  it('lists the children of an OCI index that omits mediaType, which OCI allows', () => {
    const manifest = indexManifest(undefined, 'application/vnd.oci.image.manifest.v1+json');

    const children = indexChildren(manifest);

    expect(children).toEqual([CHILD_AMD64, CHILD_ARM64]);
  });

  it.each([
    ['an OCI image manifest', 'application/vnd.oci.image.manifest.v1+json'],
    ['a Docker image manifest', 'application/vnd.docker.distribution.manifest.v2+json'],
  ])('gives no children for %s (a single-architecture image)', (_what, mediaType) => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: CHILD_AMD64, size: 700 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: CHILD_ARM64, size: 9000 }],
    });

    const children = indexChildren(manifest);

    expect(children).toEqual([]);
  });

  it('rejects a manifest that is not valid JSON with a ManifestError naming its digest', () => {
    const manifest = '{"schemaVersion": 2, "manifests": [';

    const act = () => indexChildren(manifest, 'sha256:broken');

    expect(act).toThrow(ManifestError);
    expect(act).toThrow(/^sha256:broken: manifest is not valid JSON/);
  });

  it('rejects a manifest that is JSON but not an object', () => {
    const act = () => indexChildren('null', 'sha256:null');

    expect(act).toThrow(ManifestError);
  });

  it('collects the children of every index of a repository, ignoring single-architecture manifests', () => {
    const manifests = new Map([
      [
        'sha256:index',
        indexManifest(
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.oci.image.manifest.v1+json',
        ),
      ],
      [
        'sha256:single',
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          layers: [],
        }),
      ],
    ]);

    const referenced = referencedByIndexes(manifests);

    expect([...referenced].sort()).toEqual([CHILD_AMD64, CHILD_ARM64]);
  });
});
