import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * `AccountsUnreachable`: one data point per governed account × region that a run could not act in
 * (the member role cannot be assumed, the region is not enabled for the account), written when the
 * run's `Account Unreachable` event is published, so once per run, account × region and work. One
 * metric name for every function of an Organizations hub (cleanup, the repository guard's sweep, the
 * replication audit, the vulnerability digest), with the `service` dimension only, which is what the
 * AccountsUnreachableAlarm (deploy/alarms.ts) watches; the event says which work and account.
 */
export const ACCOUNT_REACHABILITY_METRICS = {
  accountsUnreachable: 'AccountsUnreachable',
} as const;

/** The port the domain code counts with (shared/organization/account-unreachable.ts). */
export interface AccountReachabilityMetrics {
  accountUnreachable(): void;
}

export function createAccountReachabilityMetrics(
  metrics: Metrics = new Metrics(),
): AccountReachabilityMetrics {
  return {
    accountUnreachable() {
      metrics.singleMetric().addMetric(ACCOUNT_REACHABILITY_METRICS.accountsUnreachable, MetricUnit.Count, 1);
    },
  };
}
