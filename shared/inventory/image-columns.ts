import type { ImageColumns } from '../lifecycle/image-columns';
import { forEachListedImage, timestampOf } from './image-details';

/** A describe-images listing as columns, with what the preview echoes of each image. */
export interface ListedImageColumns {
  images: ImageColumns;
  /** Each image's imagePushedAt as the listing printed it (ISO 8601 text or epoch seconds). */
  pushedAtAsListed: (string | number)[];
  /** Images being restored from archive: left out, as readImageDetails leaves them out. */
  activating: number;
  /** With `matchTags`: what it gave for each image's tags. */
  tagMatches?: Int32Array;
  /** With `measureText`: what it gave for each image's digest, tags and imagePushedAt as listed. */
  textLengths?: Int32Array;
}

export interface ImageColumnOptions {
  /** Tag filters to test while each image's tags are in the cache (compileTagFilterSet). */
  matchTags?: (tags: readonly string[]) => number;
  /** A size to take of each image's strings while they are in the cache (columnar-preview.ts). */
  measureText?: (digest: string, tags: readonly string[], pushedAt: string | number) => number;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * readImageDetails's reading (the same checks, the same errors at the same entry, the same images
 * left out) into columns instead of one ImageRecord per image. The entries stay as JSON.parse made
 * them: the columns hold references to their strings and tag lists, and numbers.
 */
export function readImageColumns(
  document: unknown,
  { matchTags, measureText }: ImageColumnOptions = {},
): ListedImageColumns {
  const total = listedCount(document);
  // Sized once: grown by push, the three arrays were copied a dozen times each on 100,000 images.
  const digests = new Array<string>(total);
  const tags = new Array<readonly string[]>(total);
  const pushedAtAsListed = new Array<string | number>(total);
  const pushedAt = new Float64Array(total);
  const lastPulledAt = new Float64Array(total);
  const archivedAt = new Float64Array(total);
  const activatedAt = new Float64Array(total);
  const archived = new Uint8Array(total);
  const tagMatches = matchTags === undefined ? undefined : new Int32Array(total);
  const textLengths = measureText === undefined ? undefined : new Int32Array(total);
  let count = 0;
  const activating = forEachListedImage(document, (detail, entry) => {
    const { lastRecordedPullTime, lastArchivedAt, lastActivatedAt } = detail;
    const digest = detail.imageDigest;
    digests[count] = digest;
    const imageTags = detail.imageTags ?? NO_TAGS;
    tags[count] = imageTags;
    // While the tags are in the cache: each tagged rule reading them again later cost more.
    if (tagMatches !== undefined)
      tagMatches[count] = (matchTags as (tags: readonly string[]) => number)(imageTags);
    // A Date comes only from the SDK, never from JSON; echoed as ISO text as the general path does.
    const listed = detail.imagePushedAt;
    const echoed = listed instanceof Date ? listed.toISOString() : listed;
    pushedAtAsListed[count] = echoed;
    if (textLengths !== undefined) {
      textLengths[count] = (measureText as NonNullable<ImageColumnOptions['measureText']>)(
        digest,
        imageTags,
        echoed,
      );
    }
    pushedAt[count] = timestampOf(listed, entry, 'imagePushedAt');
    lastPulledAt[count] =
      lastRecordedPullTime === undefined
        ? Number.NaN
        : timestampOf(lastRecordedPullTime, entry, 'lastRecordedPullTime');
    archivedAt[count] =
      lastArchivedAt === undefined ? Number.NaN : timestampOf(lastArchivedAt, entry, 'lastArchivedAt');
    activatedAt[count] =
      lastActivatedAt === undefined ? Number.NaN : timestampOf(lastActivatedAt, entry, 'lastActivatedAt');
    archived[count] = detail.imageStatus === 'ARCHIVED' ? 1 : 0;
    count++;
  });
  if (count < total) {
    digests.length = count;
    tags.length = count;
    pushedAtAsListed.length = count;
  }
  return {
    images: {
      count,
      digests,
      tags,
      pushedAt: pushedAt.subarray(0, count),
      lastPulledAt: lastPulledAt.subarray(0, count),
      archivedAt: archivedAt.subarray(0, count),
      activatedAt: activatedAt.subarray(0, count),
      archived: archived.subarray(0, count),
    },
    pushedAtAsListed,
    activating,
    ...(tagMatches === undefined ? {} : { tagMatches: tagMatches.subarray(0, count) }),
    ...(textLengths === undefined ? {} : { textLengths: textLengths.subarray(0, count) }),
  };
}

/** The length of `imageDetails`, 0 when there is none (forEachListedImage then says what is wrong). */
function listedCount(document: unknown): number {
  const details = (document as { imageDetails?: unknown } | null)?.imageDetails;
  return Array.isArray(details) ? details.length : 0;
}
