// The preview JSON that `lifecycle preview --output json` prints, written incrementally, against a
// reference serializer kept here: JSON.stringify of each GetLifecyclePolicyPreview result, one
// result per line, in the layout the CLI has always printed. Byte for byte, on hostile tags
// (quotes, backslashes, control characters, non-ASCII, lone surrogates), archive and transition
// actions, ISO and epoch-second timestamps, and chunk boundaries anywhere.
import fc from 'fast-check';
import { type ImageRecord, readImageDetails } from '../../../shared/inventory/image-details';
import {
  evaluateLifecyclePolicy,
  type LifecycleAction,
  type LifecycleEvaluation,
  type LifecycleImage,
  parseLifecyclePolicy,
} from '../../../shared/lifecycle';
import { type PushedAtFormat, writePolicyPreviewJson } from '../../../shared/lifecycle/preview';
import { archiveUnpulledRule, expireArchivedRule } from '../../support/lifecycle-policies';

const RUNS = { seed: 20_261_204, numRuns: 300 };

/** What the CLI has always printed, built the obvious way. */
function referencePreviewJson(evaluation: LifecycleEvaluation, pushedAtOf: PushedAtFormat): string {
  let expiring = 0;
  const lines = evaluation.actions.map(({ image, rulePriority, type }) => {
    if (type === 'expire') expiring++;
    const result = {
      imageDigest: image.imageDigest,
      imageTags: image.imageTags,
      imagePushedAt: pushedAtOf(image),
      action: type === 'expire' ? { type: 'EXPIRE' } : { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
      appliedRulePriority: rulePriority,
      storageClass: image.storageClass === 'archive' ? 'ARCHIVE' : 'STANDARD',
    };
    return `    ${JSON.stringify(result)}`;
  });
  const transitioning = lines.length - expiring;
  const summary = {
    expiringImageTotalCount: expiring,
    ...(transitioning > 0
      ? { transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning }] }
      : {}),
  };
  const results = lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n  ]`;
  const summaryJson = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
  return `{\n  "status": "COMPLETE",\n  "previewResults": ${results},\n  "summary": ${summaryJson}\n}\n`;
}

/** Everything the writer hands its sink, as bytes, and the chunks one by one. */
function writtenBytes(
  evaluation: LifecycleEvaluation,
  pushedAtOf: PushedAtFormat,
  chunkBytes?: number,
): { bytes: Buffer; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  const sink = (chunk: Uint8Array) => {
    // Kept as handed over, not copied: a writer that reused a chunk would corrupt earlier output.
    chunks.push(chunk);
  };
  writePolicyPreviewJson(
    evaluation,
    sink,
    chunkBytes === undefined ? { pushedAtOf } : { pushedAtOf, chunkBytes },
  );
  return { bytes: Buffer.concat(chunks), chunks };
}

// Any UTF-16 code unit: control characters, quotes, backslashes, non-ASCII and lone surrogates.
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const hostileText = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    'release "v1"',
    'C:\\builds\\1',
    'tab\there',
    'nul\u0000',
    '\u007f',
    'café',
    '镜像',
    '🐳',
    '\ud800',
    'x\udfff',
  ),
);
const plainTag = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
const digest = fc.oneof(
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((bytes) => `sha256:${Buffer.from(bytes).toString('hex')}`),
  hostileText,
);
const isoTimestamp = fc
  .integer({ min: 0, max: 4_102_444_800_000 })
  .chain((ms) =>
    fc.constantFrom(
      new Date(ms).toISOString(),
      new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      new Date(ms).toISOString().replace(/Z$/, '123+00:00'),
    ),
  );
const epochSeconds = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800 }),
  fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => ms / 1000),
  fc.double({ min: 0, max: 4e9, noNaN: true }),
);
// The CLI echoes what describe-images printed; the writer must print any string or number faithfully.
const echoedPushedAt = fc.oneof(isoTimestamp, epochSeconds, hostileText);

const action: fc.Arbitrary<{ action: LifecycleAction; pushedAt: string | number }> = fc
  .record({
    imageDigest: digest,
    imageTags: fc.array(fc.oneof(plainTag, hostileText), { maxLength: 4 }),
    pushedAt: echoedPushedAt,
    storageClass: fc.constantFrom('standard' as const, 'archive' as const),
    rulePriority: fc.oneof(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 2 ** 31 - 1 })),
    type: fc.constantFrom('expire' as const, 'transition' as const),
  })
  .map(({ imageDigest, imageTags, pushedAt, storageClass, rulePriority, type }) => {
    const image: LifecycleImage = { imageDigest, imageTags, pushedAt: 0, storageClass };
    // imageIndex is set by evaluationOf, which decides the listing's order.
    return { action: { image, imageIndex: -1, rulePriority, type }, pushedAt };
  });

/**
 * An evaluation of the generated actions, and a pushedAtOf that echoes each image's own timestamp.
 * `listing[k]`: where action k's image is in the listing, as the engine reports it (imageIndex);
 * by default the preview's order. The writer encodes the results in the listing's order and copies
 * them out in the preview's; an index that is missing or taken twice makes it encode them directly.
 */
function evaluationOf(
  entries: { action: LifecycleAction; pushedAt: string | number }[],
  listing: readonly number[] = entries.map((_, k) => k),
): { evaluation: LifecycleEvaluation; pushedAtOf: PushedAtFormat } {
  const pushedAt = new Map(entries.map((entry) => [entry.action.image, entry.pushedAt]));
  const actions = entries.map((entry, k) => ({ ...entry.action, imageIndex: listing[k] as number }));
  return {
    evaluation: { actions, held: [] },
    pushedAtOf: (image) => pushedAt.get(image) as string | number,
  };
}

/** Actions, and the listing's order of their images: a permutation with gaps (images kept). */
const actionsInAListing = fc.array(action, { maxLength: 30 }).chain((entries) =>
  fc.tuple(
    fc.constant(entries),
    fc
      .shuffledSubarray(
        Array.from({ length: entries.length * 2 }, (_, i) => i),
        { minLength: entries.length, maxLength: entries.length },
      )
      .chain((indexes) =>
        fc.shuffledSubarray(indexes, { minLength: indexes.length, maxLength: indexes.length }),
      ),
  ),
);

describe('writePolicyPreviewJson', () => {
  it('writes byte for byte what JSON.stringify of each result gives, on hostile tags, digests and timestamps', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 30 }), (entries) => {
        const { evaluation, pushedAtOf } = evaluationOf(entries);
        const { bytes } = writtenBytes(evaluation, pushedAtOf);
        expect(bytes.toString('utf8')).toBe(referencePreviewJson(evaluation, pushedAtOf));
        expect(bytes.equals(Buffer.from(referencePreviewJson(evaluation, pushedAtOf), 'utf8'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('writes the same bytes whatever the listing order of the images (imageIndex) the results are encoded in', () => {
    fc.assert(
      fc.property(actionsInAListing, ([entries, listing]) => {
        const { evaluation, pushedAtOf } = evaluationOf(entries, listing);
        const { bytes } = writtenBytes(evaluation, pushedAtOf);
        expect(bytes.equals(Buffer.from(referencePreviewJson(evaluation, pushedAtOf), 'utf8'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('writes the same bytes when imageIndex is missing or shared, by encoding in the preview order', () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 2, maxLength: 12 }),
        fc.constantFrom<number | 'shared'>(-1, Number.NaN, 'shared'),
        (entries, broken) => {
          const listing = entries.map((_, k): number => (k !== 1 ? k : broken === 'shared' ? 0 : broken));
          const { evaluation, pushedAtOf } = evaluationOf(entries, listing);
          const { bytes } = writtenBytes(evaluation, pushedAtOf);
          expect(bytes.equals(Buffer.from(referencePreviewJson(evaluation, pushedAtOf), 'utf8'))).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('writes the same bytes whatever the chunk size, strings longer than a chunk included', () => {
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 8 }),
        fc.integer({ min: 1, max: 96 }),
        (entries, chunkBytes) => {
          const { evaluation, pushedAtOf } = evaluationOf(entries);
          const { bytes, chunks } = writtenBytes(evaluation, pushedAtOf, chunkBytes);
          expect(bytes.equals(Buffer.from(referencePreviewJson(evaluation, pushedAtOf), 'utf8'))).toBe(true);
          for (const chunk of chunks) expect(chunk.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('writes an empty preview as an empty list and a summary without transitions', () => {
    const { evaluation, pushedAtOf } = evaluationOf([]);
    const text = writtenBytes(evaluation, pushedAtOf).bytes.toString('utf8');
    expect(text).toBe(referencePreviewJson(evaluation, pushedAtOf));
    expect(JSON.parse(text)).toEqual({
      status: 'COMPLETE',
      previewResults: [],
      summary: { expiringImageTotalCount: 0 },
    });
  });

  it('prints ISO timestamps from push times when no echo is given', () => {
    const image: LifecycleImage = {
      imageDigest: `sha256:${'a'.repeat(64)}`,
      imageTags: ['v1'],
      pushedAt: Date.parse('2026-03-01T12:00:00Z'),
      storageClass: 'standard',
    };
    const chunks: Uint8Array[] = [];
    writePolicyPreviewJson(
      { actions: [{ image, imageIndex: 0, rulePriority: 1, type: 'expire' }], held: [] },
      (chunk) => {
        chunks.push(chunk);
      },
    );
    const preview = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(preview.previewResults[0].imagePushedAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('writes the same bytes across a megabyte chunk boundary, one result per line', () => {
    const entries = Array.from({ length: 12_000 }, (_, i) => ({
      action: {
        image: {
          imageDigest: `sha256:${i.toString(16).padStart(64, '0')}`,
          imageTags: i % 3 === 0 ? [] : [`build-${i}`, `héllo-${i}`],
          pushedAt: 0,
          storageClass: i % 5 === 0 ? ('archive' as const) : ('standard' as const),
        },
        imageIndex: -1,
        rulePriority: (i % 4) + 1,
        type: i % 7 === 0 ? ('transition' as const) : ('expire' as const),
      },
      pushedAt: i % 2 === 0 ? `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}+00:00` : 1_735_689_600 + i,
    }));
    // Listed in another order than the preview's: every seventh image, then the others.
    const listing = entries.map((_, k) => (k % 7) * 12_000 + k);
    const { evaluation, pushedAtOf } = evaluationOf(entries, listing);
    const { bytes, chunks } = writtenBytes(evaluation, pushedAtOf);
    const reference = referencePreviewJson(evaluation, pushedAtOf);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    expect(chunks.length).toBeGreaterThan(1);
    expect(bytes.equals(Buffer.from(reference, 'utf8'))).toBe(true);
    expect(reference.split('\n').filter((line) => line.startsWith('    {"imageDigest"'))).toHaveLength(
      12_000,
    );
  });

  // The path the CLI takes: a describe-images listing read, evaluated by the engine (whose
  // imageIndex gives the listing's order) and echoed, against the reference serializer.
  it('writes what the reference serializer writes for an evaluated listing: every action, storage class and tag kind', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            selection: {
              tagStatus: 'tagged',
              tagPatternList: ['v*'],
              countType: 'imageCountMoreThan',
              countNumber: 2,
            },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            selection: {
              tagStatus: 'untagged',
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: 1,
            },
            action: { type: 'expire' },
          },
          archiveUnpulledRule(3, 30),
          expireArchivedRule(4, 90),
        ],
      }),
    );
    if (!policy.ok) throw new Error(`the test policy is invalid: ${JSON.stringify(policy.violations)}`);
    const now = Date.parse('2026-11-01T00:00:00Z');
    const detail = fc.record({
      tags: fc.array(fc.oneof(fc.constantFrom('v1', 'v2.0', 'vé', 'v🐳', 'v"q"', 'v\\x'), hostileText), {
        maxLength: 3,
      }),
      pushedDaysAgo: fc.integer({ min: 0, max: 400 }),
      pulledDaysAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      archivedDaysAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      epochSeconds: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(detail, { maxLength: 40 }), (entries) => {
        const imageDetails = entries.map((entry, n) => {
          const at = (daysAgo: number) =>
            entry.epochSeconds
              ? (now - daysAgo * 86_400_000) / 1000
              : new Date(now - daysAgo * 86_400_000).toISOString().replace('.000Z', '+00:00');
          return {
            imageDigest: `sha256:${n.toString(16).padStart(64, '0')}`,
            ...(entry.tags.length > 0 ? { imageTags: entry.tags } : {}),
            imagePushedAt: at(entry.pushedDaysAgo + (entry.archivedDaysAgo ?? 0)),
            ...(entry.pulledDaysAgo === undefined ? {} : { lastRecordedPullTime: at(entry.pulledDaysAgo) }),
            ...(entry.archivedDaysAgo === undefined
              ? { imageStatus: 'ACTIVE' }
              : { imageStatus: 'ARCHIVED', lastArchivedAt: at(entry.archivedDaysAgo) }),
          };
        });
        const { images } = readImageDetails({ imageDetails });
        const evaluation = evaluateLifecyclePolicy(policy.policy, images, { now });
        const pushedAtOf: PushedAtFormat = (image) =>
          (image as ImageRecord).detail.imagePushedAt as string | number;
        const { bytes } = writtenBytes(evaluation, pushedAtOf);
        expect(bytes.equals(Buffer.from(referencePreviewJson(evaluation, pushedAtOf), 'utf8'))).toBe(true);
      }),
      RUNS,
    );
  });
});
