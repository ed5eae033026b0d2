import type { InUseReason } from '../cleanup/cleanup-reasons';
import type { EcrImageReference } from '../cleanup/image-reference';
import type { ImageUse, WorkloadImageUses } from '../cleanup/workload-images';

/**
 * Amazon Inspector's view of what runs: with enhanced scanning on, ListCoverage reports per ECR image
 * `resourceMetadata.ecrImage.lastInUseAt` ("The last time an Amazon ECR image was used in an Amazon
 * ECS task or Amazon EKS pod") and `inUseCount`
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_EcrContainerImageMetadata.html). An image
 * seen in use within `cleanup.protect.inspectorInUseDays` of now is kept: one more signal, for
 * workloads ecr-warden does not read itself (other accounts, clusters it has no access entry in).
 *
 * A covered image's `resourceId` is its ARN with the digest appended,
 * `arn:aws:ecr:us-east-1:123456789012:repository/payments/api/sha256:<64 hex>` (the pattern of
 * CoveredResource.resourceId, https://docs.aws.amazon.com/inspector/v2/APIReference/API_CoveredResource.html).
 * Timestamps are Dates from the SDK, ISO strings or epoch seconds from the AWS CLI.
 */

export interface InspectorCoveredResource {
  resourceType?: string;
  resourceId?: string;
  accountId?: string;
  resourceMetadata?: {
    ecrImage?: {
      /** EcrContainerImageMetadata names them `tags`; ContainerImageMetadata `imageTags`. */
      tags?: readonly string[];
      imageTags?: readonly string[];
      lastInUseAt?: Date | string | number;
      inUseCount?: number;
    };
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
// The digest part as CoveredResource.resourceId's documented pattern has it (`sha256:[a-z0-9]{64}`).
const IMAGE_RESOURCE_ID =
  /^arn:aws[a-zA-Z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)\/(sha256:[a-z0-9]{64})$/;

export function inspectorImageUses(
  resources: readonly InspectorCoveredResource[],
  options: { inUseDays: number; now: number },
): WorkloadImageUses {
  const uses: ImageUse[] = [];
  const warnings: string[] = [];
  const since = options.now - options.inUseDays * DAY_MS;
  for (const resource of resources) {
    if (resource.resourceType !== 'AWS_ECR_CONTAINER_IMAGE') continue;
    const image = resource.resourceMetadata?.ecrImage;
    const lastInUseAt = epochMillisOf(image?.lastInUseAt);
    if (lastInUseAt === undefined && image?.lastInUseAt !== undefined) {
      warnings.push(
        `inspector: covered image ${resource.resourceId ?? '(no resourceId)'} has lastInUseAt ${JSON.stringify(image.lastInUseAt)}, which is no timestamp: it protects nothing`,
      );
    }
    if (lastInUseAt === undefined || lastInUseAt < since) continue;
    const reference = imageOfResourceId(resource.resourceId);
    if (reference === undefined) {
      warnings.push(
        `inspector: covered image ${resource.resourceId ?? '(no resourceId)'} is not an ECR image ARN with a digest: its lastInUseAt protects nothing`,
      );
      continue;
    }
    const reason: InUseReason = {
      kind: 'in-use-inspector',
      lastInUseAt: new Date(lastInUseAt).toISOString(),
    };
    if (image?.inUseCount !== undefined) reason.inUseCount = image.inUseCount;
    uses.push({ reference, reason });
  }
  return { uses, warnings };
}

/** `arn:aws:ecr:<region>:<account>:repository/<name>/sha256:<hex>` → that image, by digest. */
export function imageOfResourceId(resourceId: string | undefined): EcrImageReference | undefined {
  const match = resourceId === undefined ? null : IMAGE_RESOURCE_ID.exec(resourceId);
  if (match === null) return undefined;
  const [, region, registryId, repositoryName, digest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { registryId, region, repositoryName, digest };
}

function epochMillisOf(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
