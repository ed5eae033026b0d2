import type { ColumnarEvaluation } from './columnar-evaluate';
import type { ImageColumns } from './image-columns';
import { type ByteSink, JsonByteWriter } from './json-byte-writer';
import type { LifecycleRule } from './policy';
import { PREVIEW_HEAD, previewEnd, RESULT_TEXT, writePreviewResult } from './preview';

const CHUNK_BYTES = 1 << 20;

/**
 * The preview of a columnar evaluation as JSON: the bytes writePolicyPreviewJson writes for the
 * general engine's evaluation of the same images (test/unit/lifecycle/columnar-engine.test.ts),
 * handed to `sink` in chunks of `chunkBytes`. `pushedAtAsListed[i]`: image i's imagePushedAt as the
 * listing printed it, echoed.
 *
 * When every string is printable ASCII with nothing to escape (digests, AWS CLI timestamps, the tags
 * nearly everyone uses), each result's size is known from the strings' lengths alone: the results are
 * laid out first (where each one starts in the output) and then written in the listing's order,
 * each at its place. Reading the images' strings in the listing's order reads them in the order
 * JSON.parse allocated them, so in memory order; read in the preview's order (by rule, oldest first)
 * they were cache misses, and staging the results in one order to copy them out in the other cost
 * as much as writing them. A string with anything to escape gives up that layout, before any byte
 * reaches the sink, and the results are then written one after the other in the preview's order by
 * the general writer's escaping (JsonByteWriter).
 */
export function writeColumnarPreviewJson(
  evaluation: ColumnarEvaluation,
  listing: PreviewListing,
  sink: ByteSink,
  chunkBytes = CHUNK_BYTES,
): void {
  const laidOut = layOutPreview(evaluation, listing);
  if (laidOut === undefined) {
    writeInPreviewOrder(evaluation, listing.images, listing.pushedAtAsListed, sink, chunkBytes);
    return;
  }
  for (let at = 0; at < laidOut.length; at += chunkBytes) {
    sink(laidOut.subarray(at, Math.min(laidOut.length, at + chunkBytes)));
  }
}

/** The images a preview is about, and what it echoes of them. */
export interface PreviewListing {
  images: ImageColumns;
  /** `pushedAtAsListed[i]`: image i's imagePushedAt as the listing printed it. */
  pushedAtAsListed: readonly (string | number)[];
  /** `textLengths[i]`: measureResultText of image i, taken as the listing was read; else measured here. */
  textLengths?: Int32Array;
}

/**
 * How many characters an image's digest, tags and imagePushedAt take in its preview result, quotes
 * and commas included, when none needs escaping: with the constant parts, its result's size in the
 * laid-out preview. Taken as the listing is read, while the strings are in the cache.
 */
export function measureResultText(
  digest: string,
  tags: readonly string[],
  pushedAt: string | number,
): number {
  let length = digest.length;
  for (let t = 0; t < tags.length; t++) length += (tags[t] as string).length + QUOTES_AND_COMMA;
  if (tags.length > 0) length--;
  return length + (typeof pushedAt === 'string' ? pushedAt.length + 2 : JSON.stringify(pushedAt).length);
}

/** How many results expire: the summary's count. */
function countExpiring({ rules, rule }: ColumnarEvaluation): number {
  let expiring = 0;
  for (let k = 0; k < rule.length; k++) {
    if ((rules[rule[k] as number] as LifecycleRule).action.type === 'expire') expiring++;
  }
  return expiring;
}

function writeInPreviewOrder(
  evaluation: ColumnarEvaluation,
  images: ImageColumns,
  pushedAtAsListed: readonly (string | number)[],
  sink: ByteSink,
  chunkBytes: number,
): void {
  const { rules, image, rule } = evaluation;
  const out = new JsonByteWriter(sink, chunkBytes);
  out.ascii(PREVIEW_HEAD);
  for (let k = 0; k < image.length; k++) {
    const i = image[k] as number;
    const { rulePriority, action } = rules[rule[k] as number] as LifecycleRule;
    out.ascii(k === 0 ? RESULT_TEXT.first : RESULT_TEXT.next);
    writePreviewResult(
      out,
      images.digests[i] as string,
      images.tags[i] as readonly string[],
      pushedAtAsListed[i] as string | number,
      action.type,
      rulePriority,
      images.archived[i] === 1,
    );
  }
  out.ascii(previewEnd(image.length, countExpiring(evaluation)));
  out.end();
}

// `,\n    {"imageDigest":"`: the opening quote of the digest belongs to the constant part here.
const ascii = new TextEncoder();
const RESULT_START = ascii.encode(`${RESULT_TEXT.next}${RESULT_TEXT.digestStart}"`);
const DIGEST_END_TAGS_START = ascii.encode(`"${RESULT_TEXT.tagsStart}`);
const TAGS_END_PUSHED_AT = ascii.encode(RESULT_TEXT.tagsEndPushedAt);
const QUOTES_AND_COMMA = 3; // `"tag",` : what a tag adds beside its characters, but for the last comma
// Past this a result's offset is no Int32 (a 2 GiB preview): the results are then written in order.
const MOST_LAID_OUT_BYTES = 2 ** 31 - 1;

