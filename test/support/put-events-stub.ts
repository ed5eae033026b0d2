import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/**
 * A PutEvents answer that accepts every entry, as EventBridge does when nothing fails, and records the
 * entries in `published`: `eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published))`.
 */
export function acceptPutEvents(published: PutEventsRequestEntry[]) {
  return (input: { Entries: PutEventsRequestEntry[] }) => {
    published.push(...input.Entries);
    return {
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e-${published.length}-${i}` })),
    };
  };
}
