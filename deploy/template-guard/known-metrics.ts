import { CLEANUP_METRICS } from '../../shared/aws/cleanup-metrics';
import { FINDINGS_METRICS } from '../../shared/aws/findings-metrics';
import { NOTIFICATION_METRICS } from '../../shared/aws/notification-metrics';
import { REPLICATION_METRICS } from '../../shared/aws/replication-metrics';
import { REPOSITORY_GUARD_METRICS } from '../../shared/aws/repository-guard-metrics';

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
