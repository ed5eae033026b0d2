/**
 * The tag ledger's decision: what one observation of a tag (a PUSH event, or the sweep reading
 * DescribeImages) means, given the ledger's current head for that tag.
 *
 * ECR's image events are best effort and EventBridge delivers at least once, in no guaranteed order
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html), so an observation is
 * ordered by its own time, never by its arrival:
 *
 * | head            | observation                         | decision    |
 * |-----------------|-------------------------------------|-------------|
 * | none            | any                                 | `new`       |
 * | same digest     | any time                            | `unchanged` (replays and duplicates) |
 * | other digest    | later than the head                 | `moved`     |
 * | other digest    | earlier than the head               | `late` (an old push arriving late: history only) |
 * | other digest    | the same second                     | `tie` (ask ECR which digest the tag has now) |
 *
 * Times are ISO 8601 UTC strings as Date#toISOString writes them, so that they compare as strings.
 */

export interface TagHead {
  digest: string;
  observedAt: string;
}

export interface TagObservation {
  digest: string;
  observedAt: string;
}

export type TagDecision = 'new' | 'unchanged' | 'moved' | 'late' | 'tie';

export function decideTagObservation(head: TagHead | undefined, observation: TagObservation): TagDecision {
  if (head === undefined) return 'new';
  if (head.digest === observation.digest) return 'unchanged';
  if (observation.observedAt > head.observedAt) return 'moved';
  if (observation.observedAt < head.observedAt) return 'late';
  return 'tie';
}

/** `sha256:26cc23fc1bcb…`: enough of a digest for a one-line summary. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}
