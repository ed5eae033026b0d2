import type { AuditResult, ReplicationDestination, SettingName } from './replication-model';

export type AlignableSetting = 'tag-mutability' | 'lifecycle-policy' | 'repository-policy';

export interface RemediationSettings {
  dryRun: boolean;
  backfill: boolean;
  alignSettings: readonly AlignableSetting[];
}

export type RemediationAction =
  | {
      action: 'start-backfill';
      destination: ReplicationDestination;
      /** Missing images a backfill would copy, and their repositories. */
      images: number;
      repositories: string[];
    }
  | {
      action: 'align-setting';
      destinationRegion: string;
      repositoryName: string;
      setting: 'tag-mutability';
      tagMutability: string;
      exclusionFilters: readonly string[];
    }
  | {
      action: 'align-setting';
      destinationRegion: string;
      repositoryName: string;
      setting: 'lifecycle-policy' | 'repository-policy';
      policyText: string;
    };

/** A drift remediation does not touch, and why (it goes in the report as `skipped`). */
export interface SkippedRemediation {
  destinationRegion: string;
  repositoryName: string;
  setting: SettingName;
  reason: string;
}

export interface RemediationPlan {
  actions: RemediationAction[];
  skipped: SkippedRemediation[];
}

/**
 * What opt-in remediation does about an audit's findings:
 *
 * - one StartReplicationBackfill per destination region that misses images which never reached it
 *   (pushed before the rule, never attempted, or deleted there after replicating). A backfill
 *   replicates every image the registry's current rules select to that destination; ECR runs one
 *   backfill per destination region at a time and at most 10 per registry
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html).
 *   Failed replications are left to people: their cause (a missing KMS key, a registry policy) must be
 *   fixed first, or the backfill fails the same way.
 * - destination settings set to the source's, for the settings listed in `alignSettings`. Nothing is
 *   deleted: a lifecycle or repository policy that exists only in the destination was put there by
 *   someone and stays (reported). Encryption cannot change on an existing repository, and scanning is a
 *   registry-wide setting of the destination region: both are reported, never changed.
 *
 * Settings are aligned before the backfill starts, so that backfilled images land under the source's
 * tag mutability and lifecycle policy.
 */
export function planRemediation(result: AuditResult, settings: RemediationSettings): RemediationPlan {
  const actions: RemediationAction[] = [];
  const skipped: SkippedRemediation[] = [];
  const align = new Set<string>(settings.alignSettings);

  for (const comparison of result.comparisons) {
    const { repositoryName } = comparison;
    const destinationRegion = comparison.destination.region;
    for (const drift of comparison.drift) {
      const skip = (reason: string) =>
        skipped.push({ destinationRegion, repositoryName, setting: drift.setting, reason });
      if (drift.setting === 'encryption') {
        skip('encryption cannot be changed on an existing repository');
        continue;
      }
      if (drift.setting === 'scanning') {
        skip(`scanning is a registry setting of ${destinationRegion}: change its registry scanning rules`);
        continue;
      }
      if (!align.has(drift.setting)) {
        skip(`${drift.setting} is not in replication.remediate.alignSettings`);
        continue;
      }
      const source = comparison.sourceSettings;
      if (drift.setting === 'tag-mutability') {
        actions.push({
          action: 'align-setting',
          destinationRegion,
          repositoryName,
          setting: 'tag-mutability',
          tagMutability: source.tagMutability,
          exclusionFilters: source.exclusionFilters,
        });
        continue;
      }
      const policyText =
        drift.setting === 'lifecycle-policy' ? source.lifecyclePolicyText : source.repositoryPolicyText;
      if (policyText === undefined) {
        skip(
          `the source has no ${drift.setting.replace('-', ' ')}; ecr-warden never deletes the destination's`,
        );
        continue;
      }
      actions.push({
        action: 'align-setting',
        destinationRegion,
        repositoryName,
        setting: drift.setting,
        policyText,
      });
    }
  }

  if (settings.backfill) {
    const byDestination = new Map<
      string,
      { destination: ReplicationDestination; images: number; repositories: Set<string> }
    >();
    for (const comparison of result.comparisons) {
      const backfillable = comparison.missing.filter((image) => image.reason !== 'stuck-in-progress').length;
      if (backfillable === 0) continue;
      const key = `${comparison.destination.registryId}/${comparison.destination.region}`;
      const entry = byDestination.get(key) ?? {
        destination: comparison.destination,
        images: 0,
        repositories: new Set<string>(),
      };
      entry.images += backfillable;
      entry.repositories.add(comparison.repositoryName);
      byDestination.set(key, entry);
    }
    for (const entry of [...byDestination.values()].sort((a, b) =>
      a.destination.region.localeCompare(b.destination.region),
    )) {
      actions.push({
        action: 'start-backfill',
        destination: entry.destination,
        images: entry.images,
        repositories: [...entry.repositories].sort(),
      });
    }
  }
  return { actions, skipped };
}
