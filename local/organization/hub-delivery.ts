import { MEMBER_FORWARDED_EVENT_PATTERNS } from '../../deploy/member-stack';
import { type EventPattern, matchesEventPattern } from './event-pattern';

/**
 * Cross-account delivery in the local mode (issue 15): what the hub bus receives when an event
 * happens in a member account. The member stack's forwarding rules (deploy/member-stack.ts,
 * `MEMBER_FORWARDED_EVENT_PATTERNS`) send every matching event of the member's default bus to the hub
 * bus; EventBridge delivers it unchanged: same `id`, `source`, `detail-type`, `time`, `resources` and
 * `detail`, and `account` and `region` still the member's ("the event retains the account and Region
 * of the source"), which is what the detectors check against the governed directory.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 *
 * An event no forwarding rule matches never reaches the hub: `undefined`.
 */
export interface HubDelivery<Event> {
  /** The forwarding rule that carried it: `Forward<Key>Rule`, as the member template names it. */
  readonly forwardedBy: string;
  /** The event as the hub bus delivers it to its rules' targets. */
  readonly event: Event;
}

/** The envelope fields every EventBridge event has. https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html */
interface EventEnvelope {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export class MalformedMemberEventError extends Error {
  override name = 'MalformedMemberEventError';
}

export function deliverMemberEvent<Event extends object>(
  event: Event,
  patterns: Readonly<Record<string, EventPattern>> = MEMBER_FORWARDED_EVENT_PATTERNS,
): HubDelivery<Event> | undefined {
  assertEnvelope(event);
  const match = Object.entries(patterns).find(([, pattern]) => matchesEventPattern(pattern, event));
  if (match === undefined) return undefined;
  // A copy: what the hub delivers is not the object the member's bus held.
  return { forwardedBy: `Forward${match[0]}Rule`, event: structuredClone(event) };
}

function assertEnvelope(event: object): asserts event is EventEnvelope {
  const envelope = event as Partial<Record<keyof EventEnvelope, unknown>>;
  const problems = [
    typeof envelope.id === 'string' ? undefined : 'id',
    typeof envelope.source === 'string' ? undefined : 'source',
    typeof envelope['detail-type'] === 'string' ? undefined : 'detail-type',
    typeof envelope.account === 'string' && /^\d{12}$/.test(envelope.account) ? undefined : 'account',
    typeof envelope.region === 'string' && envelope.region !== '' ? undefined : 'region',
    typeof envelope.time === 'string' ? undefined : 'time',
    Array.isArray(envelope.resources) ? undefined : 'resources',
    envelope.detail !== undefined ? undefined : 'detail',
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new MalformedMemberEventError(`not an EventBridge event: bad or missing ${problems.join(', ')}`);
  }
}

/**
 * The event as the hub bus hands it to the detectors, when a member stack's forwarding rule carries it;
 * an Error when none would (the member stack forwards nothing like it, so the hub would never see it).
 * For the local mode's member events: the demo and the tests deliver them through the same patterns
 * the member template deploys.
 */
export function forwardedToHub<Event extends object>(event: Event): Event {
  const delivered = deliverMemberEvent(event);
  if (delivered === undefined) {
    const { id, 'detail-type': detailType } = event as { id?: unknown; 'detail-type'?: unknown };
    throw new Error(`no member forwarding rule matches ${String(detailType)} event ${String(id)}`);
  }
  return delivered.event;
}
