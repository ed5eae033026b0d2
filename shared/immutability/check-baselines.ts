import type { BASELINES, Severity } from '../events/governance';
import type { RepositoryBaseline } from './desired-state';
import { analyzeRepositoryPolicy, describeGrant } from './repository-policy';
import {
  describeScanning,
  type RequiredScanFrequency,
  type ScanFrequency,
  satisfiesScanning,
} from './scanning';
import { describeTagMutability, sameTagMutability, type TagMutabilitySetting } from './tag-mutability';

/** The five baselines (the drift event's `baseline` values), in the order they are checked and shown. */
export type Baseline = (typeof BASELINES)[number];

/**
 * What ECR says of one repository. A field left undefined was not read (its baseline is not checked
 * for this repository); `null` means "read, and there is none".
 */
export interface ObservedRepository {
  repositoryName: string;
  /** undefined when ECR reported a mode this version does not know. */
  tagMutability: TagMutabilitySetting | undefined;
  /** The mode as ECR reported it, for messages. */
  tagMutabilityReported: string;
  encryption: { type: string; kmsKey?: string };
  lifecyclePolicyText?: string | null;
  repositoryPolicyText?: string | null;
  scanFrequency?: ScanFrequency;
}

/** How a drift would be fixed. `remediate` says whether the config allows the fix. */
export type Fix =
  | { kind: 'put-image-tag-mutability'; setting: TagMutabilitySetting; remediate: boolean }
  | { kind: 'put-lifecycle-policy'; policyName: string; policyText: string; remediate: boolean }
  | { kind: 'add-to-scanning-rule'; frequency: RequiredScanFrequency; remediate: boolean }
  | { kind: 'none'; reason: string };

export type BaselineCheck =
  | { baseline: Baseline; status: 'compliant'; actual: string }
  | {
      baseline: Baseline;
      status: 'drift';
      expected: string;
      actual: string;
      severity: Severity;
      fix: Fix;
    }
  | { baseline: Baseline; status: 'unknown'; reason: string };

/**
 * Compares one repository with its baseline: a pure function of what ECR reported. Only the
 * baselines the rule asks for are checked (tag immutability always).
 */
export function checkRepositoryBaselines(
  baseline: RepositoryBaseline,
  observed: ObservedRepository,
  options: { ownAccount: string },
): BaselineCheck[] {
  const checks: BaselineCheck[] = [checkTagImmutability(baseline, observed)];
  if (baseline.scanning !== undefined) checks.push(checkScanning(baseline.scanning, observed));
  if (baseline.lifecyclePolicy !== undefined)
    checks.push(checkLifecyclePolicy(baseline.lifecyclePolicy, observed));
  if (baseline.encryption !== undefined) checks.push(checkEncryption(baseline.encryption, observed));
  if (baseline.repositoryPolicy !== undefined) {
    checks.push(checkRepositoryPolicy(baseline.repositoryPolicy, observed, options.ownAccount));
  }
  return checks;
}

function checkTagImmutability(baseline: RepositoryBaseline, observed: ObservedRepository): BaselineCheck {
  const desired = baseline.tagMutability.setting;
  const expected = describeTagMutability(desired);
  const actual =
    observed.tagMutability === undefined
      ? observed.tagMutabilityReported
      : describeTagMutability(observed.tagMutability);
  if (observed.tagMutability !== undefined && sameTagMutability(desired, observed.tagMutability)) {
    return { baseline: 'tag-immutability', status: 'compliant', actual };
  }
  return {
    baseline: 'tag-immutability',
    status: 'drift',
    expected,
    actual,
    severity: 'warning',
    fix: { kind: 'put-image-tag-mutability', setting: desired, remediate: baseline.tagMutability.remediate },
  };
}

function checkScanning(
  required: NonNullable<RepositoryBaseline['scanning']>,
  observed: ObservedRepository,
): BaselineCheck {
  if (observed.scanFrequency === undefined) {
    return {
      baseline: 'scanning',
      status: 'unknown',
      reason: 'the effective scanning frequency was not reported',
    };
  }
  const actual = describeScanning(observed.scanFrequency);
  if (satisfiesScanning(observed.scanFrequency, required.frequency)) {
    return { baseline: 'scanning', status: 'compliant', actual };
  }
  return {
    baseline: 'scanning',
    status: 'drift',
    expected: `${describeScanning(required.frequency)} (registry scanning configuration)`,
    actual,
    severity: 'warning',
    fix: { kind: 'add-to-scanning-rule', frequency: required.frequency, remediate: required.remediate },
  };
}

