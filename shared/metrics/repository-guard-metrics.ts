import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The repository guard's figures as CloudWatch metrics in the Embedded Metric Format (Powertools
 * Metrics: namespace from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME),
 * with a `Trigger` dimension: `api-call` (a CloudTrail record checked at once) or `sweep` (the schedule,
 * which counts a drift that is still there again on every sweep: DriftFound of the sweeps is the
 * standing drift). Each value is a single metric written at once.
 */
export const REPOSITORY_GUARD_METRICS = {
  driftFound: 'DriftFound',
  driftRemediated: 'DriftRemediated',
  remediationFailed: 'DriftRemediationFailed',
  tagMoved: 'TagMoved',
} as const;

export type GuardTrigger = 'api-call' | 'sweep';

export interface RepositoryGuardMetrics {
  checked(trigger: GuardTrigger, figures: { drifts: number; applied: number; failed: number }): void;
  /** Protected tags found moved: by a push, or by the sweep (pushes whose event never came). */
  tagsMoved(trigger: 'push' | 'sweep', count: number): void;
}

export function createRepositoryGuardMetrics(metrics: Metrics = new Metrics()): RepositoryGuardMetrics {
  const emit = (name: string, value: number, trigger: GuardTrigger | 'push') => {
    const single = metrics.singleMetric();
    single.addDimension('Trigger', trigger);
    single.addMetric(name, MetricUnit.Count, value);
  };
  return {
    checked(trigger, { drifts, applied, failed }) {
      emit(REPOSITORY_GUARD_METRICS.driftFound, drifts, trigger);
      if (applied > 0) emit(REPOSITORY_GUARD_METRICS.driftRemediated, applied, trigger);
      if (failed > 0) emit(REPOSITORY_GUARD_METRICS.remediationFailed, failed, trigger);
    },
    tagsMoved(trigger, count) {
      if (count > 0) emit(REPOSITORY_GUARD_METRICS.tagMoved, count, trigger);
    },
  };
}
