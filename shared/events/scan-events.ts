import { awsTimestamp, enhancedFindingSchema, formatPath } from '../findings/scan-findings-input';
import * as z from '../zod';
import { EventValidationError } from './event-validation-error';
import { arnClaims, envelopeClaims, type LocationClaim } from './governed-scope';
import { scheduledEventSchema } from './scheduled-event';

/**
 * The events scanFindings receives, as AWS documents them (envelope: version, id, detail-type,
 * source, account, time, region, resources, detail):
 *
 * - `ECR Image Scan` (aws.ecr), basic scanning: scan-status COMPLETE or FAILED, repository-name,
 *   image-digest, image-tags (empty for an untagged image), finding-severity-counts in which a
 *   severity without findings has no key at all.
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 * - `Inspector2 Scan` (aws.inspector2), enhanced scanning, once per image after its first scan:
 *   scan-status INITIAL_SCAN_COMPLETE, and **repository-name holds the repository ARN**;
 *   finding-severity-counts {CRITICAL, HIGH, MEDIUM, TOTAL}.
 * - `Inspector2 Finding` (aws.inspector2), one finding, sent when it is created, updated or closed;
 *   its timestamps are not ISO 8601 ("Dec 3, 2021, 6:02:30 PM", "Mon Jun 01 11:58:02.411 UTC 2026").
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-events.html
 *   https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html
 * - `Scheduled Event` (aws.events): the daily digest's schedule.
 *
 * A malformed event is an EventValidationError naming every problem, so that it fails the invocation
 * and reaches the on-failure destination instead of becoming `undefined` deep inside.
 */

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));
const digest = z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 image digest'));
// ECR repository names: 2-256 characters, lower-case segments separated by `/`.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
const repositoryName = z
  .string()
  .check(
    z.minLength(2),
    z.maxLength(256),
    z.regex(
      /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
      'must be an ECR repository name',
    ),
  );
const REPOSITORY_ARN = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/;

const envelope = {
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  account: accountId,
  time: awsTimestamp,
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region')),
  resources: z.array(z.string()),
};

const severityCounts = z.record(z.string(), z.int().check(z.gte(0)));

export const ecrImageScanEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal('ECR Image Scan'),
  source: z.literal('aws.ecr'),
  detail: z.object({
    'scan-status': z.string().check(z.minLength(1)),
    'repository-name': repositoryName,
    'image-digest': digest,
    'image-tags': z._default(z.array(z.string()), []),
    // Absent or empty when there are no findings: a severity without findings has no key.
    'finding-severity-counts': z._default(severityCounts, {}),
  }),
});

export const inspectorScanEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal('Inspector2 Scan'),
  source: z.literal('aws.inspector2'),
  detail: z.object({
    'scan-status': z.string().check(z.minLength(1)),
    'repository-name': z
      .string()
      .check(
        z.regex(
          REPOSITORY_ARN,
          'must be the repository ARN (Inspector2 Scan puts the ARN in repository-name)',
        ),
      ),
    'image-digest': digest,
    'image-tags': z._default(z.array(z.string()), []),
    'finding-severity-counts': z._default(severityCounts, {}),
    version: z.optional(z.string()),
  }),
});

export const inspectorFindingEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal('Inspector2 Finding'),
  source: z.literal('aws.inspector2'),
  detail: z.extend(enhancedFindingSchema, {
    awsAccountId: z.optional(accountId),
    findingArn: z.string().check(z.minLength(1)),
    status: z.enum(['ACTIVE', 'SUPPRESSED', 'CLOSED']),
    type: z.string().check(z.minLength(1)),
  }),
});

export type EcrImageScanEvent = z.output<typeof ecrImageScanEventSchema>;
export type InspectorScanEvent = z.output<typeof inspectorScanEventSchema>;
export type InspectorFindingEvent = z.output<typeof inspectorFindingEventSchema>;
export type ScheduledDigestEvent = z.output<typeof scheduledEventSchema>;

