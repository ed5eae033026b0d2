import type { InUseReason } from './cleanup-reasons';
import { type EcrImageReference, parseEcrImageReference } from './image-reference';

/**
 * ECS service revisions: the digests ECS resolved when it deployed a service, which a tag that moved
 * since no longer names. "Whenever you create or deploy a service, Amazon ECS automatically creates
 * and captures the configuration that you're trying to deploy in the service revision", including
 * each container's `imageDigest`; "A service revision is immutable"; "Amazon ECS doesn't create a new
 * service revision for a rollback operation. Amazon ECS uses the last successful service revision for
 * the rollback"; "Amazon ECS deletes the service revision when you delete a service".
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-revision.html
 *
 * The case this closes: a service scaled to zero (or one whose tasks are being replaced) whose tag has
 * moved since its deployment. ECS starts its next tasks on the digest of its revision, not on what the
 * tag names now; until that digest is protected, a cleanup could delete it and the service could not
 * start again.
 *
 * Shapes as the AWS CLI prints them (timestamps as ISO strings or epoch seconds, or the SDK's Dates).
 */

type Timestamp = Date | string | number;

/** A list-service-deployments `serviceDeployments[]` entry (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeploymentBrief.html). */
export interface EcsServiceDeployment {
  serviceDeploymentArn?: string;
  serviceArn?: string;
  clusterArn?: string;
  status?: string;
  targetServiceRevisionArn?: string;
  createdAt?: Timestamp;
  startedAt?: Timestamp;
  finishedAt?: Timestamp;
}

/** A describe-service-revisions `serviceRevisions[]` entry (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRevision.html). */
export interface EcsServiceRevision {
  serviceRevisionArn?: string;
  serviceArn?: string;
  clusterArn?: string;
  taskDefinition?: string;
  createdAt?: Timestamp;
  containerImages?: readonly { containerName?: string; image?: string; imageDigest?: string }[];
}

/** A describe-service-revisions `failures[]` entry (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Failure.html). */
export interface EcsServiceRevisionFailure {
  arn?: string;
  reason?: string;
  detail?: string;
}

/** What a describe-services entry says of its revisions (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html). */
export interface EcsServiceRevisionsSummary {
  serviceArn?: string;
  status?: string;
  /** The ARN of the current service deployment: absent where ECS keeps no service revisions (see below). */
  currentServiceDeployment?: string;
  /** The revisions the service runs or is moving between now, with their task counts. */
  currentServiceRevisions?: readonly { arn?: string }[];
}

// Service deployment statuses (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeploymentBrief.html):
// these five have not finished; SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL and ROLLBACK_FAILED have.
const ONGOING_DEPLOYMENT_STATES: ReadonlySet<string> = new Set([
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
]);

/**
 * DescribeServiceRevisions: "You can't describe a service revision that was created before October
 * 25, 2024"; such a revision comes back in `failures[]` with reason MISSING (as DescribeServiceDeployments
 * documents for the same case). https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceRevisions.html
 */
export const UNDESCRIBABLE_REVISION_REASON = 'MISSING';

/**
 * Whether ECS keeps service revisions for the service, from its describe-services entry. ECS began
 * keeping them on 2024-10-25 and names the current service deployment of a service deployed since;
 * a service whose entry names neither a current deployment nor a current revision has no revision
 * that DescribeServiceRevisions could describe (a service not deployed since, or an endpoint without
 * service revisions: moto_server 5.x implements neither ListServiceDeployments nor
 * DescribeServiceRevisions and answers them with HTTP 500). Its tasks' digests and its deployments'
 * task definitions protect it as before. Reading its deployments anyway would fail the whole ECS
 * source on such an endpoint for nothing a revision could add; reading them whenever ECS names a
 * current deployment, and failing the source when that read fails, keeps every describable revision
 * protected (fail closed).
 */
export function keepsServiceRevisions(service: EcsServiceRevisionsSummary): boolean {
  if (service.status === 'INACTIVE') return false;
  return (
    service.currentServiceDeployment !== undefined ||
    (service.currentServiceRevisions ?? []).some((revision) => revision.arn !== undefined)
  );
}

