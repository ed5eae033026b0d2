import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * scanFindings' figures as CloudWatch metrics in the Embedded Metric Format (Powertools Metrics:
 * namespace from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME). Sent
 * only when this invocation published a Vulnerability Alert: a replay or a duplicate delivery, which
 * alerts nothing, counts nothing. Each value is a single metric written at once.
 */
export const FINDINGS_METRICS = {
  /** Findings covered by the alerts published (one alert covers every change of an image's scan). */
  findingsAlerted: 'FindingsAlerted',
  /** Vulnerability Alert events published. */
  alerts: 'VulnerabilityAlerts',
} as const;

export interface FindingsMetrics {
  alertPublished(findings: number): void;
}

export function createFindingsMetrics(metrics: Metrics = new Metrics()): FindingsMetrics {
  const emit = (name: string, value: number) => {
    metrics.singleMetric().addMetric(name, MetricUnit.Count, value);
  };
  return {
    alertPublished(findings) {
      emit(FINDINGS_METRICS.alerts, 1);
      emit(FINDINGS_METRICS.findingsAlerted, findings);
    },
  };
}
