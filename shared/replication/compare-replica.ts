import type {
  FailedImage,
  ImageReplicationStatus,
  ImageView,
  MissingImage,
  ReplicaComparison,
  ReplicationDestination,
  ReplicationLag,
  RepositorySettings,
  RepositoryState,
  RuleSince,
  SettingDrift,
  TagMismatch,
} from './replication-model';

export interface AuditWindows {
  now: number;
  /** A source image pushed less than this long ago is in flight, not missing. */
  inFlightMs: number;
  /** The worst lag is measured over images pushed less than this long ago. */
  lagWindowMs: number;
}

/**
 * The source images that are not in the replica, split into those old enough to be missing and those
 * still in flight. Images are compared by digest: a replica keeps the manifest's bytes, so the digest
 * is the same in every region.
 */
export function findMissingImages(
  source: readonly ImageView[],
  replica: readonly ImageView[] | undefined,
  windows: Pick<AuditWindows, 'now' | 'inFlightMs'>,
): { missing: ImageView[]; inFlight: ImageView[] } {
  const present = new Set((replica ?? []).map((image) => image.digest));
  const missing: ImageView[] = [];
  const inFlight: ImageView[] = [];
  for (const image of source) {
    if (present.has(image.digest)) continue;
    if (windows.now - image.pushedAt < windows.inFlightMs) inFlight.push(image);
    else missing.push(image);
  }
  return { missing, inFlight };
}

export interface CompareReplicaInput {
  repositoryName: string;
  sourceRegion: string;
  destination: ReplicationDestination;
  source: RepositoryState;
  /** Undefined: the repository does not exist in the destination. */
  replica: RepositoryState | undefined;
  /** DescribeImageReplicationStatus answers, by digest, for the missing images whose status was read. */
  statuses: ReadonlyMap<string, readonly ImageReplicationStatus[]>;
  /** replication.ruleCreatedAt for this destination, when configured. */
  ruleCreatedAt?: number | undefined;
  windows: AuditWindows;
}

/**
 * Compares a repository with its replica in one destination: images missing there (and whether they
 * predate the rule), replications that failed, tags that name another image there, settings that
 * differ, and the worst lag.
 *
 * Whether a missing image predates the rule: ECR does not record when a rule was created. The audit
 * reads DescribeImageReplicationStatus for a missing image: no entry for the destination means
 * replication was never attempted, i.e. the image was pushed before a rule covered the repository
 * (ECR replicates only pushes made after the rule exists, and a backfill replicates the rest:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-backfill.html). COMPLETE means
 * it was replicated and then removed from the destination; FAILED carries a failure code. When the
 * per-repository budget of status calls is spent, the push time decides against the rule's creation
 * time: replication.ruleCreatedAt when configured, else the push time of the earliest source image
 * that is in the destination (the rule existed by then). With neither, a missing image counts as pre-rule.
 */
export function compareReplica(input: CompareReplicaInput): ReplicaComparison {
  const { source, replica, destination, windows } = input;
  const replicaImages = replica?.images ?? [];
  const replicaByDigest = new Map(replicaImages.map((image) => [image.digest, image]));
  const ruleSince = estimateRuleSince(source.images, replicaByDigest, input.ruleCreatedAt);
  const { missing: absent, inFlight } = findMissingImages(source.images, replicaImages, windows);

  const missing: MissingImage[] = [];
  const failed: FailedImage[] = [];
  let worstLag: ReplicationLag | undefined;
  const considerLag = (lag: ReplicationLag) => {
    if (worstLag === undefined || lag.seconds > worstLag.seconds) worstLag = lag;
  };

  for (const image of absent) {
    const statuses = input.statuses.get(image.digest);
    if (statuses === undefined) {
      const preRule = ruleSince === undefined || image.pushedAt < ruleSince.at;
      missing.push({ ...image, preRule, reason: preRule ? 'estimated-before-rule' : 'estimated-after-rule' });
      continue;
    }
    const entry = statuses.find(
      (status) => status.region === destination.region && status.registryId === destination.registryId,
    );
    if (entry === undefined) {
      missing.push({ ...image, preRule: true, reason: 'never-replicated' });
    } else if (entry.status === 'FAILED') {
      failed.push({ ...image, failureCode: entry.failureCode ?? 'UNKNOWN' });
    } else if (entry.status === 'IN_PROGRESS') {
      missing.push({ ...image, preRule: false, reason: 'stuck-in-progress' });
      considerLag({
        seconds: (windows.now - image.pushedAt) / 1000,
        imageDigest: image.digest,
        basis: 'in-progress',
      });
    } else {
      missing.push({ ...image, preRule: false, reason: 'deleted-from-destination' });
    }
  }

  for (const image of source.images) {
    const copy = replicaByDigest.get(image.digest);
    if (copy === undefined || windows.now - image.pushedAt > windows.lagWindowMs) continue;
    considerLag({
      seconds: Math.max(0, copy.pushedAt - image.pushedAt) / 1000,
      imageDigest: image.digest,
      basis: 'replicated',
    });
  }

  const unexpectedAbsence = new Set([...absent, ...inFlight].map((image) => image.digest));
  return {
    repositoryName: input.repositoryName,
    destination,
    replicaExists: replica !== undefined,
    missing,
    failed,
    tagMismatches:
      replica === undefined ? [] : findTagMismatches(source.images, replicaImages, unexpectedAbsence),
    drift: replica === undefined ? [] : compareSettings(source.settings, replica.settings),
    inFlight: inFlight.length,
    worstLag,
    ruleSince,
    sourceSettings: source.settings,
  };
}

