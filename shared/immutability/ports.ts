import { EcrWardenError } from '../errors';
import type { RunningIn } from '../inuse/where-it-runs';
import type { Baseline } from './check-baselines';
import type { RemediationOutcome } from './guard-events';
import type { RegistryScanningConfiguration, ScanFrequency } from './scanning';
import type { TagHead } from './tag-ledger';
import type { TagMutabilitySetting } from './tag-mutability';

/**
 * The ports through which the repository guard reaches AWS and the state table. The real ones live in
 * shared/aws/ (ECR, DynamoDB, EventBridge, ECS and Lambda); tests run them against the registry
 * simulator and dynalite.
 */

/** A repository as DescribeRepositories reports it, read for the baselines. */
export interface RepositorySummary {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  /** undefined when ECR reported a mode this version does not know. */
  tagMutability: TagMutabilitySetting | undefined;
  tagMutabilityReported: string;
  encryption: { type: string; kmsKey?: string };
}

/** A tagged image as DescribeImages reports it. */
export interface TaggedImage {
  digest: string;
  tags: readonly string[];
  /** ISO 8601. */
  pushedAt: string;
}

/** The repository no longer exists (RepositoryNotFoundException): it was deleted since the event. */
export class RepositoryGoneError extends EcrWardenError {
  override name = 'RepositoryGoneError';

  constructor(
    readonly repositoryName: string,
    options?: ErrorOptions,
  ) {
    super(`repository ${repositoryName} does not exist (any more)`, options);
  }
}

/** What the guard reads from and writes to ECR. Reads of a deleted repository throw RepositoryGoneError. */
export interface RegistryPort {
  listRepositoryPages(): AsyncIterable<readonly RepositorySummary[]>;
  /** undefined when the repository does not exist. */
  describeRepository(repositoryName: string): Promise<RepositorySummary | undefined>;
  /** null when the repository has no lifecycle policy. */
  lifecyclePolicyText(repositoryName: string): Promise<string | null>;
  /** null when the repository has no repository policy. */
  repositoryPolicyText(repositoryName: string): Promise<string | null>;
  /** The effective scanning frequency of each repository that exists. */
  scanFrequencies(repositoryNames: readonly string[]): Promise<Map<string, ScanFrequency>>;
  registryScanningConfiguration(): Promise<RegistryScanningConfiguration>;
  /** Every tagged image, archived ones included (their tags still exist). */
  taggedImages(repositoryName: string): Promise<TaggedImage[]>;
  /** The digest a tag names now; undefined when the tag does not exist. */
  digestOfTag(repositoryName: string, tag: string): Promise<string | undefined>;
  putTagMutability(repositoryName: string, setting: TagMutabilitySetting): Promise<void>;
  putLifecyclePolicy(repositoryName: string, policyText: string): Promise<void>;
  putRegistryScanningConfiguration(configuration: RegistryScanningConfiguration): Promise<void>;
}

/** The ledger's head for one tag, with the optimistic-concurrency version it was read at. */
export interface StoredTagHead extends TagHead {
  version: number;
  pushedAt?: string;
  /** The digest the tag named before its last move. */
  previousDigest?: string;
  /** A "Tag Moved" alert for the last move: pending until published (an outbox), then sent. */
  alert?: 'pending' | 'sent';
}

export interface NewTagHead extends TagHead {
  pushedAt: string;
  previousDigest?: string;
  alert?: 'pending';
}

export interface TagHistoryEntry {
  digest: string;
  observedAt: string;
  source: 'push' | 'sweep';
  eventId?: string;
}

export interface TagLedgerPort {
  readHead(repositoryName: string, tag: string): Promise<StoredTagHead | undefined>;
  isSeeded(repositoryName: string): Promise<boolean>;
  /** Writes the heads that do not exist yet (a concurrent push wins), then marks the repository seeded. */
  seed(
    repositoryName: string,
    heads: readonly { tag: string; digest: string; pushedAt: string }[],
    observedAt: string,
  ): Promise<number>;
  /**
   * Writes a head if the stored one is still at `expectedVersion` (undefined: none stored). Returns
   * the new version, or undefined when another writer got there first.
   */
  writeHead(
    repositoryName: string,
    tag: string,
    head: NewTagHead,
    expectedVersion: number | undefined,
  ): Promise<number | undefined>;
  markAlertSent(repositoryName: string, tag: string, version: number): Promise<void>;
  recordHistory(repositoryName: string, tag: string, entry: TagHistoryEntry): Promise<void>;
}

/** A drift that was reported, so that the sweep reports it again only when it changes. */
export interface DriftRecord {
  baseline: Baseline;
  expected: string;
  actual: string;
  remediation: RemediationOutcome;
  reportedAt: string;
  /**
   * The "Repository Settings Drift" event of a drift the guard fixed, kept (JSON) from just after the fix
   * until it is published: an outbox. A run that fixed the drift and then failed to publish leaves it
   * here, and the retry (or the next sweep), finding the repository compliant, publishes it.
   */
  pendingEvent?: string;
}

export interface DriftLedgerPort {
  read(repositoryName: string): Promise<DriftRecord[]>;
  write(repositoryName: string, record: DriftRecord): Promise<void>;
  remove(repositoryName: string, baseline: Baseline): Promise<void>;
}

/** Whether an image still runs, and where when known. */
export interface DigestUsage {
  /** null when it cannot be told (no permission, an API failing, and no in-use index record). */
  inUse: boolean | null;
  runningIn?: RunningIn;
}

/** Whether a running workload (ECS task, Lambda function) still uses an image. */
export interface DigestUsagePort {
  /** null when it cannot be told (no permission, an API failing). */
  isInUse(repositoryName: string, digest: string): Promise<boolean | null>;
  /**
   * Whether and where (shared/aws/workload-digest-usage.ts); ports without it answer isInUse only.
   * `observedAt` (ISO 8601) is when the move was seen: the live read, made while handling it, is
   * reported as of then (default: now).
   */
  whereInUse?(repositoryName: string, digest: string, observedAt?: string): Promise<DigestUsage>;
}
