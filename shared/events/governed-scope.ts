import { EventValidationError } from './event-validation-error';

/**
 * The accounts and regions this deployment governs, and the check that an incoming event comes from
 * them. An event's `account` and `region` are only what it claims: EventBridge delivers to a function
 * whatever its rules match, and a rule on a bus that other accounts may write to (or a direct
 * invocation) can bring an event "from" any account. The detectors act on the account and region they
 * are given (which registry to fix, whose repository policy grants are "foreign", where drift is
 * reported), so an event outside the scope is rejected before anything is read, written or published.
 *
 * Today the scope is the function's own account and region (DEPLOYMENT_ACCOUNT_ID and AWS_REGION,
 * read at cold start), widened for one event kind by the regions whose events are legitimately
 * forwarded here (replicationAudit: the replication destinations). The Organizations hub will widen
 * it from config; the check stays the same.
 */
export interface GovernedScope {
  readonly accounts: ReadonlySet<string>;
  readonly regions: ReadonlySet<string>;
}

/** The deployment's own account and region: all it governs until Organizations widens the scope. */
export function ownScope(identity: { account: string; region: string }): GovernedScope {
  return { accounts: new Set([identity.account]), regions: new Set([identity.region]) };
}

/** `scope` with more regions: those whose events are forwarded to this function's region. */
export function withRegions(scope: GovernedScope, regions: Iterable<string>): GovernedScope {
  return { accounts: scope.accounts, regions: new Set([...scope.regions, ...regions]) };
}

/** What an event says about where it comes from: one field, and the account or the region it names. */
export type LocationClaim = { field: string; account: string } | { field: string; region: string };

/** A claim outside the scope, with what the scope governs of its kind (accounts or regions). */
export interface UngovernedClaim {
  claim: LocationClaim;
  governed: readonly string[];
}

/** The claims that name an account or a region outside `scope`, in the order given. */
export function findUngovernedClaims(
  scope: GovernedScope,
  claims: readonly LocationClaim[],
): UngovernedClaim[] {
  return claims.flatMap((claim) => {
    const governed = 'account' in claim ? scope.accounts : scope.regions;
    return governed.has('account' in claim ? claim.account : claim.region)
      ? []
      : [{ claim, governed: [...governed].sort() }];
  });
}

/**
 * An event claims an account or a region this deployment does not govern. An EventValidationError, so
 * that handlers treat it as they treat a malformed event: logged, rethrown, on to the failure queue.
 */
export class UngovernedEventError extends EventValidationError {
  override name = 'UngovernedEventError';

  constructor(
    eventKind: string,
    eventId: string | undefined,
    readonly ungoverned: readonly UngovernedClaim[],
  ) {
    super(
      eventKind,
      eventId,
      ungoverned.map(({ claim, governed }) =>
        'account' in claim
          ? `${claim.field}: account ${claim.account} is not governed here (${governed.join(', ')})`
          : `${claim.field}: region ${claim.region} is not governed here (${governed.join(', ')})`,
      ),
    );
    this.message = `ungoverned ${eventKind} event${eventId === undefined ? '' : ` ${eventId}`}: ${this.problems.join('; ')}`;
  }
}

/** Throws an UngovernedEventError naming every claim outside `scope`; returns when there is none. */
export function assertGoverned(
  scope: GovernedScope,
  event: { kind: string; id: string | undefined },
  claims: readonly LocationClaim[],
): void {
  const ungoverned = findUngovernedClaims(scope, claims);
  if (ungoverned.length > 0) throw new UngovernedEventError(event.kind, event.id, ungoverned);
}

// arn:partition:service:region:account-id:resource; region and account are empty for global services.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):(\d{12})?:/;

/** The account and region an ARN names (each only when it names one), as claims of `field`. */
export function arnClaims(field: string, arn: string): LocationClaim[] {
  const match = ARN.exec(arn);
  if (match === null) return [];
  const [, region = '', account = ''] = match;
  return [...(region === '' ? [] : [{ field, region }]), ...(account === '' ? [] : [{ field, account }])];
}

/**
 * The claims of an EventBridge envelope: `account`, `region`, and every ARN in `resources` (a
 * repository, an image, a schedule rule: all of the event's own account and region).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/welcome.html#overiew-event-structure
 */
export function envelopeClaims(event: {
  account: string;
  region: string;
  resources: readonly string[];
}): LocationClaim[] {
  return [
    { field: 'account', account: event.account },
    { field: 'region', region: event.region },
    ...event.resources.flatMap((arn, index) => arnClaims(`resources.${index}`, arn)),
  ];
}
