import {
  type Container,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type Failure,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  type Service,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { EcsCluster, EcsService, EcsState, EcsTask, EcsTaskDefinition } from '../model/ecs';
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
