// The columnar preview (what `lifecycle preview --output json` runs: writeListingPreviewJson, that is
// readImageColumns, evaluateLifecycleColumns, writeColumnarPreviewJson) against the general engine (readImageDetails,
// evaluateLifecyclePolicy, writePolicyPreviewJson, as the CLI ran it before), byte for byte, on
// random describe-images listings and random valid policies of every rule kind: tagStatus tagged
// (tagPrefixList, tagPatternList), untagged and any; imageCountMoreThan, sinceImagePushed,
// sinceImagePulled, sinceImageTransitioned; archive rules; ecr-warden's sinceImagePulled-with-expire
// extension; images held by manifest lists; restored, archived and restoring images; equal push
// times; hostile strings (which take the writer's escaping path); any chunk size. And on the
// bench's seeded listing, with the bench's policies. Invalid listings fail with the same message.
import fc from 'fast-check';
import { BENCH_NOW, BENCH_POLICY, generateImageDetails, STEADY_STATE_POLICY } from '../../../bench/generate';
import { readImageColumns } from '../../../shared/inventory/image-columns';
import { type ImageRecord, readImageDetails } from '../../../shared/inventory/image-details';
import { writeListingPreviewJson } from '../../../shared/inventory/listing-preview';
import {
  evaluateLifecyclePolicy,
  type LifecyclePolicy,
  parseLifecyclePolicy,
} from '../../../shared/lifecycle';
import { writePolicyPreviewJson } from '../../../shared/lifecycle/preview';
import { lifecyclePolicyArbitrary, POLICY_TAGS } from '../../support/lifecycle-policy-arbitraries';

const RUNS = { seed: 20_261_204, numRuns: 600 };
const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');

interface Inputs {
  document: unknown;
  now: number;
  indexChildren?: ReadonlyMap<string, readonly string[]>;
  chunkBytes?: number;
}

function concatenated(chunks: Uint8Array[]): Buffer {
  for (const chunk of chunks) expect(chunk.length).toBeGreaterThan(0);
  return Buffer.concat(chunks);
}

/** What the CLI printed before the columnar engine: the general engine and writer. */
function generalPreview(
  { document, now, indexChildren, chunkBytes }: Inputs,
  policy: LifecyclePolicy,
): Buffer {
  const { images } = readImageDetails(document);
  const evaluation = evaluateLifecyclePolicy(
    policy,
    images,
    indexChildren ? { now, indexChildren } : { now },
  );
  const chunks: Uint8Array[] = [];
  writePolicyPreviewJson(evaluation, (chunk) => chunks.push(chunk), {
    pushedAtOf: (image) => (image as ImageRecord).detail.imagePushedAt as string | number,
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
  });
  return concatenated(chunks);
}

/** The CLI's path: tag filters tested and strings measured as the listing is read, unless `whileReading` is false. */
function columnarPreview(
  { document, now, indexChildren, chunkBytes }: Inputs,
  policy: LifecyclePolicy,
  whileReading = true,
): Buffer {
  const chunks: Uint8Array[] = [];
  writeListingPreviewJson(
    document,
    policy,
    {
      now,
      whileReading,
      ...(indexChildren === undefined ? {} : { indexChildren }),
      ...(chunkBytes === undefined ? {} : { chunkBytes }),
    },
    (chunk) => chunks.push(chunk),
  );
  return concatenated(chunks);
}

// ---- listings ---------------------------------------------------------------------------------

// Any UTF-16 code unit: control characters, quotes, backslashes, non-ASCII and lone surrogates.
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const hostileText = fc.oneof(
  fc.string({ unit: anyCodeUnit, minLength: 1, maxLength: 8 }),
  fc.constantFrom('a"q"', 'a\\b', 'tab\there', 'nul\u0000', 'café', '镜像', '🐳', '\ud800', 'a1\u007f'),
);
// The policies' own alphabet, so that rules match and overlap; in a third of the listings, also
// strings to escape (one in a listing makes the writer give up its layout: both paths are taken).
const plainTag = fc.constantFrom(...POLICY_TAGS);
const anyTag = fc.oneof({ arbitrary: plainTag, weight: 8 }, { arbitrary: hostileText, weight: 1 });

// Days ago within an hour and a half of a whole day (rules count in days), from a small set of
// values so that push times often tie (the order then falls back to the digest).
const minutesAgo = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(3, 10, 45, 100)),
    fc.constantFrom(-90, -1, 0, 1, 90),
  )
  .map(([days, minutes]) => Math.max(0, days * 24 * 60 + minutes));

type TimestampStyle = 'iso-offset' | 'iso-z' | 'iso-fraction' | 'epoch-seconds' | 'epoch-fraction';
function timestamp(ms: number, style: TimestampStyle): string | number {
  const iso = new Date(ms).toISOString();
  switch (style) {
    case 'iso-offset':
      return iso.replace(/\.\d{3}Z$/, '+00:00');
    case 'iso-z':
      return iso;
    case 'iso-fraction':
      return iso.replace(/Z$/, '456+00:00');
    case 'epoch-seconds':
      return Math.floor(ms / 1000);
    case 'epoch-fraction':
      return ms / 1000;
  }
}

