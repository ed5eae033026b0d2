import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import type { StructuredLogger } from '../logger';
import { describeFailure } from './audit-replication';
import type { ReplicationRemediator } from './registry-reader';
import type { RemediationAction, RemediationPlan } from './remediation-plan';

export type RemediationOutcomeKind = 'applied' | 'would-apply' | 'skipped' | 'failed';

export interface RemediationOutcome {
  action: 'start-backfill' | 'align-setting';
  destinationRegion: string;
  repositoryName?: string | undefined;
  setting?: string | undefined;
  outcome: RemediationOutcomeKind;
  detail: string;
}

export interface RemediationReport {
  dryRun: boolean;
  outcomes: RemediationOutcome[];
}

/** Settings changes run a few at a time: each is one call to one repository of a destination region. */
const ALIGN_CONCURRENCY = 4;

/**
 * Carries out (or, in a dry run, describes) a remediation plan: settings first, then at most one
 * backfill per destination region. A failed action is reported and the others go on.
 */
export async function applyRemediation(
  plan: RemediationPlan,
  options: { dryRun: boolean; sourceRegion: string },
  dependencies: { remediator: ReplicationRemediator; log?: Pick<StructuredLogger, 'warn'> },
): Promise<RemediationReport> {
  const { remediator } = dependencies;
  const aligns = plan.actions.filter((a) => a.action === 'align-setting');
  const backfills = plan.actions.filter((a) => a.action === 'start-backfill');

  const alignOutcomes = await mapWithConcurrency(aligns, ALIGN_CONCURRENCY, async (action) => {
    const base = {
      action: 'align-setting' as const,
      destinationRegion: action.destinationRegion,
      repositoryName: action.repositoryName,
      setting: action.setting,
    };
    const what = describeAlignment(action);
    if (options.dryRun) return { ...base, outcome: 'would-apply' as const, detail: `would ${what}` };
    try {
      if (action.setting === 'tag-mutability') {
        await remediator.putTagMutability(
          action.destinationRegion,
          action.repositoryName,
          action.tagMutability,
          action.exclusionFilters,
        );
      } else if (action.setting === 'lifecycle-policy') {
        await remediator.putLifecyclePolicy(
          action.destinationRegion,
          action.repositoryName,
          action.policyText,
        );
      } else {
        await remediator.setRepositoryPolicy(
          action.destinationRegion,
          action.repositoryName,
          action.policyText,
        );
      }
      return { ...base, outcome: 'applied' as const, detail: what };
    } catch (error) {
      const reason = describeFailure(error);
      dependencies.log?.warn('replication remediation failed', { ...base, reason });
      return { ...base, outcome: 'failed' as const, detail: `could not ${what}: ${reason}` };
    }
  });

  const backfillOutcomes: RemediationOutcome[] = [];
  // One at a time: ECR runs one backfill per destination region, and these are distinct regions.
  for (const action of backfills) {
    if (action.action !== 'start-backfill') continue;
    const region = action.destination.region;
    const what = `a replication backfill to ${region} for ${action.images} missing image${action.images === 1 ? '' : 's'} in ${listNames(action.repositories)}`;
    const base = { action: 'start-backfill' as const, destinationRegion: region };
    if (options.dryRun) {
      backfillOutcomes.push({ ...base, outcome: 'would-apply', detail: `would start ${what}` });
      continue;
    }
    try {
      const started = await remediator.startBackfill(options.sourceRegion, action.destination);
      backfillOutcomes.push(
        started.status === 'started'
          ? { ...base, outcome: 'applied', detail: `started ${what} (${started.replicationBackfillId})` }
          : { ...base, outcome: 'skipped', detail: `did not start ${what}: ${started.reason}` },
      );
    } catch (error) {
      const reason = describeFailure(error);
      dependencies.log?.warn('replication backfill failed to start', { region, reason });
      backfillOutcomes.push({ ...base, outcome: 'failed', detail: `could not start ${what}: ${reason}` });
    }
  }

  const skipped: RemediationOutcome[] = plan.skipped.map((item) => ({
    action: 'align-setting',
    destinationRegion: item.destinationRegion,
    repositoryName: item.repositoryName,
    setting: item.setting,
    outcome: 'skipped',
    detail: item.reason,
  }));
  return { dryRun: options.dryRun, outcomes: [...alignOutcomes, ...backfillOutcomes, ...skipped] };
}

function describeAlignment(action: Extract<RemediationAction, { action: 'align-setting' }>): string {
  if (action.setting === 'tag-mutability') {
    const filters = action.exclusionFilters.length === 0 ? '' : ` (${action.exclusionFilters.join(', ')})`;
    return `set tag mutability to ${action.tagMutability}${filters}`;
  }
  return action.setting === 'lifecycle-policy'
    ? "put the source's lifecycle policy"
    : "set the source's repository policy";
}

export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
