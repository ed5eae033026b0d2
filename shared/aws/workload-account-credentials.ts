import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import { EcrWardenError } from '../errors';
import { stsClient } from './sts-client';

/**
 * Credentials for the workload accounts of `cleanup.protect.workloadAccounts`: the worker assumes the
 * read-only workload-reader role in each (`arn:<partition>:iam::<account>:role/<roleName>`) and reads
 * that account's in-use picture with the session's credentials.
 *
 * One cache per worker invocation: the first caller for an account calls AssumeRole, every other caller
 * (concurrent or later) shares that call's answer, so one invocation makes one AssumeRole per account,
 * however many repositories, regions and clients read there. The credentials are reused until
 * `refreshMarginMs` before their `Expiration`, then assumed again. A failure is kept for the
 * invocation too: a role that could not be assumed (AccessDenied) will not become assumable a few
 * seconds later, and asking again for every repository would only multiply the denied calls in the
 * workload account's CloudTrail. The SDK's own retries have already run for throttling and 5xx.
 *
 * AssumeRole, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html:
 * - RoleSessionName: 2-64 characters of `[\w+=,.@-]`; it shows in the workload account's CloudTrail as
 *   the session of the assumed role, so it names the function (`ecr-warden-cleanupWorker`).
 * - ExternalId: 2-1224 characters of `[\w+=,.@:/-]`.
 * - DurationSeconds: 900 up to the role's maximum session duration (1 to 12 hours), default 3600. A
 *   Lambda function's own credentials are a role session, so assuming another role from them is role
 *   chaining, which caps the session at one hour: 3600 is the most that can be asked here
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining).
 * - Errors: `AccessDenied` (HTTP 403: the role does not exist, its trust policy does not name the
 *   caller, the external id differs, or the caller's own policy does not allow sts:AssumeRole on it;
 *   STS does not say which), `RegionDisabledException` (STS is not activated in the worker's region
 *   for the account), `ExpiredTokenException`, `MalformedPolicyDocumentException`,
 *   `PackedPolicyTooLargeException`.
 */

// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (request parameters)
const SESSION_NAME_MAX = 64;
const SESSION_NAME_INVALID = /[^\w+=,.@-]/g;
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
export const MIN_SESSION_SECONDS = 900;
/** Role chaining (a Lambda role assuming another role) caps a session at one hour. */
export const MAX_CHAINED_SESSION_SECONDS = 3600;
// Same pattern as IAM role names: 1-64 characters of [\w+=,.@-].
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
/** An assumed role's credentials, in the shape SDK v3 clients take (`AwsCredentialIdentity`). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  accountId?: string;
}

/** An SDK v3 `credentials` provider. */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** Reassume this long before `Expiration`: a read that starts just before expiry must not fail halfway. */
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export interface WorkloadAccountAccessSettings {
  /** `aws`, `aws-cn`, `aws-us-gov`: the partition of the worker's (and the workload accounts') region. */
  partition: string;
  /** `cleanup.protect.workloadRoleName` (default ecr-warden-workload-reader). */
  roleName: string;
  /** `cleanup.protect.workloadRoleExternalId`, when the roles' trust policies require one. */
  externalId?: string | undefined;
  /** The function that assumes the role (its key in serverless.yml), for RoleSessionName. */
  functionName: string;
  /** Session length asked of STS, 900-3600 (default 3600). */
  durationSeconds?: number;
  /** The STS client (default: the execution environment's, ./sts-client.ts). */
  sts?: STSClient;
  /** Epoch milliseconds now (default Date.now); tests pass a simulated clock. */
  now?: () => number;
  refreshMarginMs?: number;
}

/** A workload-reader role that STS would not let the worker assume (or that STS could not be asked about). */
export class WorkloadRoleNotAssumableError extends EcrWardenError {
  override name = 'WorkloadRoleNotAssumableError';

