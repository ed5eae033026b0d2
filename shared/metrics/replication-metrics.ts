import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ReplicationMetrics } from '../replication/replication-action';

/**
 * Replication lag and failures as CloudWatch metrics in the Embedded Metric Format (Powertools
 * Metrics: namespace from POWERTOOLS_METRICS_NAMESPACE, `service` from POWERTOOLS_SERVICE_NAME), one
 * dimension: DestinationRegion. ECR itself publishes no replication metric (aws/containers-roadmap#1537).
 * Each value is a single metric written at once, so a later failure in the invocation loses nothing.
 *
 * The lag is stamped with the replication event's time, so that a late or retried event lands at the
 * minute the replication happened; CloudWatch drops EMF timestamps older than 14 days or more than
 * 2 hours ahead, and such an event is stamped now instead.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const REPLICATION_METRICS = {
  lag: 'ReplicationLag',
  failures: 'ReplicationFailures',
} as const;

const MAX_AGE_MS = 14 * 24 * 3_600_000;
const MAX_AHEAD_MS = 2 * 3_600_000;

export function createReplicationMetrics(
  metrics: Metrics = new Metrics(),
  now: () => number = () => Date.now(),
): ReplicationMetrics {
  return {
    lag(destinationRegion, seconds, at) {
      const single = metrics.singleMetric();
      const offset = at.getTime() - now();
      if (offset > -MAX_AGE_MS && offset < MAX_AHEAD_MS) single.setTimestamp(at);
      single.addDimension('DestinationRegion', destinationRegion);
      single.addMetric(REPLICATION_METRICS.lag, MetricUnit.Seconds, seconds);
    },
    failure(destinationRegion) {
      const single = metrics.singleMetric();
      single.addDimension('DestinationRegion', destinationRegion);
      single.addMetric(REPLICATION_METRICS.failures, MetricUnit.Count, 1);
    },
  };
}
