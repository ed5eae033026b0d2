import type { GovernanceEvent, GovernanceEventSink } from '../../shared/events/governance';

/**
 * A governance event sink in memory for unit tests: it records what was published (and tells
 * `onPublish`, for tests that keep one journal of calls in order) unless told that the next publish
 * fails, as when EventBridge cannot be reached.
 */
export function createRecordingPublisher(onPublish: (events: readonly GovernanceEvent[]) => void = () => {}) {
  const published: GovernanceEvent[] = [];
  let nextError: Error | undefined;
  const publisher: GovernanceEventSink = {
    async publish(events) {
      if (nextError !== undefined) {
        const error = nextError;
        nextError = undefined;
        throw error;
      }
      published.push(...events);
      onPublish(events);
    },
  };
  return {
    publisher,
    published,
    failNextPublish(error: Error) {
      nextError = error;
    },
  };
}
