import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import type { ImmutabilityConfig } from '../config/schema';
import {
  type Baseline,
  type BaselineCheck,
  checkRepositoryBaselines,
  decideRemediation,
  describeFix,
  type ObservedRepository,
  type RemediationDecision,
} from './check-baselines';
import { compileBaselines, type RepositoryBaseline } from './desired-state';
import { type RegistryPort, RepositoryGoneError } from './ports';

/**
 * `ecr-warden repositories audit`: the baseline table of a registry, one row per repository, from what
 * ECR reports (live, read-only) or from a snapshot. Pure: the readers gather ObservedRepository values.
 */

export interface AuditedCheck {
  baseline: Baseline;
  status: BaselineCheck['status'];
  actual?: string;
  expected?: string;
  severity?: string;
  /** For a drift: what the guard does with it under this config. */
  remediation?: RemediationDecision;
  /** For a drift: the fix, e.g. `PutImageTagMutability IMMUTABLE`. */
  fix?: string;
  reason?: string;
}

export interface AuditedRepository {
  repositoryName: string;
  /** Index of the `immutability.rules` entry that covers it; undefined when none does. */
  rule?: number;
  checks: AuditedCheck[];
}

export interface RepositoryAudit {
  dryRun: boolean;
  repositories: AuditedRepository[];
  summary: { repositories: number; covered: number; compliant: number; drifts: number; unknown: number };
}

/** Which reads a repository needs, so that readers read nothing a rule does not check. */
export function auditReads(baseline: RepositoryBaseline | undefined): {
  lifecyclePolicy: boolean;
  repositoryPolicy: boolean;
  scanning: boolean;
} {
  return {
    lifecyclePolicy: baseline?.lifecyclePolicy !== undefined,
    repositoryPolicy: baseline?.repositoryPolicy !== undefined,
    scanning: baseline?.scanning !== undefined,
  };
}

export function auditRepositories(
  config: ImmutabilityConfig,
  observed: readonly ObservedRepository[],
  options: { ownAccount: string },
): RepositoryAudit {
  const resolve = compileBaselines(config);
  const repositories = [...observed]
    .sort((a, b) => (a.repositoryName < b.repositoryName ? -1 : a.repositoryName > b.repositoryName ? 1 : 0))
    .map((repository): AuditedRepository => {
      const baseline = resolve(repository.repositoryName);
      if (baseline === undefined) return { repositoryName: repository.repositoryName, checks: [] };
      return {
        repositoryName: repository.repositoryName,
        rule: baseline.ruleIndex,
        checks: checkRepositoryBaselines(baseline, repository, options).map((check) =>
          toAuditedCheck(check, config.dryRun),
        ),
      };
    });
  const checks = repositories.flatMap((repository) => repository.checks);
  return {
    dryRun: config.dryRun,
    repositories,
    summary: {
      repositories: repositories.length,
      covered: repositories.filter((repository) => repository.rule !== undefined).length,
      compliant: repositories.filter(
        (repository) =>
          repository.rule !== undefined && repository.checks.every((check) => check.status === 'compliant'),
      ).length,
      drifts: checks.filter((check) => check.status === 'drift').length,
      unknown: checks.filter((check) => check.status === 'unknown').length,
    },
  };
}

function toAuditedCheck(check: BaselineCheck, dryRun: boolean): AuditedCheck {
  switch (check.status) {
    case 'compliant':
      return { baseline: check.baseline, status: 'compliant', actual: check.actual };
    case 'unknown':
      return { baseline: check.baseline, status: 'unknown', reason: check.reason };
    case 'drift':
      return {
        baseline: check.baseline,
        status: 'drift',
        actual: check.actual,
        expected: check.expected,
        severity: check.severity,
        remediation: decideRemediation(check.fix, dryRun),
        fix: describeFix(check.fix),
      };
  }
}

/**
 * The registry reads of an audit: the repository guard's (RegistryPort), except that a snapshot may
 * answer undefined for a policy it did not record (the baseline then shows as unknown).
 */
export interface AuditRegistry extends Pick<RegistryPort, 'listRepositoryPages' | 'scanFrequencies'> {
  lifecyclePolicyText(repositoryName: string): Promise<string | null | undefined>;
  repositoryPolicyText(repositoryName: string): Promise<string | null | undefined>;
}

/**
 * Reads what the audit needs from a registry (live ECR, or a snapshot's in-memory registry): every
 * repository, and for the covered ones only the settings their rule checks. Read-only.
 */
export async function observeRegistry(
  config: ImmutabilityConfig,
  registry: AuditRegistry,
  options: { concurrency?: number } = {},
): Promise<{ observed: ObservedRepository[]; account: string | undefined }> {
  const resolve = compileBaselines(config);
  const observed: ObservedRepository[] = [];
  let account: string | undefined;
  for await (const page of registry.listRepositoryPages()) {
    account ??= page[0]?.registryId;
    const scanned = page.filter((summary) => auditReads(resolve(summary.repositoryName)).scanning);
    const frequencies =
      scanned.length === 0
        ? new Map()
        : await registry.scanFrequencies(scanned.map((summary) => summary.repositoryName));
    const read = await mapWithConcurrency(page, options.concurrency ?? 8, async (summary) => {
      const reads = auditReads(resolve(summary.repositoryName));
      const repository: ObservedRepository = {
        repositoryName: summary.repositoryName,
        tagMutability: summary.tagMutability,
        tagMutabilityReported: summary.tagMutabilityReported,
        encryption: summary.encryption,
      };
      try {
        const lifecyclePolicyText = reads.lifecyclePolicy
          ? await registry.lifecyclePolicyText(summary.repositoryName)
          : undefined;
        if (lifecyclePolicyText !== undefined) repository.lifecyclePolicyText = lifecyclePolicyText;
        const repositoryPolicyText = reads.repositoryPolicy
          ? await registry.repositoryPolicyText(summary.repositoryName)
          : undefined;
        if (repositoryPolicyText !== undefined) repository.repositoryPolicyText = repositoryPolicyText;
      } catch (error) {
        if (error instanceof RepositoryGoneError) return undefined; // deleted while the audit ran
        throw error;
      }
      const frequency = frequencies.get(summary.repositoryName);
      if (reads.scanning && frequency !== undefined) repository.scanFrequency = frequency;
      return repository;
    });
    for (const repository of read) if (repository !== undefined) observed.push(repository);
  }
  return { observed, account };
}
