import { type LocationClaim, type UngovernedClaim, UngovernedEventError } from './governed-scope';

/**
 * An Organizations hub (issue 15) receives events from member accounts on its bus. The envelope's
 * `account` of such an event is what EventBridge stamped: the account the event happened in, kept when
 * that account's rule forwards it to the hub's bus
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html), and the hub bus's
 * resource policy admits governed accounts only (deploy/). What the event says
 * inside (a CloudTrail record's `recipientAccountId` and `awsRegion`, an ARN in `resources` or in the
 * record) is only text the sender wrote. A detector acts in the envelope's account, so a claim inside
 * the event that names another governed account is a forgery (or a misrouted event): acting on the
 * envelope would fix the wrong registry, acting on the claim would act for an account that did not
 * send the event. Either way the event is rejected, naming both accounts, before anything is read.
 */

/** Thrown when a claim inside an event disagrees with the envelope's account or region. */
export class EnvelopeMismatchError extends UngovernedEventError {
  override name = 'EnvelopeMismatchError';

  constructor(
    eventKind: string,
    eventId: string | undefined,
    readonly envelope: { account: string; region: string },
    mismatches: readonly UngovernedClaim[],
  ) {
    super(eventKind, eventId, mismatches);
    const problems = mismatches.map(({ claim }) =>
      'account' in claim
        ? `${claim.field}: account ${claim.account} is not the event's account ${envelope.account}`
        : `${claim.field}: region ${claim.region} is not the event's region ${envelope.region}`,
    );
    this.message = `forged ${eventKind} event${eventId === undefined ? '' : ` ${eventId}`}: ${problems.join('; ')}`;
  }
}

/** The claims that name another account or region than the envelope's, in the order given. */
export function findMismatchedClaims(
  envelope: { account: string; region: string },
  claims: readonly LocationClaim[],
): UngovernedClaim[] {
  return claims.flatMap((claim): UngovernedClaim[] => {
    if ('account' in claim) {
      return claim.account === envelope.account ? [] : [{ claim, governed: [envelope.account] }];
    }
    return claim.region === envelope.region ? [] : [{ claim, governed: [envelope.region] }];
  });
}

/**
 * Throws an EnvelopeMismatchError (an UngovernedEventError) naming every claim that disagrees with
 * the envelope's `account` and `region`. `claims` are the event's own claims, the envelope's fields
 * included (they agree with themselves).
 */
export function assertClaimsAgreeWithEnvelope(
  event: { kind: string; id: string | undefined; account: string; region: string },
  claims: readonly LocationClaim[],
): void {
  const envelope = { account: event.account, region: event.region };
  const mismatches = findMismatchedClaims(envelope, claims);
  if (mismatches.length > 0) throw new EnvelopeMismatchError(event.kind, event.id, envelope, mismatches);
}
