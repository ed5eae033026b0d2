import type { RandomSource } from './seeded-random';
import { serviceError } from './simulated-error';

/**
 * The slice of Amazon ECS that tells which images are in use: clusters, services with their
 * deployments, tasks with the digest each container runs, and task definition revisions.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html
 */
export type TaskDefinitionStatus = 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
export type LaunchType = 'FARGATE' | 'EC2' | 'EXTERNAL';

export interface EcsContainerDefinition {
  name: string;
  image: string;
  essential?: boolean;
}

export interface EcsTaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: TaskDefinitionStatus;
  containerDefinitions: EcsContainerDefinition[];
  registeredAt: number;
  deregisteredAt: number | undefined;
}

export interface EcsDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  /**
   * The service revision ECS created for it (what describe-services lists in currentServiceRevisions);
   * undefined for a deployment loaded from a sample, which records none (as a service not deployed
   * since ECS began keeping revisions on 2024-10-25).
   */
  serviceRevisionArn: string | undefined;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  rolloutState: 'COMPLETED' | 'IN_PROGRESS' | 'FAILED';
  launchType: LaunchType;
  createdAt: number;
  updatedAt: number;
}

export interface EcsService {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  launchType: LaunchType;
  createdAt: number;
  deployments: EcsDeployment[];
  /** Every service deployment, oldest first (ListServiceDeployments). */
  serviceDeployments: EcsServiceDeployment[];
}

/**
 * A service revision: the configuration ECS deploys, with the digest each container image resolved to
 * when it was created. "A service revision is immutable": a tag moved later does not change it.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-revision.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRevision.html
 */
export interface EcsServiceRevision {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  launchType: LaunchType;
  containerImages: { containerName: string; image: string; imageDigest: string | undefined }[];
  createdAt: number;
}

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'IN_PROGRESS'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html */
export interface EcsServiceDeployment {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  status: ServiceDeploymentStatus;
  targetServiceRevisionArn: string;
  /** The revisions running when it started: what a rollback returns to. */
  sourceServiceRevisionArns: string[];
  createdAt: number;
  startedAt: number;
  finishedAt: number | undefined;
}

/** "You can't describe a service revision that was created before October 25, 2024." (DescribeServiceRevisions) */
export const SERVICE_REVISIONS_DESCRIBABLE_FROM = Date.UTC(2024, 9, 25);

export interface EcsContainer {
  containerArn: string;
  name: string;
  image: string;
  /** The digest ECS resolved the image to when the task started; absent when it could not. */
  imageDigest: string | undefined;
  lastStatus: 'RUNNING' | 'STOPPED' | 'PENDING';
}

export interface EcsTask {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy: string | undefined;
  lastStatus: 'RUNNING' | 'STOPPED' | 'PENDING';
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType: LaunchType;
  createdAt: number;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  containers: EcsContainer[];
}

export interface EcsCluster {
  clusterArn: string;
  clusterName: string;
  services: Map<string, EcsService>;
  tasks: Map<string, EcsTask>;
}

/** Resolves an image reference to the digest ECS would record (a lookup in the simulated ECR). */
export type ImageResolver = (image: string) => string | undefined;

