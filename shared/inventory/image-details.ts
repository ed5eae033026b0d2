import type { LifecycleImage } from '../lifecycle';
import { readIsoTimestamp } from './iso-timestamp';

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
 * ImageDetail.imageStatus: "Valid Values: ACTIVE | ARCHIVED | ACTIVATING"
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html; the SDK's
 * ImageStatus enum). Any other value is refused: read as standard, an unknown state (a future one,
 * or a typo) would let rules act on an image whose storage ECR did not report.
 */
export const IMAGE_STATUSES = ['ACTIVE', 'ARCHIVED', ACTIVATING] as const;

/**
 * Checks the shape of a describe-images document (`{"imageDetails": [...]}`) and converts it.
 * Hand-rolled rather than a zod schema: it runs on 100,000-entry files and must cost a small
 * fraction of `JSON.parse`; every error still names the entry and the field.
 * Returns the images that lifecycle rules can see and a count of those in transit.
 */
export function readImageDetails(document: unknown): { images: ImageRecord[]; activating: number } {
  const images: ImageRecord[] = [];
  const activating = forEachListedImage(document, (detail, i) => {
    images.push(toImageRecord(detail, i));
  });
  return { images, activating };
}

/**
 * The checks of readImageDetails, for a reader that keeps the images in another form (the CLI's
 * columnar preview, image-columns.ts): `visit` is called once per image that lifecycle rules can
 * see, with its entry checked and its index in `imageDetails`, in the listing's order; the images
 * being restored are counted and returned. Throws what readImageDetails throws, at the same entry.
 */
export function forEachListedImage(
  document: unknown,
  visit: (detail: ImageDetail, entry: number) => void,
): number {
  if (
    typeof document !== 'object' ||
    document === null ||
    !Array.isArray((document as Record<string, unknown>).imageDetails)
  ) {
    throw new ImageDetailsError(
      'expected the output of `aws ecr describe-images --output json`: an object with an "imageDetails" array',
    );
  }
  refusePartialListing(document as Record<string, unknown>);
  const details = (document as { imageDetails: unknown[] }).imageDetails;
  const digests = new DigestSet(details.length);
  let activating = 0;
  for (let i = 0; i < details.length; i++) {
    const detail = checkImageDetail(details[i], i);
    // A digest names one image of a repository: listed twice, it would be counted twice by
    // imageCountMoreThan rules and previewed twice. Only the first index is looked up, on failure.
    if (!digests.add(detail.imageDigest)) throw duplicateDigest(details, i, detail.imageDigest);
    if (detail.imageStatus === ACTIVATING) {
      activating++;
      continue;
    }
    visit(detail, i);
  }
  return activating;
}

/**
 * `DescribeImages` returns a page and a `nextToken` when more images follow; the AWS CLI prints
 * that token (as `NextToken`, or `nextToken` with --no-paginate) only when it stopped early. Such
 * a file is part of the repository: evaluated as the whole, count rules would keep the wrong
 * images and expire others. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html
 */
function refusePartialListing(document: Record<string, unknown>): void {
  const key =
    document.NextToken !== undefined ? 'NextToken' : document.nextToken !== undefined ? 'nextToken' : '';
  if (key === '') return;
  throw new ImageDetailsError(
    `has a ${key}: it is one page of a longer listing, not the whole repository; ` +
      'run `aws ecr describe-images --repository-name NAME --output json` without --max-items, ' +
      '--page-size limits or --no-paginate (the AWS CLI then reads every page)',
  );
}

function duplicateDigest(details: readonly unknown[], at: number, digest: string): ImageDetailsError {
  const first = details.findIndex((entry) => (entry as ImageDetail).imageDigest === digest);
  return new ImageDetailsError(
    `${describeEntry(at)}.imageDigest: ${digest} is listed twice (also imageDetails[${first}]); ` +
      'describe-images lists each image once: was the file concatenated or edited?',
  );
}

/**
 * Which entry an error is about: an index into a describe-images document's `imageDetails`, or the
 * caller's own label. Error texts are built only when thrown: on 100,000 valid images, building
 * them up front was a measurable share of the reading time.
 */
export type EntryLabel = number | string;

function describeEntry(entry: EntryLabel): string {
  return typeof entry === 'number' ? `imageDetails[${entry}]` : entry;
}

// One frozen empty list for every untagged image rather than an array each (a fifth of the images).
const NO_TAGS: readonly string[] = Object.freeze([]);

