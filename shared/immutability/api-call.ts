import { EventValidationError } from '../events/event-validation-error';
import type { ApiCallEvent, UserIdentity } from '../events/repository-guard-events';
import type { Baseline } from './check-baselines';

/**
 * Which ECR API calls the guard reacts to, and which baselines each one can break. serverless.yml's
 * CloudTrail rule lists the same names (test/package/repository-guard.test.ts compares them).
 */
export const WATCHED_API_CALLS = {
  CreateRepository: ['tag-immutability', 'scanning', 'lifecycle-policy', 'encryption', 'repository-policy'],
  PutImageTagMutability: ['tag-immutability'],
  SetRepositoryPolicy: ['repository-policy'],
  DeleteLifecyclePolicy: ['lifecycle-policy'],
  PutRegistryScanningConfiguration: ['scanning'],
} as const satisfies Record<string, readonly Baseline[]>;

export type WatchedApiCall = keyof typeof WATCHED_API_CALLS;
export const WATCHED_API_CALL_NAMES = Object.keys(WATCHED_API_CALLS) as WatchedApiCall[];

export type ApiCallTrigger =
  | { kind: 'ignore'; reason: string }
  | {
      kind: 'repository';
      eventName: WatchedApiCall;
      repositoryName: string;
      /** The baselines this call can have changed: reported even when the drift was reported before. */
      baselines: readonly Baseline[];
      actor: string;
    }
  | { kind: 'registry-scanning'; eventName: 'PutRegistryScanningConfiguration'; actor: string };

/**
 * What a CloudTrail record of an ECR call asks the guard to do. Ignored: failed calls (errorCode: ECR
 * changed nothing), calls the guard itself made (its own remediation must never trigger it again),
 * calls on another account's registry, and calls the guard does not watch.
 */
export function interpretApiCall(
  event: ApiCallEvent,
  options: { ownRoleArn: string | undefined },
): ApiCallTrigger {
  const detail = event.detail;
  if (detail.errorCode !== undefined) {
    return { kind: 'ignore', reason: `the call failed (${detail.errorCode}): nothing changed` };
  }
  if (!Object.hasOwn(WATCHED_API_CALLS, detail.eventName)) {
    return { kind: 'ignore', reason: `${detail.eventName} is not a call the guard watches` };
  }
  const eventName = detail.eventName as WatchedApiCall;
  if (isOwnCall(detail.userIdentity, options.ownRoleArn)) {
    return { kind: 'ignore', reason: 'the guard made this call itself (its own remediation)' };
  }
  const parameters = detail.requestParameters ?? {};
  const registryId = parameters.registryId;
  if (typeof registryId === 'string' && registryId !== event.account) {
    return { kind: 'ignore', reason: `the call addressed registry ${registryId}, not this account's` };
  }
  const actor = describeActor(detail.userIdentity);
  if (eventName === 'PutRegistryScanningConfiguration')
    return { kind: 'registry-scanning', eventName, actor };
  const repositoryName = parameters.repositoryName;
  if (typeof repositoryName !== 'string' || repositoryName.length < 2) {
    throw new EventValidationError(event['detail-type'], event.id, [
      `detail.requestParameters.repositoryName: a successful ${eventName} call names its repository, got ${JSON.stringify(repositoryName)}`,
    ]);
  }
  return { kind: 'repository', eventName, repositoryName, baselines: WATCHED_API_CALLS[eventName], actor };
}

/**
 * Whether the caller is the guard's own execution role. Lambda calls AWS with a session of the role
 * (`arn:aws:sts::<account>:assumed-role/<role name>/<function name>`), whose issuer is the role ARN.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
export function isOwnCall(identity: UserIdentity, ownRoleArn: string | undefined): boolean {
  if (ownRoleArn === undefined || ownRoleArn === '') return false;
  if (identity.sessionContext?.sessionIssuer?.arn === ownRoleArn) return true;
  const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(ownRoleArn);
  const session = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(identity.arn ?? '');
  return role !== null && session !== null && role[1] === session[1] && role[2] === session[2];
}

/** Who made a call, for people: `arn:aws:sts::123456789012:assumed-role/Admin/mary (AssumedRole)`. */
export function describeActor(identity: UserIdentity): string {
  const who =
    identity.arn ??
    identity.sessionContext?.sessionIssuer?.arn ??
    identity.invokedBy ??
    identity.principalId ??
    identity.accountId ??
    'unknown';
  const via =
    identity.invokedBy !== undefined && identity.invokedBy !== who ? `, via ${identity.invokedBy}` : '';
  return `${who} (${identity.type}${via})`.slice(0, 2048);
}
