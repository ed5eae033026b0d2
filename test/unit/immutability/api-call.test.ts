import { EventValidationError } from '../../../shared/events/event-validation-error';
import { describeActor, interpretApiCall, isOwnCall } from '../../../shared/immutability/api-call';
import { apiCallEvent } from '../../support/repository-guard-events';

const GUARD_ROLE_ARN = 'arn:aws:iam::123456789012:role/ecr-warden-prod-tagImmutability-us-east-1-lambdaRole';

describe('interpretApiCall', () => {
  it.each([
    [
      'cloudtrail-create-repository',
      'team-a/api',
      ['tag-immutability', 'scanning', 'lifecycle-policy', 'encryption', 'repository-policy'],
    ],
    ['cloudtrail-put-image-tag-mutability', 'payments/worker', ['tag-immutability']],
    ['cloudtrail-set-repository-policy', 'tools/ci-runner', ['repository-policy']],
    ['cloudtrail-delete-lifecycle-policy', 'web/admin', ['lifecycle-policy']],
  ])('%s checks %s for %j', (fixture, repositoryName, baselines) => {
    expect(interpretApiCall(apiCallEvent(fixture), { ownRoleArn: GUARD_ROLE_ARN })).toMatchObject({
      kind: 'repository',
      repositoryName,
      baselines,
    });
  });

  it('checks the scanning of every repository after PutRegistryScanningConfiguration', () => {
    expect(
      interpretApiCall(apiCallEvent('cloudtrail-put-registry-scanning-configuration'), {
        ownRoleArn: GUARD_ROLE_ARN,
      }),
    ).toEqual({
      kind: 'registry-scanning',
      eventName: 'PutRegistryScanningConfiguration',
      actor: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/mary.major (AssumedRole)',
    });
  });

  it('ignores a failed call (errorCode): ECR changed nothing', () => {
    expect(
      interpretApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability-failed'), {
        ownRoleArn: GUARD_ROLE_ARN,
      }),
    ).toEqual({
      kind: 'ignore',
      reason: 'the call failed (AccessDenied): nothing changed',
    });
  });

  it('ignores the guard’s own calls, recognised by the session issuer', () => {
    expect(
      interpretApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability-by-guard'), {
        ownRoleArn: GUARD_ROLE_ARN,
      }).kind,
    ).toBe('ignore');
  });

  it('ignores a call on another account’s registry', () => {
    const event = apiCallEvent('cloudtrail-put-image-tag-mutability', (detail) => {
      (detail.requestParameters as Record<string, unknown>).registryId = '999988887777';
    });

    expect(interpretApiCall(event, { ownRoleArn: GUARD_ROLE_ARN })).toEqual({
      kind: 'ignore',
      reason: "the call addressed registry 999988887777, not this account's",
    });
  });

  it('fails with an EventValidationError when a successful repository call names no repository', () => {
    const event = apiCallEvent('cloudtrail-delete-lifecycle-policy', (detail) => {
      detail.requestParameters = null;
    });

    expect(() => interpretApiCall(event, { ownRoleArn: GUARD_ROLE_ARN })).toThrow(EventValidationError);
  });
});

describe('isOwnCall', () => {
  it('recognises the role by the assumed-role ARN when the session issuer is missing', () => {
    const identity = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/ecr-warden-prod-tagImmutability-us-east-1-lambdaRole/ecr-warden-prod-tagImmutability',
    };

    expect(isOwnCall(identity, GUARD_ROLE_ARN)).toBe(true);
    expect(
      isOwnCall({ ...identity, arn: identity.arn.replace('123456789012', '999988887777') }, GUARD_ROLE_ARN),
    ).toBe(false);
  });

  it('does not mistake another role with a similar name for its own', () => {
    const identity = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/ecr-warden-prod-tagImmutability-us-east-1-lambdaRole-copy/x',
      sessionContext: {
        sessionIssuer: {
          arn: 'arn:aws:iam::123456789012:role/ecr-warden-prod-tagImmutability-us-east-1-lambdaRole-copy',
        },
      },
    };

    expect(isOwnCall(identity, GUARD_ROLE_ARN)).toBe(false);
  });
});

describe('describeActor', () => {
  it('names the principal, its type and the service that acted for it', () => {
    expect(describeActor({ type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/jdoe' })).toBe(
      'arn:aws:iam::123456789012:user/jdoe (IAMUser)',
    );
    expect(describeActor({ type: 'AWSService', invokedBy: 'ecr.amazonaws.com' })).toBe(
      'ecr.amazonaws.com (AWSService)',
    );
    expect(
      describeActor({
        type: 'AssumedRole',
        arn: 'arn:aws:sts::123456789012:assumed-role/Admin/x',
        invokedBy: 'cloudformation.amazonaws.com',
      }),
    ).toBe('arn:aws:sts::123456789012:assumed-role/Admin/x (AssumedRole, via cloudformation.amazonaws.com)');
  });
});
