import type { InUseReason } from '../cleanup/cleanup-reasons';
import type { RepositoryLocation } from '../cleanup/image-reference';
import type { RunningIn } from './where-it-runs';

/**
 * The in-use index: the cleanup worker's in-use picture of each repository it plans (dry run or not),
 * published for the features that cannot read 20,000 pods per event (vulnerability alerts, the daily
 * digest, Tag Moved). Per digest, where it runs (./where-it-runs.ts) and when that was seen. Records
 * expire IN_USE_INDEX_TTL_DAYS after they were written, so a repository that is no longer planned
 * stops claiming anything.
 *
 * A missing record means "not known", never "not in use": the repository may not be covered by a
 * cleanup rule, or not planned for days. Readers therefore only ever add to what they know.
 */

/** How long a record counts: a daily cleanup schedule rewrites it well before; a stopped one lets it go. */
export const IN_USE_INDEX_TTL_DAYS = 3;

export interface InUseIndexWriter {
  /**
   * Records every in-use digest of the repository with its places, as of `now`, and forgets the
   * digests of the repository that are no longer in use (an earlier record of them would claim a
   * place the picture no longer shows).
   */
  recordInUse(
    location: RepositoryLocation,
    inUse: ReadonlyMap<string, readonly InUseReason[]>,
    now: Date,
  ): Promise<void>;
}

export interface InUseIndexReader {
  /** Where the image runs, as last recorded; undefined when not known (no record, or it expired). */
  lookUpInUse(location: RepositoryLocation, imageDigest: string): Promise<RunningIn | undefined>;
  /** Every recorded digest of one repository (one Query): the daily digest reads them per repository. */
  lookUpRepository(location: RepositoryLocation): Promise<ReadonlyMap<string, RunningIn>>;
}
