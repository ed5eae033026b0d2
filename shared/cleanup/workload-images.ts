import type { InUseReason, WorkloadPlace } from './cleanup-reasons';
import {
  type EcsServiceDeployment,
  type EcsServiceRevision,
  type EcsServiceRevisionFailure,
  type EcsServiceRevisionsSummary,
  resolvedReference,
  serviceRevisionImageUses,
} from './ecs-service-revisions';
import {
  type EcrImageReference,
  parseEcrImageReference,
  type RepositoryLocation,
  referencesRepository,
} from './image-reference';

/**
 * The in-use picture: which images ECS and Lambda use, worked out from what their APIs return (the
 * fields below are those of the AWS CLI's JSON output; every other field is ignored). Built once per
 * account and region (`listWorkloadImageUses`), then resolved against each repository's images
 * (`resolveImagesInUse`), which turns tags into digests.
 */

export interface EcsContainer {
  name?: string;
  image?: string;
  /** The digest the container agent resolved and runs. */
  imageDigest?: string;
}

/** A describe-tasks `tasks[]` entry (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html). */
export interface EcsTask {
  taskArn?: string;
  clusterArn?: string;
  group?: string;
  lastStatus?: string;
  taskDefinitionArn?: string;
  containers?: readonly EcsContainer[];
}

export interface EcsDeployment {
  id?: string;
  status?: string;
  taskDefinition?: string;
}

/** A describe-services `services[]` entry (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html). */
export interface EcsService extends EcsServiceRevisionsSummary {
  serviceName?: string;
  serviceArn?: string;
  clusterArn?: string;
  status?: string;
  taskDefinition?: string;
  deployments?: readonly EcsDeployment[];
}

/** A describe-task-definition `taskDefinition` (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html). */
export interface EcsTaskDefinition {
  taskDefinitionArn?: string;
  family?: string;
  revision?: number;
  status?: string;
  containerDefinitions?: readonly { name?: string; image?: string }[];
}

/** A get-function output (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html). */
export interface LambdaFunction {
  Configuration?: { FunctionName?: string; FunctionArn?: string; Version?: string; PackageType?: string };
  Code?: { ImageUri?: string; ResolvedImageUri?: string };
}

export interface Workloads {
  ecs: {
    tasks: readonly EcsTask[];
    services: readonly EcsService[];
    taskDefinitions: readonly EcsTaskDefinition[];
    /** The deployments that chose `serviceRevisions` (./ecs-service-revisions.ts); absent: none read. */
    serviceDeployments?: readonly EcsServiceDeployment[];
    /** The services' revisions whose digests ECS may start tasks on. */
    serviceRevisions?: readonly EcsServiceRevision[];
    /** Revisions ECS could not describe (reason MISSING: created before 2024-10-25). */
    serviceRevisionFailures?: readonly EcsServiceRevisionFailure[];
  };
  lambda: { functions: readonly LambdaFunction[] };
}

/** One workload's use of one image reference. */
export interface ImageUse {
  reference: EcrImageReference;
  reason: InUseReason;
}

export interface WorkloadImageUses {
  uses: ImageUse[];
  /** What could not be worked out, e.g. a service deployment whose task definition is missing. */
  warnings: string[];
}

// Task lifecycle: PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING,
// STOPPED, DELETED (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html).
// Every state before STOPPED has, or is about to have, the image running.
const FINISHED_TASK_STATES: ReadonlySet<string> = new Set(['STOPPED', 'DELETED']);
// A service's deployments are PRIMARY (the newest), ACTIVE (still running tasks, or the target of a
// rollback) or INACTIVE (done) (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html).
const FINISHED_DEPLOYMENT_STATES: ReadonlySet<string> = new Set(['INACTIVE']);
// A deleted service is INACTIVE; a DRAINING one still runs tasks until they stop.
const FINISHED_SERVICE_STATES: ReadonlySet<string> = new Set(['INACTIVE']);

/**
 * Every image reference the account's workloads use, with the reason to keep what it points at.
 * `where` names a workload account and region (`cleanup.protect.workloadAccounts`): each reason
 * records them, so that a plan says where the image runs. Absent for the registry's own.
 */
