import type {
  ImageReplicationStatus,
  ImageView,
  ReplicationDestination,
  ReplicationRuleView,
} from './replication-model';

/** A repository as DescribeRepositories lists it: what the audit compares without further calls. */
export interface RepositoryListing {
  repositoryName: string;
  createdAt?: number | undefined;
  tagMutability: string;
  exclusionFilters: string[];
  encryptionType?: string | undefined;
}

/** The fields of a DescribeRepositories entry (SDK or AWS CLI JSON) that the listing reads. */
export interface RepositoryEntry {
  repositoryName: string;
  imageTagMutability?: string | undefined;
  imageTagMutabilityExclusionFilters?: readonly { filter?: string | undefined }[] | undefined;
  encryptionConfiguration?: { encryptionType?: string | undefined } | undefined;
}

/** A DescribeRepositories entry as the audit compares it; createdAt in epoch milliseconds. */
export function toRepositoryListing(
  entry: RepositoryEntry,
  createdAt: number | undefined,
): RepositoryListing {
  return {
    repositoryName: entry.repositoryName,
    createdAt,
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Repository.html
    tagMutability: entry.imageTagMutability ?? 'MUTABLE',
    exclusionFilters: (entry.imageTagMutabilityExclusionFilters ?? [])
      .map((f) => f.filter ?? '')
      .filter((f) => f !== '')
      .sort(),
    encryptionType: entry.encryptionConfiguration?.encryptionType,
  };
}

/** The rules of a DescribeRegistry `replicationConfiguration` (SDK or AWS CLI JSON). */
export function toReplicationRuleViews(
  configuration:
    | {
        rules?:
          | readonly {
              destinations?:
                | readonly { region?: string | undefined; registryId?: string | undefined }[]
                | undefined;
              repositoryFilters?:
                | readonly { filter?: string | undefined; filterType?: string | undefined }[]
                | undefined;
            }[]
          | undefined;
      }
    | undefined,
): ReplicationRuleView[] {
  return (configuration?.rules ?? []).map((rule) => ({
    destinations: (rule.destinations ?? []).map((d) => ({
      region: d.region ?? '',
      registryId: d.registryId ?? '',
    })),
    // Only PREFIX_MATCH exists today; a filter of another type is not understood, so it is not
    // applied (the rule then covers more repositories, never fewer: nothing escapes the audit).
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
    prefixes: (rule.repositoryFilters ?? [])
      .filter((f) => f.filterType === 'PREFIX_MATCH' && f.filter !== undefined)
      .map((f) => f.filter as string),
  }));
}

/**
 * The reads the replication audit makes in one region of its own account (read-only). The real one
 * is shared/aws/replication-registry.ts; the audit takes one per region from a factory.
 */
export interface RegionalRegistryReader {
  readonly region: string;
  /** DescribeRegistry: the registry's id (its account) and replication rules (asked of the source region). */
  describeRegistry(): Promise<{ registryId: string; rules: ReplicationRuleView[] }>;
  /** Every repository of the region's registry (DescribeRepositories, paginated). */
  listRepositories(): Promise<RepositoryListing[]>;
  /** The registry's scan type, BASIC or ENHANCED (GetRegistryScanningConfiguration). */
  registryScanType(): Promise<string>;
  /** The effective scan frequency of each repository (BatchGetRepositoryScanningConfiguration). */
  scanFrequencies(repositoryNames: readonly string[]): Promise<Map<string, string>>;
  /** Every image of a repository, all storage classes (DescribeImages, paginated); undefined: no repository. */
  listImages(repositoryName: string): Promise<ImageView[] | undefined>;
  lifecyclePolicyText(repositoryName: string): Promise<string | undefined>;
  repositoryPolicyText(repositoryName: string): Promise<string | undefined>;
  /** DescribeImageReplicationStatus; undefined when the image (or repository) is gone. */
  imageReplicationStatuses(
    repositoryName: string,
    imageDigest: string,
  ): Promise<ImageReplicationStatus[] | undefined>;
  /** One image's push time (DescribeImages by digest); undefined when the image (or repository) is gone. */
  imagePushedAt(repositoryName: string, imageDigest: string): Promise<Date | undefined>;
}

export type RegistryReaderFactory = (region: string) => RegionalRegistryReader;

/** What remediation may change (opt-in). The real one is shared/aws/replication-remediator.ts. */
export interface ReplicationRemediator {
  /** StartReplicationBackfill from the source registry to one destination. */
  startBackfill(sourceRegion: string, destination: ReplicationDestination): Promise<BackfillStart>;
  putTagMutability(
    region: string,
    repositoryName: string,
    tagMutability: string,
    exclusionFilters: readonly string[],
  ): Promise<void>;
  putLifecyclePolicy(region: string, repositoryName: string, policyText: string): Promise<void>;
  setRepositoryPolicy(region: string, repositoryName: string, policyText: string): Promise<void>;
}

export type BackfillStart =
  | { status: 'started'; replicationBackfillId: string }
  /** ReplicationBackfillInProgressException or LimitExceededException: nothing was started. */
  | { status: 'busy'; reason: string };
