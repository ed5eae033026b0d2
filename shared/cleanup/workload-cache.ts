import { type InUsePicture, type InUseSource, readInUsePicture } from '../inuse/in-use-picture';

/**
 * The in-use picture for one invocation: every source (shared/inuse/in-use-picture.ts) read the first
 * time a repository of the batch asks for it, then shared by every repository of the batch. Not kept
 * across invocations: a deployment made between two invocations must be seen by the second.
 *
 * A source that failed stays failed for the rest of the invocation: every repository of the batch is
 * held (nothing deleted, the report names the source), rather than one repository deleting on a
 * second read that happened to succeed while its neighbour was held on the first. The next scheduled
 * run reads every source again.
 */
export interface InUseCache {
  /** The picture; `sources` is called once, on the first call (its account is the first request's). */
  picture(): Promise<InUsePicture>;
  /** The warnings of the read (e.g. a service whose task definition could not be read), once read. */
  warnings(): readonly string[];
  /** How many times the sources were read (at most once). */
  reads(): number;
}

export function createInUseCache(
  sources: () => readonly InUseSource[],
  options: { concurrency: number; timeoutMs?: number },
): InUseCache {
  let pending: Promise<InUsePicture> | undefined;
  let result: InUsePicture | undefined;
  let reads = 0;
  return {
    async picture() {
      if (pending === undefined) {
        reads++;
        pending = readInUsePicture(sources(), options);
      }
      result = await pending;
      return result;
    },
    warnings: () => result?.warnings ?? [],
    reads: () => reads,
  };
}
