import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { defineRoute, type Route } from './route';

/**
 * STS: AssumeRole with the trust check of model/identity.ts (role exists, trusts the caller's role,
 * external id matches; else AccessDenied), and GetCallerIdentity of the calling client's identity.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export const stsRoutes: readonly Route[] = [
  defineRoute('sts', AssumeRoleCommand, 'AssumeRole', (input, context) => {
    const session = context.world.services.identity.assumeRole(
      context.caller,
      {
        roleArn: input.RoleArn ?? '',
        roleSessionName: input.RoleSessionName ?? '',
        durationSeconds: input.DurationSeconds,
        externalId: input.ExternalId,
      },
      context.now,
    );
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: new Date(session.expiration),
      },
      AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.assumedRoleArn },
      PackedPolicySize: 0,
    };
  }),

  defineRoute('sts', GetCallerIdentityCommand, 'GetCallerIdentity', (_input, context) => ({
    UserId: context.caller.userId,
    Account: context.accountId,
    Arn: context.caller.assumedRoleArn,
  })),
];
