import type { CleanupConfig } from '../config/schema';
import { describeViolation, type LifecyclePolicy, parseLifecyclePolicy } from '../lifecycle';
import type { CleanupSafety } from './plan-repository-cleanup';
import { SnapshotError } from './snapshot-error';

/** Where a repository's policy came from: the config's rule, its own lifecycle policy, or none. */
export type PolicySource = 'config' | 'native' | 'none';

/** The `cleanup` settings that every repository's plan applies. */
export function cleanupSafetyOf(cleanup: CleanupConfig): CleanupSafety {
  return {
    protectTags: cleanup.protect.tags,
    keepAtLeast: cleanup.keepAtLeast,
    maxDeletionsPerRepository: cleanup.maxDeletionsPerRepository,
    maxDeletionShare: cleanup.maxDeletionShare,
  };
}

/**
 * The policy a repository is cleaned with: the rule's own document, or for `native` the repository's
 * lifecycle policy text, validated with ECR's rules only (ECR accepted it, so ecr-warden's extension
 * does not apply). Throws a SnapshotError naming the text when it does not parse.
 */
export function resolveRepositoryPolicy(
  rulePolicy: 'native' | LifecyclePolicy,
  lifecyclePolicyText: string | undefined,
  where: string,
): { source: PolicySource; policy: LifecyclePolicy | undefined } {
  if (rulePolicy !== 'native') return { source: 'config', policy: rulePolicy };
  if (lifecyclePolicyText === undefined) return { source: 'none', policy: undefined };
  const parsed = parseLifecyclePolicy(lifecyclePolicyText);
  if (parsed.ok) return { source: 'native', policy: parsed.policy };
  throw new SnapshotError([
    {
      path: `${where}.lifecyclePolicyText`,
      message: `not a valid lifecycle policy: ${parsed.violations.map(describeViolation).join('; ')}`,
    },
  ]);
}
