import type { ObservedRepository } from './check-baselines';
import { takesExclusions, toTagMutabilityMode } from './tag-mutability';

/** The fields of a DescribeRepositories entry (SDK or AWS CLI JSON) that the baselines read. */
export interface RepositoryEntry {
  repositoryName: string;
  imageTagMutability?: string;
  imageTagMutabilityExclusionFilters?: readonly { filter?: string; filterType?: string }[];
  encryptionConfiguration?: { encryptionType?: string; kmsKey?: string };
}

/**
 * What a DescribeRepositories entry says of the baselines: tag mutability (a repository that reports
 * none is MUTABLE, CreateRepository's default) and encryption (none reported: AES256, ECR's default).
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Repository.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EncryptionConfiguration.html
 */
export function observeRepositoryEntry(
  entry: RepositoryEntry,
): Pick<ObservedRepository, 'repositoryName' | 'tagMutability' | 'tagMutabilityReported' | 'encryption'> {
  const reported = entry.imageTagMutability ?? 'MUTABLE';
  const mode = toTagMutabilityMode(reported);
  const kmsKey = entry.encryptionConfiguration?.kmsKey;
  return {
    repositoryName: entry.repositoryName,
    tagMutability:
      mode === undefined
        ? undefined
        : {
            mode,
            exclusions: takesExclusions(mode)
              ? (entry.imageTagMutabilityExclusionFilters ?? []).flatMap((filter) =>
                  filter.filter === undefined ? [] : [filter.filter],
                )
              : [],
          },
    tagMutabilityReported: reported,
    encryption: {
      type: entry.encryptionConfiguration?.encryptionType ?? 'AES256',
      ...(kmsKey === undefined ? {} : { kmsKey }),
    },
  };
}
