import * as z from '../zod';
import { EventValidationError } from './event-validation-error';
import { arnClaims, envelopeClaims, type LocationClaim } from './governed-scope';
import { scheduledEventSchema } from './scheduled-event';

/**
 * The events the repository guard (tagImmutability) receives, as AWS documents them (envelope:
 * version, id, detail-type, source, account, time, region, resources, detail):
 *
 * - `AWS API Call via CloudTrail` (aws.ecr): a CloudTrail record of an ECR API call, in `detail`:
 *   eventSource `ecr.amazonaws.com`, eventName, eventTime, eventID, userIdentity {type, principalId,
 *   arn, accountId, sessionContext {sessionIssuer {type, arn, ...}}, invokedBy ...}, requestParameters,
 *   responseElements, and errorCode/errorMessage when the call failed. EventBridge receives these only
 *   where a CloudTrail trail logs management events.
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html
 * - `ECR Image Action` (aws.ecr): result SUCCESS, repository-name, image-digest, action-type PUSH (or
 *   DELETE, UPDATE_STORAGE_CLASS), image-tag (absent for an untagged push); one tag per event; best effort.
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 * - `Scheduled Event` (aws.events): the sweep.
 *
 * Every object accepts fields beyond those read here: AWS adds fields to its events. A malformed event
 * is an EventValidationError naming every problem, so that it fails the invocation and reaches the
 * on-failure destination.
 */

export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const IMAGE_ACTION_DETAIL_TYPE = 'ECR Image Action';

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));
/** Normalised to Date#toISOString so that times compare as strings (the tag ledger orders by them). */
const isoTime = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((time) => new Date(time).toISOString()),
);
const digest = z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 image digest'));
// Repository names: 2-256 characters (CreateRepository). The pattern is not re-checked here: the name
// comes from ECR itself, and a name ECR changes its rules for must not fail the invocation.
const repositoryName = z.string().check(z.minLength(2), z.maxLength(256));

const envelope = {
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  account: accountId,
  time: isoTime,
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region')),
  resources: z.array(z.string()),
};

const optionalString = z.optional(z.string());

const userIdentitySchema = z.looseObject({
  /** Root, IAMUser, AssumedRole, Role, FederatedUser, Directory, AWSAccount, AWSService, IdentityCenterUser, Unknown. */
  type: z.string().check(z.minLength(1)),
  principalId: optionalString,
  arn: optionalString,
  accountId: optionalString,
  userName: optionalString,
  invokedBy: optionalString,
  sessionContext: z.optional(
    z.looseObject({
      sessionIssuer: z.optional(
        z.looseObject({
          type: optionalString,
          principalId: optionalString,
          arn: optionalString,
          accountId: optionalString,
          userName: optionalString,
        }),
      ),
    }),
  ),
});

export type UserIdentity = z.output<typeof userIdentitySchema>;

export const apiCallEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal(API_CALL_DETAIL_TYPE),
  source: z.literal('aws.ecr'),
  detail: z.looseObject({
    eventSource: z.literal('ecr.amazonaws.com'),
    eventName: z.string().check(z.minLength(1)),
    eventTime: isoTime,
    eventID: z.string().check(z.minLength(1)),
    awsRegion: z.string().check(z.minLength(1)),
    userIdentity: userIdentitySchema,
    // null for calls without parameters, and often for failed calls.
    requestParameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    responseElements: z.optional(z.unknown()),
    /** Present when the call failed: ECR changed nothing, so there is nothing to check. */
    errorCode: optionalString,
    errorMessage: optionalString,
    recipientAccountId: optionalString,
  }),
});

export type ApiCallEvent = z.output<typeof apiCallEventSchema>;

export const imageActionEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal(IMAGE_ACTION_DETAIL_TYPE),
  source: z.literal('aws.ecr'),
  detail: z.looseObject({
    result: z.string().check(z.minLength(1)),
    'repository-name': repositoryName,
    'image-digest': digest,
    'action-type': z.string().check(z.minLength(1)),
    // PutImage imageTag: 1-300 characters. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html
    'image-tag': z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
  }),
});

export type ImageActionEvent = z.output<typeof imageActionEventSchema>;

