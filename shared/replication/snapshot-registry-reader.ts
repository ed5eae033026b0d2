import type { Snapshot, SnapshotRegistry, SnapshotRepository } from '../cleanup/snapshot';
import { EcrWardenError } from '../errors';
import { toEpochMillis } from '../inventory/image-details';
import {
  type RegionalRegistryReader,
  type RegistryReaderFactory,
  toReplicationRuleViews,
  toRepositoryListing,
} from './registry-reader';

/**
 * Something the audit asks that the snapshot does not hold: a region it did not record, a repository
 * policy, an image's replication status. The audit treats it as a failed read and says so (a region
 * unreachable, a repository not audited, an image classified by dates), never as an answer.
 */
export class NotInSnapshotError extends EcrWardenError {
  override name = 'NotInSnapshotError';
}

/**
 * The replication audit's reads answered from a snapshot (shared/cleanup/snapshot.ts), in memory, one
 * reader per region it holds: what `ecr-warden snapshot` recorded from the same ECR calls that the live
 * readers make (shared/aws/replication-registry.ts), mapped by the same functions. Read-only by nature.
 */
export function createSnapshotRegistryReaders(snapshot: Snapshot): RegistryReaderFactory {
  const registries = new Map(snapshot.registries.map((registry) => [registry.region, registry]));
  return (region) => {
    const registry = registries.get(region);
    return registry === undefined
      ? missingRegionReader(region)
      : createSnapshotRegistryReader(snapshot.account, registry);
  };
}

function createSnapshotRegistryReader(account: string, registry: SnapshotRegistry): RegionalRegistryReader {
  const { region } = registry;
  const byName = new Map<string, SnapshotRepository>(
    registry.repositories.map((entry) => [entry.repository.repositoryName, entry]),
  );
  const imageOf = (repositoryName: string, digest: string) =>
    byName.get(repositoryName)?.images.find((image) => image.imageDigest === digest);

  return {
    region,

    async describeRegistry() {
      if (registry.replicationConfiguration === undefined) {
        throw new NotInSnapshotError(`the snapshot holds no replication configuration of ${region}`);
      }
      return { registryId: account, rules: toReplicationRuleViews(registry.replicationConfiguration) };
    },

    async listRepositories() {
      return registry.repositories.map(({ repository }) =>
        toRepositoryListing(
          repository,
          repository.createdAt === undefined ? undefined : toEpochMillis(repository.createdAt, 'createdAt'),
        ),
      );
    },

    async registryScanType() {
      // "When a registry scanning configuration is not defined, by default the BASIC scan type is used."
      // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html
      return registry.registryScanningConfiguration?.scanType ?? 'BASIC';
    },

    async scanFrequencies(repositoryNames) {
      const frequencies = new Map<string, string>();
      // Without the registry's scan type the effective scanning is not known: nothing is compared.
      if (registry.registryScanningConfiguration === undefined) return frequencies;
      for (const name of repositoryNames) {
        const configuration = byName.get(name)?.scanningConfiguration;
        if (configuration !== undefined) frequencies.set(name, configuration.scanFrequency ?? 'MANUAL');
      }
      return frequencies;
    },

    async listImages(repositoryName) {
      return byName.get(repositoryName)?.images.map((image) => ({
        digest: image.imageDigest,
        tags: image.imageTags,
        pushedAt: image.pushedAt,
      }));
    },

    async lifecyclePolicyText(repositoryName) {
      return byName.get(repositoryName)?.lifecyclePolicyText;
    },

    async repositoryPolicyText(repositoryName) {
      const entry = byName.get(repositoryName);
      if (entry === undefined) return undefined;
      if (entry.repositoryPolicyText === undefined) {
        throw new NotInSnapshotError(
          `the snapshot holds no repository policy of ${region}/${repositoryName}`,
        );
      }
      return entry.repositoryPolicyText ?? undefined;
    },

    async imageReplicationStatuses(repositoryName, imageDigest) {
      if (imageOf(repositoryName, imageDigest) === undefined) return undefined;
      const statuses = byName.get(repositoryName)?.replicationStatuses?.[imageDigest];
      if (statuses === undefined) {
        throw new NotInSnapshotError(
          `the snapshot holds no replication status of ${repositoryName}@${imageDigest}`,
        );
      }
      return statuses.map(({ region: destination, registryId, status, failureCode }) => ({
        region: destination,
        registryId,
        status,
        failureCode,
      }));
    },

    async imagePushedAt(repositoryName, imageDigest) {
      const image = imageOf(repositoryName, imageDigest);
      return image === undefined ? undefined : new Date(image.pushedAt);
    },
  };
}

/** A region the snapshot does not hold: every read fails, and the audit reports the region unreachable. */
function missingRegionReader(region: string): RegionalRegistryReader {
  const fail = async (): Promise<never> => {
    throw new NotInSnapshotError(`the snapshot holds no registry in ${region}`);
  };
  return {
    region,
    describeRegistry: fail,
    listRepositories: fail,
    registryScanType: fail,
    scanFrequencies: fail,
    listImages: fail,
    lifecyclePolicyText: fail,
    repositoryPolicyText: fail,
    imageReplicationStatuses: fail,
    imagePushedAt: fail,
  };
}
