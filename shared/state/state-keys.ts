/**
 * Key layouts of the state table (single-table design, see ./table-definition.ts). Every item family
 * owns a partition-key prefix, so families never collide and one Query reads one family's partition:
 *
 * | family            | pk                                 | sk                             | transient |
 * |-------------------|------------------------------------|--------------------------------|-----------|
 * | findings ledger   | `FINDINGS#<repositoryName>`        | `<imageDigest>#<findingId>`    | no        |
 * | tag ledger        | `TAGS#<repositoryName>`            | `<tag>#<observedAt ISO 8601>`  | no        |
 * | cleanup marks     | `CLEANUP#<repositoryName>`         | `<imageDigest>`                | yes       |
 * | idempotency       | `IDEMPOTENCY#<key>`                | `IDEMPOTENCY`                  | yes       |
 *
 * The table belongs to one stack, i.e. one account and one region, so neither appears in the keys.
 * Parts are joined with `#`; a part that contains `#` or `%` has them percent-encoded, so that a
 * prefix query for `<tag>#` can never match another tag that merely starts with the same characters.
 * ISO 8601 UTC timestamps sort as strings in time order, so a tag's history reads oldest first.
 */

export const KEY_SEPARATOR = '#';

export interface StateKey {
  pk: string;
  sk: string;
}

/** `#` and `%` inside a part would break prefix queries and decoding; everything else stays readable. */
export function encodeKeyPart(part: string): string {
  return part.replace(/%/g, '%25').replace(/#/g, '%23');
}

export function decodeKeyPart(part: string): string {
  return part.replace(/%23/g, '#').replace(/%25/g, '%');
}

/** `composeKey('TAGS', 'team-a/api')` → `TAGS#team-a/api`. */
export function composeKey(...parts: readonly string[]): string {
  return parts.map(encodeKeyPart).join(KEY_SEPARATOR);
}

/** A sort-key prefix for "everything under these parts": always ends with the separator. */
export function composeKeyPrefix(...parts: readonly string[]): string {
  return `${composeKey(...parts)}${KEY_SEPARATOR}`;
}

/** Inverse of composeKey. */
export function splitKey(key: string): string[] {
  return key.split(KEY_SEPARATOR).map(decodeKeyPart);
}

export const findingsLedger = {
  partition: (repositoryName: string): string => composeKey('FINDINGS', repositoryName),
  key: (repositoryName: string, imageDigest: string, findingId: string): StateKey => ({
    pk: findingsLedger.partition(repositoryName),
    sk: composeKey(imageDigest, findingId),
  }),
  /** Sort-key prefix of one image's findings. */
  imagePrefix: (imageDigest: string): string => composeKeyPrefix(imageDigest),
};

export const tagLedger = {
  partition: (repositoryName: string): string => composeKey('TAGS', repositoryName),
  key: (repositoryName: string, tag: string, observedAt: Date): StateKey => ({
    pk: tagLedger.partition(repositoryName),
    sk: composeKey(tag, observedAt.toISOString()),
  }),
  /** Sort-key prefix of one tag's history. */
  tagPrefix: (tag: string): string => composeKeyPrefix(tag),
};

export const cleanupMarks = {
  partition: (repositoryName: string): string => composeKey('CLEANUP', repositoryName),
  key: (repositoryName: string, imageDigest: string): StateKey => ({
    pk: cleanupMarks.partition(repositoryName),
    sk: composeKey(imageDigest),
  }),
};

export const idempotencyRecords = {
  key: (idempotencyKey: string): StateKey => ({
    pk: composeKey('IDEMPOTENCY', idempotencyKey),
    sk: 'IDEMPOTENCY',
  }),
};
