import type { SnapshotRegistry } from '../cleanup/snapshot';
import type { AuditRegistry } from './audit';
import { observeRepositoryEntry } from './observe';
import { RepositoryGoneError, type RepositorySummary } from './ports';
import { isScanFrequency, type ScanFrequency } from './scanning';

/**
 * The reads of `repositories audit` answered from one region of a snapshot (shared/cleanup/snapshot.ts),
 * in memory: what `ecr-warden snapshot` recorded from the same ECR calls the live registry makes
 * (shared/aws/repository-guard-registry.ts). A lifecycle policy a repository entry does not hold is none
 * (the snapshot contract since version 1); a repository policy or scanning it does not hold is unknown.
 */
export function createSnapshotAuditRegistry(account: string, registry: SnapshotRegistry): AuditRegistry {
  const byName = new Map(registry.repositories.map((entry) => [entry.repository.repositoryName, entry]));
  const entryOf = (repositoryName: string) => {
    const entry = byName.get(repositoryName);
    if (entry === undefined) throw new RepositoryGoneError(repositoryName);
    return entry;
  };

  return {
    async *listRepositoryPages() {
      yield registry.repositories.map(({ repository }): RepositorySummary => {
        const registryId = repository.registryId ?? account;
        return {
          ...observeRepositoryEntry(repository),
          // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Repository.html
          repositoryArn:
            repository.repositoryArn ??
            `arn:aws:ecr:${registry.region}:${registryId}:repository/${repository.repositoryName}`,
          registryId,
        };
      });
    },

    async lifecyclePolicyText(repositoryName) {
      return entryOf(repositoryName).lifecyclePolicyText ?? null;
    },

    async repositoryPolicyText(repositoryName) {
      return entryOf(repositoryName).repositoryPolicyText;
    },

    async scanFrequencies(repositoryNames) {
      const frequencies = new Map<string, ScanFrequency>();
      for (const name of repositoryNames) {
        const frequency = byName.get(name)?.scanningConfiguration?.scanFrequency;
        if (isScanFrequency(frequency)) frequencies.set(name, frequency);
      }
      return frequencies;
    },
  };
}