const entrySpec = (hostile: boolean) =>
  fc.record({
    tags: fc.option(fc.array(hostile ? anyTag : plainTag, { maxLength: 3 }), { nil: undefined, freq: 4 }),
    hostileDigest: hostile ? fc.option(hostileText, { nil: undefined, freq: 12 }) : fc.constant(undefined),
    status: fc.constantFrom(undefined, 'ACTIVE', 'ACTIVE', 'ARCHIVED', 'ARCHIVED', 'ACTIVATING'),
    pushedMinutesAgo: minutesAgo,
    pulledMinutesAgo: fc.option(minutesAgo, { nil: undefined }),
    archivedMinutesAgo: fc.option(minutesAgo, { nil: undefined, freq: 6 }),
    activatedMinutesAgo: fc.option(minutesAgo, { nil: undefined, freq: 4 }),
    style: fc.constantFrom<TimestampStyle>(
      'iso-offset',
      'iso-z',
      'iso-fraction',
      'epoch-seconds',
      'epoch-fraction',
    ),
  });

/** A describe-images listing (each digest once) and the manifest lists that hold some of its images. */
const listing = fc
  .tuple(
    fc
      .oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 })
      .chain((hostile) => fc.array(entrySpec(hostile), { maxLength: 40, size: 'max' })),
    fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { maxLength: 3 })), { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([specs, indexes, withChildren]) => {
    const digestOf = (n: number, hostile?: string) =>
      hostile === undefined ? `sha256:${n.toString(16).padStart(64, '0')}` : `${hostile}#${n}`;
    const imageDetails = specs.map((spec, n) => {
      // Later than the push: capped at the push's age.
      const at = (minutes: number) =>
        timestamp(NOW - Math.min(minutes, spec.pushedMinutesAgo) * 60_000, spec.style);
      return {
        registryId: '123456789012',
        repositoryName: 'app',
        imageDigest: digestOf(n, spec.hostileDigest),
        ...(spec.tags === undefined ? {} : { imageTags: spec.tags }),
        imageSizeInBytes: 1000 + n,
        imagePushedAt: timestamp(NOW - spec.pushedMinutesAgo * 60_000, spec.style),
        ...(spec.pulledMinutesAgo === undefined ? {} : { lastRecordedPullTime: at(spec.pulledMinutesAgo) }),
        ...(spec.status === undefined ? {} : { imageStatus: spec.status }),
        ...(spec.status !== 'ARCHIVED' || spec.archivedMinutesAgo === undefined
          ? {}
          : { lastArchivedAt: at(spec.archivedMinutesAgo) }),
        ...(spec.activatedMinutesAgo === undefined ? {} : { lastActivatedAt: at(spec.activatedMinutesAgo) }),
      };
    });
    // Indexes and children by position in the listing; a position past its end names no listed image.
    const digestAt = (n: number) =>
      n < imageDetails.length ? (imageDetails[n]?.imageDigest as string) : digestOf(n + 1000);
    const indexChildren = new Map(
      indexes.map(([index, children]) => [digestAt(index % (specs.length + 2)), children.map(digestAt)]),
    );
    return { document: { imageDetails }, ...(withChildren ? { indexChildren } : {}) };
  });

const chunkBytes = fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined, freq: 2 });

function parsed(policy: LifecyclePolicy, expireSincePulled: boolean): LifecyclePolicy {
  const result = parseLifecyclePolicy(structuredClone(policy), { allowExpireSincePulled: expireSincePulled });
  if (!result.ok) throw new Error(`generated an invalid policy: ${JSON.stringify(result.violations)}`);
  return result.policy;
}

