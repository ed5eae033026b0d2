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
  images: ImageColumns,
  pushedAtAsListed: readonly (string | number)[],
  sink: ByteSink,
  chunkBytes = CHUNK_BYTES,
): void {
  const laidOut = layOutPreview(evaluation, images, pushedAtAsListed);
  if (laidOut === undefined) {
    writeInPreviewOrder(evaluation, images, pushedAtAsListed, sink, chunkBytes);
    return;
  }
  for (let at = 0; at < laidOut.length; at += chunkBytes) {
    sink(laidOut.subarray(at, Math.min(laidOut.length, at + chunkBytes)));
  }
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
const RESULT_START = `${RESULT_TEXT.next}${RESULT_TEXT.digestStart}"`;
const DIGEST_END_TAGS_START = `"${RESULT_TEXT.tagsStart}`;
const QUOTES_AND_COMMA = 3; // `"tag",` : what a tag adds beside its characters, but for the last comma

/**
 * The whole preview as one buffer, every result written at the offset the layout gave it; undefined
 * when a string needs escaping or is not ASCII (its bytes are then not its length).
 */
function layOutPreview(
  evaluation: ColumnarEvaluation,
  images: ImageColumns,
  pushedAtAsListed: readonly (string | number)[],
): Uint8Array | undefined {
  const { rules, image, rule } = evaluation;
  const results = image.length;
  const { count, digests, tags, archived } = images;
  // Per rule, what ends its results: the action, the priority and the storage class, as text.
  const ends: string[] = [];
  for (const { rulePriority, action } of rules) {
    const then =
      action.type === 'expire' ? RESULT_TEXT.expireThenPriority : RESULT_TEXT.transitionThenPriority;
    ends.push(
      `${then}${rulePriority}${RESULT_TEXT.standardEnd}`,
      `${then}${rulePriority}${RESULT_TEXT.archiveEnd}`,
    );
  }

  // Which result each image is, -1 for none; then each result's size, found in the listing's order.
  const resultOf = new Int32Array(count).fill(-1);
  for (let k = 0; k < results; k++) resultOf[image[k] as number] = k;
  const start = new Float64Array(results);
  for (let i = 0; i < count; i++) {
    const k = resultOf[i] as number;
    if (k < 0) continue;
    const imageTags = tags[i] as readonly string[];
    let size =
      RESULT_START.length +
      (digests[i] as string).length +
      DIGEST_END_TAGS_START.length +
      RESULT_TEXT.tagsEndPushedAt.length +
      (ends[2 * (rule[k] as number) + (archived[i] as number)] as string).length;
    for (let t = 0; t < imageTags.length; t++) size += (imageTags[t] as string).length + QUOTES_AND_COMMA;
    if (imageTags.length > 0) size--;
    const pushedAt = pushedAtAsListed[i];
    size += typeof pushedAt === 'string' ? pushedAt.length + 2 : JSON.stringify(pushedAt).length;
    start[k] = size;
  }
  // Sizes to offsets, in the preview's order; the first result has no comma before it.
  let total = PREVIEW_HEAD.length - 1;
  for (let k = 0; k < results; k++) {
    const size = start[k] as number;
    start[k] = total;
    total += size;
  }
  if (results === 0) total++;
  const end = previewEnd(results, countExpiring(evaluation));
  const bytes = Buffer.allocUnsafe(total + end.length);
  putAscii(bytes, 0, PREVIEW_HEAD);
  putAscii(bytes, total, end);

  for (let i = 0; i < count; i++) {
    const k = resultOf[i] as number;
    if (k < 0) continue;
    let at = start[k] as number;
    if (k === 0) at = putAscii(bytes, at + 1, RESULT_START.slice(1));
    else at = putAscii(bytes, at, RESULT_START);
    at = putUnescaped(bytes, at, digests[i] as string);
    if (at < 0) return undefined;
    at = putAscii(bytes, at, DIGEST_END_TAGS_START);
    const imageTags = tags[i] as readonly string[];
    for (let t = 0; t < imageTags.length; t++) {
      if (t > 0) bytes[at++] = COMMA;
      bytes[at++] = QUOTE;
      at = putUnescaped(bytes, at, imageTags[t] as string);
      if (at < 0) return undefined;
      bytes[at++] = QUOTE;
    }
    at = putAscii(bytes, at, RESULT_TEXT.tagsEndPushedAt);
    const pushedAt = pushedAtAsListed[i];
    if (typeof pushedAt === 'string') {
      bytes[at++] = QUOTE;
      at = putUnescaped(bytes, at, pushedAt);
      if (at < 0) return undefined;
      bytes[at++] = QUOTE;
    } else {
      at = putAscii(bytes, at, JSON.stringify(pushedAt));
    }
    at = putAscii(bytes, at, ends[2 * (rule[k] as number) + (archived[i] as number)] as string);
    // Allocated unzeroed: a result that did not fill its place exactly would print stale memory.
    if (at !== (k + 1 < results ? start[k + 1] : total)) {
      throw new Error(`preview layout: result ${k} ends at ${at}, not where the next one starts`);
    }
  }
  return bytes;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const FIRST_PRINTABLE = 0x20;
const LAST_ASCII_KEPT = 0x7e;

/** Text known to be ASCII, at `at`; returns where it ends. */
function putAscii(bytes: Uint8Array, at: number, text: string): number {
  let to = at;
  for (let c = 0; c < text.length; c++) bytes[to++] = text.charCodeAt(c);
  return to;
}

/**
 * A string's characters as they are, without quotes, when JSON.stringify would write them as they
 * are in one byte each (printable ASCII but `"` and `\`); -1 otherwise.
 */
function putUnescaped(bytes: Uint8Array, at: number, value: string): number {
  let to = at;
  for (let c = 0; c < value.length; c++) {
    const code = value.charCodeAt(c);
    if (code < FIRST_PRINTABLE || code > LAST_ASCII_KEPT || code === QUOTE || code === BACKSLASH) return -1;
    bytes[to++] = code;
  }
  return to;
}
