import * as z from '../zod';
import { EventValidationError } from './event-validation-error';
import {
  envelopeClaims,
  findUngovernedClaims,
  type GovernedScope,
  UngovernedEventError,
  withRegions,
} from './governed-scope';

/**
 * "ECR Replication Action" (source aws.ecr): ECR sends it, best effort, when it has replicated an image
 * (or failed to). It is emitted in the destination region and account: the envelope's `region` and
 * `account` are the destination's, `detail.source-region` and `detail.source-account` the source's.
 * `result` is SUCCESS or FAILED (not FAILURE); the event carries no failure code (the source's
 * DescribeImageReplicationStatus does). `image-tag` is absent for an untagged image, as in
 * "ECR Image Action".
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecr.html
 * (fields as in the EventBridge schema aws.ecr@ECRReplicationAction: action-type, image-digest,
 * image-tag, repository-name, result, source-account, source-region)
 */
export const REPLICATION_ACTION_DETAIL_TYPE = 'ECR Replication Action';

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));
const region = z
  .string()
  .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2'));

export const replicationActionEventSchema = z.object({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal(REPLICATION_ACTION_DETAIL_TYPE),
  source: z.literal('aws.ecr'),
  /** The destination account. */
  account: accountId,
  /** When ECR emitted the event, i.e. when the replication ended. */
  time: z.iso.datetime({ offset: true }),
  /** The destination region. */
  region,
  resources: z.array(z.string()),
  detail: z.object({
    result: z.enum(['SUCCESS', 'FAILED']),
    'repository-name': z.string().check(z.minLength(2), z.maxLength(256)),
    'image-digest': z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 image digest')),
    'image-tag': z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
    'source-account': accountId,
    'source-region': region,
    /** REPLICATE; not relied on: the detail-type says what happened. */
    'action-type': z.string().check(z.minLength(1)),
  }),
});

export type ReplicationActionEvent = z.output<typeof replicationActionEventSchema>;

/** Validates an "ECR Replication Action" event; a malformed one is a typed error naming every problem. */
export function parseReplicationActionEvent(event: unknown): ReplicationActionEvent {
  const result = replicationActionEventSchema.safeParse(event);
  if (result.success) return result.data;
  const id = typeof event === 'object' && event !== null && 'id' in event ? event.id : undefined;
  throw new EventValidationError(
    REPLICATION_ACTION_DETAIL_TYPE,
    typeof id === 'string' ? id : undefined,
    result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`),
  );
}

/**
 * Rejects a replication event that does not come from this deployment's replication (an
 * UngovernedEventError naming every claim outside the scope). ECR emits the event in the destination
 * region, and serverless.yml's forwarding rule (examples/replication/forward-replication-events.yml)
 * brings it from there to the source region's function: the envelope (`account`, `region`,
 * `resources`) may name `replication.destinationRegions` as well as the governed regions, while
 * `detail.source-account` and `detail.source-region` must be the governed source itself.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 */
export function assertReplicationActionGoverned(
  event: ReplicationActionEvent,
  scope: GovernedScope,
  destinationRegions: readonly string[],
): void {
  const ungoverned = [
    ...findUngovernedClaims(withRegions(scope, destinationRegions), envelopeClaims(event)),
    ...findUngovernedClaims(scope, [
      { field: 'detail.source-account', account: event.detail['source-account'] },
      { field: 'detail.source-region', region: event.detail['source-region'] },
    ]),
  ];
  if (ungoverned.length > 0) {
    throw new UngovernedEventError(REPLICATION_ACTION_DETAIL_TYPE, event.id, ungoverned);
  }
}
