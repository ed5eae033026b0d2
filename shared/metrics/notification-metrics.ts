import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { NotificationMetrics } from '../notify/governance-notifier';

/**
 * The notifier's counters as CloudWatch metrics, written in the Embedded Metric Format by Powertools
 * Metrics (namespace from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME).
 * Each count is a single metric with its own dimension (Route or DetailType) and is written at once, so
 * nothing waits for a flush at the end of the invocation and a crash loses no count already made.
 */
export const NOTIFICATION_METRICS = {
  delivered: 'NotificationsDelivered',
  failed: 'NotificationsFailed',
  rejected: 'NotificationsRejected',
  unrouted: 'UnroutedGovernanceEvents',
  rateLimited: 'SlackRateLimited',
} as const;

export function createNotificationMetrics(metrics: Metrics = new Metrics()): NotificationMetrics {
  const count = (name: string, dimension: string, value: string) => {
    const single = metrics.singleMetric();
    single.addDimension(dimension, value);
    single.addMetric(name, MetricUnit.Count, 1);
  };
  return {
    delivered: (route) => count(NOTIFICATION_METRICS.delivered, 'Route', route),
    failed: (route) => count(NOTIFICATION_METRICS.failed, 'Route', route),
    rejected: (route) => {
      count(NOTIFICATION_METRICS.rejected, 'Route', route);
      // Once more without the route, so that one alarm watches every route (an alarm names exact dimensions).
      metrics.singleMetric().addMetric(NOTIFICATION_METRICS.rejected, MetricUnit.Count, 1);
    },
    unrouted: (detailType) => count(NOTIFICATION_METRICS.unrouted, 'DetailType', detailType),
    rateLimited: (route) => count(NOTIFICATION_METRICS.rateLimited, 'Route', route),
  };
}
