import {
  DescribeRegistryCommand,
  type ECRClient,
  GetRegistryScanningConfigurationCommand,
  paginateDescribeRepositories,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { RegistryReader } from '../cleanup/take-snapshot';
import { DESCRIBE_REPOSITORIES_PAGE_SIZE } from './repository-catalog';

/**
 * The registry as `aws ecr describe-registry`, `describe-repositories` and
 * `get-registry-scanning-configuration` show it: its account (registryId) and replication configuration,
 * every repository entry (1000 a page), and its scanning configuration.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
 */
export function createRegistryReader(client: ECRClient): RegistryReader {
  return {
    async describeRegistry() {
      const output = await client.send(new DescribeRegistryCommand({}));
      return {
        registryId: output.registryId ?? '',
        ...(output.replicationConfiguration === undefined
          ? {}
          : { replicationConfiguration: output.replicationConfiguration }),
      };
    },
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html
    async registryScanningConfiguration() {
      const output = await client.send(new GetRegistryScanningConfigurationCommand({}));
      return output.scanningConfiguration ?? {};
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