export function listWorkloadImageUses(
  workloads: Workloads,
  options: { taskDefinitionRevisions: number },
  where?: WorkloadPlace,
): WorkloadImageUses {
  const uses: ImageUse[] = [];
  const warnings: string[] = [];
  const taskDefinitions = indexTaskDefinitions(workloads.ecs.taskDefinitions);

  for (const task of workloads.ecs.tasks) {
    if (task.lastStatus !== undefined && FINISHED_TASK_STATES.has(task.lastStatus)) continue;
    for (const container of task.containers ?? []) {
      const reference = resolvedReference(container);
      if (reference === undefined) continue;
      const reason: InUseReason = { kind: 'in-use-ecs-task', taskArn: task.taskArn ?? '(unknown task)' };
      if (task.clusterArn !== undefined) reason.clusterArn = task.clusterArn;
      if (task.group !== undefined) reason.group = task.group;
      if (container.name !== undefined) reason.containerName = container.name;
      uses.push({ reference, reason });
    }
  }

  for (const service of workloads.ecs.services) {
    if (service.status !== undefined && FINISHED_SERVICE_STATES.has(service.status)) continue;
    const serviceName = service.serviceName ?? service.serviceArn ?? '(unknown service)';
    const deployments =
      service.deployments !== undefined && service.deployments.length > 0
        ? service.deployments
        : [{ taskDefinition: service.taskDefinition }];
    for (const deployment of deployments) {
      if (deployment.status !== undefined && FINISHED_DEPLOYMENT_STATES.has(deployment.status)) continue;
      const arn = deployment.taskDefinition;
      if (arn === undefined) continue;
      const taskDefinition = taskDefinitions.get(arn) ?? taskDefinitions.get(familyRevisionOf(arn));
      if (taskDefinition === undefined) {
        warnings.push(
          `service ${serviceName} deploys task definition ${arn}, which the snapshot does not include: its images are not known to be in use`,
        );
        continue;
      }
      for (const container of taskDefinition.containerDefinitions ?? []) {
        const reference = container.image === undefined ? undefined : parseEcrImageReference(container.image);
        if (reference === undefined) continue;
        const reason: InUseReason = { kind: 'in-use-ecs-service', serviceName, taskDefinitionArn: arn };
        if (service.serviceArn !== undefined) reason.serviceArn = service.serviceArn;
        if (service.clusterArn !== undefined) reason.clusterArn = service.clusterArn;
        if (deployment.id !== undefined) reason.deploymentId = deployment.id;
        if (deployment.status !== undefined) reason.deploymentStatus = deployment.status;
        if (container.name !== undefined) reason.containerName = container.name;
        uses.push({ reference, reason });
      }
    }
  }

  // The digests ECS resolved at each service's deployments: they stay after the tag has moved.
  const revisions = serviceRevisionImageUses(workloads.ecs);
  uses.push(...revisions.uses);
  warnings.push(...revisions.warnings);

  for (const revision of newestActiveRevisions(
    workloads.ecs.taskDefinitions,
    options.taskDefinitionRevisions,
  )) {
    for (const container of revision.containerDefinitions ?? []) {
      const reference = container.image === undefined ? undefined : parseEcrImageReference(container.image);
      if (reference === undefined) continue;
      const reason: InUseReason = {
        kind: 'task-definition-revision',
        family: revision.family as string,
        revision: revision.revision as number,
      };
      if (revision.taskDefinitionArn !== undefined) reason.taskDefinitionArn = revision.taskDefinitionArn;
      if (container.name !== undefined) reason.containerName = container.name;
      uses.push({ reference, reason });
    }
  }

  for (const fn of workloads.lambda.functions) {
    // ResolvedImageUri is the digest Lambda deployed; ImageUri may name a tag that has moved since.
    const uri = fn.Code?.ResolvedImageUri ?? fn.Code?.ImageUri;
    const reference = uri === undefined ? undefined : parseEcrImageReference(uri);
    if (reference === undefined) continue;
    const configuration = fn.Configuration ?? {};
    const functionName =
      configuration.FunctionName ?? functionNameOf(configuration.FunctionArn) ?? '(unknown)';
    const reason: InUseReason = {
      kind: 'in-use-lambda',
      functionName,
      qualifier: qualifierOf(configuration.FunctionArn) ?? configuration.Version ?? '$LATEST',
    };
    if (configuration.FunctionArn !== undefined) reason.functionArn = configuration.FunctionArn;
    uses.push({ reference, reason });
  }
  if (where !== undefined) for (const use of uses) placeReason(use.reason, where);
  return { uses, warnings };
}

