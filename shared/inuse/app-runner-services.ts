import type { InUseReason, WorkloadPlace } from '../cleanup/cleanup-reasons';
import { parseEcrImageReference } from '../cleanup/image-reference';
import { type ImageUse, placeReason, type WorkloadImageUses } from '../cleanup/workload-images';

/**
 * The images App Runner services deploy from ECR, from DescribeService `Service` as the SDK and the
 * AWS CLI return it (https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html): an image
 * source is `SourceConfiguration.ImageRepository` {ImageIdentifier, ImageRepositoryType ECR |
 * ECR_PUBLIC} (https://docs.aws.amazon.com/apprunner/latest/api/API_ImageRepository.html); a code
 * source (`CodeRepository`) names no image.
 *
 * Statuses (https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html, `Status`):
 * CREATE_FAILED ("The failed service isn't usable") and DELETED run nothing and are skipped; RUNNING,
 * PAUSED (a resume redeploys the image), OPERATION_IN_PROGRESS and DELETE_FAILED (the service may still
 * exist) count, as does a service without a status (fail closed).
 *
 * ImageIdentifier names a tag or a digest; a tag is resolved to the digest it names now. With
 * automatic deployments off, a service keeps running the digest of its last deployment after the tag
 * moves: DescribeService does not say which, so that older digest is protected only by the other
 * keep rules (keepAtLeast, Inspector's lastInUseAt).
 */

const NOT_RUNNING_STATUSES: ReadonlySet<string> = new Set(['CREATE_FAILED', 'DELETED']);

export interface AppRunnerService {
  ServiceName?: string;
  ServiceArn?: string;
  Status?: string;
  SourceConfiguration?: { ImageRepository?: { ImageIdentifier?: string; ImageRepositoryType?: string } };
}

export function appRunnerImageUses(
  services: readonly AppRunnerService[],
  where?: WorkloadPlace,
): WorkloadImageUses {
  const uses: ImageUse[] = [];
  for (const service of services) {
    if (service.Status !== undefined && NOT_RUNNING_STATUSES.has(service.Status)) continue;
    const repository = service.SourceConfiguration?.ImageRepository;
    if (repository?.ImageRepositoryType !== 'ECR' || repository.ImageIdentifier === undefined) continue;
    const reference = parseEcrImageReference(repository.ImageIdentifier);
    if (reference === undefined) continue;
    const reason: InUseReason = {
      kind: 'in-use-app-runner',
      serviceName: service.ServiceName ?? service.ServiceArn ?? '(unknown service)',
    };
    if (service.ServiceArn !== undefined) reason.serviceArn = service.ServiceArn;
    if (where !== undefined) placeReason(reason, where);
    uses.push({ reference, reason });
  }
  return { uses, warnings: [] };
}
