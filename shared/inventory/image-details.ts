import type { LifecycleImage } from '../lifecycle';

/**
 * An `imageDetails[]` entry as `DescribeImages` returns it and `aws ecr describe-images --output json`
 * prints it (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
 * Timestamps come as ISO 8601 strings (AWS CLI v2's default) or epoch seconds (CLI v1, or
 * `cli_timestamp_format = none`); the SDK gives `Date`s.
 */
export interface ImageDetail {
  registryId?: string;
  repositoryName?: string;
  imageDigest: string;
  imageTags?: string[];
  imageSizeInBytes?: number;
  imagePushedAt: Timestamp;
  lastRecordedPullTime?: Timestamp;
  imageManifestMediaType?: string;
  artifactMediaType?: string;
  subjectManifestDigest?: string;
  /** ACTIVE | ARCHIVED | ACTIVATING; absent in output from before archive storage existed. */
  imageStatus?: string;
  lastArchivedAt?: Timestamp;
  lastActivatedAt?: Timestamp;
}

export type Timestamp = string | number | Date;

/** An image as ecr-warden reasons about it: the lifecycle fields plus what reports show. */
export interface ImageRecord extends LifecycleImage {
  sizeBytes: number;
  /** The original entry, for output that echoes what the user gave. */
  detail: ImageDetail;
}

export class ImageDetailsError extends Error {
  override name = 'ImageDetailsError';
}

// Images being restored from archive are in neither class until the restore completes; no rule
// may act on them (an expiry would cancel a restore someone asked for).
const ACTIVATING = 'ACTIVATING';

/**
 * Checks the shape of a describe-images document (`{"imageDetails": [...]}`) and converts it.
 * Hand-rolled rather than a zod schema: it runs on 100,000-entry files and must cost a small
 * fraction of `JSON.parse`; every error still names the entry and the field.
 * Returns the images that lifecycle rules can see and a count of those in transit.
 */
export function readImageDetails(document: unknown): { images: ImageRecord[]; activating: number } {
  if (
    typeof document !== 'object' ||
    document === null ||
    !Array.isArray((document as Record<string, unknown>).imageDetails)
  ) {
    throw new ImageDetailsError(
      'expected the output of `aws ecr describe-images --output json`: an object with an "imageDetails" array',
    );
  }
  const details = (document as { imageDetails: unknown[] }).imageDetails;
  const images: ImageRecord[] = [];
  let activating = 0;
  for (let i = 0; i < details.length; i++) {
    const detail = checkImageDetail(details[i], `imageDetails[${i}]`);
    if (detail.imageStatus === ACTIVATING) {
      activating++;
      continue;
    }
    images.push(toImageRecord(detail, `imageDetails[${i}]`));
  }
  return { images, activating };
}

export function toImageRecord(detail: ImageDetail, where = 'image'): ImageRecord {
  const record: ImageRecord = {
    imageDigest: detail.imageDigest,
    imageTags: detail.imageTags ?? [],
    pushedAt: toEpochMillis(detail.imagePushedAt, `${where}.imagePushedAt`),
    storageClass: detail.imageStatus === 'ARCHIVED' ? 'archive' : 'standard',
    sizeBytes: detail.imageSizeInBytes ?? 0,
    detail,
  };
  if (detail.lastRecordedPullTime !== undefined) {
    record.lastPulledAt = toEpochMillis(detail.lastRecordedPullTime, `${where}.lastRecordedPullTime`);
  }
  if (detail.lastArchivedAt !== undefined) {
    record.archivedAt = toEpochMillis(detail.lastArchivedAt, `${where}.lastArchivedAt`);
  }
  if (detail.lastActivatedAt !== undefined) {
    record.activatedAt = toEpochMillis(detail.lastActivatedAt, `${where}.lastActivatedAt`);
  }
  return record;
}

/** ISO 8601 string, epoch seconds (possibly fractional, as the AWS CLI prints them) or a Date. */
export function toEpochMillis(value: Timestamp, where: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isNaN(ms)) return ms;
  } else if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value * 1000);
  } else if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new ImageDetailsError(
    `${where}: expected an ISO 8601 timestamp or epoch seconds, got ${JSON.stringify(value)}`,
  );
}

function checkImageDetail(value: unknown, where: string): ImageDetail {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImageDetailsError(`${where}: expected an object`);
  }
  const entry = value as Record<string, unknown>;
  if (typeof entry.imageDigest !== 'string' || entry.imageDigest === '') {
    throw new ImageDetailsError(`${where}.imageDigest: required string`);
  }
  if (entry.imagePushedAt === undefined) {
    throw new ImageDetailsError(`${where}.imagePushedAt: required`);
  }
  const tags = entry.imageTags;
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))) {
    throw new ImageDetailsError(`${where}.imageTags: expected an array of strings`);
  }
  const size = entry.imageSizeInBytes;
  if (size !== undefined && (typeof size !== 'number' || !Number.isFinite(size) || size < 0)) {
    throw new ImageDetailsError(`${where}.imageSizeInBytes: expected a non-negative number`);
  }
  for (const field of [
    'imageStatus',
    'imageManifestMediaType',
    'artifactMediaType',
    'subjectManifestDigest',
  ]) {
    if (entry[field] !== undefined && typeof entry[field] !== 'string') {
      throw new ImageDetailsError(`${where}.${field}: expected a string`);
    }
  }
  return entry as unknown as ImageDetail;
}
