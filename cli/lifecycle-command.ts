import { ImageDetailsError, type ImageRecord, readImageDetails } from '../shared/inventory/image-details';
import { writeListingPreviewJson } from '../shared/inventory/listing-preview';
import { indexChildren, ManifestError } from '../shared/inventory/manifests';
import { monthlyStorageCost } from '../shared/inventory/storage-cost';
import {
  describeViolation,
  evaluateLifecyclePolicy,
  type LifecycleEvaluation,
  type LifecyclePolicy,
  parseLifecyclePolicy,
} from '../shared/lifecycle';
import { CliError } from './errors';
import { parseJson, readInputFile, readJsonFile } from './input';
import { parseNowOption } from './now-option';
import { formatBytes, formatTable } from './table';

export interface PreviewOptions {
  policy: string;
  images: string;
  /** The images file already parsed (main.ts reads it first); read from `images` otherwise. */
  imagesDocument?: unknown;
  manifests?: string;
  now?: string;
  output: 'json' | 'table';
}

/** `ecr-warden lifecycle preview`: what ECR would do with this policy on these images. */
export function runLifecyclePreview(
  options: PreviewOptions,
  write: (output: string | Uint8Array) => void,
): void {
  const policy = loadPolicy(options.policy);
  const now = options.now === undefined ? Date.now() : parseNowOption(options.now);
  const children = options.manifests ? loadIndexChildren(options.manifests) : undefined;
  if (options.output === 'json') {
    // The JSON preview needs no explanation of kept images nor anything but the lifecycle fields:
    // the columnar engine gives the general engine's bytes with no object per image
    // (shared/lifecycle/columnar-evaluate.ts). The table explains what it keeps, and reads sizes:
    // the general engine, below.
    loadImages(options, (document) =>
      writeListingPreviewJson(document, policy, children ? { now, indexChildren: children } : { now }, write),
    );
    return;
  }
  const { images, activating } = loadImages(options, readImageDetails);
  const evaluation = evaluateLifecyclePolicy(
    policy,
    images,
    children ? { now, indexChildren: children, explain: true } : { now, explain: true },
  );
  write(renderPreviewTable(evaluation, images.length, activating, now));
}

/** `ecr-warden lifecycle validate`: ECR's acceptance rules, every violation listed. */
export function runLifecycleValidate(options: { policy: string }, write: (text: string) => void): void {
  const policy = loadPolicy(options.policy);
  const count = policy.rules.length;
  write(`${options.policy}: valid lifecycle policy, ${count} rule${count === 1 ? '' : 's'}\n`);
}

function loadPolicy(path: string): LifecyclePolicy {
  const text = readInputFile(path, 'policy');
  const document = parseJson(text, `policy file ${path}`);
  // Also accept what `aws ecr get-lifecycle-policy` prints: the policy is a string inside it.
  // Otherwise the file is the policy text itself, as `put-lifecycle-policy --lifecycle-policy-text
  // file://...` would send it, so its length limits apply to the file as it is.
  const embedded = (document as { lifecyclePolicyText?: unknown } | null)?.lifecyclePolicyText;
  const result = parseLifecyclePolicy(typeof embedded === 'string' ? embedded : text);
  if (!result.ok) {
    const n = result.violations.length;
    throw new CliError(
      `policy file ${path} is not a valid ECR lifecycle policy (${n} violation${n === 1 ? '' : 's'})`,
      2,
      result.violations.map(describeViolation),
    );
  }
  return result.policy;
}

function loadImages<Listing>(
  { images: path, imagesDocument }: PreviewOptions,
  read: (document: unknown) => Listing,
): Listing {
  // Not walked for its nesting depth (30 ms on 100,000 images): the readers read known fields
  // only, each checked for its type, and nothing walks the rest of an entry recursively.
  const document = imagesDocument ?? readJsonFile(path, 'images', { checkNesting: false });
  try {
    return read(document);
  } catch (error) {
    if (error instanceof ImageDetailsError) throw new CliError(`images file ${path}: ${error.message}`);
    throw error;
  }
}

/**
 * `--manifests`: what `aws ecr batch-get-image --output json` prints, read as index → children. The
 * engine decides which indexes hold their children (an archived one no longer does).
 */
function loadIndexChildren(path: string): Map<string, string[]> {
  const document = readJsonFile(path, 'manifests') as { images?: unknown } | null;
  if (!Array.isArray(document?.images)) {
    throw new CliError(
      `manifests file ${path}: expected the output of \`aws ecr batch-get-image --output json\`: an object with an "images" array`,
    );
  }
  const children = new Map<string, string[]>();
  document.images.forEach((entry: unknown, i: number) => {
    const image = entry as { imageId?: { imageDigest?: unknown }; imageManifest?: unknown } | null;
    const digest = image?.imageId?.imageDigest;
    if (typeof digest !== 'string' || typeof image?.imageManifest !== 'string') {
      throw new CliError(
        `manifests file ${path}: images[${i}] needs imageId.imageDigest and imageManifest strings`,
      );
    }
    try {
      const listed = indexChildren(image.imageManifest, digest);
      if (listed.length > 0) children.set(digest, listed);
    } catch (error) {
      if (error instanceof ManifestError) throw new CliError(`manifests file ${path}: ${error.message}`);
      throw error;
    }
  });
  return children;
}

const DAY_MS = 86_400_000;

function renderPreviewTable(
  evaluation: LifecycleEvaluation,
  imageCount: number,
  activating: number,
  now: number,
): string {
  const rows = evaluation.actions.map(({ image, rulePriority, type }) => {
    const record = image as ImageRecord;
    return [
      image.imageDigest.replace(/^sha256:/, '').slice(0, 12),
      image.imageTags.length > 0 ? image.imageTags.join(', ') : '<untagged>',
      `${Math.floor((now - image.pushedAt) / DAY_MS)}d`,
      formatBytes(record.sizeBytes),
      String(rulePriority),
      type === 'expire' ? 'EXPIRE' : 'TRANSITION → ARCHIVE',
    ];
  });

  let expiringBytes = 0;
  let expiring = 0;
  for (const { image, type } of evaluation.actions) {
    if (type === 'expire') {
      expiring++;
      expiringBytes += (image as ImageRecord).sizeBytes;
    }
  }
  const transitioning = evaluation.actions.length - expiring;

  const lines: string[] = [];
  if (rows.length > 0) {
    lines.push(formatTable(['DIGEST', 'TAGS', 'AGE', 'SIZE', 'RULE', 'ACTION'], rows));
  }
  lines.push(
    '',
    `${imageCount} images evaluated${activating > 0 ? ` (${activating} being restored from archive left out)` : ''}: ` +
      `${expiring} expire, ${transitioning} transition to archive, ${imageCount - evaluation.actions.length} stay.`,
    `Expiring frees up to ${formatBytes(expiringBytes)}, about $${monthlyStorageCost(expiringBytes).toFixed(2)}/month ` +
      'at $0.10 per GB-month (an upper bound: layers shared between images are stored once).',
  );
  const heldByIndex = evaluation.held.filter((h) => h.reason === 'referenced-by-manifest-list').length;
  if (heldByIndex > 0) {
    lines.push(`${heldByIndex} selected images are kept because a manifest list references them.`);
  }
  return `${lines.join('\n')}\n`;
}
