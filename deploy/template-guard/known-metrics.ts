import { CLEANUP_METRICS } from '../../shared/metrics/cleanup-metrics';
import { FINDINGS_METRICS } from '../../shared/metrics/findings-metrics';
import { NOTIFICATION_METRICS } from '../../shared/metrics/notification-metrics';
import { REPLICATION_METRICS } from '../../shared/metrics/replication-metrics';
import { REPOSITORY_GUARD_METRICS } from '../../shared/metrics/repository-guard-metrics';

/** Every metric name the functions write to their namespace: an alarm on any other name never fires. */
export const KNOWN_METRICS: ReadonlySet<string> = new Set(
  [
    CLEANUP_METRICS,
    FINDINGS_METRICS,
    NOTIFICATION_METRICS,
    REPLICATION_METRICS,
    REPOSITORY_GUARD_METRICS,
  ].flatMap((names) => Object.values(names)),
);