function estimateRuleSince(
  sourceImages: readonly ImageView[],
  replicaByDigest: ReadonlyMap<string, ImageView>,
  configured: number | undefined,
): RuleSince | undefined {
  if (configured !== undefined) return { at: configured, basis: 'configured' };
  let earliest: number | undefined;
  for (const image of sourceImages) {
    if (replicaByDigest.has(image.digest) && (earliest === undefined || image.pushedAt < earliest)) {
      earliest = image.pushedAt;
    }
  }
  return earliest === undefined ? undefined : { at: earliest, basis: 'earliest-replicated-image' };
}

/**
 * Tags that resolve to another digest in the replica, or are missing there although their image is
 * there. A tag whose image is itself missing or in flight is reported with the image, not here.
 */
function findTagMismatches(
  source: readonly ImageView[],
  replica: readonly ImageView[],
  absentDigests: ReadonlySet<string>,
): TagMismatch[] {
  const replicaTags = new Map<string, string>();
  for (const image of replica) for (const tag of image.tags) replicaTags.set(tag, image.digest);
  const mismatches: TagMismatch[] = [];
  for (const image of source) {
    for (const tag of image.tags) {
      const replicaDigest = replicaTags.get(tag);
      if (replicaDigest === image.digest) continue;
      if (replicaDigest === undefined && absentDigests.has(image.digest)) continue;
      mismatches.push({ tag, sourceDigest: image.digest, replicaDigest });
    }
  }
  return mismatches.sort((a, b) => a.tag.localeCompare(b.tag));
}

/**
 * The settings replication does not copy, compared. The KMS key is not compared (keys are regional),
 * nor the deprecated repository-level scanOnPush (registry scanning rules decide, and the effective
 * frequency is compared instead). Policies are compared as JSON, so that formatting does not count.
 */
export function compareSettings(source: RepositorySettings, replica: RepositorySettings): SettingDrift[] {
  const drift: SettingDrift[] = [];
  const mutability = (settings: RepositorySettings) =>
    settings.exclusionFilters.length === 0
      ? settings.tagMutability
      : `${settings.tagMutability} (${settings.exclusionFilters.join(', ')})`;
  if (mutability(source) !== mutability(replica)) {
    drift.push({ setting: 'tag-mutability', source: mutability(source), replica: mutability(replica) });
  }
  if (source.scanning !== undefined && replica.scanning !== undefined) {
    const scanning = (settings: RepositorySettings) => {
      const view = settings.scanning;
      if (view === undefined || view.frequency === 'MANUAL') return 'MANUAL (no automatic scans)';
      return `${view.scanType} ${view.frequency}`;
    };
    if (scanning(source) !== scanning(replica)) {
      drift.push({ setting: 'scanning', source: scanning(source), replica: scanning(replica) });
    }
  }
  const lifecycle = describePolicy(source.lifecyclePolicyText, replica.lifecyclePolicyText, 'rules', 'rule');
  if (lifecycle !== undefined) drift.push({ setting: 'lifecycle-policy', ...lifecycle });
  const policy = describePolicy(
    source.repositoryPolicyText,
    replica.repositoryPolicyText,
    'Statement',
    'statement',
  );
  if (policy !== undefined) drift.push({ setting: 'repository-policy', ...policy });
  if (
    source.encryptionType !== undefined &&
    replica.encryptionType !== undefined &&
    source.encryptionType !== replica.encryptionType
  ) {
    drift.push({ setting: 'encryption', source: source.encryptionType, replica: replica.encryptionType });
  }
  return drift;
}

/** Undefined when both policies are the same document; else a short description of each side. */
function describePolicy(
  source: string | undefined,
  replica: string | undefined,
  listKey: string,
  noun: string,
): { source: string; replica: string } | undefined {
  if (source === undefined && replica === undefined) return undefined;
  if (source !== undefined && replica !== undefined && canonicalJson(source) === canonicalJson(replica)) {
    return undefined;
  }
  const describe = (text: string | undefined) => {
    if (text === undefined) return 'none';
    const count = countOf(text, listKey);
    return count === undefined ? 'set' : `${count} ${noun}${count === 1 ? '' : 's'}`;
  };
  const sourceText = describe(source);
  const replicaText = describe(replica);
  return sourceText === replicaText
    ? { source: `${sourceText}`, replica: `${replicaText}, different` }
    : { source: sourceText, replica: replicaText };
}

function countOf(text: string, key: string): number | undefined {
  try {
    const list = (JSON.parse(text) as Record<string, unknown>)[key];
    return Array.isArray(list) ? list.length : list === undefined ? undefined : 1;
  } catch {
    return undefined;
  }
}

/** JSON with sorted keys, or the trimmed text when it is not JSON. */
export function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