  constructor(
    readonly account: string,
    readonly roleArn: string,
    /** One line for the Cleanup Report, naming the role and what to check. */
    readonly reason: string,
    /** The AWS error name (`AccessDenied`, `RegionDisabledException`, …), when STS answered one. */
    readonly errorName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** A workload-account setting that cannot be used: the config or the caller is wrong, not AWS. */
export class WorkloadAccessSettingsError extends EcrWardenError {
  override name = 'WorkloadAccessSettingsError';
}

export interface WorkloadAccountCredentials {
  /** The role ARN assumed in `account`. */
  roleArn(account: string): string;
  /** The session's credentials (one AssumeRole per account while they last). */
  credentialsFor(account: string): Promise<AwsCredentialIdentity>;
  /** A provider for an SDK v3 client's `credentials` option, bound to `account`. */
  providerFor(account: string): AwsCredentialIdentityProvider;
  /** AssumeRole calls made so far (each account's first, and each refresh). */
  readonly assumeRoleCalls: number;
}

/** `arn:<partition>:iam::<account>:role/<roleName>`. */
export function workloadRoleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** The partition of a region: `cn-north-1` → aws-cn, `us-gov-west-1` → aws-us-gov, else aws. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** `ecr-warden-<function>`, with characters RoleSessionName refuses replaced and cut to 64. */
export function roleSessionName(functionName: string): string {
  return `ecr-warden-${functionName}`.replace(SESSION_NAME_INVALID, '-').slice(0, SESSION_NAME_MAX);
}

interface CachedSession {
  promise: Promise<AwsCredentialIdentity>;
  /** Epoch ms after which the session is assumed again; Infinity while in flight or failed. */
  refreshAfter: number;
}

export function createWorkloadAccountCredentials(
  settings: WorkloadAccountAccessSettings,
): WorkloadAccountCredentials {
  const durationSeconds = settings.durationSeconds ?? MAX_CHAINED_SESSION_SECONDS;
  validateSettings(settings, durationSeconds);
  const sts = settings.sts ?? stsClient;
  const now = settings.now ?? Date.now;
  const margin = settings.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const sessionName = roleSessionName(settings.functionName);
  const sessions = new Map<string, CachedSession>();
  let calls = 0;

  const roleArn = (account: string) => {
    if (!ACCOUNT_PATTERN.test(account)) {
      throw new WorkloadAccessSettingsError(`workload account ${JSON.stringify(account)} is not 12 digits`);
    }
    return workloadRoleArn(settings.partition, account, settings.roleName);
  };

  async function assume(account: string, arn: string): Promise<AwsCredentialIdentity> {
    calls++;
    let output: AssumeRoleCommandOutput;
    try {
      output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: sessionName,
          DurationSeconds: durationSeconds,
          ...(settings.externalId === undefined ? {} : { ExternalId: settings.externalId }),
        }),
      );
    } catch (error) {
      throw notAssumable(account, arn, error, settings.externalId !== undefined);
    }
    const credentials = output.Credentials;
    if (
      credentials?.AccessKeyId === undefined ||
      credentials.SecretAccessKey === undefined ||
      credentials.SessionToken === undefined
    ) {
      throw new WorkloadRoleNotAssumableError(
        account,
        arn,
        `role ${arn} cannot be assumed: STS answered without credentials`,
        undefined,
      );
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      ...(credentials.Expiration === undefined ? {} : { expiration: new Date(credentials.Expiration) }),
      accountId: account,
    };
  }

  function credentialsFor(account: string): Promise<AwsCredentialIdentity> {
    const arn = roleArn(account);
    const cached = sessions.get(account);
    if (cached !== undefined && now() < cached.refreshAfter) return cached.promise;
    const entry: CachedSession = { promise: assume(account, arn), refreshAfter: Number.POSITIVE_INFINITY };
    sessions.set(account, entry);
    entry.promise.then(
      (credentials) => {
        // Without an Expiration (STS always sends one) the session is kept for the invocation.
        entry.refreshAfter =
          credentials.expiration === undefined
            ? Number.POSITIVE_INFINITY
            : credentials.expiration.getTime() - margin;
      },
      () => {
        // Kept: the invocation reports the failure once and does not ask again (see above).
      },
    );
    return entry.promise;
  }

  return {
    roleArn,
    credentialsFor,
    providerFor: (account) => () => credentialsFor(account),
    get assumeRoleCalls() {
      return calls;
    },
  };
}

