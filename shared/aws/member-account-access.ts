import type { STSClient } from '@aws-sdk/client-sts';
import {
  type AwsCredentialIdentityProvider,
  createPlaceClientCache,
  createWorkloadAccountCredentials,
  partitionOfRegion,
  WorkloadRoleNotAssumableError,
} from './workload-account-credentials';

/**
 * How an Organizations hub's function acts in a governed member account (issue 15): through the
 * member role (`organization.memberRoleName`) that the member stack creates in every governed
 * account. The hub's own account, when governed, is acted in with the function's own credentials.
 *
 * One session per account for the invocation, shared by every client, region and repository, reused
 * until five minutes before it expires (shared/aws/workload-account-credentials.ts holds that cache and
 * STS's rules): one AssumeRole per account per invocation, never one per repository. A role that
 * cannot be assumed stays failed for the invocation, so an unreachable account is asked once.
 */
export interface MemberAccountAccess {
  readonly hubAccount: string;
  /** `arn:<partition>:iam::<account>:role/<memberRoleName>`. */
  roleArn(account: string): string;
  /** What an SDK v3 client for `account` × `region` is built with (no credentials: the function's own). */
  clientConfig(account: string, region: string): MemberClientConfig;
  /** One client per class, account and region for the invocation. */
  client<Client>(Ctor: new (config: MemberClientConfig) => Client, account: string, region: string): Client;
  /**
   * Assumes the member role now (or reuses the session): resolves when the account can be acted in,
   * rejects with a MemberAccountUnreachableError naming the role and why. The hub account always resolves.
   */
  check(account: string): Promise<void>;
  /** AssumeRole calls so far: the benchmark's and the tests' measure of "one per account". */
  readonly assumeRoleCalls: number;
}

export interface MemberClientConfig {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  retryMode: 'adaptive';
  maxAttempts: number;
}

/** The member role of an account could not be assumed: the account is unreachable for this run. */
export class MemberAccountUnreachableError extends WorkloadRoleNotAssumableError {
  override name = 'MemberAccountUnreachableError';
}

export interface MemberAccountAccessSettings {
  /** The hub's own account (the deployment's DEPLOYMENT_ACCOUNT_ID). */
  hubAccount: string;
  /** The hub's region, for the partition. */
  hubRegion: string;
  /** `organization.memberRoleName`. */
  memberRoleName: string;
  /** The function key (serverless.yml), for RoleSessionName: the member account's CloudTrail shows it. */
  functionName: string;
  sts?: STSClient;
  now?: () => number;
}

export function createMemberAccountAccess(settings: MemberAccountAccessSettings): MemberAccountAccess {
  const sessions = createWorkloadAccountCredentials({
    partition: partitionOfRegion(settings.hubRegion),
    roleName: settings.memberRoleName,
    functionName: settings.functionName,
    ...(settings.sts === undefined ? {} : { sts: settings.sts }),
    ...(settings.now === undefined ? {} : { now: settings.now }),
  });
  const isHub = (account: string) => account === settings.hubAccount;

  const clientConfig = (account: string, region: string): MemberClientConfig => ({
    region,
    ...(isHub(account) ? {} : { credentials: sessions.providerFor(account) }),
    retryMode: 'adaptive',
    maxAttempts: 8,
  });

  return {
    hubAccount: settings.hubAccount,
    roleArn: (account) => sessions.roleArn(account),
    clientConfig,
    client: createPlaceClientCache(clientConfig),
    async check(account) {
      if (isHub(account)) return;
      try {
        await sessions.credentialsFor(account);
      } catch (error) {
        if (error instanceof WorkloadRoleNotAssumableError) {
          throw new MemberAccountUnreachableError(
            error.account,
            error.roleArn,
            error.reason,
            error.errorName,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    },
    get assumeRoleCalls() {
      return sessions.assumeRoleCalls;
    },
  };
}
