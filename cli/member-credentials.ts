import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CliError } from './errors';
import { liveClientConfig } from './live-options';
import type { LiveCredentials, MemberTarget } from './member-account';

/**
 * The member role's session for a live command (./member-account.ts), assumed with your credentials
 * (the SDK's default chain) through STS in the command's region.
 *
 * AssumeRole https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html: RoleSessionName
 * `ecr-warden-cli` (what the member account's CloudTrail shows); one hour, the most a role session
 * may ask when your own credentials are a role session too (role chaining). STS answers every refusal
 * (no such role, a trust policy that does not name you, aws:PrincipalOrgID not met) with the same
 * AccessDenied. The session is assumed again five minutes before it expires, so a long snapshot does
 * not fail halfway.
 */
const SESSION_SECONDS = 3600;
const REFRESH_MARGIN_MS = 5 * 60_000;

export async function assumeMemberRole(
  target: MemberTarget,
  region: string | undefined,
): Promise<LiveCredentials> {
  const assume = async () => {
    // A client per AssumeRole (once an hour at most), destroyed at once: no socket outlives the call.
    const sts = new STSClient(liveClientConfig(region));
    try {
      const output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: 'ecr-warden-cli',
          DurationSeconds: SESSION_SECONDS,
        }),
      );
      const credentials = output.Credentials;
      if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
        throw new CliError(`--role: STS answered AssumeRole of ${target.roleArn} without credentials`);
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
        ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
      };
    } catch (error) {
      throw assumeRoleFailure(error, target);
    } finally {
      sts.destroy();
    }
  };
  let session = await assume();
  return async () => {
    const expiresAt = session.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    if (expiresAt - REFRESH_MARGIN_MS <= Date.now()) {
      session = await assume();
    }
    return session;
  };
}

function assumeRoleFailure(error: unknown, target: MemberTarget): CliError {
  if (error instanceof CliError) return error;
  if (!(error instanceof Error))
    return new CliError(`--role: AssumeRole of ${target.roleArn} failed: ${String(error)}`);
  if (error.name === 'CredentialsProviderError') {
    return new CliError(
      `no AWS credentials to assume ${target.roleArn} with: ${error.message.split('\n')[0]}`,
    );
  }
  if (error.message.startsWith('Region is missing')) {
    return new CliError('no AWS region: pass --region or set AWS_REGION (or a region in your AWS profile)');
  }
  const hint =
    error.name === 'AccessDenied'
      ? ': the role must exist and its trust policy must name your principal (and your organization, when it requires aws:PrincipalOrgID)'
      : '';
  return new CliError(`cannot assume ${target.roleArn} in account ${target.account} (${error.name})${hint}`);
}
