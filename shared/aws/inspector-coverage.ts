import {
  type CoverageFilterCriteria,
  type CoveredResource,
  type Inspector2Client,
  paginateListCoverage,
} from '@aws-sdk/client-inspector2';
import { chunk } from './workload-reads';

// The client, for shared/aws/in-use-readers.ts: loading this module alone (a dynamic import) then
// bundles just the client and the commands used here, not the whole SDK package.
export { Inspector2Client } from '@aws-sdk/client-inspector2';

// ListCoverage: maxResults 1-200; each filter array holds 1-10 conditions.
// https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListCoverage.html
// https://docs.aws.amazon.com/inspector/v2/APIReference/API_CoverageFilterCriteria.html
export const INSPECTOR_PAGE_SIZE = 200;
const FILTER_VALUES_MAX = 10;

/**
 * The ECR images of one registry that Inspector covers, as ListCoverage answers them
 * (`coveredResources[]`, = `aws inspector2 list-coverage`): resourceType AWS_ECR_CONTAINER_IMAGE,
 * `resourceMetadata.ecrImage.{imageTags, pushedAt, lastInUseAt, inUseCount}`. Coverage is regional:
 * the client's region is the registry's. Filtered to the registry's account (a delegated
 * administrator sees its members' images too) and, when given, to the repositories named (EQUALS,
 * at most 10 a listing, so 10 names a listing); every listing read with nextToken to the end.
 */
export async function readEcrImageCoverage(
  inspector: Inspector2Client,
  registry: { accountId: string; repositoryNames?: readonly string[] },
): Promise<CoveredResource[]> {
  const base: CoverageFilterCriteria = {
    resourceType: [{ comparison: 'EQUALS', value: 'AWS_ECR_CONTAINER_IMAGE' }],
    accountId: [{ comparison: 'EQUALS', value: registry.accountId }],
  };
  const filters =
    registry.repositoryNames === undefined
      ? [base]
      : chunk([...new Set(registry.repositoryNames)].sort(), FILTER_VALUES_MAX).map((names) => ({
          ...base,
          ecrRepositoryName: names.map((value) => ({ comparison: 'EQUALS' as const, value })),
        }));
  const resources: CoveredResource[] = [];
  for (const filterCriteria of filters) {
    for await (const page of paginateListCoverage(
      { client: inspector, pageSize: INSPECTOR_PAGE_SIZE },
      { filterCriteria },
    )) {
      resources.push(...(page.coveredResources ?? []));
    }
  }
  return resources;
}
