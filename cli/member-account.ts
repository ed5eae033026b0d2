import { loadConfig } from './config-file';
import { CliError } from './errors';

/**
 * `--account ID` and `--role NAME|ARN` of the live commands (issue 15): read a member account of an
 * Organizations hub through its member role instead of the account of your own credentials. The
 * command assumes the role once with your credentials (AssumeRole, read-only calls after that) and
 * reads with the session.
 *
 * | given                         | role assumed                                                       |
 * |-------------------------------|--------------------------------------------------------------------|
 * | neither                       | none: your credentials' own account, as before                     |
 * | `--account A`                 | `arn:<partition>:iam::A:role/<organization.memberRoleName>` of --config; without --config (or without an `organization` section) --role is required |
 * | `--account A --role NAME`     | `arn:<partition>:iam::A:role/NAME`                                 |
 * | `--role ARN` (± `--account A`)| ARN; its account must be A when both are given                     |
 * | `--role NAME` alone           | refused: which account?                                            |
 *
 * The partition follows the region (--region, else AWS_REGION / AWS_DEFAULT_REGION): aws-cn for cn-*,
 * aws-us-gov for us-gov-*, else aws. Nothing here loads the AWS SDK (./member-credentials.ts does).
 */
export interface MemberAccountOptions {
  account?: string;
  role?: string;
}

/** The role a live command reads through. */
export interface MemberTarget {
  account: string;
  roleArn: string;
}

const ACCOUNT_ID = /^\d{12}$/;
// IAM role names and ARNs (a path of /-separated segments may precede the name).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export function resolveMemberTarget(
  options: MemberAccountOptions & { config?: string | undefined; region?: string | undefined },
): MemberTarget | undefined {
  const { account, role } = options;
  if (account === undefined && role === undefined) return undefined;
  if (account !== undefined && !ACCOUNT_ID.test(account)) {
    throw new CliError(`--account: "${account}" is not a 12-digit AWS account id`);
  }
  if (role?.startsWith('arn:')) {
    const match = ROLE_ARN.exec(role);
    if (match === null) {
      throw new CliError(
        `--role: "${role}" is not an IAM role ARN such as arn:aws:iam::222222222222:role/ecr-warden-member`,
      );
    }
    const arnAccount = match[2] as string;
    if (account !== undefined && account !== arnAccount) {
      throw new CliError(`--role ${role} is a role of account ${arnAccount}, not of --account ${account}`);
    }
    return { account: arnAccount, roleArn: role };
  }
  if (role !== undefined && !ROLE_NAME.test(role)) {
    throw new CliError(
      `--role: "${role}" is neither an IAM role name (1-64 of letters, digits and +=,.@_-) nor a role ARN`,
    );
  }
  if (account === undefined) {
    throw new CliError(`--role ${role} is a role name: give --account ID too (or --role as an ARN)`);
  }
  const roleName = role ?? memberRoleNameOf(options.config);
  return { account, roleArn: `arn:${partitionOf(options.region)}:iam::${account}:role/${roleName}` };
}

function memberRoleNameOf(config: string | undefined): string {
  if (config === undefined) {
    throw new CliError(
      '--account needs --role NAME|ARN, or --config FILE whose organization.memberRoleName names the role',
    );
  }
  const organization = loadConfig(config).organization;
  if (organization === undefined) {
    throw new CliError(`--account needs --role NAME|ARN: config file ${config} has no organization section`);
  }
  return organization.memberRoleName;
}

function partitionOf(region: string | undefined): string {
  const resolved = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  if (resolved.startsWith('cn-')) return 'aws-cn';
  if (resolved.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `--account`/`--role` read a live account: a snapshot file already is one account's registry. */
export function refuseMemberWithSnapshot(
  options: MemberAccountOptions & { snapshot?: string | undefined },
): void {
  if (options.snapshot !== undefined && (options.account !== undefined || options.role !== undefined)) {
    throw new CliError('--account and --role read a member account live: not with --snapshot');
  }
}

/**
 * The credentials a live read uses: undefined (your own) without --account/--role; else the member
 * role's session, assumed now so that a role that cannot be assumed is one line and exit 2 before
 * anything is read.
 */
export async function liveCredentials(
  options: MemberAccountOptions & { config?: string | undefined; region?: string | undefined },
): Promise<LiveCredentials | undefined> {
  const target = resolveMemberTarget(options);
  if (target === undefined) return undefined;
  const { assumeMemberRole } = await import('./member-credentials');
  return assumeMemberRole(target, options.region);
}

/** An SDK v3 `credentials` provider bound to the member role's session. */
export type LiveCredentials = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;
