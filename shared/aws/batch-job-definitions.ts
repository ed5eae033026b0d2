import { type BatchClient, type JobDefinition, paginateDescribeJobDefinitions } from '@aws-sdk/client-batch';

// The client, for shared/aws/in-use-readers.ts: loading this module alone (a dynamic import) then
// bundles just the client and the commands used here, not the whole SDK package.
export { BatchClient } from '@aws-sdk/client-batch';

// DescribeJobDefinitions: maxResults 1-100 (without it, up to 100 and a nextToken); `status` filters.
// https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobDefinitions.html
export const BATCH_PAGE_SIZE = 100;

/**
 * Every ACTIVE job definition (every revision of every name) of the client's account and region, as
 * DescribeJobDefinitions answers them (`jobDefinitions[]`, = `aws batch describe-job-definitions
 * --status ACTIVE`), read page by page with nextToken to the end. An ACTIVE revision can be submitted
 * at any time, so each one's `containerProperties.image` (and the images of its node ranges and EKS
 * or ECS properties) is in use; INACTIVE revisions cannot be submitted again and are not read.
 * A failure (AccessDenied, throttling after the SDK's retries) rejects: the source failed.
 */
export async function readActiveJobDefinitions(batch: BatchClient): Promise<JobDefinition[]> {
  const definitions: JobDefinition[] = [];
  for await (const page of paginateDescribeJobDefinitions(
    { client: batch, pageSize: BATCH_PAGE_SIZE },
    { status: 'ACTIVE' },
  )) {
    definitions.push(...(page.jobDefinitions ?? []));
  }
  return definitions;
}
