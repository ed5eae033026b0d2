import type { InUseSource } from '../inuse/in-use-picture';
import type { Place } from '../inuse/in-use-ports';
import type { AccountUnreachableReporter, UnreachableCause } from '../organization/account-unreachable';
import type { GovernedAccount } from '../organization/governed-accounts';
import type { ImageArchiver, ImageDeleter, RepositoryImageSource } from './cleanup-ports';
import type { GovernedPlaces } from './governed-places';

/**
 * cleanupWorker's ports in an Organizations hub (issue 15): which accounts and regions are governed,
 * and, per invocation, the member accounts as the worker acts in them (one member-role session per
 * account, one client per account × region), implemented in shared/aws/cleanup-worker-dependencies.ts.
 */
export interface OrganizationCleanupPorts {
  /** The hub: acted in with the function's own credentials. */
  hubAccount: string;
  /** The governed accounts and regions (the directory; read per invocation, cached by the adapter). */
  governedPlaces(): Promise<GovernedPlaces>;
  /** Opened once per invocation (a batch): its sessions and clients live as long as the batch. */
  openMemberAccess(): MemberCleanupAccess;
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
