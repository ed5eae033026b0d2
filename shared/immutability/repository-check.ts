import { EcrWardenError } from '../errors';
import type { GovernanceEventSink } from '../events/governance';
import type { StructuredLogger } from '../logger';
import {
  type Baseline,
  type BaselineCheck,
  checkRepositoryBaselines,
  decideRemediation,
  type Fix,
  type ObservedRepository,
} from './check-baselines';
import type { BaselineResolver, RepositoryBaseline } from './desired-state';
import { openDriftPublication, type RemediationResult } from './drift-publication';
import {
  type DriftLedgerPort,
  type RegistryPort,
  RepositoryGoneError,
  type RepositorySummary,
} from './ports';
import { planScanningConfiguration } from './scanning';

/**
 * The repository guard's check of one repository: what the baselines want against what ECR reports,
 * remediation where the config allows it, and the drifts handed to the drift publication.
 */

export interface CheckSummary {
  repositoriesChecked: number;
  drifts: number;
  applied: number;
  wouldApply: number;
  failed: number;
  eventsPublished: number;
}

export interface RepositoryCheckContext {
  /** Baselines a CloudTrail event says were just changed: reported even when reported before. */
  related: readonly Baseline[];
  /** Check only these baselines (undefined: all the rule asks for). */
  only?: readonly Baseline[];
  changedBy?: string;
  cloudTrailEventId?: string;
  scanFrequency?: ObservedRepository['scanFrequency'];
}

export interface RepositoryCheckSettings {
  account: string;
  /** The account's alias when the hub knows one (issue 15): every governance event carries it. */
  accountAlias?: string | undefined;
  region: string;
  dryRun: boolean;
  resolveBaseline: BaselineResolver;
}

export interface RepositoryCheckPorts {
  registry: RegistryPort;
  driftLedger: DriftLedgerPort;
  publisher: GovernanceEventSink;
  logger: StructuredLogger;
}

/** Remediation would change more than the repository at hand (see planScanningConfiguration). */
export class RemediationRefusedError extends EcrWardenError {
  override name = 'RemediationRefusedError';
}

export function emptyCheckSummary(): CheckSummary {
  return { repositoriesChecked: 0, drifts: 0, applied: 0, wouldApply: 0, failed: 0, eventsPublished: 0 };
}

export function addCheckSummary(total: CheckSummary, part: CheckSummary): void {
  total.repositoriesChecked += part.repositoriesChecked;
  total.drifts += part.drifts;
  total.applied += part.applied;
  total.wouldApply += part.wouldApply;
  total.failed += part.failed;
  total.eventsPublished += part.eventsPublished;
}

export type RepositoryCheck = ReturnType<typeof createRepositoryCheck>;

