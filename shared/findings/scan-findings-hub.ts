import { EcrWardenError } from '../errors';
import type { TargetMessage } from '../events/target-message';
import type { UnreachableCause, UnreachableTarget } from '../organization/account-unreachable';
import type { AccountDirectory, GovernedAccount } from '../organization/governed-accounts';
import type { RegistryPlace } from '../state/state-keys';
import type { FindingsLedger } from './record-image-findings';
import type { ImageScanSource } from './scan-findings-service';
import type { ScanningPolicy } from './scanning-policy';

/**
 * scanFindings as an Organizations hub (issue 15): the ports it needs beyond the single-account ones,
 * and the Account Unreachable report. Pure: shared/aws/scan-findings-dependencies.ts implements the
 * ports with the member role's sessions (shared/aws/member-account-access.ts) and the target queue.
 *
 * A hub is opened once per invocation (`open()`): the member sessions, and so the one AssumeRole per
 * account, last one invocation, as issue 15 asks ("credentials cached per invocation").
 */
export interface ScanFindingsOrganization {
  open(): Promise<ScanFindingsHub>;
}

/** The governed account × region a scan event or a digest target is about. */
export interface GovernedPlace {
  readonly account: GovernedAccount;
  readonly region: string;
}

/** What the findings of one governed account × region are read and recorded with. */
export interface PlaceDependencies {
  /** Its findings ledger: the deployment's own registry keeps today's keys, others name the place. */
  ledger: FindingsLedger;
  /** DescribeImageScanFindings in that account × region, through the member role (the hub: its own). */
  scans: ImageScanSource;
  /** `scanning` as it applies to that account (thresholds and suppressions by `accounts`). */
  policy: ScanningPolicy;
}

export interface ScanFindingsHub {
  /** The hub's own account and region: its schedule's, and the registry whose keys stay today's. */
  readonly home: RegistryPlace;
  readonly directory: AccountDirectory;
  readonly regions: readonly string[];
  at(place: GovernedPlace): PlaceDependencies;
  /**
   * Assumes the member role of `account` now (the hub's own account: nothing to assume); rejects with
   * a PlaceUnreachableError naming the role and why.
   */
  checkReachable(account: string): Promise<void>;
  /** Queues the digest's targets (one SQS message each), all or a rejection. */
  sendTargets(messages: readonly TargetMessage[]): Promise<void>;
  /** Account Unreachable, once per run, work and account × region (and AccountsUnreachable). */
  reportUnreachable(target: UnreachableTarget): Promise<'reported' | 'duplicate'>;
}

/**
 * A governed account × region cannot be acted in: the member role cannot be assumed
 * (MemberAccountUnreachableError), or the first call there answers as a disabled region, an endpoint
 * that does not answer or a denial (shared/organization/account-unreachable.ts `targetUnreachableCause`).
 * Converted from the AWS errors by the adapter, so that the domain needs no SDK.
 */
export class PlaceUnreachableError extends EcrWardenError {
  override name = 'PlaceUnreachableError';

  constructor(
    readonly account: string,
    readonly region: string | undefined,
    readonly unreachable: UnreachableCause,
    options?: { cause?: unknown },
  ) {
    super(
      `${account}${region === undefined ? '' : ` ${region}`} cannot be reached: ${unreachable.reason}`,
      options,
    );
  }
}

/**
 * Reports an unreachable account × region once per run and work (the hub functions' one reporter,
 * shared/organization/account-unreachable.ts, on scanFindings' own idempotency scope) and counts it in
 * AccountsUnreachable. `reported`: this call published it.
 */
export async function reportAccountUnreachable(
  hub: Pick<ScanFindingsHub, 'reportUnreachable'>,
  input: {
    runId: string;
    work: 'vulnerability-digest' | 'event';
    account: GovernedAccount;
    region: string;
    error: PlaceUnreachableError;
  },
): Promise<boolean> {
  const outcome = await hub.reportUnreachable({
    ...input.error.unreachable,
    runId: input.runId,
    work: input.work,
    account: input.account,
    region: input.region,
  });
  return outcome === 'reported';
}

/** The directory's account, or, for the hub's own ungoverned schedule, one without alias or OUs. */
export function governedAccount(directory: AccountDirectory, accountId: string): GovernedAccount {
  return directory.get(accountId) ?? { id: accountId, parents: [] };
}

/** The deployment's own registry keeps today's keys: no place. */
export function isHome(hub: Pick<ScanFindingsHub, 'home'>, place: { account: string; region: string }) {
  return place.account === hub.home.account && place.region === hub.home.region;
}
