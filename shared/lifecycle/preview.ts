import type { LifecycleAction, LifecycleEvaluation, LifecycleImage } from './evaluate';
import { type ByteSink, JsonByteWriter } from './json-byte-writer';
import type { RuleActionType } from './policy';

/**
 * The shape of ECR's `GetLifecyclePolicyPreview` response, so that scripts written against
 * `aws ecr get-lifecycle-policy-preview` read ecr-warden's preview unchanged.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetLifecyclePolicyPreview.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_LifecyclePolicyPreviewResult.html
 */
export interface LifecyclePolicyPreview {
  status: 'COMPLETE';
  previewResults: PreviewResult[];
  summary: PreviewSummary;
}

export interface PreviewResult {
  imageDigest: string;
  imageTags: string[];
  /** ISO 8601 (as the AWS CLI v2 prints timestamps) or epoch seconds: see PushedAtFormat. */
  imagePushedAt: string | number;
  /** `targetStorageClass` "is only present when the type is TRANSITION" (LifecyclePolicyRuleAction). */
  action: { type: 'EXPIRE' } | { type: 'TRANSITION'; targetStorageClass: 'ARCHIVE' };
  appliedRulePriority: number;
  storageClass: 'STANDARD' | 'ARCHIVE';
}

export interface PreviewSummary {
  expiringImageTotalCount: number;
  /** "only present if at least one image will be transitioned" (LifecyclePolicyPreviewSummary) */
  transitioningImageTotalCounts?: { targetStorageClass: 'ARCHIVE'; imageTotalCount: number }[];
}

/** How to print an image's push time. The CLI echoes what it read, so output matches input. */
export type PushedAtFormat = (image: LifecycleImage) => string | number;

const isoPushedAt: PushedAtFormat = (image) => new Date(image.pushedAt).toISOString();

export interface PreviewJsonOptions {
  /** Default: ISO 8601 from `pushedAt`. */
  pushedAtOf?: PushedAtFormat;
  /** The size of the chunks handed to the sink; default 1 MiB. */
  chunkBytes?: number;
}

const CHUNK_BYTES = 1 << 20;

// The constant parts of a result, keys in the order the API documents them: one result is
// `{"imageDigest":D,"imageTags":[T,...],"imagePushedAt":P,"action":A,"appliedRulePriority":N,"storageClass":S}`,
// the first one after FIRST, each next one after NEXT (columnar-preview.ts lays results out with them too).
export const RESULT_TEXT = {
  first: '\n    ',
  next: ',\n    ',
  digestStart: '{"imageDigest":',
  comma: ',',
  tagsStart: ',"imageTags":[',
  tagsEndPushedAt: '],"imagePushedAt":',
  expireThenPriority: ',"action":{"type":"EXPIRE"},"appliedRulePriority":',
  transitionThenPriority:
    ',"action":{"type":"TRANSITION","targetStorageClass":"ARCHIVE"},"appliedRulePriority":',
  standardEnd: ',"storageClass":"STANDARD"}',
  archiveEnd: ',"storageClass":"ARCHIVE"}',
} as const;
const ascii = new TextEncoder();
const FIRST_RESULT_START = ascii.encode(RESULT_TEXT.first);
const NEXT_RESULT_START = ascii.encode(RESULT_TEXT.next);
const DIGEST_START = ascii.encode(RESULT_TEXT.digestStart);
const COMMA = ascii.encode(RESULT_TEXT.comma);
const TAGS_START = ascii.encode(RESULT_TEXT.tagsStart);
const TAGS_END_PUSHED_AT = ascii.encode(RESULT_TEXT.tagsEndPushedAt);
const EXPIRE_THEN_PRIORITY = ascii.encode(RESULT_TEXT.expireThenPriority);
const TRANSITION_THEN_PRIORITY = ascii.encode(RESULT_TEXT.transitionThenPriority);
const STANDARD_END = ascii.encode(RESULT_TEXT.standardEnd);
const ARCHIVE_END = ascii.encode(RESULT_TEXT.archiveEnd);

/**
 * The preview as JSON, written as UTF-8 bytes to `sink` in chunks (1 MiB by default). Indented
 * like the AWS CLI's output, except that each preview result stays on one line: a 100,000-image
 * preview is then readable and greppable. The bytes are exactly those of JSON.stringify of each
 * result (test/unit/lifecycle/preview-json.test.ts checks that against a reference), but written
 * field by field into the chunk: on a 100,000-image first cleanup (24 MB of JSON) building the text
 * as strings and encoding it afterwards cost more than evaluating the policy.
 *
 * The results are encoded in the listing's order (stageInListingOrder), then copied out in the
 * preview's (by rule, oldest first): reading 100,000 images' digests, tags and timestamps in the
 * preview's order jumps around a heap of the size of the parsed listing, and those cache misses
 * were half the writing time.
 */
