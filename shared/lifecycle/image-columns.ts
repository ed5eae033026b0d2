/**
 * A repository's images as columns: one array per field, the same index in each for the same image,
 * and no object per image. What evaluate.ts reads from a LifecycleImage, held so that a 100,000-image
 * listing costs a few typed arrays rather than 100,000 records for the collector to trace, and so that
 * the engine's loops read numbers in sequence (columnar-evaluate.ts).
 *
 * Times are epoch milliseconds; NaN stands for an absent one (a timestamp that a reader accepted is
 * never NaN), and every comparison with NaN is false, as a rule needs: an image never pulled has no
 * pull time to be old by, one never archived no archive time.
 */
export interface ImageColumns {
  /** How many images; every column has this length. */
  readonly count: number;
  readonly digests: readonly string[];
  /** Each image's tags; an empty list when untagged. */
  readonly tags: readonly (readonly string[])[];
  /** imagePushedAt. */
  readonly pushedAt: Float64Array;
  /** lastRecordedPullTime; NaN when never pulled. */
  readonly lastPulledAt: Float64Array;
  /** lastArchivedAt; NaN when not archived. */
  readonly archivedAt: Float64Array;
  /** lastActivatedAt; NaN unless once archived and then restored. */
  readonly activatedAt: Float64Array;
  /** 1 for the `archive` storage class, 0 for `standard`. */
  readonly archived: Uint8Array;
}
