import { EcrWardenError } from '../errors';

/** An incoming event does not have the documented shape. Fails the invocation so that it reaches the DLQ. */
export class EventValidationError extends EcrWardenError {
  override name = 'EventValidationError';

  constructor(
    readonly eventKind: string,
    /** The event's id when it has one, for the log line that reports the failure. */
    readonly eventId: string | undefined,
    readonly problems: readonly string[],
  ) {
    super(
      `malformed ${eventKind} event${eventId === undefined ? '' : ` ${eventId}`}: ${problems.join('; ')}`,
    );
  }
}