describe('the columnar preview', () => {
  it.each([
    ['ECR policies', false],
    ["policies with ecr-warden's sinceImagePulled-expire extension", true],
  ])('writes the bytes the general engine writes, on random listings and %s', (_, expireSincePulled) => {
    fc.assert(
      fc.property(
        lifecyclePolicyArbitrary({ expireSincePulled }),
        listing,
        chunkBytes,
        fc.integer({ min: -2, max: 2 }),
        fc.boolean(),
        (generated, { document, indexChildren }, chunk, nowShift, whileReading) => {
          const policy = parsed(generated, expireSincePulled);
          const inputs: Inputs = {
            document,
            now: NOW + nowShift * 60_000,
            ...(indexChildren === undefined ? {} : { indexChildren }),
            ...(chunk === undefined ? {} : { chunkBytes: chunk }),
          };

          const columnar = columnarPreview(inputs, policy, whileReading);

          const general = generalPreview(inputs, policy);
          expect(columnar.toString('utf8')).toBe(general.toString('utf8'));
          expect(columnar.equals(general)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('acts on images, with and without strings to escape, and ties push times in a good share of generated cases (the premises of the comparison above)', () => {
    let acted = 0;
    let escaped = 0;
    let laidOut = 0;
    let tied = 0;
    fc.assert(
      fc.property(lifecyclePolicyArbitrary(), listing, (generated, { document }) => {
        const preview = JSON.parse(
          columnarPreview({ document, now: NOW }, parsed(generated, false)).toString(),
        );
        if (preview.previewResults.length > 0) acted++;
        if (/[^\x20-\x7e]|\\/.test(JSON.stringify(preview.previewResults))) escaped++;
        else if (preview.previewResults.length > 0) laidOut++;
        const pushed = preview.previewResults.map(({ imagePushedAt }: { imagePushedAt: string | number }) =>
          Math.floor(typeof imagePushedAt === 'number' ? imagePushedAt : Date.parse(imagePushedAt) / 1000),
        );
        if (new Set(pushed).size < pushed.length) tied++;
      }),
      { ...RUNS, numRuns: 300 },
    );
    expect(acted).toBeGreaterThan(90);
    expect(escaped).toBeGreaterThan(10);
    expect(laidOut).toBeGreaterThan(60);
    expect(tied).toBeGreaterThan(20);
  });

  it.each([
    ['first cleanup', BENCH_POLICY],
    ['daily run', STEADY_STATE_POLICY],
  ])("writes the general engine's bytes on the bench's seeded 3,000-image listing, %s", (_, benchPolicy) => {
    const policy = parsed(benchPolicy as LifecyclePolicy, false);
    const inputs: Inputs = {
      document: JSON.parse(JSON.stringify(generateImageDetails(3000))),
      now: Date.parse(BENCH_NOW),
    };

    const columnar = columnarPreview(inputs, policy);

    expect(JSON.parse(columnar.toString()).previewResults.length).toBeGreaterThan(50);
    expect(columnar.equals(generalPreview(inputs, policy))).toBe(true);
  });

  it('refuses an invalid listing with the message readImageDetails gives, at the same entry', () => {
    const corruptions: [string, (entry: Record<string, unknown>) => void][] = [
      ['a bad push time', (entry) => (entry.imagePushedAt = '2026-02-30T00:00:00Z')],
      ['a bad pull time', (entry) => (entry.lastRecordedPullTime = 'yesterday')],
      ['a bad archive time', (entry) => (entry.lastArchivedAt = -5)],
      ['a bad restore time', (entry) => (entry.lastActivatedAt = {})],
      ['no digest', (entry) => delete entry.imageDigest],
      ['an unknown status', (entry) => (entry.imageStatus = 'DELETED')],
      ['tags that are no strings', (entry) => (entry.imageTags = [1])],
      ['a duplicate digest', (entry) => (entry.imageDigest = `sha256:${'0'.repeat(64)}`)],
    ];
    fc.assert(
      fc.property(listing, fc.nat(), fc.nat({ max: corruptions.length - 1 }), ({ document }, at, which) => {
        const details = (document as { imageDetails: Record<string, unknown>[] }).imageDetails;
        fc.pre(details.length > 1);
        const [, corrupt] = corruptions[which] as [string, (entry: Record<string, unknown>) => void];
        const entry = details[1 + (at % (details.length - 1))] as Record<string, unknown>;
        // An image being restored is left out before its times are read, by both readers.
        entry.imageStatus = 'ACTIVE';
        corrupt(entry);
        details[0] = { ...details[0], imageDigest: `sha256:${'0'.repeat(64)}`, imageStatus: 'ACTIVE' };

        const general = messageOf(() => readImageDetails(document));

        expect(general).toMatch(/^imageDetails\[\d+\]/);
        expect(messageOf(() => readImageColumns(document))).toBe(general);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('refuses what is no listing, and a partial one, as readImageDetails does', () => {
    for (const document of [
      null,
      [],
      { imageDetails: {} },
      { imageDetails: [], nextToken: 'x' },
      { images: [] },
    ]) {
      expect(messageOf(() => readImageColumns(document))).toBe(messageOf(() => readImageDetails(document)));
    }
  });

  it('gives an empty preview for a listing of only images being restored', () => {
    const document = {
      imageDetails: [
        { imageDigest: 'sha256:1', imagePushedAt: '2020-01-01T00:00:00Z', imageStatus: 'ACTIVATING' },
      ],
    };
    const policy = parsed(
      {
        rules: [
          {
            rulePriority: 1,
            selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
            action: { type: 'expire' },
          },
        ],
      },
      false,
    );
    const inputs = { document, now: NOW + 400 * DAY_MS };

    expect(readImageColumns(document).activating).toBe(1);
    expect(columnarPreview(inputs, policy).toString()).toBe(generalPreview(inputs, policy).toString());
  });
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
