/**
 * What the replication audit reasons about: plain data, read from ECR by shared/aws/replication-registry.ts
 * (or from a snapshot replayed in the registry simulator) and compared by the pure functions next to this
 * file. Times are epoch milliseconds.
 */

/** A destination of a replication rule: a region of a registry (an account). */
export interface ReplicationDestination {
  region: string;
  registryId: string;
}

/**
 * A rule of the registry's replication configuration (DescribeRegistry). `prefixes` are its
 * PREFIX_MATCH repository filters; a rule without filters replicates every repository.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
 */
export interface ReplicationRuleView {
  destinations: ReplicationDestination[];
  prefixes: string[];
}

/** An image (a manifest: an image, an index, a child of an index, a referrer) as DescribeImages lists it. */
export interface ImageView {
  digest: string;
  tags: readonly string[];
  pushedAt: number;
}

/** A repository's settings that replication does not copy. */
export interface RepositorySettings {
  /** MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION. */
  tagMutability: string;
  /** The exclusion filters of a *_WITH_EXCLUSION mode, e.g. `latest`, `dev-*` (sorted). */
  exclusionFilters: readonly string[];
  /** AES256, KMS or KMS_DSSE (the key is regional and is not compared). */
  encryptionType?: string | undefined;
  /** The effective scanning: the registry's scan type and the frequency its rules give this repository. */
  scanning?: ScanningView | undefined;
  lifecyclePolicyText?: string | undefined;
  repositoryPolicyText?: string | undefined;
}

export interface ScanningView {
  scanType: string;
  /** SCAN_ON_PUSH, CONTINUOUS_SCAN or MANUAL (BatchGetRepositoryScanningConfiguration). */
  frequency: string;
}

/** One repository in one region: its settings and every image (all storage classes). */
export interface RepositoryState {
  createdAt?: number | undefined;
  settings: RepositorySettings;
  images: readonly ImageView[];
}

/**
 * One destination's entry of DescribeImageReplicationStatus for an image.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageReplicationStatus.html
 */
export interface ImageReplicationStatus {
  region: string;
  registryId: string;
  /** IN_PROGRESS, COMPLETE or FAILED. */
  status: string;
  failureCode?: string | undefined;
}

export const SETTINGS = [
  'tag-mutability',
  'scanning',
  'lifecycle-policy',
  'repository-policy',
  'encryption',
] as const;
export type SettingName = (typeof SETTINGS)[number];

export interface SettingDrift {
  setting: SettingName;
  /** The setting in the source and in the replica, for people. */
  source: string;
  replica: string;
}

/**
 * Why an image is not in a destination:
 * - `never-replicated`: DescribeImageReplicationStatus has no entry for the destination: replication was
 *   never attempted, i.e. the image was pushed before a rule covered the repository;
 * - `deleted-from-destination`: the status is COMPLETE but the image is gone from the destination;
 * - `stuck-in-progress`: IN_PROGRESS, long after the push;
 * - `estimated-before-rule` / `estimated-after-rule`: the status was not read (the per-repository budget
 *   of status calls ran out) and the push time was compared with the rule's estimated creation time.
 */
export type MissingReason =
  | 'never-replicated'
  | 'deleted-from-destination'
  | 'stuck-in-progress'
  | 'estimated-before-rule'
  | 'estimated-after-rule';

export interface MissingImage extends ImageView {
  preRule: boolean;
  reason: MissingReason;
}

export interface FailedImage extends ImageView {
  failureCode: string;
}

export interface TagMismatch {
  tag: string;
  sourceDigest: string;
  /** Undefined: the tag is absent in the destination although its image is there. */
  replicaDigest: string | undefined;
}

/** When the rule that replicates to a destination existed by, and how that was learnt. */
export interface RuleSince {
  at: number;
  basis: 'configured' | 'earliest-replicated-image';
}

export interface ReplicationLag {
  seconds: number;
  imageDigest: string;
  /** `replicated`: the replica's push time minus the source's; `in-progress`: still replicating, so far. */
  basis: 'replicated' | 'in-progress';
}

/** One repository compared with its replica in one destination. */
export interface ReplicaComparison {
  repositoryName: string;
  destination: ReplicationDestination;
  replicaExists: boolean;
  missing: MissingImage[];
  failed: FailedImage[];
  tagMismatches: TagMismatch[];
  drift: SettingDrift[];
  /** Source images pushed too recently to be expected in the destination yet. */
  inFlight: number;
  worstLag: ReplicationLag | undefined;
  ruleSince: RuleSince | undefined;
  /** The source's settings, for remediation to copy. */
  sourceSettings: RepositorySettings;
}

/** Something this run could not audit, and why. */
export interface NotAudited {
  kind:
    | 'other-account'
    | 'region-out-of-scope'
    | 'outside-prefixes'
    | 'unreachable'
    | 'read-failures'
    | 'time-limit';
  destinationRegion?: string | undefined;
  registryId?: string | undefined;
  repositories?: number | undefined;
  reason: string;
}

/** What one scheduled audit found. */
export interface AuditResult {
  account: string;
  sourceRegion: string;
  /** Rules in the registry's replication configuration. */
  ruleCount: number;
  /** Destination regions audited (reachable and in scope). */
  destinationRegions: string[];
  repositoriesSelected: number;
  repositoriesAudited: number;
  /** Repository and destination pairs compared. */
  pairsAudited: number;
  /** Only the comparisons that found something wrong. */
  comparisons: ReplicaComparison[];
  unreachableRegions: string[];
  notAudited: NotAudited[];
  inFlight: number;
  worstLag: (ReplicationLag & { repositoryName: string; destinationRegion: string }) | undefined;
  /** The audit stopped before the Lambda time limit: the report covers part of the registry. */
  stoppedEarly: boolean;
}

export function hasProblems(comparison: ReplicaComparison): boolean {
  return (
    comparison.missing.length > 0 ||
    comparison.failed.length > 0 ||
    comparison.tagMismatches.length > 0 ||
    comparison.drift.length > 0
  );
}
