import {
  formatEcrImageReference,
  isImageReference,
  parseEcrImageReference,
} from '../cleanup/image-reference';
import type { ImageUse, WorkloadImageUses } from '../cleanup/workload-images';
import { readIsoTimestamp } from '../inventory/iso-timestamp';
import { InUseInputError, type InUseInputIssue, StaleExternalListError } from './in-use-errors';

/**
 * External in-use lists: what systems ecr-warden cannot see run (GitOps repositories, Helm releases,
 * other clouds, on-premises), written by them as JSON (documented in examples/snapshot/README.md,
 * "External in-use lists"; a contract: fields are added, never renamed):
 *
 * ```
 * { "source": "argocd-prod", "generatedAt": "2026-12-01T06:00:00Z",
 *   "images": ["123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api:v1.4.2", "...@sha256:…"] }
 * ```
 *
 * `generatedAt` (ISO 8601 with an offset) is required: a list older than its `maxAgeHours` may no
 * longer say what runs, and fails closed (StaleExternalListError). `source` is optional in the file
 * (the config names the source). Every image must be an image reference (any registry: only those of
 * this registry protect anything here); a tag is resolved to the digest it names now.
 * `ecr-warden inuse list` prints the picture ecr-warden sees in the same format
 * (`serializeExternalImageList`), so that one deployment's view can feed another.
 */

export interface ExternalImageList {
  source?: string;
  /** ISO 8601, as written. */
  generatedAt: string;
  images: string[];
}

export interface ExternalListOptions {
  /** The name the config (or the snapshot) gives the list: the reasons' `source`. */
  source: string;
  /** Omit to accept a list of any age (a snapshot plan: the snapshot is one moment). */
  maxAgeHours?: number;
  /** Epoch milliseconds. */
  now: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Reads an external list (the text of an S3 object): its uses, or an InUseInputError (not JSON, not
 * the format) or a StaleExternalListError. The caller turns either into a failed source.
 */
export function parseExternalImageList(text: string, options: ExternalListOptions): WorkloadImageUses {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InUseInputError(
      `external:${options.source}`,
      [{ path: '', message: `not JSON: ${(error as Error).message}` }],
      { cause: error },
    );
  }
  return externalImageUses(document, options);
}

/** The uses of an already parsed list (a snapshot's `external[]` entry), checked as parseExternalImageList does. */
export function externalImageUses(document: unknown, options: ExternalListOptions): WorkloadImageUses {
  const { list, issues } = checkExternalImageList(document);
  if (list === undefined) throw new InUseInputError(`external:${options.source}`, issues);
  if (options.maxAgeHours !== undefined) {
    const ageHours = (options.now - (readIsoTimestamp(list.generatedAt) as number)) / HOUR_MS;
    if (ageHours > options.maxAgeHours) {
      throw new StaleExternalListError(options.source, list.generatedAt, options.maxAgeHours, ageHours);
    }
  }
  const uses: ImageUse[] = [];
  for (const image of list.images) {
    const reference = parseEcrImageReference(image);
    if (reference !== undefined)
      uses.push({ reference, reason: { kind: 'in-use-external', source: options.source } });
  }
  return { uses, warnings: [] };
}

/** The list, or every issue that makes the document no external list (each with its path). */
export function checkExternalImageList(document: unknown): {
  list?: ExternalImageList;
  issues: InUseInputIssue[];
} {
  const issues: InUseInputIssue[] = [];
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { issues: [{ path: '', message: 'expected an object {"generatedAt": ..., "images": [...]}' }] };
  }
  const { source, generatedAt, images } = document as Record<string, unknown>;
  if (source !== undefined && typeof source !== 'string') {
    issues.push({ path: 'source', message: 'expected a string' });
  }
  if (generatedAt === undefined) issues.push({ path: 'generatedAt', message: 'is required' });
  else if (typeof generatedAt !== 'string') {
    issues.push({ path: 'generatedAt', message: 'expected an ISO 8601 timestamp' });
  } else {
    const read = readIsoTimestamp(generatedAt);
    if (typeof read === 'string')
      issues.push({ path: 'generatedAt', message: `expected an ISO 8601 timestamp: ${read}` });
  }
  if (images === undefined) issues.push({ path: 'images', message: 'is required' });
  else if (!Array.isArray(images))
    issues.push({ path: 'images', message: 'expected an array of image references' });
  else {
    images.forEach((image, i) => {
      if (typeof image !== 'string' || !isImageReference(image)) {
        issues.push({ path: `images[${i}]`, message: `not an image reference: ${JSON.stringify(image)}` });
      }
    });
  }
  if (issues.length > 0) return { issues };
  const list: ExternalImageList = { generatedAt: generatedAt as string, images: images as string[] };
  if (source !== undefined) list.source = source as string;
  return { list, issues };
}

/**
 * An in-use picture in the external list format (`ecr-warden inuse list`): every image reference the
 * uses name, once each, sorted; by digest where a workload's digest is known, else by tag.
 */
export function serializeExternalImageList(
  uses: readonly ImageUse[],
  options: { source?: string; generatedAt: number },
): string {
  const images = [...new Set(uses.map((use) => formatEcrImageReference(use.reference)))].sort();
  const list: ExternalImageList = { generatedAt: new Date(options.generatedAt).toISOString(), images };
  const document = options.source === undefined ? list : { source: options.source, ...list };
  return `${JSON.stringify(document, null, 2)}\n`;
}
