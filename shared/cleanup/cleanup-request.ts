import * as z from '../zod';

/**
 * The message `cleanupScheduler` sends to the cleanup queue, one per repository, and `cleanupWorker`
 * receives. A contract between two deployments of the code (a message may outlive a deploy), so it is
 * versioned: a breaking change bumps `schemaVersion` and the worker keeps reading the old version for
 * at least the queue's retention period.
 */
export const cleanupRequestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  // CreateRepository allows 2-256 characters; bounding it (and runId) also keeps the idempotency key of a
  // hostile or corrupted message within DynamoDB's key size, so that it fails here, as a validation error.
  // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
  repositoryName: z.string().check(z.minLength(1), z.maxLength(256)),
  repositoryArn: z.string().check(z.startsWith('arn:')),
  registryId: z.string().check(z.regex(/^\d{12}$/)),
  /**
   * The registry's region (issue 15): an Organizations hub queues repositories of every governed
   * region. Optional, so that a message of an earlier deploy (without it) still reads: the worker then
   * takes the region of `repositoryArn`, and without an `organization` its own region, as before.
   */
  region: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/))),
  /**
   * The schedule run that asked for this cleanup: the EventBridge event id. Lambda's asynchronous
   * retries deliver the same event again, so a retried run sends the same runId and the worker can
   * treat (runId, repositoryName) as an idempotency key.
   */
  runId: z.string().check(z.minLength(1), z.maxLength(256)),
});

export type CleanupRequest = z.output<typeof cleanupRequestSchema>;

export interface RepositoryIdentity {
  readonly repositoryName: string;
  readonly repositoryArn: string;
  readonly registryId: string;
}

/** `region`: set by an Organizations hub's scheduler only, so that a single-account message is unchanged. */
export function buildCleanupRequest(
  repository: RepositoryIdentity,
  runId: string,
  region?: string,
): CleanupRequest {
  return {
    schemaVersion: 1,
    repositoryName: repository.repositoryName,
    repositoryArn: repository.repositoryArn,
    registryId: repository.registryId,
    ...(region === undefined ? {} : { region }),
    runId,
  };
}
