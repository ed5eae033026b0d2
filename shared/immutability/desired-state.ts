import picomatch from 'picomatch/posix';
import { compileRepositoryRuleMatcher } from '../cleanup/select-repositories';
import type { ImmutabilityConfig } from '../config/schema';
import type { RequiredScanFrequency } from './scanning';
import type { TagMutabilitySetting } from './tag-mutability';

/**
 * What `immutability` in ecr-warden.yml asks of one repository: the first rule whose globs cover it
 * (globs as in cleanup rules, see shared/cleanup/select-repositories.ts), with its default lifecycle
 * policy resolved. A repository no rule covers is left alone.
 */
export interface RepositoryBaseline {
  ruleIndex: number;
  tagMutability: { setting: TagMutabilitySetting; remediate: boolean };
  /** Tag globs whose moves raise "Tag Moved". */
  protectedTags: readonly string[];
  isProtectedTag(tag: string): boolean;
  scanning?: { frequency: RequiredScanFrequency; remediate: boolean };
  lifecyclePolicy?: { remediate: boolean; defaultPolicy?: { name: string; text: string } };
  encryption?: { types: readonly string[]; kmsKeys?: readonly string[] };
  repositoryPolicy?: { allowedAccounts: readonly string[] };
}

export type BaselineResolver = (repositoryName: string) => RepositoryBaseline | undefined;

export function compileBaselines(config: ImmutabilityConfig): BaselineResolver {
  const matchRule = compileRepositoryRuleMatcher(config.rules);
  const baselines = config.rules.map((rule, ruleIndex): RepositoryBaseline => {
    const isProtected = rule.protectedTags.length > 0 ? picomatch(rule.protectedTags) : () => false;
    const baseline: RepositoryBaseline = {
      ruleIndex,
      tagMutability: {
        setting: { mode: rule.mode, exclusions: [...(rule.exclusions ?? [])] },
        remediate: rule.remediate,
      },
      protectedTags: rule.protectedTags,
      isProtectedTag: (tag) => isProtected(tag),
    };
    if (rule.scanning !== undefined) baseline.scanning = { ...rule.scanning };
    if (rule.lifecyclePolicy !== undefined) {
      const name = rule.lifecyclePolicy.defaultPolicy;
      const text = name === undefined ? undefined : config.lifecyclePolicies[name];
      baseline.lifecyclePolicy = {
        remediate: rule.lifecyclePolicy.remediate,
        ...(name === undefined || text === undefined ? {} : { defaultPolicy: { name, text } }),
      };
    }
    if (rule.encryption !== undefined) {
      baseline.encryption = {
        types: rule.encryption.types,
        ...(rule.encryption.kmsKeys === undefined ? {} : { kmsKeys: rule.encryption.kmsKeys }),
      };
    }
    if (rule.repositoryPolicy !== undefined) {
      baseline.repositoryPolicy = { allowedAccounts: rule.repositoryPolicy.allowedAccounts };
    }
    return baseline;
  });
  return (repositoryName) => {
    const index = matchRule(repositoryName);
    return index === undefined ? undefined : baselines[index];
  };
}
