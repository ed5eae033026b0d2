/**
 * The member stack of an Organizations hub (issue 15): what a service-managed StackSet deploys in each
 * governed account × region. This module starts with the EventBridge patterns the member stack
 * forwards to the hub bus; the template itself is built further down.
 */

/** An EventBridge event pattern, as serverless.yml writes them under `eventBridge.pattern`. */
export type EventPattern = Readonly<Record<string, unknown>>;

/**
 * The events a member account forwards to the hub bus: exactly the patterns of the detectors' rules on
 * the default bus in serverless.yml (test/package asserts they stay equal), so that a member's events
 * reach the same functions as the hub's own. Forwarded events keep their `account` and `region` (the
 * member's): the detectors check both against the governed directory.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 *
 * Keys are the forwarding rules' names in the member template (logical id `Forward<Key>Rule`).
 */
export const MEMBER_FORWARDED_EVENT_PATTERNS = {
  /** tagImmutability: the ECR repository-setting calls the repository guard reacts to, from CloudTrail. */
  RepositoryChanges: {
    source: ['aws.ecr'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ecr.amazonaws.com'],
      eventName: [
        'CreateRepository',
        'PutImageTagMutability',
        'SetRepositoryPolicy',
        'DeleteLifecyclePolicy',
        'PutRegistryScanningConfiguration',
      ],
      errorCode: [{ exists: false }],
    },
  },
  /** tagImmutability: successful pushes feed the tag ledger. */
  ImagePushes: {
    source: ['aws.ecr'],
    'detail-type': ['ECR Image Action'],
    detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
  },
  /** scanFindings: basic scanning, one event per completed scan. */
  ImageScans: {
    source: ['aws.ecr'],
    'detail-type': ['ECR Image Scan'],
  },
  /** scanFindings: enhanced scanning (Amazon Inspector), once per image after its first scan. */
  InspectorScans: {
    source: ['aws.inspector2'],
    'detail-type': ['Inspector2 Scan'],
  },
  /** scanFindings: enhanced scanning, once per package finding created, updated or closed. */
  InspectorFindings: {
    source: ['aws.inspector2'],
    'detail-type': ['Inspector2 Finding'],
    detail: { type: ['PACKAGE_VULNERABILITY'] },
  },
  /** replicationAudit: ECR emits it in the destination region. */
  ReplicationActions: {
    source: ['aws.ecr'],
    'detail-type': ['ECR Replication Action'],
  },
} as const satisfies Record<string, EventPattern>;

export type MemberForwardedEvent = keyof typeof MEMBER_FORWARDED_EVENT_PATTERNS;