/**
 * The revisions of one service whose digests ECS may start tasks on, and so must stay:
 *
 * - every revision describe-services names current (`currentServiceRevisions`): what runs now, and,
 *   during a deployment, its source revisions (the configuration being replaced) beside its target;
 * - the target of every deployment that has not finished: it is being rolled out, or rolled back to;
 * - the target of the newest deployment whatever its status (the service's revision once it is done;
 *   a STOPPED or failed-rollback deployment may leave its tasks running);
 * - the target of the newest SUCCESSFUL deployment: ECS rolls a failing deployment back to it.
 *
 * "Newest" is by `startedAt`, else `createdAt`: ListServiceDeployments documents no order. Returns the
 * revision ARNs (sorted, each once) and, for each, the deployments that led to it.
 *
 * An unfinished deployment's source revisions (`sourceServiceRevisions`) are only in
 * DescribeServiceDeployments, not in ListServiceDeployments' briefs. They are not read from there:
 * they are "the currently deployed workload configuration", which describe-services already lists in
 * `currentServiceRevisions` (with their task counts), their running tasks' digests are protected as
 * `in-use-ecs-task`, and the revision a rollback returns to is the last successful one, chosen above.
 * One more action, resource type and call per deployment would add nothing those do not cover.
 */
export function selectServiceRevisions(
  service: EcsServiceRevisionsSummary,
  deployments: readonly EcsServiceDeployment[],
): { revisionArns: string[]; deployments: EcsServiceDeployment[] } {
  const arns = new Set<string>();
  const chosen = new Set<EcsServiceDeployment>();
  for (const revision of service.currentServiceRevisions ?? []) {
    if (revision.arn !== undefined) arns.add(revision.arn);
  }
  const choose = (deployment: EcsServiceDeployment | undefined) => {
    if (deployment?.targetServiceRevisionArn === undefined) return;
    arns.add(deployment.targetServiceRevisionArn);
    chosen.add(deployment);
  };
  for (const deployment of deployments) {
    if (deployment.status !== undefined && ONGOING_DEPLOYMENT_STATES.has(deployment.status))
      choose(deployment);
  }
  choose(newest(deployments));
  choose(newest(deployments.filter((deployment) => deployment.status === 'SUCCESSFUL')));
  return { revisionArns: [...arns].sort(), deployments: [...chosen] };
}

/**
 * The image uses of the service revisions an ECS read (or a snapshot) holds: each container image of
 * each revision, by the digest ECS resolved at its deployment (`containerImages[].imageDigest`; by its
 * reference when ECS recorded none). Every revision given counts (the reader chose them with
 * selectServiceRevisions), except those of a service the same read lists as INACTIVE (deleted:
 * ECS deletes its revisions). A revision ECS could not describe is a warning: what its task
 * definition names now is still protected through the service's deployments.
 */
