import { compileRepositoryGlobs, compileRepositoryRuleMatcher } from '../cleanup/select-repositories';
import type { ScanningConfig, ScanningSuppression } from '../config/schema';
import { coversAccount, type GovernedAccount } from '../organization/governed-accounts';
import type { Finding } from './finding';
import { isAtLeast, type ThresholdSeverity } from './severity';

/**
 * The `scanning` section of ecr-warden.yml as decisions: which severity alerts in a repository, and
 * which suppression (if any) covers a finding at a given time. Used by the alerts, the digest and the
 * deploy gate alike, so that a finding the gate lets through never alerts and vice versa.
 *
 * Under an Organizations hub a policy is built per governed account: a threshold or a suppression
 * whose `accounts` (ids, aliases, OUs) does not cover the account is not part of that account's policy,
 * as one whose globs do not cover a repository does not apply to it. Without an account (the deploy
 * gate reading a file) every entry applies, as before `accounts` existed.
 *
 * Suppressions expire at the start (00:00 UTC) of their `expires` day: `expires: 2026-12-31` suppresses
 * up to 2026-12-30T23:59:59Z. An expired suppression suppresses nothing.
 */
export interface ScanningPolicy {
  minSeverityFor(repositoryName: string): ThresholdSeverity;
  /** The unexpired suppression covering the finding at `now`, if any. */
  suppressionFor(
    repositoryName: string,
    finding: Pick<Finding, 'vulnerabilityId' | 'packages'>,
    now: Date,
  ): ScanningSuppression | undefined;
  /** The expired suppression that would cover the finding, if any (for reports: "suppression expired"). */
  expiredSuppressionFor(
    repositoryName: string,
    finding: Pick<Finding, 'vulnerabilityId' | 'packages'>,
    now: Date,
  ): ScanningSuppression | undefined;
  /** Whether the finding alerts: open, at or above the repository's threshold, not suppressed. */
  isAlertable(
    repositoryName: string,
    finding: Pick<Finding, 'vulnerabilityId' | 'packages' | 'severity' | 'status'>,
    now: Date,
  ): boolean;
  readonly alertOnClosed: boolean;
  readonly suppressions: readonly ScanningSuppression[];
}

export type ScanningPolicyInput = Pick<ScanningConfig, 'minSeverity' | 'thresholds' | 'suppressions'> &
  Partial<Pick<ScanningConfig, 'alertOnClosed'>>;

export function createScanningPolicy(config: ScanningPolicyInput, account?: GovernedAccount): ScanningPolicy {
  const covers = (entry: { readonly accounts?: readonly string[] | undefined }) =>
    account === undefined || coversAccount(entry.accounts, account);
  const thresholds = config.thresholds.filter(covers);
  const ownSuppressions = config.suppressions.filter(covers);
  const matchThreshold = compileRepositoryRuleMatcher(thresholds);
  const suppressions = ownSuppressions.map((suppression) => ({
    suppression,
    coversRepository: compileRepositoryGlobs(suppression.repositories),
    expiresAt: Date.parse(`${suppression.expires}T00:00:00Z`),
  }));

  function matching(repositoryName: string, finding: Pick<Finding, 'vulnerabilityId' | 'packages'>) {
    return suppressions.filter(
      ({ suppression, coversRepository }) =>
        coversRepository(repositoryName) &&
        (suppression.vulnerability === undefined ||
          suppression.vulnerability.toUpperCase() === finding.vulnerabilityId.toUpperCase()) &&
        (suppression.package === undefined ||
          finding.packages.some((pkg) => pkg.name === suppression.package)),
    );
  }

  const policy: ScanningPolicy = {
    alertOnClosed: config.alertOnClosed ?? false,
    suppressions: ownSuppressions,
    minSeverityFor(repositoryName) {
      const index = matchThreshold(repositoryName);
      return index === undefined
        ? config.minSeverity
        : (thresholds[index]?.minSeverity ?? config.minSeverity);
    },
    suppressionFor(repositoryName, finding, now) {
      return matching(repositoryName, finding).find(({ expiresAt }) => now.getTime() < expiresAt)
        ?.suppression;
    },
    expiredSuppressionFor(repositoryName, finding, now) {
      return matching(repositoryName, finding).find(({ expiresAt }) => now.getTime() >= expiresAt)
        ?.suppression;
    },
    isAlertable(repositoryName, finding, now) {
      return (
        finding.status === 'ACTIVE' &&
        isAtLeast(finding.severity, policy.minSeverityFor(repositoryName)) &&
        policy.suppressionFor(repositoryName, finding, now) === undefined
      );
    },
  };
  return policy;
}

/** Whether the suppression has expired at `now`, or expires within `days` of it. */
export function suppressionExpiry(
  suppression: Pick<ScanningSuppression, 'expires'>,
  now: Date,
  days: number,
): 'expired' | 'expiring' | 'valid' {
  const expiresAt = Date.parse(`${suppression.expires}T00:00:00Z`);
  if (now.getTime() >= expiresAt) return 'expired';
  return expiresAt - now.getTime() <= days * 86_400_000 ? 'expiring' : 'valid';
}

/** A label for a suppression: its vulnerability, its package, or both. */
export function describeSuppression(
  suppression: Pick<ScanningSuppression, 'vulnerability' | 'package'>,
): string {
  if (suppression.vulnerability !== undefined && suppression.package !== undefined) {
    return `${suppression.vulnerability} in ${suppression.package}`;
  }
  return suppression.vulnerability ?? `package ${suppression.package}`;
}