export function toImageRecord(detail: ImageDetail, entry: EntryLabel = 'image'): ImageRecord {
  // Every field is set, absent ones to undefined, so that all records share one shape and the
  // engine's property reads stay monomorphic (measurably faster on 100,000 images).
  const { lastRecordedPullTime, lastArchivedAt, lastActivatedAt } = detail;
  return {
    imageDigest: detail.imageDigest,
    imageTags: detail.imageTags ?? NO_TAGS,
    pushedAt: timestampOf(detail.imagePushedAt, entry, 'imagePushedAt'),
    lastPulledAt:
      lastRecordedPullTime === undefined
        ? undefined
        : timestampOf(lastRecordedPullTime, entry, 'lastRecordedPullTime'),
    archivedAt:
      lastArchivedAt === undefined ? undefined : timestampOf(lastArchivedAt, entry, 'lastArchivedAt'),
    activatedAt:
      lastActivatedAt === undefined ? undefined : timestampOf(lastActivatedAt, entry, 'lastActivatedAt'),
    storageClass: detail.imageStatus === 'ARCHIVED' ? 'archive' : 'standard',
    sizeBytes: detail.imageSizeInBytes ?? 0,
    detail,
  };
}

/** ISO 8601 string, epoch seconds (possibly fractional, as the AWS CLI prints them) or a Date. */
export function toEpochMillis(value: Timestamp, where: string): number {
  const ms = epochMillis(value);
  if (Number.isNaN(ms)) throw new ImageDetailsError(`${where}: ${describeTimestampProblem(value)}`);
  return ms;
}

/** Epoch milliseconds of one of an entry's timestamps; the error names the entry and the field. */
export function timestampOf(value: Timestamp, entry: EntryLabel, field: string): number {
  const ms = epochMillis(value);
  return Number.isNaN(ms) ? toEpochMillis(value, `${describeEntry(entry)}.${field}`) : ms;
}

/** Epoch milliseconds, or NaN when the value is no timestamp. */
function epochMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : Number.NaN;
  if (typeof value === 'string') {
    const ms = parseUtcTimestamp(value) ?? readIsoTimestamp(value);
    return typeof ms === 'number' ? ms : Number.NaN;
  }
  return Number.NaN;
}

/** Why a value is no timestamp, quoting it (shortened): built on the failure path only. */
function describeTimestampProblem(value: unknown): string {
  const expected = 'expected an ISO 8601 timestamp or epoch seconds';
  if (value instanceof Date) return `${expected}, got an invalid Date`;
  if (typeof value === 'number') return `${expected}, got ${value}`;
  if (typeof value !== 'string') return `${expected}, got ${kindOf(value)}`;
  const reason = readIsoTimestamp(value);
  return `${expected}, got ${quote(value)}${typeof reason === 'string' && /^\d{4}-/.test(value) ? `: ${reason}` : ''}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A value for an error message: strings quoted and cut at 80 characters, never a whole structure. */
function quote(value: unknown): string {
  if (typeof value !== 'string') return typeof value === 'number' ? String(value) : kindOf(value);
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * Checks one entry's fields. Written out field by field, with no closure or array per entry: it
 * runs once per image, and on 100,000 images a closure and a keyed loop over field names cost
 * more than the checks themselves.
 */
function checkImageDetail(value: unknown, entry: EntryLabel): ImageDetail {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw detailError(entry, '', 'expected an object');
  const detail = value as Record<string, unknown>;
  const digest = detail.imageDigest;
  if (typeof digest !== 'string' || digest === '') throw detailError(entry, 'imageDigest', 'required string');
  if (detail.imagePushedAt === undefined) throw detailError(entry, 'imagePushedAt', 'required');
  const tags = detail.imageTags;
  if (tags !== undefined && !isStringArray(tags)) {
    throw detailError(entry, 'imageTags', 'expected an array of strings');
  }
  const size = detail.imageSizeInBytes;
  if (size !== undefined && (typeof size !== 'number' || !Number.isFinite(size) || size < 0)) {
    throw detailError(entry, 'imageSizeInBytes', 'expected a non-negative number');
  }
  const status = detail.imageStatus;
  if (status !== undefined && typeof status !== 'string')
    throw detailError(entry, 'imageStatus', 'expected a string');
  optionalString(detail.imageManifestMediaType, entry, 'imageManifestMediaType');
  optionalString(detail.artifactMediaType, entry, 'artifactMediaType');
  optionalString(detail.subjectManifestDigest, entry, 'subjectManifestDigest');
  if (status !== undefined && status !== 'ACTIVE' && status !== 'ARCHIVED' && status !== ACTIVATING) {
    throw detailError(
      entry,
      'imageStatus',
      `expected ${IMAGE_STATUSES.join(', ')} (ECR's image statuses), got ${quote(status)}`,
    );
  }
  return detail as unknown as ImageDetail;
}