/**
 * The whole preview as one buffer, every result written at the offset the layout gave it; undefined
 * when a string needs escaping or is not ASCII (its bytes are then not its length).
 */
function layOutPreview(evaluation: ColumnarEvaluation, listing: PreviewListing): Buffer | undefined {
  const { rules, image, rule } = evaluation;
  const { images, pushedAtAsListed, textLengths } = listing;
  const results = image.length;
  const { count, digests, tags, archived } = images;
  // Per rule and storage class, what ends a result: the action, the priority and the storage class.
  const ends: Uint8Array[] = [];
  for (const { rulePriority, action } of rules) {
    const then =
      action.type === 'expire' ? RESULT_TEXT.expireThenPriority : RESULT_TEXT.transitionThenPriority;
    ends.push(
      ascii.encode(`${then}${rulePriority}${RESULT_TEXT.standardEnd}`),
      ascii.encode(`${then}${rulePriority}${RESULT_TEXT.archiveEnd}`),
    );
  }

  // Which result each image is, -1 for none; then each result's size.
  const resultOf = new Int32Array(count).fill(-1);
  for (let k = 0; k < results; k++) resultOf[image[k] as number] = k;
  const sizes = new Float64Array(results);
  const fixed = RESULT_START.length + DIGEST_END_TAGS_START.length + TAGS_END_PUSHED_AT.length;
  for (let k = 0; k < results; k++) {
    const i = image[k] as number;
    const text =
      textLengths === undefined
        ? measureResultText(
            digests[i] as string,
            tags[i] as readonly string[],
            pushedAtAsListed[i] as string | number,
          )
        : (textLengths[i] as number);
    sizes[k] = fixed + text + (ends[2 * (rule[k] as number) + (archived[i] as number)] as Uint8Array).length;
  }
  // Sizes to offsets, in the preview's order; the first result has no comma before it.
  const end = previewEnd(results, countExpiring(evaluation));
  let total = PREVIEW_HEAD.length - 1;
  for (let k = 0; k < results; k++) total += sizes[k] as number;
  if (results === 0) total++;
  if (total + end.length > MOST_LAID_OUT_BYTES) return undefined;
  const start = new Int32Array(results + 1);
  start[0] = PREVIEW_HEAD.length - 1;
  for (let k = 0; k < results; k++) start[k + 1] = (start[k] as number) + (sizes[k] as number);
  const bytes = Buffer.allocUnsafe(total + end.length);
  bytes.write(PREVIEW_HEAD, 0, 'latin1');
  bytes.write(end, total, 'latin1');

  for (let i = 0; i < count; i++) {
    const k = resultOf[i] as number;
    if (k < 0) continue;
    let at = start[k] as number;
    // The first result has no comma: it starts one byte later, where the layout put it.
    if (k === 0) {
      bytes.set(RESULT_START.subarray(1), at + 1);
      at += RESULT_START.length;
    } else {
      bytes.set(RESULT_START, at);
      at += RESULT_START.length;
    }
    at = putUnescaped(bytes, at, digests[i] as string);
    if (at < 0) return undefined;
    bytes.set(DIGEST_END_TAGS_START, at);
    at += DIGEST_END_TAGS_START.length;
    const imageTags = tags[i] as readonly string[];
    for (let t = 0; t < imageTags.length; t++) {
      if (t > 0) bytes[at++] = COMMA;
      bytes[at++] = QUOTE;
      at = putUnescaped(bytes, at, imageTags[t] as string);
      if (at < 0) return undefined;
      bytes[at++] = QUOTE;
    }
    bytes.set(TAGS_END_PUSHED_AT, at);
    at += TAGS_END_PUSHED_AT.length;
    const pushedAt = pushedAtAsListed[i];
    if (typeof pushedAt === 'string') {
      bytes[at++] = QUOTE;
      at = putUnescaped(bytes, at, pushedAt);
      if (at < 0) return undefined;
      bytes[at++] = QUOTE;
    } else {
      at += bytes.write(JSON.stringify(pushedAt), at, 'latin1');
    }
    const end = ends[2 * (rule[k] as number) + (archived[i] as number)] as Uint8Array;
    bytes.set(end, at);
    at += end.length;
    // Allocated unzeroed: a result that did not fill its place exactly would print stale memory.
    if (at !== start[k + 1]) {
      throw new Error(`preview layout: result ${k} ends at ${at}, not where the next one starts`);
    }
  }
  return bytes;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
// What JSON.stringify writes as it is, one byte a character: printable ASCII but `"` and `\`.
const NEEDS_ESCAPING_OR_UTF8 = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/**
 * A string's characters, without quotes, when JSON.stringify would write them as they are in one
 * byte each; -1 otherwise. Checked by a regular expression and copied by Buffer#write: both native,
 * three times faster on 100,000 digests than a loop over charCodeAt, which runs interpreted until
 * it is compiled. (The constant parts are copied with `set` for the same reason.)
 */
function putUnescaped(bytes: Buffer, at: number, value: string): number {
  if (NEEDS_ESCAPING_OR_UTF8.test(value)) return -1;
  return at + bytes.write(value, at, 'latin1');
}
