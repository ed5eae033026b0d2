import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeImageReplicationStatusCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  type ECRClient,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  ImageNotFoundException,
  LifecyclePolicyNotFoundException,
  paginateDescribeImages,
  paginateDescribeRepositories,
  RepositoryNotFoundException,
  RepositoryPolicyNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  type RegionalRegistryReader,
  type RegistryReaderFactory,
  type RepositoryListing,
  toReplicationRuleViews,
  toRepositoryListing,
} from '../replication/registry-reader';
import type { ImageView, ReplicationRuleView } from '../replication/replication-model';
import { type RegionalEcrClients, regionalEcrClients } from './regional-ecr-clients';

// DescribeRepositories and DescribeImages return 1 to 1000 items a page (default 100): the maximum keeps
// a repository of up to 1,000 images at one call.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
export const PAGE_SIZE = 1000;
// BatchGetRepositoryScanningConfiguration takes 1 to 25 repository names.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
export const SCANNING_BATCH_SIZE = 25;

/**
 * The replication audit's reads of one region, through that region's ECR client. Read-only: every call
 * here is a Describe/Get. Absent things (a repository deleted meanwhile, no lifecycle policy) are
 * `undefined`; any other error is thrown with the SDK's own error (after the client's retries).
 */
export function createReplicationRegistryReader(region: string, client: ECRClient): RegionalRegistryReader {
  return {
    region,

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html
    async describeRegistry(): Promise<{ registryId: string; rules: ReplicationRuleView[] }> {
      const response = await client.send(new DescribeRegistryCommand({}));
      return {
        registryId: response.registryId ?? '',
        rules: toReplicationRuleViews(response.replicationConfiguration),
      };
    },

    async listRepositories(): Promise<RepositoryListing[]> {
      const listings: RepositoryListing[] = [];
      for await (const page of paginateDescribeRepositories({ client, pageSize: PAGE_SIZE }, {})) {
        for (const repository of page.repositories ?? []) {
          const { repositoryName } = repository;
          if (repositoryName === undefined) continue;
          listings.push(
            toRepositoryListing({ ...repository, repositoryName }, repository.createdAt?.getTime()),
          );
        }
      }
      return listings;
    },

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html
    async registryScanType() {
      const response = await client.send(new GetRegistryScanningConfigurationCommand({}));
      return response.scanningConfiguration?.scanType ?? 'BASIC';
    },

    async scanFrequencies(repositoryNames) {
      const frequencies = new Map<string, string>();
      for (let start = 0; start < repositoryNames.length; start += SCANNING_BATCH_SIZE) {
        const response = await client.send(
          new BatchGetRepositoryScanningConfigurationCommand({
            repositoryNames: repositoryNames.slice(start, start + SCANNING_BATCH_SIZE),
          }),
        );
        // Unknown repositories come back in failures[] (REPOSITORY_NOT_FOUND): left out.
        for (const configuration of response.scanningConfigurations ?? []) {
          if (configuration.repositoryName === undefined) continue;
          frequencies.set(configuration.repositoryName, configuration.scanFrequency ?? 'MANUAL');
        }
      }
      return frequencies;
    },

    async listImages(repositoryName) {
      const images: ImageView[] = [];
      try {
        // Every storage class: an archived image is still in the registry (DescribeImages lists only
        // ACTIVE ones unless filter.imageStatus says otherwise).
        // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImagesFilter.html
        const pages = paginateDescribeImages(
          { client, pageSize: PAGE_SIZE },
          { repositoryName, filter: { imageStatus: 'ANY' } },
        );
        for await (const page of pages) {
          for (const detail of page.imageDetails ?? []) {
            if (detail.imageDigest === undefined) continue;
            images.push({
              digest: detail.imageDigest,
              tags: detail.imageTags ?? [],
              pushedAt: detail.imagePushedAt?.getTime() ?? 0,
            });
          }
        }
      } catch (error) {
        if (error instanceof RepositoryNotFoundException) return undefined;
        throw error;
      }
      return images;
    },

    async lifecyclePolicyText(repositoryName) {
      try {
        const response = await client.send(new GetLifecyclePolicyCommand({ repositoryName }));
        return response.lifecyclePolicyText;
      } catch (error) {
        if (
          error instanceof LifecyclePolicyNotFoundException ||
          error instanceof RepositoryNotFoundException
        ) {
          return undefined;
        }
        throw error;
      }
    },

    async repositoryPolicyText(repositoryName) {
      try {
        const response = await client.send(new GetRepositoryPolicyCommand({ repositoryName }));
        return response.policyText;
      } catch (error) {
        if (
          error instanceof RepositoryPolicyNotFoundException ||
          error instanceof RepositoryNotFoundException
        ) {
          return undefined;
        }
        throw error;
      }
    },

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageReplicationStatus.html
    async imageReplicationStatuses(repositoryName, imageDigest) {
      try {
        const response = await client.send(
          new DescribeImageReplicationStatusCommand({ repositoryName, imageId: { imageDigest } }),
        );
        return (response.replicationStatuses ?? []).map((status) => ({
          region: status.region ?? '',
          registryId: status.registryId ?? '',
          status: status.status ?? 'IN_PROGRESS',
          failureCode: status.failureCode,
        }));
      } catch (error) {
        if (error instanceof ImageNotFoundException || error instanceof RepositoryNotFoundException) {
          return undefined;
        }
        throw error;
      }
    },

    async imagePushedAt(repositoryName, imageDigest) {
      try {
        const response = await client.send(
          new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest }] }),
        );
        return response.imageDetails?.[0]?.imagePushedAt;
      } catch (error) {
        if (error instanceof ImageNotFoundException || error instanceof RepositoryNotFoundException) {
          return undefined;
        }
        throw error;
      }
    },
  };
}

/** Readers over the execution environment's regional clients: one client per region, reused. */
export function createReplicationRegistryReaders(
  clients: RegionalEcrClients = regionalEcrClients,
): RegistryReaderFactory {
  const readers = new Map<string, RegionalRegistryReader>();
  return (region) => {
    let reader = readers.get(region);
    if (reader === undefined) {
      reader = createReplicationRegistryReader(region, clients.clientFor(region));
      readers.set(region, reader);
    }
    return reader;
  };
}
