import {
  type Container,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type Failure,
  ListClustersCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  type Service,
  type ServiceDeploymentBrief,
  type ServiceRevision,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import {
  type EcsCluster,
  type EcsService,
  type EcsServiceDeployment,
  type EcsServiceRevision,
  type EcsState,
  type EcsTask,
  type EcsTaskDefinition,
  SERVICE_REVISIONS_DESCRIBABLE_FROM,
} from '../model/ecs';
import { type PageLimits, paginate } from '../model/pagination';
import { serviceError } from '../model/simulated-error';
import { type CallContext, defineRoute, type Route } from './route';

// ECS list operations take maxResults 1-100; ListServices answers 10 by default, the others 100.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html
const ECS_PAGE: PageLimits = { min: 1, max: 100, default: 100, errorCode: 'InvalidParameterException' };
const LIST_SERVICES_PAGE: PageLimits = { ...ECS_PAGE, default: 10 };
// DescribeServices takes up to 10 services, DescribeTasks up to 100 tasks.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
const MAX_DESCRIBE_SERVICES = 10;
const MAX_DESCRIBE_TASKS = 100;
// ListServiceDeployments: maxResults 1-100, "If this parameter isn't used, then ListServiceDeployments
// returns up to 20 results"; DescribeServiceRevisions: "You can specify a maximum of 20 ARNs."
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceRevisions.html
const LIST_SERVICE_DEPLOYMENTS_PAGE: PageLimits = { ...ECS_PAGE, default: 20 };
const MAX_DESCRIBE_SERVICE_REVISIONS = 20;

const ecsOf = (context: CallContext): EcsState => context.world.ecs(context.accountId, context.region);
const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function runningTasks(cluster: EcsCluster, service: EcsService): EcsTask[] {
  return [...cluster.tasks.values()].filter(
    (task) => task.group === `service:${service.serviceName}` && task.lastStatus === 'RUNNING',
  );
}

function serviceShape(cluster: EcsCluster, service: EcsService): Service {
  const running = runningTasks(cluster, service);
  return {
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    clusterArn: service.clusterArn,
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: running.length,
    pendingCount: 0,
    launchType: service.launchType,
    taskDefinition: service.taskDefinition,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdAt: new Date(service.createdAt),
    ...currentRevisionsShape(service),
    deployments: service.deployments.map((deployment) => ({
      id: deployment.id,
      status: deployment.status,
      taskDefinition: deployment.taskDefinition,
      desiredCount: deployment.desiredCount,
      pendingCount: deployment.pendingCount,
      runningCount: running.filter((task) => task.startedBy === deployment.id).length,
      failedTasks: 0,
      createdAt: new Date(deployment.createdAt),
      updatedAt: new Date(deployment.updatedAt),
      launchType: deployment.launchType,
      rolloutState: deployment.rolloutState,
    })),
  };
}

/**
 * What describe-services says of a service's revisions: its current service deployment (the newest)
 * and the revisions its deployments run. A service loaded from a sample has neither, as a service
 * not deployed since ECS began keeping revisions.
 */
function currentRevisionsShape(
  service: EcsService,
): Pick<Service, 'currentServiceDeployment' | 'currentServiceRevisions'> {
  const current = service.serviceDeployments.at(-1);
  if (current === undefined) return {};
  const revisions = service.deployments.flatMap((deployment) =>
    deployment.serviceRevisionArn === undefined
      ? []
      : [
          {
            arn: deployment.serviceRevisionArn,
            requestedTaskCount: deployment.desiredCount,
            runningTaskCount: deployment.runningCount,
            pendingTaskCount: deployment.pendingCount,
          },
        ],
  );
  return { currentServiceDeployment: current.serviceDeploymentArn, currentServiceRevisions: revisions };
}

function serviceDeploymentShape(deployment: EcsServiceDeployment): ServiceDeploymentBrief {
  return compact({
    serviceDeploymentArn: deployment.serviceDeploymentArn,
    serviceArn: deployment.serviceArn,
    clusterArn: deployment.clusterArn,
    status: deployment.status,
    targetServiceRevisionArn: deployment.targetServiceRevisionArn,
    createdAt: new Date(deployment.createdAt),
    startedAt: new Date(deployment.startedAt),
    finishedAt: date(deployment.finishedAt),
  });
}

function serviceRevisionShape(revision: EcsServiceRevision): ServiceRevision {
  return {
    serviceRevisionArn: revision.serviceRevisionArn,
    serviceArn: revision.serviceArn,
    clusterArn: revision.clusterArn,
    taskDefinition: revision.taskDefinition,
    launchType: revision.launchType,
    containerImages: revision.containerImages.map((image) => compact({ ...image })),
    createdAt: new Date(revision.createdAt),
  };
}

/** Newest first (ECS documents no order; the reader must not depend on one). */
const serviceDeploymentCursor = (deployment: EcsServiceDeployment) =>
  `${String(deployment.createdAt).padStart(15, '0')}|${deployment.serviceDeploymentArn}`;

function taskShape(task: EcsTask): Task {
  return compact({
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    group: task.group,
    startedBy: task.startedBy,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    launchType: task.launchType,
    createdAt: new Date(task.createdAt),
    startedAt: date(task.startedAt),
    stoppedAt: date(task.stoppedAt),
    containers: task.containers.map(
      (container): Container =>
        compact({
          containerArn: container.containerArn,
          taskArn: task.taskArn,
          name: container.name,
          image: container.image,
          imageDigest: container.imageDigest,
          lastStatus: container.lastStatus,
        }),
    ),
  });
}

function taskDefinitionShape(definition: EcsTaskDefinition): TaskDefinition {
  return compact({
    taskDefinitionArn: definition.taskDefinitionArn,
    family: definition.family,
    revision: definition.revision,
    status: definition.status,
    containerDefinitions: definition.containerDefinitions.map((c) => ({ ...c })),
    registeredAt: new Date(definition.registeredAt),
    deregisteredAt: date(definition.deregisteredAt),
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    networkMode: 'awsvpc',
  });
}

/** `family:revision` sorts by family name, then numerically by revision. */
const taskDefinitionCursor = (d: EcsTaskDefinition) =>
  `${d.family}\u0000${String(d.revision).padStart(10, '0')}`;

export const ecsRoutes: readonly Route[] = [
  defineRoute('ecs', ListClustersCommand, 'ListClusters', (input, context) => {
    const ecs = ecsOf(context);
    const clusters = [...ecs.clusters.values()].sort((a, b) => (a.clusterName < b.clusterName ? -1 : 1));
    const page = paginate(clusters, input, {
      scope: `ListClusters|${ecs.accountId}|${ecs.region}`,
      limits: ECS_PAGE,
      cursorOf: (cluster) => cluster.clusterName,
    });
    return compact({ clusterArns: page.items.map((c) => c.clusterArn), nextToken: page.nextToken });
  }),

  defineRoute('ecs', ListServicesCommand, 'ListServices', (input, context) => {
    const cluster = ecsOf(context).cluster(input.cluster);
    const services = [...cluster.services.values()]
      .filter((s) => input.launchType === undefined || s.launchType === input.launchType)
      // Every simulated service uses the REPLICA scheduling strategy.
      .filter(() => input.schedulingStrategy === undefined || input.schedulingStrategy === 'REPLICA')
      .sort((a, b) => (a.serviceName < b.serviceName ? -1 : 1));
    const page = paginate(services, input, {
      scope: `ListServices|${cluster.clusterArn}|${input.launchType ?? ''}|${input.schedulingStrategy ?? ''}`,
      limits: LIST_SERVICES_PAGE,
      cursorOf: (service) => service.serviceName,
    });
    return compact({ serviceArns: page.items.map((s) => s.serviceArn), nextToken: page.nextToken });
  }),

  /** Unknown services are failures with reason MISSING, not an exception. */
  defineRoute('ecs', DescribeServicesCommand, 'DescribeServices', (input, context) => {
    const ecs = ecsOf(context);
    const cluster = ecs.cluster(input.cluster);
    const names = input.services ?? [];
    if (names.length < 1 || names.length > MAX_DESCRIBE_SERVICES) {
      throw serviceError(
        'InvalidParameterException',
        `services can have between 1 and ${MAX_DESCRIBE_SERVICES} entries`,
      );
    }
    const services: Service[] = [];
    const failures: Failure[] = [];
    for (const reference of names) {
      const name = reference.startsWith('arn:') ? (reference.split('/').at(-1) ?? '') : reference;
      const service = cluster.services.get(name);
      if (service === undefined) {
        failures.push({
          arn: reference.startsWith('arn:')
            ? reference
            : `arn:aws:ecs:${ecs.region}:${ecs.accountId}:service/${cluster.clusterName}/${reference}`,
          reason: 'MISSING',
        });
      } else {
        services.push(serviceShape(cluster, service));
      }
    }
    return { services, failures };
  }),

  /**
   * ListServiceDeployments: `service` is required (name or ARN) in `cluster` (default `default`); an
   * optional `status` list and `createdAt` {before, after} narrow the result; a service that does
   * not exist is ServiceNotFoundException.
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html
   */
  defineRoute('ecs', ListServiceDeploymentsCommand, 'ListServiceDeployments', (input, context) => {
    if (input.service === undefined || input.service === '') {
      throw serviceError('InvalidParameterException', 'service must be specified');
    }
    const ecs = ecsOf(context);
    const service = ecs.service(input.cluster ?? 'default', input.service);
    const statuses =
      input.status === undefined || input.status.length === 0 ? undefined : new Set<string>(input.status);
    const before = input.createdAt?.before?.getTime();
    const after = input.createdAt?.after?.getTime();
    const deployments = service.serviceDeployments
      .filter((deployment) => statuses === undefined || statuses.has(deployment.status))
      .filter((deployment) => before === undefined || deployment.createdAt < before)
      .filter((deployment) => after === undefined || deployment.createdAt > after)
      .sort((a, b) => (serviceDeploymentCursor(a) < serviceDeploymentCursor(b) ? 1 : -1));
    const page = paginate(deployments, input, {
      scope: `ListServiceDeployments|${service.serviceArn}|${[...(statuses ?? [])].sort().join(',')}|${before ?? ''}|${after ?? ''}`,
      limits: LIST_SERVICE_DEPLOYMENTS_PAGE,
      cursorOf: serviceDeploymentCursor,
      order: 'desc',
    });
    return compact({ serviceDeployments: page.items.map(serviceDeploymentShape), nextToken: page.nextToken });
  }),

  /**
   * DescribeServiceRevisions: 1 to 20 ARNs. An unknown revision, or one created before 2024-10-25
   * ("You can't describe a service revision that was created before October 25, 2024"), is a
   * failure with reason MISSING, not an exception.
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceRevisions.html
   */
  defineRoute('ecs', DescribeServiceRevisionsCommand, 'DescribeServiceRevisions', (input, context) => {
    const arns = input.serviceRevisionArns ?? [];
    if (arns.length < 1 || arns.length > MAX_DESCRIBE_SERVICE_REVISIONS) {
      throw serviceError(
        'InvalidParameterException',
        `serviceRevisionArns can have between 1 and ${MAX_DESCRIBE_SERVICE_REVISIONS} entries`,
      );
    }
    const ecs = ecsOf(context);
    const serviceRevisions: ServiceRevision[] = [];
    const failures: Failure[] = [];
    for (const arn of arns) {
      const revision = ecs.serviceRevisions.get(arn);
      if (revision === undefined || revision.createdAt < SERVICE_REVISIONS_DESCRIBABLE_FROM) {
        failures.push({ arn, reason: 'MISSING' });
      } else {
        serviceRevisions.push(serviceRevisionShape(revision));
      }
    }
    return { serviceRevisions, failures };
  }),

  /**
   * ListTasks: RUNNING tasks by default; `startedBy` "must be the only filter that you use".
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
   */
  defineRoute('ecs', ListTasksCommand, 'ListTasks', (input, context) => {
    const cluster = ecsOf(context).cluster(input.cluster);
    if (
      input.startedBy !== undefined &&
      (input.serviceName !== undefined || input.family !== undefined || input.containerInstance !== undefined)
    ) {
      throw serviceError('InvalidParameterException', 'startedBy must be the only filter when it is used');
    }
    if (input.serviceName !== undefined && !cluster.services.has(input.serviceName)) {
      throw serviceError('ServiceNotFoundException', 'Service not found.');
    }
    const desired = input.desiredStatus ?? 'RUNNING';
    const tasks = [...cluster.tasks.values()]
      .filter((task) => task.desiredStatus === desired)
      .filter((task) => input.serviceName === undefined || task.group === `service:${input.serviceName}`)
      .filter(
        (task) =>
          input.family === undefined || task.taskDefinitionArn.includes(`:task-definition/${input.family}:`),
      )
      .filter((task) => input.startedBy === undefined || task.startedBy === input.startedBy)
      .filter((task) => input.launchType === undefined || task.launchType === input.launchType)
      .sort((a, b) => (a.taskArn < b.taskArn ? -1 : 1));
    const page = paginate(tasks, input, {
      scope: `ListTasks|${cluster.clusterArn}|${desired}|${input.serviceName ?? ''}|${input.family ?? ''}|${input.startedBy ?? ''}|${input.launchType ?? ''}`,
      limits: ECS_PAGE,
      cursorOf: (task) => task.taskArn,
    });
    return compact({ taskArns: page.items.map((t) => t.taskArn), nextToken: page.nextToken });
  }),

  defineRoute('ecs', DescribeTasksCommand, 'DescribeTasks', (input, context) => {
    const cluster = ecsOf(context).cluster(input.cluster);
    const references = input.tasks ?? [];
    if (references.length < 1 || references.length > MAX_DESCRIBE_TASKS) {
      throw serviceError(
        'InvalidParameterException',
        `tasks can have between 1 and ${MAX_DESCRIBE_TASKS} entries`,
      );
    }
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (const reference of references) {
      const task = [...cluster.tasks.values()].find(
        (t) => t.taskArn === reference || t.taskArn.endsWith(`/${reference}`),
      );
      if (task === undefined) failures.push({ arn: reference, reason: 'MISSING' });
      else tasks.push(taskShape(task));
    }
    return { tasks, failures };
  }),

  /**
   * ListTaskDefinitions: `familyPrefix` is "the full family name"; ACTIVE revisions by default;
   * sorted by family, then revision (DESC reverses both).
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html
   */
  defineRoute('ecs', ListTaskDefinitionsCommand, 'ListTaskDefinitions', (input, context) => {
    const ecs = ecsOf(context);
    const status = input.status ?? 'ACTIVE';
    const order = input.sort === 'DESC' ? 'desc' : 'asc';
    const definitions = ecs
      .allTaskDefinitions()
      .filter((d) => d.status === status)
      .filter((d) => input.familyPrefix === undefined || d.family === input.familyPrefix)
      .sort((a, b) => {
        const ka = taskDefinitionCursor(a);
        const kb = taskDefinitionCursor(b);
        return (ka < kb ? -1 : ka > kb ? 1 : 0) * (order === 'asc' ? 1 : -1);
      });
    const page = paginate(definitions, input, {
      scope: `ListTaskDefinitions|${ecs.accountId}|${ecs.region}|${status}|${order}|${input.familyPrefix ?? ''}`,
      limits: ECS_PAGE,
      cursorOf: taskDefinitionCursor,
      order,
    });
    return compact({
      taskDefinitionArns: page.items.map((d) => d.taskDefinitionArn),
      nextToken: page.nextToken,
    });
  }),

  /**
   * Families, filtered by a real prefix here; ACTIVE families by default (status ALL for every one).
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitionFamilies.html
   */
  defineRoute('ecs', ListTaskDefinitionFamiliesCommand, 'ListTaskDefinitionFamilies', (input, context) => {
    const ecs = ecsOf(context);
    const status = input.status ?? 'ACTIVE';
    const families = [...ecs.taskDefinitions.entries()]
      .filter(([family]) => input.familyPrefix === undefined || family.startsWith(input.familyPrefix))
      .filter(([, revisions]) =>
        status === 'ALL'
          ? true
          : status === 'ACTIVE'
            ? revisions.some((d) => d.status === 'ACTIVE')
            : revisions.every((d) => d.status !== 'ACTIVE'),
      )
      .map(([family]) => family)
      .sort();
    const page = paginate(families, input, {
      scope: `ListTaskDefinitionFamilies|${ecs.accountId}|${ecs.region}|${status}|${input.familyPrefix ?? ''}`,
      limits: ECS_PAGE,
      cursorOf: (family) => family,
    });
    return compact({ families: page.items, nextToken: page.nextToken });
  }),

  defineRoute('ecs', DescribeTaskDefinitionCommand, 'DescribeTaskDefinition', (input, context) => {
    const definition = ecsOf(context).taskDefinition(input.taskDefinition ?? '');
    return { taskDefinition: taskDefinitionShape(definition), tags: [] };
  }),
];