function detailError(entry: EntryLabel, field: string, problem: string): ImageDetailsError {
  return new ImageDetailsError(`${describeEntry(entry)}${field === '' ? '' : `.${field}`}: ${problem}`);
}

function optionalString(value: unknown, entry: EntryLabel, field: string): void {
  if (value !== undefined && typeof value !== 'string') throw detailError(entry, field, 'expected a string');
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return true;
}

/**
 * A set of digests that says whether one was already added. JavaScript's Set grows by rehashing
 * seventeen times on the way to 100,000 entries and was a fifth of the reading time; this one is
 * sized once for the listing (open addressing over a typed array, at most half full; FNV-1a of the
 * whole string) and compares strings only when their hashes are equal: the same answers as a Set.
 * Each slot holds the value's index and its hash side by side, so a probe reads one cache line;
 * comparing the strings of every occupied slot it met read two more, a third of the reading time.
 */
class DigestSet {
  /** Slot s: `[2s]` the value's index + 1 (0: empty), `[2s + 1]` its hash. */
  private readonly slots: Int32Array;
  private readonly values: string[];
  private size = 0;
  private readonly mask: number;

  /** `capacity`: how many digests will be added at most (the listing's length). */
  constructor(private readonly capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.values = new Array<string>(capacity);
    this.mask = size - 1;
  }

  /** Adds `value`; false when it was there already. */
  add(value: string): boolean {
    let hash = 0x811c9dc5;
    for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
    const { slots, values, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slots[2 * slot] as number;
      if (at === 0) {
        if (this.size === this.capacity)
          throw new RangeError(`DigestSet holds at most ${this.capacity} digests`);
        values[this.size] = value;
        this.size++;
        slots[2 * slot] = this.size;
        slots[2 * slot + 1] = hash;
        return true;
      }
      if (slots[2 * slot + 1] === hash && values[at - 1] === value) return false;
    }
  }
}

/**
 * The fast path for what the AWS CLI prints: `2024-11-11T00:00:42+00:00`, `...42.123456+00:00` or
 * `...42Z`, read digit by digit. Three times faster than Date.parse, which matters at 100,000
 * images; anything else (another offset, another layout) returns undefined and goes to the strict
 * reader of iso-timestamp.ts.
 */
export function parseUtcTimestamp(text: string): number | undefined {
  const length = text.length;
  if (length < 20 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  if (text.charCodeAt(10) !== LETTER_T || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) {
    return undefined;
  }
  let end = 19;
  let millis = 0;
  if (text.charCodeAt(end) === DOT) {
    let scale = 100;
    end++;
    while (end < length && isDigit(text.charCodeAt(end))) {
      millis += scale * (text.charCodeAt(end) - ZERO);
      scale /= 10;
      end++;
    }
    millis = Math.floor(millis);
  }
  // The zone, `Z` or `+00:00`, compared code by code: no string is cut out of the timestamp.
  const zoneLength = length - end;
  if (zoneLength === 1) {
    if (text.charCodeAt(end) !== LETTER_Z) return undefined;
  } else if (
    zoneLength !== 6 ||
    text.charCodeAt(end) !== PLUS ||
    text.charCodeAt(end + 1) !== ZERO ||
    text.charCodeAt(end + 2) !== ZERO ||
    text.charCodeAt(end + 3) !== COLON ||
    text.charCodeAt(end + 4) !== ZERO ||
    text.charCodeAt(end + 5) !== ZERO
  ) {
    return undefined;
  }
  // Two digits at a time, no loop: a CLI reads each listing once, so this runs mostly before it is
  // compiled, and fewer bytecodes a timestamp was a third off its cold cost on 170,000 of them.
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const year = century < 0 || yearOfCentury < 0 ? -1 : century * 100 + yearOfCentury;
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (
    year < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined;
  // An impossible day (February 30th) is left to the strict reader, which refuses it.
  if (day > daysInMonth(year, month)) return undefined;
  // Before 1970 (never an ECR time) as this path always read them, through Date.UTC, which takes
  // years 0-99 for 1900-1999: the arithmetic below is for the years ECR can print.
  if (year < 1970) return Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return ((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar, as Date.UTC counts them,
 * without a call per timestamp (Howard Hinnant's days_from_civil,
 * https://howardhinnant.github.io/date_algorithms.html#days_from_civil).
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const LETTER_T = 84;
const LETTER_Z = 90;
const PLUS = 43;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The number the two characters at `at` write, or -1 unless both are digits. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const ones = text.charCodeAt(at + 1) - ZERO;
  // Unsigned, a code below '0' is above 9 too.
  return tens >>> 0 <= 9 && ones >>> 0 <= 9 ? tens * 10 + ones : -1;
}