export function writePolicyPreviewJson(
  evaluation: LifecycleEvaluation,
  sink: ByteSink,
  { pushedAtOf = isoPushedAt, chunkBytes = CHUNK_BYTES }: PreviewJsonOptions = {},
): void {
  const out = new JsonByteWriter(sink, chunkBytes);
  out.ascii(PREVIEW_HEAD);
  const { actions } = evaluation;
  const staged = stageInListingOrder(actions, pushedAtOf);
  let expiring = 0;
  for (let k = 0; k < actions.length; k++) {
    if ((actions[k] as LifecycleAction).type === 'expire') expiring++;
    if (staged === undefined) {
      out.raw(k === 0 ? FIRST_RESULT_START : NEXT_RESULT_START);
      writeResult(out, actions[k] as LifecycleAction, pushedAtOf);
    } else {
      // Each staged result starts with `,\n    `; the first one without its comma.
      out.copy(staged.bytes, (staged.start[k] as number) + (k === 0 ? 1 : 0), staged.end[k] as number);
    }
  }
  out.ascii(previewEnd(actions.length, expiring));
  out.end();
}

/** What the preview's JSON starts with, up to its first result. */
export const PREVIEW_HEAD = '{\n  "status": "COMPLETE",\n  "previewResults": [';

/** What follows the last result: the list's end and the summary. */
export function previewEnd(results: number, expiring: number): string {
  const transitioning = results - expiring;
  const summary: PreviewSummary = { expiringImageTotalCount: expiring };
  if (transitioning > 0) {
    summary.transitioningImageTotalCounts = [
      { targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning },
    ];
  }
  const summaryJson = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
  return `${results === 0 ? '' : '\n  '}],\n  "summary": ${summaryJson}\n}\n`;
}

/** One preview result, `{"imageDigest":...}`, exactly as JSON.stringify of the result object. */
function writeResult(out: JsonByteWriter, action: LifecycleAction, pushedAtOf: PushedAtFormat): void {
  const { image, rulePriority, type } = action;
  writePreviewResult(
    out,
    image.imageDigest,
    image.imageTags,
    pushedAtOf(image),
    type,
    rulePriority,
    image.storageClass === 'archive',
  );
}

/** One preview result from its fields: what writeResult writes, for callers that hold no image object. */
export function writePreviewResult(
  out: JsonByteWriter,
  imageDigest: string,
  tags: readonly string[],
  pushedAt: string | number,
  type: RuleActionType,
  rulePriority: number,
  archived: boolean,
): void {
  out.raw(DIGEST_START);
  out.string(imageDigest);
  out.raw(TAGS_START);
  for (let t = 0; t < tags.length; t++) {
    if (t > 0) out.raw(COMMA);
    out.string(tags[t] as string);
  }
  out.raw(TAGS_END_PUSHED_AT);
  if (typeof pushedAt === 'string') out.string(pushedAt);
  else out.number(pushedAt);
  out.raw(type === 'expire' ? EXPIRE_THEN_PRIORITY : TRANSITION_THEN_PRIORITY);
  out.number(rulePriority);
  out.raw(archived ? ARCHIVE_END : STANDARD_END);
}

/** Every result's bytes, its separator before it (`,\n    `): result k at `bytes[start[k], end[k])`. */
interface StagedResults {
  bytes: Uint8Array;
  start: Float64Array;
  end: Float64Array;
}

/**
 * Encodes the results in the order of the images they are about (`imageIndex`): the order in
 * which the listing was parsed, so the order of the images' strings in memory. Undefined when an
 * action has no valid imageIndex or two share one (an evaluation built by hand): the results are
 * then encoded in the preview's order, with the same bytes.
 */
function stageInListingOrder(
  actions: readonly LifecycleAction[],
  pushedAtOf: PushedAtFormat,
): StagedResults | undefined {
  let images = 0;
  for (let k = 0; k < actions.length; k++) {
    const index = (actions[k] as LifecycleAction).imageIndex;
    if (!Number.isSafeInteger(index) || index < 0) return undefined;
    if (index >= images) images = index + 1;
  }
  // The images' actions by image: k + 1, 0 for none.
  const actionOf = new Float64Array(images);
  for (let k = 0; k < actions.length; k++) {
    const index = (actions[k] as LifecycleAction).imageIndex;
    if (actionOf[index] !== 0) return undefined;
    actionOf[index] = k + 1;
  }
  // About the preview's size from the start (240 bytes a result on the bench), so that it rarely grows.
  const staging = new JsonByteWriter(undefined, Math.max(1024, actions.length * 256));
  const start = new Float64Array(actions.length);
  const end = new Float64Array(actions.length);
  for (let index = 0; index < images; index++) {
    const k = (actionOf[index] as number) - 1;
    if (k < 0) continue;
    start[k] = staging.position;
    staging.raw(NEXT_RESULT_START);
    writeResult(staging, actions[k] as LifecycleAction, pushedAtOf);
    end[k] = staging.position;
  }
  return { bytes: staging.written(), start, end };
}

/** The preview as an object: the parsed form of what writePolicyPreviewJson writes. */
export function toPolicyPreview(
  evaluation: LifecycleEvaluation,
  pushedAtOf: PushedAtFormat = isoPushedAt,
): LifecyclePolicyPreview {
  const chunks: Uint8Array[] = [];
  writePolicyPreviewJson(evaluation, (chunk) => chunks.push(chunk), { pushedAtOf });
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return JSON.parse(text + decoder.decode()) as LifecyclePolicyPreview;
}
