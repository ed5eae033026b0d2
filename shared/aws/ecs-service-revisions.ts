import {
  DescribeServiceRevisionsCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import {
  type EcsServiceDeployment,
  type EcsServiceRevision,
  type EcsServiceRevisionFailure,
  keepsServiceRevisions,
  selectServiceRevisions,
  UNDESCRIBABLE_REVISION_REASON,
} from '../cleanup/ecs-service-revisions';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';
import { chunk } from './workload-reads';

// ListServiceDeployments: maxResults 1-100 (20 when absent), then nextToken until it is null.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html
const LIST_SERVICE_DEPLOYMENTS_PAGE = 100;
// DescribeServiceRevisions: "You can specify a maximum of 20 ARNs."
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceRevisions.html
const DESCRIBE_SERVICE_REVISIONS_MAX = 20;

/** DescribeServiceRevisions answered a failure other than MISSING: the revision's digests are not known. */
export class ServiceRevisionReadError extends EcrWardenError {
  override name = 'ServiceRevisionReadError';

  constructor(readonly failures: readonly EcsServiceRevisionFailure[]) {
    super(
      `DescribeServiceRevisions could not describe ${failures
        .map(
          (failure) =>
            `${failure.arn ?? '(no arn)'} (${failure.reason ?? 'no reason'}${failure.detail === undefined ? '' : `: ${failure.detail}`})`,
        )
        .join(', ')}`,
    );
  }
}

export interface ServiceRevisionsRead {
  serviceDeployments: EcsServiceDeployment[];
  serviceRevisions: EcsServiceRevision[];
  serviceRevisionFailures: EcsServiceRevisionFailure[];
}

/**
 * The revisions of the described services whose digests ECS may start tasks on: per service that ECS
 * keeps revisions for (keepsServiceRevisions), every page of ListServiceDeployments (no status
 * filter: the newest deployment counts whatever its status, and the listing documents no order), the
 * revisions selectServiceRevisions chooses, then DescribeServiceRevisions, 20 ARNs a call, for all
 * services at once. `concurrency` calls in flight.
 *
 * Fail closed: an exception (AccessDenied, throttling after the client's retries) fails the read, and
 * with it the ECS source. A `failures[]` entry with reason MISSING (a revision created before
 * 2024-10-25, which ECS cannot describe; or one deleted with its service since it was listed) is kept
 * for the plan's warnings; any other failure reason fails the read, since the revision may exist and
 * its digests are not known.
 */
export async function readServiceRevisions(
  ecs: ECSClient,
  services: readonly Service[],
  concurrency: number,
): Promise<ServiceRevisionsRead> {
  const withRevisions = services.filter(
    (service) => service.serviceArn !== undefined && keepsServiceRevisions(service),
  );
  const selected = await mapWithConcurrency(withRevisions, concurrency, async (service) =>
    selectServiceRevisions(service, await listServiceDeployments(ecs, service)),
  );
  const arns = [...new Set(selected.flatMap((selection) => selection.revisionArns))].sort();
  const described = await mapWithConcurrency(
    chunk(arns, DESCRIBE_SERVICE_REVISIONS_MAX),
    concurrency,
    async (serviceRevisionArns) => ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns })),
  );
  const serviceRevisions = described.flatMap((output) => output.serviceRevisions ?? []);
  const serviceRevisionFailures = described.flatMap((output) => output.failures ?? []);
  const unexpected = serviceRevisionFailures.filter(
    (failure) => failure.reason !== UNDESCRIBABLE_REVISION_REASON,
  );
  if (unexpected.length > 0) throw new ServiceRevisionReadError(unexpected);
  return {
    serviceDeployments: selected.flatMap((selection) => selection.deployments),
    serviceRevisions: serviceRevisions as EcsServiceRevision[],
    serviceRevisionFailures: serviceRevisionFailures as EcsServiceRevisionFailure[],
  };
}

/** Every deployment of the service, every page (the SDK has no paginator for this operation). */
async function listServiceDeployments(ecs: ECSClient, service: Service): Promise<ServiceDeploymentBrief[]> {
  const deployments: ServiceDeploymentBrief[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListServiceDeploymentsCommand({
        service: service.serviceArn,
        cluster: service.clusterArn,
        maxResults: LIST_SERVICE_DEPLOYMENTS_PAGE,
        nextToken,
      }),
    );
    deployments.push(...(page.serviceDeployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return deployments;
}
