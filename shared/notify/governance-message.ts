import { EventValidationError } from '../events/event-validation-error';
import {
  GOVERNANCE_DETAIL_TYPES,
  GOVERNANCE_EVENT_SOURCE,
  type GovernanceEvent,
  governanceDetailSchemas,
  isGovernanceDetailType,
} from '../events/governance';
import * as z from '../zod';

/**
 * The body of a notification queue message: the governance event exactly as the EventBridge rule
 * delivered it (the rule has no input transformer), i.e. the EventBridge envelope.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/welcome.html#overiew-event-structure
 *
 * The envelope is checked loosely (EventBridge wrote it) and the detail strictly, against the schema of
 * its detail-type in shared/events/governance.ts, the one the publisher validated it with.
 */
const envelopeSchema = z.object({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string(),
  source: z.literal(GOVERNANCE_EVENT_SOURCE, { error: `must be "${GOVERNANCE_EVENT_SOURCE}"` }),
  account: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id')),
  time: z.string(),
  region: z.string().check(z.minLength(1)),
  resources: z.array(z.string()),
  detail: z.unknown(),
});

/** A governance event read from the notification queue. */
export interface GovernanceMessage {
  /** The EventBridge event id: the same for every delivery of one event, so it keys idempotency. */
  eventId: string;
  /** When the detector published it (envelope `time`). */
  time: string;
  event: GovernanceEvent;
}

/**
 * A queue message that is not a valid governance event. Retrying cannot fix it: it is reported as a
 * batch item failure at once, without any delivery attempt, and reaches the dead-letter queue after the
 * queue's last receive.
 */
export class MalformedGovernanceMessageError extends EventValidationError {
  override name = 'MalformedGovernanceMessageError';

  constructor(
    readonly messageId: string,
    eventId: string | undefined,
    problems: readonly string[],
  ) {
    super('governance', eventId, problems);
    this.message = `malformed governance event${eventId === undefined ? '' : ` ${eventId}`} in queue message ${messageId}: ${problems.join('; ')}`;
  }
}

export function parseGovernanceMessage(message: { messageId: string; body: string }): GovernanceMessage {
  let data: unknown;
  try {
    data = JSON.parse(message.body);
  } catch {
    throw new MalformedGovernanceMessageError(message.messageId, undefined, ['body: is not JSON']);
  }

  const envelope = envelopeSchema.safeParse(data);
  const eventId = idOf(data);
  if (!envelope.success) {
    throw new MalformedGovernanceMessageError(message.messageId, eventId, describeIssues(envelope.error, []));
  }
  const detailType = envelope.data['detail-type'];
  if (!isGovernanceDetailType(detailType)) {
    throw new MalformedGovernanceMessageError(message.messageId, eventId, [
      `detail-type: "${detailType}" is not one of ${GOVERNANCE_DETAIL_TYPES.map((t) => `"${t}"`).join(', ')}`,
    ]);
  }
  const detail = governanceDetailSchemas[detailType].safeParse(envelope.data.detail);
  if (!detail.success) {
    throw new MalformedGovernanceMessageError(
      message.messageId,
      eventId,
      describeIssues(detail.error, ['detail']),
    );
  }
  return {
    eventId: envelope.data.id,
    time: envelope.data.time,
    // The schema chosen by detailType parsed the detail, so the pair is one member of the union.
    event: { detailType, detail: detail.data } as GovernanceEvent,
  };
}

function idOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('id' in data)) return undefined;
  return typeof data.id === 'string' && data.id !== '' ? data.id : undefined;
}

function describeIssues(error: z.core.$ZodError, prefix: readonly PropertyKey[]): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return `${path || '(body)'}: ${issue.message}`;
  });
}