function validateSettings(settings: WorkloadAccountAccessSettings, durationSeconds: number): void {
  if (!ROLE_NAME_PATTERN.test(settings.roleName)) {
    throw new WorkloadAccessSettingsError(
      `workload role name ${JSON.stringify(settings.roleName)} is not an IAM role name (1-64 characters of letters, digits and +=,.@_-)`,
    );
  }
  if (settings.externalId !== undefined && !EXTERNAL_ID_PATTERN.test(settings.externalId)) {
    throw new WorkloadAccessSettingsError(
      'workload role external id must be 2-1224 characters of letters, digits and +=,.@:/_-',
    );
  }
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < MIN_SESSION_SECONDS ||
    durationSeconds > MAX_CHAINED_SESSION_SECONDS
  ) {
    throw new WorkloadAccessSettingsError(
      `workload role session duration must be ${MIN_SESSION_SECONDS}-${MAX_CHAINED_SESSION_SECONDS} seconds (role chaining caps it at one hour), got ${durationSeconds}`,
    );
  }
}

function notAssumable(
  account: string,
  arn: string,
  error: unknown,
  withExternalId: boolean,
): WorkloadRoleNotAssumableError {
  const name = (error as { name?: unknown }).name;
  const errorName = typeof name === 'string' ? name : undefined;
  let why: string;
  if (errorName === 'AccessDenied' || errorName === 'AccessDeniedException') {
    why = `the role is missing in ${account}, its trust policy does not trust the worker's role${
      withExternalId ? ' with this external id' : ''
    }, or the worker's role is not allowed sts:AssumeRole on it`;
  } else if (errorName === 'RegionDisabledException') {
    why = "STS is not activated for the account in the worker's region";
  } else {
    why = error instanceof Error ? error.message.split('\n')[0] || String(errorName) : String(error);
  }
  return new WorkloadRoleNotAssumableError(
    account,
    arn,
    `role ${arn} cannot be assumed (${errorName ?? 'error'}): ${why}`,
    errorName,
    { cause: error },
  );
}

/** What an SDK v3 client of a workload account and region is built with. */
export interface WorkloadClientConfig {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  retryMode: 'adaptive';
  maxAttempts: number;
}

/**
 * SDK clients of workload accounts, one per client class, account and region for the invocation,
 * each with the assumed role's credentials and adaptive retry (the in-use reads are bursts of
 * List/Describe calls that every service throttles per account). The caller names the client class
 * (ECSClient, LambdaClient, EKSClient, BatchClient, AppRunnerClient): a bundle then holds only the
 * clients its config uses.
 */
export function createWorkloadClients(credentials: WorkloadAccountCredentials) {
  const config = (account: string, region: string): WorkloadClientConfig => ({
    region,
    credentials: credentials.providerFor(account),
    retryMode: 'adaptive',
    maxAttempts: 8,
  });
  return { config, client: createPlaceClientCache(config) };
}

/**
 * One SDK client per client class, account and region, built with `configFor` the first time it is
 * asked for and reused after: the workload accounts' clients here, the member accounts' in
 * ./member-account-access.ts.
 */
export function createPlaceClientCache<Config>(configFor: (account: string, region: string) => Config) {
  const clients = new Map<unknown, Map<string, unknown>>();
  return <Client>(Ctor: new (config: Config) => Client, account: string, region: string): Client => {
    let byPlace = clients.get(Ctor);
    if (byPlace === undefined) {
      byPlace = new Map();
      clients.set(Ctor, byPlace);
    }
    const key = `${account}/${region}`;
    let client = byPlace.get(key) as Client | undefined;
    if (client === undefined) {
      client = new Ctor(configFor(account, region));
      byPlace.set(key, client);
    }
    return client;
  };
}