function checkLifecyclePolicy(
  required: NonNullable<RepositoryBaseline['lifecyclePolicy']>,
  observed: ObservedRepository,
): BaselineCheck {
  if (observed.lifecyclePolicyText === undefined) {
    return { baseline: 'lifecycle-policy', status: 'unknown', reason: 'the lifecycle policy was not read' };
  }
  if (observed.lifecyclePolicyText !== null) {
    return { baseline: 'lifecycle-policy', status: 'compliant', actual: 'a lifecycle policy is set' };
  }
  const defaultPolicy = required.defaultPolicy;
  return {
    baseline: 'lifecycle-policy',
    status: 'drift',
    expected:
      defaultPolicy === undefined
        ? 'a lifecycle policy'
        : `a lifecycle policy, default "${defaultPolicy.name}"`,
    actual: 'no lifecycle policy',
    severity: 'info',
    fix:
      defaultPolicy === undefined
        ? { kind: 'none', reason: 'no defaultPolicy is named for this rule' }
        : {
            kind: 'put-lifecycle-policy',
            policyName: defaultPolicy.name,
            policyText: defaultPolicy.text,
            remediate: required.remediate,
          },
  };
}

function checkEncryption(
  required: NonNullable<RepositoryBaseline['encryption']>,
  observed: ObservedRepository,
): BaselineCheck {
  const { type, kmsKey } = observed.encryption;
  const actual = kmsKey === undefined ? type : `${type} (${kmsKey})`;
  const typeOk = required.types.includes(type);
  const keyOk = required.kmsKeys === undefined || (kmsKey !== undefined && required.kmsKeys.includes(kmsKey));
  if (typeOk && keyOk) return { baseline: 'encryption', status: 'compliant', actual };
  const expected =
    required.kmsKeys === undefined
      ? required.types.join(' or ')
      : `${required.types.join(' or ')} with one of ${required.kmsKeys.join(', ')}`;
  return {
    baseline: 'encryption',
    status: 'drift',
    expected,
    actual,
    severity: 'warning',
    // The encryption configuration of a repository cannot be changed after it is created.
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
    fix: {
      kind: 'none',
      reason: 'encryption is fixed when a repository is created: recreate it to change it',
    },
  };
}

function checkRepositoryPolicy(
  required: NonNullable<RepositoryBaseline['repositoryPolicy']>,
  observed: ObservedRepository,
  ownAccount: string,
): BaselineCheck {
  if (observed.repositoryPolicyText === undefined) {
    return { baseline: 'repository-policy', status: 'unknown', reason: 'the repository policy was not read' };
  }
  if (observed.repositoryPolicyText === null) {
    return { baseline: 'repository-policy', status: 'compliant', actual: 'no repository policy' };
  }
  const analysis = analyzeRepositoryPolicy(observed.repositoryPolicyText, {
    ownAccount,
    allowedAccounts: required.allowedAccounts,
  });
  const expected =
    required.allowedAccounts.length === 0
      ? 'no access for everyone ("*") or other accounts'
      : `no access for everyone ("*") or accounts other than ${required.allowedAccounts.join(', ')}`;
  if (analysis.unreadable !== undefined) {
    return {
      baseline: 'repository-policy',
      status: 'drift',
      expected,
      actual: `unreadable policy (${analysis.unreadable})`,
      severity: 'warning',
      fix: { kind: 'none', reason: 'ecr-warden never rewrites a repository policy' },
    };
  }
  if (analysis.grants.length === 0) {
    return { baseline: 'repository-policy', status: 'compliant', actual: 'grants only allowed accounts' };
  }
  return {
    baseline: 'repository-policy',
    status: 'drift',
    expected,
    actual: truncate(analysis.grants.map(describeGrant).join('; '), 2000),
    severity: analysis.grants.some((grant) => grant.grantee === 'everyone') ? 'critical' : 'warning',
    fix: { kind: 'none', reason: 'ecr-warden never rewrites a repository policy' },
  };
}

/** `PutImageTagMutability IMMUTABLE`, `none: <reason>`: what remediation does, for tables and logs. */
export function describeFix(fix: Fix): string {
  switch (fix.kind) {
    case 'put-image-tag-mutability':
      return `PutImageTagMutability ${describeTagMutability(fix.setting)}`;
    case 'put-lifecycle-policy':
      return `PutLifecyclePolicy "${fix.policyName}"`;
    case 'add-to-scanning-rule':
      return `PutRegistryScanningConfiguration (add to the ${fix.frequency} rule)`;
    case 'none':
      return `none (${fix.reason})`;
  }
}

export type RemediationDecision = 'apply' | 'would-apply' | 'report-only';

/** Whether a fix is applied now, shown as what a run would apply (dry run), or only reported. */
export function decideRemediation(fix: Fix, dryRun: boolean): RemediationDecision {
  if (fix.kind === 'none' || !fix.remediate) return 'report-only';
  return dryRun ? 'would-apply' : 'apply';
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
