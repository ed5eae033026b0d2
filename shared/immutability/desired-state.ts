import picomatch from 'picomatch/posix';
import { compileRepositoryGlobs } from '../cleanup/select-repositories';
import type { ImmutabilityConfig } from '../config/schema';
import { coversAccount, type GovernedAccount } from '../organization/governed-accounts';
import type { RequiredScanFrequency } from './scanning';
import type { TagMutabilitySetting } from './tag-mutability';

/**
 * What `immutability` in ecr-warden.yml asks of one repository: the first rule whose globs cover it
 * (globs as in cleanup rules, see shared/cleanup/select-repositories.ts) and whose `accounts` cover
 * its account (shared/organization/governed-accounts.ts `coversAccount`: absent covers every governed
 * account), with its default lifecycle policy resolved. A repository no rule covers is left alone.
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

/**
 * The baselines of the repositories of `account`. Without an account (the snapshot audit of the CLI,
 * which reads one registry and no directory) rules apply by their globs alone.
 */
export function compileBaselines(config: ImmutabilityConfig, account?: GovernedAccount): BaselineResolver {
  const applies = config.rules.map((rule) => account === undefined || coversAccount(rule.accounts, account));
  const globs = config.rules.map((rule) => compileRepositoryGlobs(rule.repositories));
  const matchRule = (repositoryName: string): number | undefined => {
    const index = globs.findIndex((covers, ruleIndex) => applies[ruleIndex] && covers(repositoryName));
    return index === -1 ? undefined : index;
  };
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
