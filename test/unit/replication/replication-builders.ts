import type {
  AuditResult,
  ImageView,
  ReplicaComparison,
  RepositorySettings,
  RepositoryState,
} from '../../../shared/replication/replication-model';

export const NOW = Date.parse('2026-11-01T00:00:00Z');
export const DAY = 86_400_000;
export const WINDOWS = { now: NOW, inFlightMs: 30 * 60_000, lagWindowMs: 7 * DAY };

/** A digest made from a short name: `digest('a')` is `sha256:` and 64 hex digits, stable per name. */
export function digest(name: string): string {
  const hex = Buffer.from(name).toString('hex');
  return `sha256:${hex.padEnd(64, '0').slice(0, 64)}`;
}

export function image(name: string, daysAgo: number, tags: string[] = []): ImageView {
  return { digest: digest(name), tags, pushedAt: NOW - daysAgo * DAY };
}

export function settings(overrides: Partial<RepositorySettings> = {}): RepositorySettings {
  return {
    tagMutability: 'IMMUTABLE',
    exclusionFilters: [],
    encryptionType: 'KMS',
    scanning: { scanType: 'ENHANCED', frequency: 'CONTINUOUS_SCAN' },
    lifecyclePolicyText:
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}',
    ...overrides,
  };
}

export function repository(
  images: ImageView[],
  overrides: Partial<RepositorySettings> = {},
): RepositoryState {
  return { createdAt: NOW - 400 * DAY, settings: settings(overrides), images };
}

export function comparison(overrides: Partial<ReplicaComparison> = {}): ReplicaComparison {
  return {
    repositoryName: 'payments/api',
    destination: { region: 'us-west-2', registryId: '123456789012' },
    replicaExists: true,
    missing: [],
    failed: [],
    tagMismatches: [],
    drift: [],
    inFlight: 0,
    worstLag: undefined,
    ruleSince: undefined,
    sourceSettings: settings(),
    ...overrides,
  };
}

export function auditResult(overrides: Partial<AuditResult> = {}): AuditResult {
  return {
    account: '123456789012',
    sourceRegion: 'us-east-1',
    ruleCount: 1,
    destinationRegions: ['us-west-2'],
    repositoriesSelected: 1,
    repositoriesAudited: 1,
    pairsAudited: 1,
    comparisons: [],
    unreachableRegions: [],
    notAudited: [],
    inFlight: 0,
    worstLag: undefined,
    stoppedEarly: false,
    ...overrides,
  };
}