export function createRepositoryCheck(settings: RepositoryCheckSettings, ports: RepositoryCheckPorts) {
  const { registry, logger } = ports;
  const applyFix = createFixApplier(registry);

  return {
    /** Checks one repository, remediates, publishes what is new, and keeps the drift ledger. */
    async checkRepository(
      summary: RepositorySummary,
      baseline: RepositoryBaseline,
      context: RepositoryCheckContext,
    ): Promise<CheckSummary> {
      const name = summary.repositoryName;
      const result: CheckSummary = { ...emptyCheckSummary(), repositoriesChecked: 1 };
      const checks = await observeBaselines(registry, settings.account, summary, baseline, context);
      const publication = await openDriftPublication(ports, name, {
        account: settings.account,
        accountAlias: settings.accountAlias,
        region: settings.region,
        related: context.related,
        ...(context.changedBy === undefined ? {} : { changedBy: context.changedBy }),
        ...(context.cloudTrailEventId === undefined ? {} : { cloudTrailEventId: context.cloudTrailEventId }),
      });
      for (const check of checks) {
        if (check.status === 'unknown') {
          logger.warn('baseline not checked', {
            repositoryName: name,
            baseline: check.baseline,
            reason: check.reason,
          });
          continue;
        }
        if (check.status === 'compliant') {
          publication.noteCompliant(check.baseline);
          continue;
        }
        result.drifts += 1;
        const remediation = await remediate(name, check);
        if (remediation.outcome === 'applied') result.applied += 1;
        if (remediation.outcome === 'would-apply') result.wouldApply += 1;
        if (remediation.outcome === 'failed') result.failed += 1;
        await publication.noteDrift(check, remediation);
      }
      result.eventsPublished = await publication.publish();
      return result;
    },

    /** The scanning frequencies of the repositories whose baseline has a scanning rule (one read). */
    async scanFrequenciesFor(
      summaries: readonly RepositorySummary[],
    ): Promise<Map<string, NonNullable<ObservedRepository['scanFrequency']>>> {
      const names = summaries
        .filter((summary) => settings.resolveBaseline(summary.repositoryName)?.scanning !== undefined)
        .map((summary) => summary.repositoryName);
      return names.length === 0 ? new Map() : registry.scanFrequencies(names);
    },
  };

  async function remediate(
    repositoryName: string,
    check: Extract<BaselineCheck, { status: 'drift' }>,
  ): Promise<RemediationResult> {
    const decision = decideRemediation(check.fix, settings.dryRun);
    if (decision !== 'apply' || check.fix.kind === 'none') {
      return { outcome: decision === 'apply' ? 'report-only' : decision };
    }
    try {
      await applyFix(repositoryName, check.fix);
      logger.info('drift remediated', { repositoryName, baseline: check.baseline, fix: check.fix.kind });
      return { outcome: 'applied' };
    } catch (error) {
      if (error instanceof RepositoryGoneError) throw error;
      const failure = `${(error as Error).name}: ${(error as Error).message}`;
      logger.error('remediation failed', { repositoryName, baseline: check.baseline, error: failure });
      return { outcome: 'failed', failure };
    }
  }
}

/** What the repository is, read for the baselines the context asks for, and how it compares. */
async function observeBaselines(
  registry: RegistryPort,
  ownAccount: string,
  summary: RepositorySummary,
  baseline: RepositoryBaseline,
  context: RepositoryCheckContext,
): Promise<BaselineCheck[]> {
  const name = summary.repositoryName;
  const wants = (baselineName: Baseline) => context.only === undefined || context.only.includes(baselineName);
  const observed: ObservedRepository = {
    repositoryName: name,
    tagMutability: summary.tagMutability,
    tagMutabilityReported: summary.tagMutabilityReported,
    encryption: summary.encryption,
  };
  if (baseline.lifecyclePolicy !== undefined && wants('lifecycle-policy')) {
    observed.lifecyclePolicyText = await registry.lifecyclePolicyText(name);
  }
  if (baseline.repositoryPolicy !== undefined && wants('repository-policy')) {
    observed.repositoryPolicyText = await registry.repositoryPolicyText(name);
  }
  if (baseline.scanning !== undefined && wants('scanning') && context.scanFrequency !== undefined) {
    observed.scanFrequency = context.scanFrequency;
  }
  return checkRepositoryBaselines(baseline, observed, { ownAccount }).filter((check) =>
    wants(check.baseline),
  );
}

/** Applies fixes through the registry port; registry-wide scanning changes one at a time. */
function createFixApplier(registry: RegistryPort) {
  // PutRegistryScanningConfiguration replaces the whole registry configuration: one read-modify-write
  // at a time within this invocation, so that two repositories added at once do not undo each other.
  let scanningChanges: Promise<unknown> = Promise.resolve();

  return async function applyFix(repositoryName: string, fix: Exclude<Fix, { kind: 'none' }>): Promise<void> {
    switch (fix.kind) {
      case 'put-image-tag-mutability':
        return registry.putTagMutability(repositoryName, fix.setting);
      case 'put-lifecycle-policy':
        return registry.putLifecyclePolicy(repositoryName, fix.policyText);
      case 'add-to-scanning-rule': {
        const change = scanningChanges.then(async () => {
          const plan = planScanningConfiguration(
            await registry.registryScanningConfiguration(),
            repositoryName,
            fix.frequency,
          );
          if (!plan.ok) throw new RemediationRefusedError(plan.reason);
          await registry.putRegistryScanningConfiguration(plan.configuration);
        });
        scanningChanges = change.catch(() => undefined);
        return change;
      }
    }
  };
}