const guardScheduledEventSchema = z.extend(scheduledEventSchema, { time: isoTime });
export type GuardScheduledEvent = z.output<typeof guardScheduledEventSchema>;

export type RepositoryGuardEvent =
  | { kind: 'api-call'; event: ApiCallEvent }
  | { kind: 'image-action'; event: ImageActionEvent }
  | { kind: 'schedule'; event: GuardScheduledEvent };

// A Map, not an object literal: a detail-type named like an Object property (`constructor`,
// `__proto__`, `toString`) must find nothing rather than a prototype member.
const SCHEMAS: ReadonlyMap<string, { kind: RepositoryGuardEvent['kind']; schema: z.ZodMiniType }> = new Map<
  string,
  { kind: RepositoryGuardEvent['kind']; schema: z.ZodMiniType }
>([
  [API_CALL_DETAIL_TYPE, { kind: 'api-call', schema: apiCallEventSchema }],
  [IMAGE_ACTION_DETAIL_TYPE, { kind: 'image-action', schema: imageActionEventSchema }],
  ['Scheduled Event', { kind: 'schedule', schema: guardScheduledEventSchema }],
]);

/** Validates an event the guard receives and says which kind it is. */
export function parseRepositoryGuardEvent(event: unknown): RepositoryGuardEvent {
  const record = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const id = typeof record.id === 'string' ? record.id : undefined;
  const detailType = record['detail-type'];
  const entry = typeof detailType === 'string' ? SCHEMAS.get(detailType) : undefined;
  if (entry === undefined) {
    throw new EventValidationError('repository guard', id, [
      `detail-type: expected "${API_CALL_DETAIL_TYPE}", "${IMAGE_ACTION_DETAIL_TYPE}" or "Scheduled Event", got ${JSON.stringify(detailType)}`,
    ]);
  }
  const result = entry.schema.safeParse(event);
  if (!result.success) {
    throw new EventValidationError(
      String(detailType),
      id,
      result.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`,
      ),
    );
  }
  return { kind: entry.kind, event: result.data } as RepositoryGuardEvent;
}

/**
 * Where a guard event says it comes from, for the governed-scope check (shared/events/governed-scope.ts)
 * and, in an Organizations hub, the check that the claims inside agree with the envelope
 * (./envelope-agreement.ts): the envelope, and for a CloudTrail record also the region the call was
 * made in (`awsRegion`), the account that received the record (`recipientAccountId`, the owner of the
 * resource acted on), the registry the call named or answered for (`requestParameters.registryId`,
 * `responseElements.registryId`, when given) and the
 * repository ARNs of the record (`responseElements.repository.repositoryArn` and `resources[].ARN`,
 * when present).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export function repositoryGuardEventClaims(parsed: RepositoryGuardEvent): LocationClaim[] {
  const claims = envelopeClaims(parsed.event);
  if (parsed.kind === 'api-call') {
    const { awsRegion, recipientAccountId, requestParameters, responseElements } = parsed.event.detail;
    claims.push({ field: 'detail.awsRegion', region: awsRegion });
    if (recipientAccountId !== undefined) {
      claims.push({ field: 'detail.recipientAccountId', account: recipientAccountId });
    }
    const response = responseElements as
      | { registryId?: unknown; repository?: { repositoryArn?: unknown } }
      | null
      | undefined;
    for (const [field, registryId] of [
      ['detail.requestParameters.registryId', requestParameters?.registryId],
      ['detail.responseElements.registryId', response?.registryId],
    ] as const) {
      if (typeof registryId === 'string' && /^\d{12}$/.test(registryId)) {
        claims.push({ field, account: registryId });
      }
    }
    const repository = response?.repository;
    if (typeof repository?.repositoryArn === 'string') {
      claims.push(...arnClaims('detail.responseElements.repository.repositoryArn', repository.repositoryArn));
    }
    const resources = (parsed.event.detail as { resources?: unknown }).resources;
    if (Array.isArray(resources)) {
      resources.forEach((resource: { ARN?: unknown } | null, index) => {
        if (typeof resource?.ARN === 'string')
          claims.push(...arnClaims(`detail.resources.${index}.ARN`, resource.ARN));
      });
    }
  }
  return claims;
}
