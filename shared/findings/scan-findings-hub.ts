import { EcrWardenError } from '../errors';
import type { GovernanceEvent, GovernanceEventSink } from '../events/governance';
import type { TargetMessage } from '../events/target-message';
import { type AccountDirectory, accountLabel, type GovernedAccount } from '../organization/governed-accounts';
import type { RunOnceGuard } from '../state/run-once';
import { type IdempotencyScope, idempotencyKey, type RegistryPlace } from '../state/state-keys';
import type { FindingsLedger } from './record-image-findings';
import { publishOnce } from './record-image-findings';
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
  /** Counts one Account Unreachable report (metric AccountsUnreachable). */
  countUnreachable(): void;
}

/**
 * A governed account × region cannot be acted in: the member role cannot be assumed
 * (MemberAccountUnreachableError), or the region answers as a disabled one. Converted from the AWS
 * errors by the adapter, so that the domain needs no SDK.
 */
export class PlaceUnreachableError extends EcrWardenError {
  override name = 'PlaceUnreachableError';

  constructor(
    readonly account: string,
    readonly region: string | undefined,
    readonly roleArn: string,
    readonly reason: string,
    readonly errorName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${account}${region === undefined ? '' : ` ${region}`} cannot be reached: ${reason}`, options);
  }
}

export type UnreachableWork = 'vulnerability-digest' | 'event';

/**
 * The once-only key of an Account Unreachable report: `runId/work/account/region` (issue 15: once per
 * run per account × region per work), under the idempotency scope scanFindings owns for that work, so
 * that its role needs no other partition.
 */
export function accountUnreachableKey(
  runId: string,
  work: UnreachableWork,
  place: { account: string; region: string },
): string {
  const scope: IdempotencyScope = work === 'event' ? 'vulnerability-alert' : 'vulnerability-digest';
  return idempotencyKey(scope, 'account-unreachable', runId, work, place.account, place.region);
}

/** The `Account Unreachable` event of one governed account × region. */
export function buildAccountUnreachable(input: {
  runId: string;
  work: UnreachableWork;
  account: GovernedAccount;
  region: string;
  hubRegion: string;
  error: PlaceUnreachableError;
}): GovernanceEvent {
  const what = input.work === 'event' ? 'a scan event was not processed' : "the day's digest was not sent";
  return {
    detailType: 'Account Unreachable',
    detail: {
      schemaVersion: 1,
      account: input.account.id,
      ...(input.account.alias === undefined ? {} : { accountAlias: input.account.alias }),
      region: input.region,
      severity: 'warning',
      summary: `${accountLabel(input.account)} ${input.region}: ${what}, the account cannot be reached`,
      // Where the member stack (a StackSet instance) is fixed: the hub's StackSets page.
      consoleUrl: `https://${input.hubRegion}.console.aws.amazon.com/cloudformation/home?region=${input.hubRegion}#/stacksets`,
      runId: input.runId,
      work: input.work,
      roleArn: input.error.roleArn,
      reason: shortReason(input.error.reason),
      ...(input.error.errorName === undefined ? {} : { errorName: input.error.errorName.slice(0, 128) }),
    },
  };
}

function shortReason(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim() || 'no reason given';
  return line.length <= 500 ? line : `${line.slice(0, 499)}…`;
}

/**
 * Publishes the report once per key; whatever else happens in that account × region is not done.
 * Returns whether this call published it (a retry of the same run finds it done).
 */
export async function reportAccountUnreachable(
  deps: { once: RunOnceGuard; publisher: GovernanceEventSink; hub: ScanFindingsHub },
  input: Omit<Parameters<typeof buildAccountUnreachable>[0], 'hubRegion'>,
): Promise<boolean> {
  const event = buildAccountUnreachable({ ...input, hubRegion: deps.hub.home.region });
  const outcome = await publishOnce(
    deps.once,
    accountUnreachableKey(input.runId, input.work, { account: input.account.id, region: input.region }),
    () => deps.publisher.publish([event]),
  );
  if (outcome === 'published') deps.hub.countUnreachable();
  return outcome === 'published';
}

/** The directory's account, or, for the hub's own ungoverned schedule, one without alias or OUs. */
export function governedAccount(directory: AccountDirectory, accountId: string): GovernedAccount {
  return directory.get(accountId) ?? { id: accountId, parents: [] };
}

/** The deployment's own registry keeps today's keys: no place. */
export function isHome(hub: Pick<ScanFindingsHub, 'home'>, place: { account: string; region: string }) {
  return place.account === hub.home.account && place.region === hub.home.region;
}
