import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  paginateDescribeImages,
  paginateDescribeRepositories,
  type Repository,
} from '@aws-sdk/client-ecr';
import { observeRepositoryEntry } from '../immutability/observe';
import {
  type RegistryPort,
  RepositoryGoneError,
  type RepositorySummary,
  type TaggedImage,
} from '../immutability/ports';
import {
  isScanFrequency,
  type RegistryScanningConfiguration,
  type ScanFrequency,
} from '../immutability/scanning';
import { takesExclusions } from '../immutability/tag-mutability';
import { ecrClient } from './ecr-client';
import { IncompleteRepositoryError } from './repository-catalog';

// DescribeRepositories and DescribeImages return 1 to 1000 items a page (default 100): ask for the
// maximum. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
const PAGE_SIZE = 1000;
// BatchGetRepositoryScanningConfiguration takes 1 to 25 repository names.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
export const SCANNING_CONFIGURATION_BATCH = 25;

/**
 * The repository guard's view of ECR (shared/immutability/ports.ts). Errors are matched by name: a
 * bundle may hold more than one copy of an exception class. Every call goes through the client's own
 * retry strategy (adaptive, see ./ecr-client.ts), which retries ThrottlingException.
 */
export function createRepositoryGuardRegistry(client: ECRClient = ecrClient): RegistryPort {
  async function orGone<Result>(repositoryName: string, call: () => Promise<Result>): Promise<Result> {
    try {
      return await call();
    } catch (error) {
      if (isNamed(error, 'RepositoryNotFoundException'))
        throw new RepositoryGoneError(repositoryName, { cause: error });
      throw error;
    }
  }

  return {
    async *listRepositoryPages() {
      for await (const page of paginateDescribeRepositories({ client, pageSize: PAGE_SIZE }, {})) {
        yield (page.repositories ?? []).map(toSummary);
      }
    },

    async describeRepository(repositoryName) {
      try {
        const { repositories } = await client.send(
          new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }),
        );
        const repository = repositories?.[0];
        return repository === undefined ? undefined : toSummary(repository);
      } catch (error) {
        if (isNamed(error, 'RepositoryNotFoundException')) return undefined;
        throw error;
      }
    },

    async lifecyclePolicyText(repositoryName) {
      return orGone(repositoryName, async () => {
        try {
          const output = await client.send(new GetLifecyclePolicyCommand({ repositoryName }));
          return output.lifecyclePolicyText ?? null;
        } catch (error) {
          // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetLifecyclePolicy.html
          if (isNamed(error, 'LifecyclePolicyNotFoundException')) return null;
          throw error;
        }
      });
    },

    async repositoryPolicyText(repositoryName) {
      return orGone(repositoryName, async () => {
        try {
          const output = await client.send(new GetRepositoryPolicyCommand({ repositoryName }));
          return output.policyText ?? null;
        } catch (error) {
          // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRepositoryPolicy.html
          if (isNamed(error, 'RepositoryPolicyNotFoundException')) return null;
          throw error;
        }
      });
    },

    async scanFrequencies(repositoryNames) {
      const frequencies = new Map<string, ScanFrequency>();
      for (let start = 0; start < repositoryNames.length; start += SCANNING_CONFIGURATION_BATCH) {
        const names = repositoryNames.slice(start, start + SCANNING_CONFIGURATION_BATCH);
        // A repository that does not exist is a `failures[]` entry (REPOSITORY_NOT_FOUND), not an exception.
        const output = await client.send(
          new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: names }),
        );
        for (const configuration of output.scanningConfigurations ?? []) {
          const frequency = configuration.scanFrequency;
          if (configuration.repositoryName !== undefined && isScanFrequency(frequency)) {
            frequencies.set(configuration.repositoryName, frequency);
          }
        }
      }
      return frequencies;
    },

    async registryScanningConfiguration() {
      const { scanningConfiguration } = await client.send(new GetRegistryScanningConfigurationCommand({}));
      return {
        // "When a registry scanning configuration is not defined, by default the BASIC scan type is used."
        scanType: scanningConfiguration?.scanType === 'ENHANCED' ? 'ENHANCED' : 'BASIC',
        rules: (scanningConfiguration?.rules ?? []).map((rule) => ({
          scanFrequency: (rule.scanFrequency ?? 'MANUAL') as ScanFrequency,
          repositoryFilters: (rule.repositoryFilters ?? []).map((filter) => ({
            filter: filter.filter ?? '',
            filterType: 'WILDCARD' as const,
          })),
        })),
      } satisfies RegistryScanningConfiguration;
    },

    async taggedImages(repositoryName) {
      return orGone(repositoryName, async () => {
        const images: TaggedImage[] = [];
        // Archived images keep their tags, and a push can move a tag away from one: ANY storage status.
        const pages = paginateDescribeImages(
          { client, pageSize: PAGE_SIZE },
          { repositoryName, filter: { tagStatus: 'TAGGED', imageStatus: 'ANY' } },
        );
        for await (const page of pages) {
          for (const detail of page.imageDetails ?? []) {
            if (detail.imageDigest === undefined || (detail.imageTags ?? []).length === 0) continue;
            images.push({
              digest: detail.imageDigest,
              tags: detail.imageTags ?? [],
              pushedAt: (detail.imagePushedAt ?? new Date(0)).toISOString(),
            });
          }
        }
        return images;
      });
    },

    async digestOfTag(repositoryName, tag) {
      return orGone(repositoryName, async () => {
        try {
          const { imageDetails } = await client.send(
            new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }),
          );
          return imageDetails?.[0]?.imageDigest;
        } catch (error) {
          if (isNamed(error, 'ImageNotFoundException')) return undefined;
          throw error;
        }
      });
    },

    async putTagMutability(repositoryName, setting) {
      await orGone(repositoryName, () =>
        client.send(
          new PutImageTagMutabilityCommand({
            repositoryName,
            imageTagMutability: setting.mode,
            ...(takesExclusions(setting.mode)
              ? {
                  imageTagMutabilityExclusionFilters: setting.exclusions.map((filter) => ({
                    filter,
                    filterType: 'WILDCARD' as const,
                  })),
                }
              : {}),
          }),
        ),
      );
    },

    async putLifecyclePolicy(repositoryName, policyText) {
      await orGone(repositoryName, () =>
        client.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: policyText })),
      );
    },

    async putRegistryScanningConfiguration(configuration) {
      await client.send(
        new PutRegistryScanningConfigurationCommand({
          scanType: configuration.scanType,
          rules: configuration.rules,
        }),
      );
    },
  };
}

function toSummary(repository: Repository): RepositorySummary {
  const { repositoryName, repositoryArn, registryId } = repository;
  if (!repositoryName || !repositoryArn || !registryId) {
    throw new IncompleteRepositoryError(
      `DescribeRepositories returned a repository without name, ARN or registry id: ${JSON.stringify(repository)}`,
    );
  }
  return { ...observeRepositoryEntry({ ...repository, repositoryName }), repositoryArn, registryId };
}

export function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