export type ScanFindingsEvent =
  | { kind: 'ecr-image-scan'; event: EcrImageScanEvent }
  | { kind: 'inspector-scan'; event: InspectorScanEvent }
  | { kind: 'inspector-finding'; event: InspectorFindingEvent }
  | { kind: 'schedule'; event: ScheduledDigestEvent };

// A Map, not an object literal: a detail-type named like an Object property (`constructor`,
// `__proto__`, `toString`) must find nothing rather than a prototype member.
const SCHEMAS: ReadonlyMap<string, { kind: ScanFindingsEvent['kind']; schema: z.ZodMiniType }> = new Map<
  string,
  { kind: ScanFindingsEvent['kind']; schema: z.ZodMiniType }
>([
  ['ECR Image Scan', { kind: 'ecr-image-scan', schema: ecrImageScanEventSchema }],
  ['Inspector2 Scan', { kind: 'inspector-scan', schema: inspectorScanEventSchema }],
  ['Inspector2 Finding', { kind: 'inspector-finding', schema: inspectorFindingEventSchema }],
  ['Scheduled Event', { kind: 'schedule', schema: scheduledEventSchema }],
]);

/** Validates an event scanFindings receives and says which kind it is. */
export function parseScanFindingsEvent(event: unknown): ScanFindingsEvent {
  const record = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const id = typeof record.id === 'string' ? record.id : undefined;
  const detailType = record['detail-type'];
  const entry = typeof detailType === 'string' ? SCHEMAS.get(detailType) : undefined;
  if (entry === undefined) {
    throw new EventValidationError('scan findings', id, [
      `detail-type: expected "ECR Image Scan", "Inspector2 Scan", "Inspector2 Finding" or "Scheduled Event", got ${JSON.stringify(detailType)}`,
    ]);
  }
  const result = entry.schema.safeParse(event);
  if (!result.success) {
    throw new EventValidationError(
      String(detailType),
      id,
      result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  }
  return { kind: entry.kind, event: result.data } as ScanFindingsEvent;
}

/**
 * Where a scan event says it comes from, for the governed-scope check (shared/events/governed-scope.ts):
 * the envelope (its resources are the repository or image ARN), and the places in `detail` that name a
 * registry the findings would be read from: Inspector2 Scan's repository ARN; Inspector2 Finding's
 * `awsAccountId` and, per resource, its ARN (`id`), `region` and the image's `registry`.
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Resource.html
 */
export function scanFindingsEventClaims(parsed: ScanFindingsEvent): LocationClaim[] {
  const claims = envelopeClaims(parsed.event);
  if (parsed.kind === 'inspector-scan') {
    claims.push(...arnClaims('detail.repository-name', parsed.event.detail['repository-name']));
  }
  if (parsed.kind === 'inspector-finding') {
    const detail = parsed.event.detail;
    if (detail.awsAccountId !== undefined) {
      claims.push({ field: 'detail.awsAccountId', account: detail.awsAccountId });
    }
    (detail.resources ?? []).forEach((resource, index) => {
      const field = `detail.resources.${index}`;
      if (resource.id !== undefined) claims.push(...arnClaims(`${field}.id`, resource.id));
      if (resource.region !== undefined) claims.push({ field: `${field}.region`, region: resource.region });
      const registry = resource.details?.awsEcrContainerImage?.registry;
      if (registry !== undefined) {
        claims.push({ field: `${field}.details.awsEcrContainerImage.registry`, account: registry });
      }
    });
  }
  return claims;
}

/** `arn:aws:ecr:us-east-2:123456789012:repository/amazon/amazon-ecs-sample` → its parts. */
export function parseRepositoryArn(
  arn: string,
): { region: string; accountId: string; repositoryName: string } | undefined {
  const match = REPOSITORY_ARN.exec(arn);
  if (!match) return undefined;
  const [, region = '', accountId = '', name = ''] = match;
  return { region, accountId, repositoryName: name };
}
