import type { LifecycleAction, LifecycleEvaluation, LifecycleImage } from './evaluate';

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

/**
 * The preview as JSON text, handed to `write` in chunks of about a megabyte. Indented like the
 * AWS CLI's output, except that each preview result stays on one line: a 100,000-image preview
 * is then readable and greppable. Serialized by hand because on a large repository this is most
 * of the CLI's own time (JSON.stringify of every result took three times as long).
 */
export function writePolicyPreviewJson(
  evaluation: LifecycleEvaluation,
  write: (text: string) => void,
  pushedAtOf: PushedAtFormat = isoPushedAt,
): void {
  const CHUNK_CHARS = 1 << 20;
  let chunk = '{\n  "status": "COMPLETE",\n  "previewResults": [';
  let expiring = 0;
  const { actions } = evaluation;
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i] as LifecycleAction;
    if (action.type === 'expire') expiring++;
    chunk += `${i === 0 ? '' : ','}\n    ${previewResultJson(action, pushedAtOf)}`;
    if (chunk.length >= CHUNK_CHARS) {
      write(chunk);
      chunk = '';
    }
  }
  const transitioning = evaluation.actions.length - expiring;
  const summary: PreviewSummary = { expiringImageTotalCount: expiring };
  if (transitioning > 0) {
    summary.transitioningImageTotalCounts = [
      { targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning },
    ];
  }
  const summaryJson = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
  write(`${chunk}${actions.length === 0 ? '' : '\n  '}],\n  "summary": ${summaryJson}\n}\n`);
}

/** The preview as an object: the parsed form of what writePolicyPreviewJson writes. */
export function toPolicyPreview(
  evaluation: LifecycleEvaluation,
  pushedAtOf: PushedAtFormat = isoPushedAt,
): LifecyclePolicyPreview {
  let text = '';
  writePolicyPreviewJson(
    evaluation,
    (chunk) => {
      text += chunk;
    },
    pushedAtOf,
  );
  return JSON.parse(text) as LifecyclePolicyPreview;
}

/** One PreviewResult as compact JSON, with keys in the order the API documents them. */
function previewResultJson(
  { image, rulePriority, type }: LifecycleAction,
  pushedAtOf: PushedAtFormat,
): string {
  const action =
    type === 'expire' ? '{"type":"EXPIRE"}' : '{"type":"TRANSITION","targetStorageClass":"ARCHIVE"}';
  let tags = '[';
  for (let i = 0; i < image.imageTags.length; i++) {
    tags +=
      i === 0 ? jsonString(image.imageTags[i] as string) : `,${jsonString(image.imageTags[i] as string)}`;
  }
  const pushedAt = pushedAtOf(image);
  const storageClass = image.storageClass === 'archive' ? 'ARCHIVE' : 'STANDARD';
  return (
    `{"imageDigest":${jsonString(image.imageDigest)},"imageTags":${tags}],` +
    `"imagePushedAt":${typeof pushedAt === 'string' ? jsonString(pushedAt) : pushedAt},` +
    `"action":${action},"appliedRulePriority":${rulePriority},"storageClass":"${storageClass}"}`
  );
}

// What JSON.stringify escapes in a string: quote, backslash, control characters and (ES2019's
// well-formed JSON.stringify) lone surrogates. Surrogate pairs also match and take the slow path.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify for a string, skipped when nothing in it needs escaping (digests, most tags). */
function jsonString(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}