/** Records the workload account and region on a reason that can carry them. */
export function placeReason(reason: InUseReason, where: WorkloadPlace): void {
  if (reason.kind === 'in-use-external' || reason.kind === 'in-use-inspector') return;
  if (where.account !== undefined) reason.account = where.account;
  if (where.region !== undefined) reason.region = where.region;
}

/**
 * The images of one repository that the uses point at: digest → reasons. A reference by tag is
 * resolved with the repository's current tags; a tag or digest the repository does not hold keeps
 * nothing. References into other repositories, accounts or regions are ignored.
 */
export function resolveImagesInUse(
  uses: readonly ImageUse[],
  location: RepositoryLocation,
  images: readonly { imageDigest: string; imageTags: readonly string[] }[],
): Map<string, InUseReason[]> {
  const digests = new Set<string>();
  const byTag = new Map<string, string>();
  for (const image of images) {
    digests.add(image.imageDigest);
    for (const tag of image.imageTags) byTag.set(tag, image.imageDigest);
  }
  const inUse = new Map<string, InUseReason[]>();
  // The same reason twice (one task definition listed twice) is recorded once.
  const seen = new Set<string>();
  for (const { reference, reason } of uses) {
    if (!referencesRepository(reference, location)) continue;
    const digest = reference.digest ?? (reference.tag === undefined ? undefined : byTag.get(reference.tag));
    if (digest === undefined || !digests.has(digest)) continue;
    const key = `${digest} ${JSON.stringify(reason)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const reasons = inUse.get(digest);
    if (reasons === undefined) inUse.set(digest, [reason]);
    else reasons.push(reason);
  }
  return inUse;
}

function indexTaskDefinitions(taskDefinitions: readonly EcsTaskDefinition[]): Map<string, EcsTaskDefinition> {
  const byKey = new Map<string, EcsTaskDefinition>();
  for (const taskDefinition of taskDefinitions) {
    if (taskDefinition.taskDefinitionArn !== undefined) {
      byKey.set(taskDefinition.taskDefinitionArn, taskDefinition);
    }
    if (taskDefinition.family !== undefined && taskDefinition.revision !== undefined) {
      byKey.set(`${taskDefinition.family}:${taskDefinition.revision}`, taskDefinition);
    }
  }
  return byKey;
}

/** `arn:aws:ecs:us-east-1:123456789012:task-definition/payments-api:42` → `payments-api:42`. */
function familyRevisionOf(taskDefinition: string): string {
  const slash = taskDefinition.lastIndexOf('/');
  return slash === -1 ? taskDefinition : taskDefinition.slice(slash + 1);
}

/**
 * Per family, the `count` ACTIVE revisions with the highest numbers. A revision without a status is
 * taken as ACTIVE (hand-written snapshots); INACTIVE and DELETE_IN_PROGRESS ones cannot start tasks.
 */
function newestActiveRevisions(
  taskDefinitions: readonly EcsTaskDefinition[],
  count: number,
): EcsTaskDefinition[] {
  if (count <= 0) return [];
  const byFamily = new Map<string, EcsTaskDefinition[]>();
  for (const taskDefinition of taskDefinitions) {
    const { family, revision, status } = taskDefinition;
    if (family === undefined || revision === undefined) continue;
    if (status !== undefined && status !== 'ACTIVE') continue;
    const revisions = byFamily.get(family);
    if (revisions === undefined) byFamily.set(family, [taskDefinition]);
    else if (!revisions.some((known) => known.revision === revision)) revisions.push(taskDefinition);
  }
  const newest: EcsTaskDefinition[] = [];
  for (const family of [...byFamily.keys()].sort()) {
    const revisions = (byFamily.get(family) ?? []).sort(
      (a, b) => (b.revision as number) - (a.revision as number),
    );
    newest.push(...revisions.slice(0, count));
  }
  return newest;
}

// arn:aws:lambda:us-east-1:123456789012:function:name[:qualifier]
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html, "Function resources")
function functionNameOf(arn: string | undefined): string | undefined {
  return arn?.split(':')[6];
}

function qualifierOf(arn: string | undefined): string | undefined {
  return arn?.split(':')[7];
}
