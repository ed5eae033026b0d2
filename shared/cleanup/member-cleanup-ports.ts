import type { InUsePicture, InUseSource } from '../inuse/in-use-picture';
import type { Place } from '../inuse/in-use-ports';
import type { AccountUnreachableReporter, UnreachableCause } from '../organization/account-unreachable';
import type { GovernedAccount } from '../organization/governed-accounts';
import type {
  CleanupRunProgressStore,
  GraceMarkStore,
  ImageArchiver,
  ImageDeleter,
  RepositoryImageSource,
} from './cleanup-ports';
import type { CleanupRequest } from './cleanup-request';
import type { CleanupTarget } from './cleanup-target';
import type { InUseCache } from './workload-cache';

export interface InUseCacheOptions {
  concurrency: number;
  timeoutMs: number;
}

/** One batch's view of the member accounts: one member access, one in-use picture per place. */
export interface MemberBatch {
  access: MemberCleanupAccess;
  unreachable: AccountUnreachableReporter;
  /** The governed account × region a request may act in (./cleanup-target.ts); throws when none. */
  resolveTarget(request: CleanupRequest, messageId: string): CleanupTarget;
  /** The hub's sources (read once for the batch) and the place's own (once per place), together. */
  picture(place: Place, hubSources: InUseCache): Promise<InUsePicture>;
  /** The state stores with a member repository's state name in place of its bare name. */
  progressUnder(progress: CleanupRunProgressStore, stateName: string): CleanupRunProgressStore;
  marksUnder(marks: GraceMarkStore, stateName: string): GraceMarkStore;
}

import type { GovernedPlaces } from './governed-places';

/**
 * cleanupWorker's ports in an Organizations hub (issue 15): which accounts and regions are governed,
 * and, per invocation, the member accounts as the worker acts in them (one member-role session per
 * account, one client per account × region), implemented in shared/aws/cleanup-worker-dependencies.ts.
 */
export interface OrganizationCleanupPorts {
  /** The hub: acted in with the function's own credentials. */
  hubAccount: string;
  /**
   * The batch's view of the member accounts, opened once per invocation (./member-cleanup-batch.ts,
   * loaded with the rest of the hub's code only when the config has an `organization`).
   */
  openBatch(cacheOptions: InUseCacheOptions): Promise<MemberBatch>;
}

/** What a member batch is opened from (shared/aws/cleanup-worker-organization.ts). */
export interface MemberOrganization {
  /** The governed accounts and regions (the directory; read per invocation, cached by the adapter). */
  governedPlaces(): Promise<GovernedPlaces>;
  /** Opened once per invocation (a batch): its sessions and clients live as long as the batch. */
  openMemberAccess(): Promise<MemberCleanupAccess>;
  unreachable: AccountUnreachableReporter;
}

/** The registry ports of one account × region. */
export interface PlaceRegistry {
  images: RepositoryImageSource;
  deleter: ImageDeleter;
  archiver: ImageArchiver;
}

export interface MemberCleanupAccess {
  /** `undefined` when the account can be acted in (the member role was assumed), else why not. */
  reach(account: GovernedAccount): Promise<UnreachableCause | undefined>;
  /** ECR of `place` with the member role's session (the function's own in the hub's account). */
  registry(place: Place): PlaceRegistry;
  /** The in-use sources of `place` itself (shared/inuse/in-use-sources.ts, governedPlaceSources). */
  placeInUseSources(place: Place): InUseSource[];
  assumeRoleCalls(): number;
}