export class EcsState {
  readonly clusters = new Map<string, EcsCluster>();
  /** family → revisions in order. */
  readonly taskDefinitions = new Map<string, EcsTaskDefinition[]>();
  /** Every service revision by ARN (immutable once created). */
  readonly serviceRevisions = new Map<string, EcsServiceRevision>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    private readonly random: RandomSource,
  ) {}

  private arn(resource: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:${resource}`;
  }

  addCluster(clusterName: string): EcsCluster {
    const existing = this.clusters.get(clusterName);
    if (existing !== undefined) return existing;
    const cluster: EcsCluster = {
      clusterArn: this.arn(`cluster/${clusterName}`),
      clusterName,
      services: new Map(),
      tasks: new Map(),
    };
    this.clusters.set(clusterName, cluster);
    return cluster;
  }

  /** A cluster by short name or ARN; "If you do not specify a cluster, the default cluster is assumed." */
  cluster(reference: string | undefined): EcsCluster {
    const name = lastSegment(reference ?? 'default', 'cluster/');
    const cluster = this.clusters.get(name);
    if (cluster === undefined) throw serviceError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  registerTaskDefinition(input: {
    family: string;
    containerDefinitions: readonly EcsContainerDefinition[];
    registeredAt: number;
  }): EcsTaskDefinition {
    const revisions = this.taskDefinitions.get(input.family) ?? [];
    const revision = (revisions[revisions.length - 1]?.revision ?? 0) + 1;
    const definition: EcsTaskDefinition = {
      taskDefinitionArn: this.arn(`task-definition/${input.family}:${revision}`),
      family: input.family,
      revision,
      status: 'ACTIVE',
      containerDefinitions: input.containerDefinitions.map((c) => ({ ...c })),
      registeredAt: input.registeredAt,
      deregisteredAt: undefined,
    };
    revisions.push(definition);
    this.taskDefinitions.set(input.family, revisions);
    return definition;
  }

  deregisterTaskDefinition(reference: string, at: number): EcsTaskDefinition {
    const definition = this.taskDefinition(reference);
    definition.status = 'INACTIVE';
    definition.deregisteredAt = at;
    return definition;
  }

  /**
   * A task definition by `family` (its latest ACTIVE revision), `family:revision` or ARN, as
   * DescribeTaskDefinition takes it.
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
   */
  taskDefinition(reference: string): EcsTaskDefinition {
    const familyRevision = lastSegment(reference, 'task-definition/');
    const [family = '', revisionText] = familyRevision.split(':');
    const revisions = this.taskDefinitions.get(family) ?? [];
    const found =
      revisionText === undefined
        ? revisions.filter((d) => d.status === 'ACTIVE').at(-1)
        : revisions.find((d) => d.revision === Number(revisionText));
    if (found === undefined) throw serviceError('ClientException', 'Unable to describe task definition.');
    return found;
  }

  allTaskDefinitions(): EcsTaskDefinition[] {
    return [...this.taskDefinitions.values()].flat();
  }

  createService(input: {
    cluster: string;
    serviceName: string;
    taskDefinition: string;
    desiredCount: number;
    createdAt: number;
    launchType?: LaunchType;
    /** What each container image resolves to now, recorded in the service revision (default: nothing). */
    resolveImage?: ImageResolver;
  }): EcsService {
    const cluster = this.cluster(input.cluster);
    const definition = this.taskDefinition(input.taskDefinition);
    const launchType = input.launchType ?? 'FARGATE';
    const service: EcsService = {
      serviceArn: this.arn(`service/${cluster.clusterName}/${input.serviceName}`),
      serviceName: input.serviceName,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      taskDefinition: definition.taskDefinitionArn,
      desiredCount: input.desiredCount,
      launchType,
      createdAt: input.createdAt,
      deployments: [],
      serviceDeployments: [],
    };
    const deployment = this.newDeployment(service, definition, input.createdAt, input.resolveImage);
    service.deployments.push(deployment);
    // Creating a service is its first service deployment; it is done once its tasks are placed.
    const first = service.serviceDeployments[0] as EcsServiceDeployment;
    first.status = 'SUCCESSFUL';
    first.finishedAt = input.createdAt;
    cluster.services.set(service.serviceName, service);
    return service;
  }

  /**
   * UpdateService with a new task definition: a new PRIMARY deployment starts and the previous
   * PRIMARY becomes ACTIVE (its tasks still run) until `completeDeployment`.
   */
  deployService(input: {
    cluster: string;
    serviceName: string;
    taskDefinition: string;
    at: number;
    resolveImage?: ImageResolver;
  }): EcsDeployment {
    const service = this.service(input.cluster, input.serviceName);
    const definition = this.taskDefinition(input.taskDefinition);
    for (const deployment of service.deployments) {
      if (deployment.status === 'PRIMARY') {
        deployment.status = 'ACTIVE';
        deployment.updatedAt = input.at;
      }
    }
    const deployment = this.newDeployment(service, definition, input.at, input.resolveImage);
    deployment.rolloutState = 'IN_PROGRESS';
    service.deployments.unshift(deployment);
    service.taskDefinition = definition.taskDefinitionArn;
    return deployment;
  }

  /** The rollout finished: older deployments leave the service's list; its service deployment succeeded. */
  completeDeployment(cluster: string, serviceName: string, at: number): void {
    const service = this.service(cluster, serviceName);
    service.deployments = service.deployments.filter((d) => d.status === 'PRIMARY');
    for (const deployment of service.deployments) {
      deployment.rolloutState = 'COMPLETED';
      deployment.updatedAt = at;
    }
    for (const serviceDeployment of service.serviceDeployments) {
      if (serviceDeployment.status !== 'IN_PROGRESS') continue;
      serviceDeployment.status = 'SUCCESSFUL';
      serviceDeployment.finishedAt = at;
    }
  }

  /** Scales a service (UpdateService desiredCount): no new deployment, no new revision. */
  scaleService(cluster: string, serviceName: string, desiredCount: number): EcsService {
    const service = this.service(cluster, serviceName);
    service.desiredCount = desiredCount;
    for (const deployment of service.deployments) {
      if (deployment.status === 'PRIMARY') deployment.desiredCount = desiredCount;
    }
    return service;
  }

  service(clusterReference: string, serviceReference: string): EcsService {
    const cluster = this.cluster(clusterReference);
    const service = cluster.services.get(lastSegment(serviceReference, '/'));
    if (service === undefined) throw serviceError('ServiceNotFoundException', 'Service not found.');
    return service;
  }

  /**
   * Starts a task; each container's digest is what `resolveImage` gives for its image now (ECS
   * resolves a tag to a digest when the task starts and reports it in `imageDigest`).
   */
  runTask(input: {
    cluster: string;
    taskDefinition: string;
    startedAt: number;
    group?: string;
    startedBy?: string;
    launchType?: LaunchType;
    resolveImage: ImageResolver;
  }): EcsTask {
    const cluster = this.cluster(input.cluster);
    const definition = this.taskDefinition(input.taskDefinition);
    const id = this.hex(32);
    const task: EcsTask = {
      taskArn: this.arn(`task/${cluster.clusterName}/${id}`),
      clusterArn: cluster.clusterArn,
      taskDefinitionArn: definition.taskDefinitionArn,
      group: input.group ?? `family:${definition.family}`,
      startedBy: input.startedBy,
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      launchType: input.launchType ?? 'FARGATE',
      createdAt: input.startedAt,
      startedAt: input.startedAt,
      stoppedAt: undefined,
      containers: definition.containerDefinitions.map((container) => ({
        containerArn: this.arn(`container/${cluster.clusterName}/${id}/${this.uuid()}`),
        name: container.name,
        image: container.image,
        imageDigest: input.resolveImage(container.image),
        lastStatus: 'RUNNING',
      })),
    };
    cluster.tasks.set(task.taskArn, task);
    return task;
  }

  /** Runs `count` tasks of a service's PRIMARY deployment (group `service:<name>`, startedBy the deployment). */
  runServiceTasks(input: {
    cluster: string;
    serviceName: string;
    count: number;
    startedAt: number;
    deploymentId?: string;
    resolveImage: ImageResolver;
  }): EcsTask[] {
    const service = this.service(input.cluster, input.serviceName);
    const deployment =
      service.deployments.find((d) => d.id === input.deploymentId) ??
      service.deployments.find((d) => d.status === 'PRIMARY');
    if (deployment === undefined) throw new Error(`${input.serviceName} has no deployment`);
    const tasks = Array.from({ length: input.count }, () =>
      this.runTask({
        cluster: input.cluster,
        taskDefinition: deployment.taskDefinition,
        startedAt: input.startedAt,
        group: `service:${service.serviceName}`,
        startedBy: deployment.id,
        launchType: service.launchType,
        resolveImage: input.resolveImage,
      }),
    );
    deployment.runningCount += tasks.length;
    return tasks;
  }

  stopTask(clusterReference: string, taskReference: string, at: number): EcsTask {
    const cluster = this.cluster(clusterReference);
    const task = [...cluster.tasks.values()].find(
      (t) => t.taskArn === taskReference || t.taskArn.endsWith(`/${taskReference}`),
    );
    if (task === undefined)
      throw serviceError('InvalidParameterException', 'The referenced task was not found.');
    task.desiredStatus = 'STOPPED';
    task.lastStatus = 'STOPPED';
    task.stoppedAt = at;
    for (const container of task.containers) container.lastStatus = 'STOPPED';
    return task;
  }

  /**
   * A deployment of `definition`, with the service revision and service deployment ECS creates for it:
   * the revision records the digest each container image resolves to now. The ids reuse the
   * deployment's digits, so that the seeded random sequence (and the sample built from it) is as before.
   */
  private newDeployment(
    service: EcsService,
    definition: EcsTaskDefinition,
    at: number,
    resolveImage: ImageResolver = () => undefined,
  ): EcsDeployment {
    let digits = '';
    for (let i = 0; i < 19; i++) digits += Math.floor(this.random() * 10).toString();
    const path = `${lastSegment(service.clusterArn, 'cluster/')}/${service.serviceName}/${digits}`;
    const revision: EcsServiceRevision = {
      serviceRevisionArn: this.arn(`service-revision/${path}`),
      serviceArn: service.serviceArn,
      clusterArn: service.clusterArn,
      taskDefinition: definition.taskDefinitionArn,
      launchType: service.launchType,
      containerImages: definition.containerDefinitions.map((container) => ({
        containerName: container.name,
        image: container.image,
        imageDigest: resolveImage(container.image),
      })),
      createdAt: at,
    };
    this.serviceRevisions.set(revision.serviceRevisionArn, revision);
    service.serviceDeployments.push({
      serviceDeploymentArn: this.arn(`service-deployment/${path}`),
      serviceArn: service.serviceArn,
      clusterArn: service.clusterArn,
      status: 'IN_PROGRESS',
      targetServiceRevisionArn: revision.serviceRevisionArn,
      sourceServiceRevisionArns: service.deployments
        .filter((deployment) => deployment.status !== 'INACTIVE')
        .flatMap((deployment) =>
          deployment.serviceRevisionArn === undefined ? [] : [deployment.serviceRevisionArn],
        ),
      createdAt: at,
      startedAt: at,
      finishedAt: undefined,
    });
    return {
      id: `ecs-svc/${digits}`,
      status: 'PRIMARY',
      taskDefinition: definition.taskDefinitionArn,
      serviceRevisionArn: revision.serviceRevisionArn,
      desiredCount: service.desiredCount,
      runningCount: 0,
      pendingCount: 0,
      rolloutState: 'COMPLETED',
      launchType: service.launchType,
      createdAt: at,
      updatedAt: at,
    };
  }

  private hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += Math.floor(this.random() * 16).toString(16);
    return out;
  }

  private uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** `arn:...:cluster/prod` → `prod`; a short name stays as it is. */
function lastSegment(reference: string, marker: string): string {
  if (!reference.startsWith('arn:')) return reference;
  const at = reference.lastIndexOf(marker);
  return at === -1 ? reference : reference.slice(at + marker.length);
}
