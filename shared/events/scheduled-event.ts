import * as z from '../zod';
import { EventValidationError } from './event-validation-error';

/**
 * The event an EventBridge scheduled rule sends its target: the EventBridge envelope with
 * `detail-type` "Scheduled Event", `source` "aws.events", `resources` holding the rule ARN and an empty
 * `detail`. (serverless.yml's `schedule` events use scheduled rules, `method: eventBus`; EventBridge
 * Scheduler would deliver only the configured input instead.)
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html ("Scheduled Event")
 * https://docs.aws.amazon.com/eventbridge/latest/ref/welcome.html#overiew-event-structure (envelope)
 */
export const scheduledEventSchema = z.object({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  account: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id')),
  time: z.iso.datetime(),
  region: z.string().check(z.minLength(1)),
  resources: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});

export type ScheduledEvent = z.output<typeof scheduledEventSchema>;

export function parseScheduledEvent(event: unknown): ScheduledEvent {
  const result = scheduledEventSchema.safeParse(event);
  if (result.success) return result.data;
  const id = typeof event === 'object' && event !== null && 'id' in event ? event.id : undefined;
  throw new EventValidationError(
    'Scheduled Event',
    typeof id === 'string' ? id : undefined,
    result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`),
  );
}
