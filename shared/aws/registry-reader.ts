import {
  DescribeRegistryCommand,
  type ECRClient,
  paginateDescribeRepositories,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { RegistryReader } from '../cleanup/take-snapshot';
import { DESCRIBE_REPOSITORIES_PAGE_SIZE } from './repository-catalog';

/**
 * The registry as `aws ecr describe-registry` and `aws ecr describe-repositories` show it: its account
 * (registryId) and every repository entry, 1000 a page.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
 */
export function createRegistryReader(client: ECRClient): RegistryReader {
  return {
    async registryId() {
      const output = await client.send(new DescribeRegistryCommand({}));
      return output.registryId ?? '';
    },
    async *listRepositories(): AsyncGenerator<Repository[]> {
      for await (const page of paginateDescribeRepositories(
        { client, pageSize: DESCRIBE_REPOSITORIES_PAGE_SIZE },
        {},
      )) {
        yield (page.repositories ?? []).filter((repository) => repository.repositoryName !== undefined);
      }
    },
  };
}
