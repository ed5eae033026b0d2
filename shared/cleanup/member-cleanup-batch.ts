import type { CleanupRunProgressStore, GraceMarkStore } from './cleanup-ports';
import { resolveCleanupTarget } from './cleanup-target';
import type { InUseCacheOptions, MemberBatch, MemberOrganization } from './member-cleanup-ports';
import { createInUseCache, type InUseCache } from './workload-cache';

/**
 * What one cleanupWorker batch of an Organizations hub (issue 15) holds beside the single-account
 * batch (./process-cleanup-batch.ts): the governed places, one member access for the invocation, one
 * in-use picture per member place, and the state stores keyed by a member repository's state name.
 */
export async function openMemberBatch(
  organization: MemberOrganization,
  cacheOptions: InUseCacheOptions,
): Promise<MemberBatch> {
  const places = await organization.governedPlaces();
  const access = await organization.openMemberAccess();
  const byPlace = new Map<string, InUseCache>();
  return {
    access,
    unreachable: organization.unreachable,
    resolveTarget: (request, messageId) => resolveCleanupTarget(request, messageId, places),
    progressUnder,
    marksUnder,
    async picture(place, hubSources) {
      const key = `${place.account}/${place.region}`;
      let own = byPlace.get(key);
      if (own === undefined) {
        own = createInUseCache(() => access.placeInUseSources(place), cacheOptions);
        byPlace.set(key, own);
      }
      // Every source can run an image of any registry (a hub cluster may pull a member's image), so
      // the hub's sources count for a member's repository too, and any failure holds it.
      const [hubPicture, ownPicture] = await Promise.all([hubSources.picture(), own.picture()]);
      return {
        uses: [...hubPicture.uses, ...ownPicture.uses],
        warnings: [...hubPicture.warnings, ...ownPicture.warnings],
        failures: [...hubPicture.failures, ...ownPicture.failures],
      };
    },
  };
}

/** The run-progress store with a member repository's state name in place of its bare name. */
function progressUnder(progress: CleanupRunProgressStore, stateName: string): CleanupRunProgressStore {
  return {
    read: (runId) => progress.read(runId, stateName),
    start: (runId, _name, value) => progress.start(runId, stateName, value),
    write: (runId, _name, value) => progress.write(runId, stateName, value),
  };
}

/** The grace-mark store likewise. */
function marksUnder(marks: GraceMarkStore, stateName: string): GraceMarkStore {
  return {
    read: () => marks.read(stateName),
    mark: (_name, digests, markedAt, expiresAt) => marks.mark(stateName, digests, markedAt, expiresAt),
    unmark: (_name, digests) => marks.unmark(stateName, digests),
  };
}