export function serviceRevisionImageUses(ecs: {
  services: readonly (EcsServiceRevisionsSummary & { serviceName?: string })[];
  serviceDeployments?: readonly EcsServiceDeployment[];
  serviceRevisions?: readonly EcsServiceRevision[];
  serviceRevisionFailures?: readonly EcsServiceRevisionFailure[];
}): { uses: { reference: EcrImageReference; reason: InUseReason }[]; warnings: string[] } {
  const uses: { reference: EcrImageReference; reason: InUseReason }[] = [];
  const warnings: string[] = [];
  const services = new Map(ecs.services.map((service) => [service.serviceArn, service]));
  const leadingTo = deploymentsByTarget(ecs.serviceDeployments ?? []);

  for (const revision of ecs.serviceRevisions ?? []) {
    const service = services.get(revision.serviceArn);
    if (service?.status === 'INACTIVE') continue;
    const revisionArn = revision.serviceRevisionArn ?? '(unknown service revision)';
    const serviceName = service?.serviceName ?? serviceNameOf(revision.serviceArn ?? revisionArn);
    const deployment = leadingTo.get(revisionArn);
    for (const container of revision.containerImages ?? []) {
      const reference = resolvedReference(container);
      if (reference === undefined) continue;
      const reason: InUseReason = {
        kind: 'in-use-ecs-service',
        serviceName,
        taskDefinitionArn: revision.taskDefinition ?? '(unknown task definition)',
        serviceRevisionArn: revisionArn,
      };
      if (revision.serviceArn !== undefined) reason.serviceArn = revision.serviceArn;
      if (revision.clusterArn !== undefined) reason.clusterArn = revision.clusterArn;
      if (container.containerName !== undefined) reason.containerName = container.containerName;
      if (deployment?.serviceDeploymentArn !== undefined)
        reason.serviceDeploymentArn = deployment.serviceDeploymentArn;
      if (deployment?.status !== undefined) reason.serviceDeploymentStatus = deployment.status;
      uses.push({ reference, reason });
    }
  }

  for (const failure of ecs.serviceRevisionFailures ?? []) {
    const arn = failure.arn ?? '(unknown service revision)';
    warnings.push(
      failure.reason === UNDESCRIBABLE_REVISION_REASON
        ? `service revision ${arn} cannot be described (ECS describes revisions created on or after 2024-10-25): the digest ECS resolved for it is not known; what its task definition names now is still protected`
        : `service revision ${arn} could not be described (${failure.reason ?? 'no reason given'}${failure.detail === undefined ? '' : `: ${failure.detail}`}): the digest ECS resolved for it is not known`,
    );
  }
  return { uses, warnings };
}

/**
 * A container's image as ECS ran or recorded it (a task's container, a revision's container image):
 * its reference with the digest ECS resolved when it reports one, else the reference alone.
 */
export function resolvedReference(container: {
  image?: string;
  imageDigest?: string;
}): EcrImageReference | undefined {
  if (container.image === undefined) return undefined;
  const reference = parseEcrImageReference(container.image);
  if (reference === undefined || container.imageDigest === undefined) return reference;
  const { tag: _tag, ...location } = reference;
  return { ...location, digest: container.imageDigest };
}

/** For each target revision, the deployment that names it best: one not finished, else the newest. */
function deploymentsByTarget(
  deployments: readonly EcsServiceDeployment[],
): Map<string, EcsServiceDeployment> {
  const byTarget = new Map<string, EcsServiceDeployment[]>();
  for (const deployment of deployments) {
    const target = deployment.targetServiceRevisionArn;
    if (target === undefined) continue;
    byTarget.set(target, [...(byTarget.get(target) ?? []), deployment]);
  }
  const best = new Map<string, EcsServiceDeployment>();
  for (const [target, candidates] of byTarget) {
    const ongoing = candidates.filter(
      (d) => d.status !== undefined && ONGOING_DEPLOYMENT_STATES.has(d.status),
    );
    const pick = newest(ongoing.length > 0 ? ongoing : candidates);
    if (pick !== undefined) best.set(target, pick);
  }
  return best;
}

function newest(deployments: readonly EcsServiceDeployment[]): EcsServiceDeployment | undefined {
  let found: EcsServiceDeployment | undefined;
  let foundAt = Number.NEGATIVE_INFINITY;
  for (const deployment of deployments) {
    const at = millisOf(deployment.startedAt ?? deployment.createdAt);
    if (found === undefined || at > foundAt) {
      found = deployment;
      foundAt = at;
    }
  }
  return found;
}

/** A Date, an ISO string or epoch seconds (AWS CLI v1) as epoch ms; unknown sorts first. */
function millisOf(value: Timestamp | undefined): number {
  if (value === undefined) return Number.NEGATIVE_INFINITY;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/** `arn:aws:ecs:us-east-1:111111111111:service/prod/api` (or a revision ARN `…:service-revision/prod/api/123`) → `api`. */
function serviceNameOf(arn: string): string {
  const path = arn.split(':').slice(5).join(':').split('/');
  if (path[0] === 'service-revision') return path[2] ?? arn;
  return path.at(-1) ?? arn;
}
