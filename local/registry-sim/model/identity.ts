import type { RandomSource } from './seeded-random';
import { serviceError } from './simulated-error';

/**
 * IAM roles and STS sessions: enough to decide, as STS does, whether a caller may assume a role in
 * another account, and to tell afterwards which account and role a client's credentials belong to.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *
 * A role trusts principals by role ARN (a trust policy `"Principal": {"AWS": "<role arn>"}`), and may
 * require an external id (`"Condition": {"StringEquals": {"sts:ExternalId": …}}`). STS answers every
 * refusal (no such role, not trusted, wrong or missing external id) with the same AccessDenied (403),
 * never saying which: so does the simulator.
 */
export interface SimulatedRole {
  accountId: string;
  roleName: string;
  arn: string;
  /** Role ARNs the trust policy names. */
  trustedRoleArns: Set<string>;
  externalId: string | undefined;
  /**
   * `"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-…"}}`: only callers whose account is in
   * that organization (model/organizations.ts) may assume the role; others get the same AccessDenied.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
   */
  principalOrgId?: string | undefined;
  /** MaxSessionDuration, 3600-43200 seconds (default 3600). */
  maxSessionDuration: number;
  roleId: string;
}

export interface SimulatedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  /** The assumed-role ARN, `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  assumedRoleArn: string;
  assumedRoleId: string;
  expiration: number;
}

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number | undefined;
  externalId?: string | undefined;
}

/** Who is calling: the role of its credentials, and whether they are a role session (chaining). */
export interface SimulatedCaller {
  accountId: string;
  roleArn: string;
  assumedRoleArn: string;
  userId: string;
  isRoleSession: boolean;
}

const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** Role chaining limits a session to one hour (IAM User Guide, "Role chaining"). */
const CHAINED_SESSION_MAX = 3600;
const DEFAULT_CALLER_ROLE = 'ecr-warden-worker';

export class IdentityState {
  readonly roles = new Map<string, SimulatedRole>();
  readonly sessions = new Map<string, SimulatedSession>();
  /** The role that clients without session credentials act as (the worker's execution role). */
  defaultCallerRoleArn: string;
  /** The organization of an account, for aws:PrincipalOrgID (set by workload-services.ts). */
  organizationOf: (accountId: string) => string | undefined = () => undefined;

  constructor(
    defaultAccountId: string,
    private readonly random: RandomSource,
  ) {
    this.defaultCallerRoleArn = `arn:aws:iam::${defaultAccountId}:role/${DEFAULT_CALLER_ROLE}`;
  }

  createRole(input: {
    accountId: string;
    roleName: string;
    trustedRoleArns?: readonly string[];
    externalId?: string;
    maxSessionDuration?: number;
    partition?: string;
    principalOrgId?: string;
  }): SimulatedRole {
    const arn = `arn:${input.partition ?? 'aws'}:iam::${input.accountId}:role/${input.roleName}`;
    const role: SimulatedRole = {
      accountId: input.accountId,
      roleName: input.roleName,
      arn,
      trustedRoleArns: new Set(input.trustedRoleArns ?? [this.defaultCallerRoleArn]),
      externalId: input.externalId,
      principalOrgId: input.principalOrgId,
      maxSessionDuration: input.maxSessionDuration ?? 3600,
      roleId: `AROA${this.randomId(17)}`,
    };
    this.roles.set(arn, role);
    return role;
  }

  deleteRole(arn: string): void {
    this.roles.delete(arn);
  }

  /** The default caller (the worker's own role, as a Lambda execution role session). */
  defaultCaller(defaultAccountId: string): SimulatedCaller {
    const name = this.defaultCallerRoleArn.split('/').at(-1) ?? DEFAULT_CALLER_ROLE;
    return {
      accountId: defaultAccountId,
      roleArn: this.defaultCallerRoleArn,
      assumedRoleArn: `arn:aws:sts::${defaultAccountId}:assumed-role/${name}/${name}`,
      userId: `AROADEFAULTCALLER0000:${name}`,
      // A Lambda function's credentials are a session of its execution role.
      isRoleSession: true,
    };
  }

  callerOf(session: SimulatedSession): SimulatedCaller {
    return {
      accountId: session.accountId,
      roleArn: session.roleArn,
      assumedRoleArn: session.assumedRoleArn,
      userId: `${session.assumedRoleId}`,
      isRoleSession: true,
    };
  }

  assumeRole(caller: SimulatedCaller, request: AssumeRoleRequest, now: number): SimulatedSession {
    if (!SESSION_NAME.test(request.roleSessionName)) {
      throw serviceError(
        'ValidationError',
        `1 validation error detected: Value '${request.roleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    if (request.externalId !== undefined && !EXTERNAL_ID.test(request.externalId)) {
      throw serviceError(
        'ValidationError',
        "1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*",
      );
    }
    const duration = request.durationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      throw serviceError(
        'ValidationError',
        `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    }
    const role = ROLE_ARN.test(request.roleArn) ? this.roles.get(request.roleArn) : undefined;
    if (
      role === undefined ||
      !trusts(role, caller, request.externalId) ||
      (role.principalOrgId !== undefined && this.organizationOf(caller.accountId) !== role.principalOrgId)
    ) {
      throw serviceError(
        'AccessDenied',
        `User: ${caller.assumedRoleArn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`,
      );
    }
    if (duration > role.maxSessionDuration) {
      throw serviceError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    if (caller.isRoleSession && duration > CHAINED_SESSION_MAX) {
      throw serviceError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    const session: SimulatedSession = {
      accessKeyId: `ASIA${this.randomId(16)}`,
      secretAccessKey: this.randomId(40),
      sessionToken: `FwoGZXIvYXdzE${this.randomId(64)}`,
      accountId: role.accountId,
      roleArn: role.arn,
      roleName: role.roleName,
      sessionName: request.roleSessionName,
      assumedRoleArn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${request.roleSessionName}`,
      assumedRoleId: `${role.roleId}:${request.roleSessionName}`,
      expiration: now + duration * 1000,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  private randomId(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let id = '';
    for (let i = 0; i < length; i++) id += alphabet[Math.floor(this.random() * alphabet.length)];
    return id;
  }
}

/** The trust policy names the caller's role, and its sts:ExternalId condition (if any) holds. */
function trusts(role: SimulatedRole, caller: SimulatedCaller, externalId: string | undefined): boolean {
  return (
    role.trustedRoleArns.has(caller.roleArn) &&
    (role.externalId === undefined || role.externalId === externalId)
  );
}
