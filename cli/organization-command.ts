import {
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadGovernedDirectory } from '../shared/aws/governed-directory';
import {
  createMemberAccountAccess,
  MemberAccountUnreachableError,
} from '../shared/aws/member-account-access';
import { OrganizationDirectoryError } from '../shared/aws/organization-directory';
import type { EcrWardenConfig } from '../shared/config/schema';
import { loadConfig } from './config-file';
import { CliError } from './errors';
import {
  checkRegionOption,
  describeAwsFailure,
  liveClientConfig,
  silenceSdkNodeVersionWarning,
} from './live-options';
import {
  checkOrganization,
  type OrganizationCheckPorts,
  type OrganizationCheckReport,
  type ProbeOutcome,
  renderOrganizationCheck,
  UnreachableAccountError,
} from './organization-check';

export interface OrganizationCheckOptions {
  /** ecr-warden.yml with an `organization` section (default ./ecr-warden.yml). */
  config?: string;
  /** Where STS and the hub's own calls go (default: AWS_REGION or the profile's). */
  region?: string;
  output: 'json' | 'table';
}

/** Exit code when an account × region is unreachable or refuses a read: the answer, not an error. */
export const EXIT_UNREACHABLE = 1;

/**
 * `ecr-warden organization check [--config FILE] [--region R] [--output table|json]`: every governed
 * account × region of the config's `organization` section (listed, or read from Organizations), whether
 * the member role can be assumed there with your credentials (the reason when not), and what it can and
 * cannot do (./organization-check.ts). Read-only. Exit 0 when every account × region is reachable and
 * allows every read, 1 when one is not, 2 on bad input (no organization section, an OU that does not
 * exist, Organizations refusing the listing).
 *
 * Run it with the credentials of a principal the member role trusts (the member template trusts the hub
 * functions' roles: assume one of them first) to see what the hub's functions see.
 */
export async function runOrganizationCheck(
  options: OrganizationCheckOptions,
  write: (text: string) => void,
): Promise<void> {
  silenceSdkNodeVersionWarning();
  if (options.region !== undefined) checkRegionOption(options.region);
  const path = options.config ?? 'ecr-warden.yml';
  const config = loadConfig(path);
  if (config.organization === undefined) {
    throw new CliError(
      `config file ${path} has no organization section: nothing to check (one account, one region)`,
    );
  }
  const report = await checkLiveOrganization(config, options.region);
  write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderOrganizationCheck(report));
  const { summary } = report;
  if (summary.unreachable > 0 || summary.deniedReads > 0) {
    throw new CliError(
      `${summary.unreachable} of ${summary.targets} account × region unreachable, ${summary.deniedReads} read(s) refused`,
      EXIT_UNREACHABLE,
    );
  }
}

/** The check with your credentials: the hub account is your own (GetCallerIdentity). */
export async function checkLiveOrganization(
  config: EcrWardenConfig,
  region: string | undefined,
  /** Epoch ms now, for the member sessions' expiry (default Date.now; the demo passes its clock). */
  now?: () => number,
): Promise<OrganizationCheckReport> {
  const organization = config.organization;
  if (organization === undefined) throw new CliError('the config has no organization section');
  const clientConfig = liveClientConfig(region);
  const sts = new STSClient(clientConfig);
  const organizations = new OrganizationsClient(clientConfig);
  const built: { destroy(): void }[] = [sts, organizations];
  try {
    const hubAccount = await callerAccount(sts);
    const hubRegion = region ?? (await sts.config.region());
    let governed: Awaited<ReturnType<typeof loadGovernedDirectory>>;
    try {
      governed = await loadGovernedDirectory(
        config,
        { DEPLOYMENT_ACCOUNT_ID: hubAccount, AWS_REGION: hubRegion },
        { organizationsClient: organizations },
      );
    } catch (error) {
      if (error instanceof OrganizationDirectoryError) throw new CliError(error.reason);
      throw error;
    }
    const access = createMemberAccountAccess({
      hubAccount,
      hubRegion,
      memberRoleName: organization.memberRoleName,
      functionName: 'cli',
      sts,
      ...(now === undefined ? {} : { now }),
    });
    const client = <Client extends { destroy(): void }>(
      Ctor: new (config: ReturnType<typeof access.clientConfig>) => Client,
      account: string,
      place: string,
    ): Client => {
      const made = access.client(Ctor, account, place);
      if (!built.includes(made)) built.push(made);
      return made;
    };
    const ports: OrganizationCheckPorts = {
      async reach(account) {
        if (account === hubAccount) return { roleArn: null };
        try {
          await access.check(account);
        } catch (error) {
          if (error instanceof MemberAccountUnreachableError) {
            throw new UnreachableAccountError(error.roleArn, error.reason, error.errorName);
          }
          throw error;
        }
        return { roleArn: access.roleArn(account) };
      },
      probe: (action, account, place) =>
        probeOutcome(() => {
          switch (action) {
            case 'ecr:DescribeRepositories':
              return client(ECRClient, account, place).send(
                new DescribeRepositoriesCommand({ maxResults: 1 }),
              );
            case 'ecr:DescribeRegistry':
              return client(ECRClient, account, place).send(new DescribeRegistryCommand({}));
            case 'ecr:GetRegistryScanningConfiguration':
              return client(ECRClient, account, place).send(new GetRegistryScanningConfigurationCommand({}));
            case 'ecs:ListClusters':
              return client(ECSClient, account, place).send(new ListClustersCommand({ maxResults: 1 }));
            case 'lambda:ListFunctions':
              return client(LambdaClient, account, place).send(new ListFunctionsCommand({ MaxItems: 1 }));
            default:
              throw new Error(`organization check has no probe for ${action}`);
          }
        }),
    };
    return await checkOrganization(config, { ...governed, hubAccount }, ports);
  } catch (error) {
    throw describeAwsFailure(error);
  } finally {
    for (const made of built) made.destroy();
  }
}

async function callerAccount(sts: STSClient): Promise<string> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined) throw new CliError('STS GetCallerIdentity answered no account');
    return identity.Account;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Region is missing')) {
      throw new CliError('no AWS region: pass --region or set AWS_REGION (or a region in your AWS profile)');
    }
    throw describeAwsFailure(error);
  }
}

// A region not enabled for the account answers every call with one of these (the session's token is
// not valid there); an endpoint that cannot be reached, with a network error.
// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
const REGION_DISABLED = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'AuthFailure']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

async function probeOutcome(call: () => Promise<unknown>): Promise<ProbeOutcome> {
  try {
    await call();
    return { kind: 'allowed' };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    const errorName = e.name ?? 'Error';
    const message = (e.message ?? String(error)).split('\n')[0] ?? '';
    if (REGION_DISABLED.has(errorName)) {
      return {
        kind: 'region-unreachable',
        errorName,
        reason: `the region is not enabled for the account (${errorName}): ${message}`,
      };
    }
    if (e.code !== undefined && NETWORK_CODES.has(e.code)) {
      return {
        kind: 'region-unreachable',
        errorName: e.code,
        reason: `the region's endpoint cannot be reached (${e.code}): ${message}`,
      };
    }
    return { kind: 'denied', errorName, reason: message };
  }
}
