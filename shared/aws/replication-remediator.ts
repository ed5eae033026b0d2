import {
  type ImageTagMutability,
  LimitExceededException,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  ReplicationBackfillInProgressException,
  SetRepositoryPolicyCommand,
  StartReplicationBackfillCommand,
} from '@aws-sdk/client-ecr';
import type { ReplicationRemediator } from '../replication/registry-reader';
import { type RegionalEcrClients, regionalEcrClients } from './regional-ecr-clients';

/**
 * The writes of opt-in replication remediation (replication.remediate with dryRun: false), each through
 * the region's ECR client. The function's role holds these actions only when remediation is on
 * (deploy/iam/replication-audit-iam.ts).
 */
export function createReplicationRemediator(
  clients: RegionalEcrClients = regionalEcrClients,
): ReplicationRemediator {
  return {
    /**
     * StartReplicationBackfill, sent to the source region: it replicates the registry's existing images
     * that its current rules select to one destination. One backfill per destination region can run at
     * a time (ReplicationBackfillInProgressException) and ten per registry (LimitExceededException);
     * either means "not now", not a failure.
     * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html
     */
    async startBackfill(sourceRegion, destination) {
      try {
        const response = await clients
          .clientFor(sourceRegion)
          .send(new StartReplicationBackfillCommand({ destination: { ...destination } }));
        return {
          status: 'started',
          replicationBackfillId: response.replicationBackfillId ?? '(no id returned)',
        };
      } catch (error) {
        if (error instanceof ReplicationBackfillInProgressException) {
          return { status: 'busy', reason: `a backfill to ${destination.region} is already in progress` };
        }
        if (error instanceof LimitExceededException) {
          return { status: 'busy', reason: 'the registry already runs the most backfills ECR allows (10)' };
        }
        throw error;
      }
    },

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html
    async putTagMutability(region, repositoryName, tagMutability, exclusionFilters) {
      await clients.clientFor(region).send(
        new PutImageTagMutabilityCommand({
          repositoryName,
          imageTagMutability: tagMutability as ImageTagMutability,
          ...(tagMutability.endsWith('_WITH_EXCLUSION')
            ? {
                imageTagMutabilityExclusionFilters: exclusionFilters.map((filter) => ({
                  filterType: 'WILDCARD' as const,
                  filter,
                })),
              }
            : {}),
        }),
      );
    },

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
    async putLifecyclePolicy(region, repositoryName, policyText) {
      await clients
        .clientFor(region)
        .send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: policyText }));
    },

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
    async setRepositoryPolicy(region, repositoryName, policyText) {
      await clients.clientFor(region).send(new SetRepositoryPolicyCommand({ repositoryName, policyText }));
    },
  };
}
