import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CleanupMetrics } from '../cleanup/cleanup-ports';
import { ACCOUNT_REACHABILITY_METRICS } from './account-reachability-metrics';

/**
 * The cleanup worker's CloudWatch metrics, in the Embedded Metric Format (Powertools Metrics; namespace
 * from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME). One data point
 * per repository and run, with a `DryRun` dimension: in a dry run the figures are what a real run would
 * delete. Each is written at once (a single metric), so nothing waits for a flush.
 */
export const CLEANUP_METRICS = {
  imagesDeleted: 'ImagesDeleted',
  bytesReclaimed: 'BytesReclaimed',
  deleteFailures: 'ImageDeleteFailures',
  /**
   * The share of the repository's images the run deleted (or would, in a dry run), in percent: the
   * CleanupDeletionShareAlarm in serverless.yml fires when a real run deletes more than
   * cleanup.maxDeletionShare of a repository. Not sent for an empty repository.
   */
  deletionShare: 'DeletionShare',
  /**
   * In-use sources that could not be read (AccessDenied, an unreachable cluster, a stale external
   * list), once per held repository: nothing was deleted there. Written with the `service` dimension
   * only (no DryRun: a source that cannot be read matters in a dry run too), which is what the
   * InUseSourceFailuresAlarm (deploy/alarms.ts) watches.
   */
  inUseSourceFailures: 'InUseSourceFailures',
  /** An Organizations hub's account × region the run could not act in (./account-reachability-metrics.ts). */
  accountsUnreachable: ACCOUNT_REACHABILITY_METRICS.accountsUnreachable,
} as const;

export function createCleanupMetrics(metrics: Metrics = new Metrics()): CleanupMetrics {
  const emit = (
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
    dryRun: boolean,
  ) => {
    const single = metrics.singleMetric();
    single.addDimension('DryRun', String(dryRun));
    single.addMetric(name, unit, value);
  };
  return {
    repositoryCleaned({ dryRun, imagesDeleted, bytesReclaimed, imagesFailed, imagesEvaluated }) {
      emit(CLEANUP_METRICS.imagesDeleted, MetricUnit.Count, imagesDeleted, dryRun);
      emit(CLEANUP_METRICS.bytesReclaimed, MetricUnit.Bytes, bytesReclaimed, dryRun);
      if (imagesFailed > 0) emit(CLEANUP_METRICS.deleteFailures, MetricUnit.Count, imagesFailed, dryRun);
      if (imagesEvaluated > 0) {
        const percent = (100 * imagesDeleted) / imagesEvaluated;
        emit(CLEANUP_METRICS.deletionShare, MetricUnit.Percent, percent, dryRun);
      }
    },
    inUseSourceFailures({ failures }) {
      metrics.singleMetric().addMetric(CLEANUP_METRICS.inUseSourceFailures, MetricUnit.Count, failures);
    },
  };
}
