import { compileTagFilterSet, evaluateLifecycleColumns } from '../lifecycle/columnar-evaluate';
import { measureResultText, writeColumnarPreviewJson } from '../lifecycle/columnar-preview';
import type { ByteSink } from '../lifecycle/json-byte-writer';
import type { LifecyclePolicy } from '../lifecycle/policy';
import { readImageColumns } from './image-columns';

export interface ListingPreviewOptions {
  /** The evaluation time, epoch milliseconds. */
  now: number;
  /** Index digest → the digests it lists (`--manifests`), as evaluateLifecyclePolicy takes them. */
  indexChildren?: ReadonlyMap<string, readonly string[]>;
  /** The size of the chunks handed to the sink; default 1 MiB. */
  chunkBytes?: number;
  /**
   * Default true: test the tag filters and measure each image's strings as the listing is read.
   * False does both later, image by image (the same bytes; the tests take both ways).
   */
  whileReading?: boolean;
}

/**
 * `lifecycle preview --output json` of a describe-images document: its listing read into columns
 * (with readImageDetails's checks and errors), the policy evaluated over them, the preview written
 * to `sink`: the bytes of the general engine and writer (evaluateLifecyclePolicy,
 * writePolicyPreviewJson), with no object per image. Throws ImageDetailsError for a bad listing.
 */
export function writeListingPreviewJson(
  document: unknown,
  policy: LifecyclePolicy,
  { now, indexChildren, chunkBytes, whileReading = true }: ListingPreviewOptions,
  sink: ByteSink,
): void {
  const filters = whileReading ? compileTagFilterSet(policy) : undefined;
  const listing = readImageColumns(document, {
    ...(filters === undefined ? {} : { matchTags: filters.match }),
    ...(whileReading ? { measureText: measureResultText } : {}),
  });
  const { tagMatches } = listing;
  const evaluation = evaluateLifecycleColumns(policy, listing.images, {
    now,
    ...(indexChildren === undefined ? {} : { indexChildren }),
    ...(filters === undefined || tagMatches === undefined
      ? {}
      : { tagMatches: { filters, matches: tagMatches } }),
  });
  writeColumnarPreviewJson(evaluation, listing, sink, chunkBytes);
}
