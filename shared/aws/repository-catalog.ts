import { type ECRClient, paginateDescribeRepositories } from '@aws-sdk/client-ecr';
import type { RepositoryIdentity } from '../cleanup/cleanup-request';
import type { RepositoryPages } from '../cleanup/schedule-cleanup';
import { EcrWardenError } from '../errors';
import { ecrClient } from './ecr-client';

// DescribeRepositories returns 1 to 1000 repositories a page (default 100): ask for the maximum so that
// a registry of 10,000 repositories takes 10 calls.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
export const DESCRIBE_REPOSITORIES_PAGE_SIZE = 1000;

/** ECR answered with a repository that lacks a name, ARN or registry id (the model marks them optional). */
export class IncompleteRepositoryError extends EcrWardenError {
  override name = 'IncompleteRepositoryError';
}

/** Lists every repository of the registry in the client's account and region, one page at a time. */
export function createRepositoryCatalog(client: ECRClient = ecrClient): RepositoryPages {
  return {
    async *listRepositoryPages(): AsyncGenerator<RepositoryIdentity[]> {
      const pages = paginateDescribeRepositories({ client, pageSize: DESCRIBE_REPOSITORIES_PAGE_SIZE }, {});
      for await (const page of pages) {
        yield (page.repositories ?? []).map((repository) => {
          const { repositoryName, repositoryArn, registryId } = repository;
          if (!repositoryName || !repositoryArn || !registryId) {
            throw new IncompleteRepositoryError(
              `DescribeRepositories returned a repository without name, ARN or registry id: ${JSON.stringify(repository)}`,
            );
          }
          return { repositoryName, repositoryArn, registryId };
        });
      }
    },
  };
}
