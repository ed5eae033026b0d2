import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  paginateListServices,
  paginateListTaskDefinitions,
  type Service,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import {
  type FunctionConfiguration,
  type LambdaClient,
  paginateListAliases,
  paginateListVersionsByFunction,
} from '@aws-sdk/client-lambda';
import type { WorkloadSource } from '../cleanup/cleanup-ports';
import type { LambdaFunction, Workloads } from '../cleanup/workload-images';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { ecsClient } from './ecs-client';
import { readServiceRevisions } from './ecs-service-revisions';
import { lambdaClient } from './lambda-client';
import {
  chunk,
  describeRunningTasks,
  ECS_PAGE_SIZE,
  LAMBDA_PAGE_SIZE,
  listClusterArns,
  listImageFunctions,
  readFunctionImage,
} from './workload-reads';

// ListServices answers 10 by default (ECS_PAGE_SIZE asks for 100); DescribeServices takes at most 10
// services a call.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
const DESCRIBE_SERVICES_MAX = 10;

export interface WorkloadInventorySettings {
  ecs?: ECSClient;
  lambda?: LambdaClient;
  /** `cleanup.protect.taskDefinitionRevisions`: how many newest ACTIVE revisions of each family to read. */
  taskDefinitionRevisions: number;
  /** Describe/Get calls in flight at once (default 4): bounds the ECS and Lambda API rate. */
  concurrency?: number;
}

/**
 * The in-use picture of the account and region the clients are in, read from ECS and Lambda in the
 * shapes shared/cleanup/workload-images.ts reads (those of the AWS CLI's output):
 *
 * - ECS: every cluster (ListClusters); in each, every service (ListServices, DescribeServices ≤10) and
 *   every task whose desired status is RUNNING (ListTasks, DescribeTasks ≤100: pending and running
 *   tasks, with the digest each container resolved); the task definitions the services' deployments
 *   name, and the newest `taskDefinitionRevisions` ACTIVE revisions of every family
 *   (ListTaskDefinitions newest first, DescribeTaskDefinition); each service's revisions that ECS may
 *   start tasks on, with the digests it resolved at their deployment (ListServiceDeployments,
 *   DescribeServiceRevisions ≤20: ./ecs-service-revisions.ts).
 * - Lambda: every image function (ListFunctions, PackageType Image); every version of it
 *   (ListVersionsByFunction) read with GetFunction for Code.ResolvedImageUri, the digest Lambda runs;
 *   every alias (ListAliases) as the version it points to (weighted routing points at versions that
 *   are read anyway).
 *
 * Every listing is paginated to the end. A failure (AccessDenied, throttling after the SDK's retries)
 * fails the whole read: cleanup never runs on a partial in-use picture.
 */
/** The in-use picture's two halves, each readable alone (one in-use source each, shared/inuse/in-use-sources.ts). */
export interface WorkloadInventory extends WorkloadSource {
  readEcs(): Promise<Workloads['ecs']>;
  readLambda(): Promise<Workloads['lambda']>;
}

export function createWorkloadInventory(settings: WorkloadInventorySettings): WorkloadInventory {
  const ecs = settings.ecs ?? ecsClient;
  const lambda = settings.lambda ?? lambdaClient;
  const concurrency = settings.concurrency ?? 4;

  async function readEcs(): Promise<Workloads['ecs']> {
    const services: Service[] = [];
    const tasks: Task[] = [];
    for (const cluster of await listClusterArns(ecs)) {
      const serviceArns: string[] = [];
      for await (const page of paginateListServices({ client: ecs, pageSize: ECS_PAGE_SIZE }, { cluster })) {
        serviceArns.push(...(page.serviceArns ?? []));
      }
      const described = await mapWithConcurrency(
        chunk(serviceArns, DESCRIBE_SERVICES_MAX),
        concurrency,
        async (batch) =>
          (await ecs.send(new DescribeServicesCommand({ cluster, services: batch }))).services ?? [],
      );
      services.push(...described.flat());
      tasks.push(...(await describeRunningTasks(ecs, cluster, concurrency)));
    }

    const wanted = new Set<string>();
    for (const service of services) {
      if (service.taskDefinition !== undefined) wanted.add(service.taskDefinition);
      for (const deployment of service.deployments ?? []) {
        if (deployment.taskDefinition !== undefined) wanted.add(deployment.taskDefinition);
      }
    }
    for (const arn of await newestRevisions(settings.taskDefinitionRevisions)) wanted.add(arn);
    const taskDefinitions = await mapWithConcurrency(
      [...wanted].sort(),
      concurrency,
      async (taskDefinition) =>
        (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))).taskDefinition,
    );
    const revisions = await readServiceRevisions(ecs, services, concurrency);
    return {
      tasks,
      services,
      taskDefinitions: taskDefinitions.filter(
        (definition): definition is TaskDefinition & { family: string; revision: number } =>
          definition?.family !== undefined && definition.revision !== undefined,
      ),
      // Only what was found: a registry without service revisions snapshots as it did before they were read.
      ...Object.fromEntries(Object.entries(revisions).filter(([, found]) => found.length > 0)),
    };
  }

  /**
   * ARNs of the newest `count` ACTIVE revisions of each family. The listing is asked newest first
   * (DESC orders by family, then revision, both descending:
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html), but the
   * revisions are chosen by their numbers, not by the order they arrive in: an endpoint that ignores
   * `sort` (moto does) must not make an older revision pass for the newest and leave the newest
   * one's images unprotected. Every page is read either way.
   */
  async function newestRevisions(count: number): Promise<string[]> {
    if (count <= 0) return [];
    const byFamily = new Map<string, { arn: string; revision: number }[]>();
    for await (const page of paginateListTaskDefinitions(
      { client: ecs, pageSize: ECS_PAGE_SIZE },
      { status: 'ACTIVE', sort: 'DESC' },
    )) {
      for (const arn of page.taskDefinitionArns ?? []) {
        const family = familyOf(arn);
        const revisions = byFamily.get(family) ?? [];
        revisions.push({ arn, revision: revisionOf(arn) });
        byFamily.set(family, revisions);
      }
    }
    return [...byFamily.values()].flatMap((revisions) =>
      revisions
        .sort((a, b) => b.revision - a.revision)
        .slice(0, count)
        .map(({ arn }) => arn),
    );
  }

  async function readLambda(): Promise<Workloads['lambda']> {
    const imageFunctions = await listImageFunctions(lambda, {});
    const perFunction = await mapWithConcurrency(imageFunctions, concurrency, readFunction);
    return { functions: perFunction.flat() };
  }

  async function readFunction(fn: FunctionConfiguration): Promise<LambdaFunction[]> {
    const name = fn.FunctionName as string;
    const versions: string[] = [];
    for await (const page of paginateListVersionsByFunction(
      { client: lambda, pageSize: LAMBDA_PAGE_SIZE },
      { FunctionName: name },
    )) {
      for (const version of page.Versions ?? [])
        if (version.Version !== undefined) versions.push(version.Version);
    }
    const aliases: { name: string; version: string; arn?: string | undefined }[] = [];
    for await (const page of paginateListAliases(
      { client: lambda, pageSize: LAMBDA_PAGE_SIZE },
      { FunctionName: name },
    )) {
      for (const alias of page.Aliases ?? []) {
        if (alias.Name !== undefined && alias.FunctionVersion !== undefined) {
          aliases.push({ name: alias.Name, version: alias.FunctionVersion, arn: alias.AliasArn });
        }
      }
    }
    const outputs = await mapWithConcurrency(versions, concurrency, (version) =>
      readFunctionImage(lambda, name, version),
    );
    const byVersion = new Map<string, LambdaFunction>();
    versions.forEach((version, i) => {
      byVersion.set(version, outputs[i] as LambdaFunction);
    });
    const entries = [...byVersion.values()];
    for (const alias of aliases) {
      const target = byVersion.get(alias.version);
      if (target === undefined) continue;
      const unqualified = fn.FunctionArn ?? '';
      entries.push({
        Configuration: { ...target.Configuration, FunctionArn: alias.arn ?? `${unqualified}:${alias.name}` },
        ...(target.Code === undefined ? {} : { Code: target.Code }),
      });
    }
    return entries;
  }

  return {
    async readWorkloads() {
      const [ecsWorkloads, lambdaWorkloads] = await Promise.all([readEcs(), readLambda()]);
      return { ecs: ecsWorkloads, lambda: lambdaWorkloads };
    },
    readEcs,
    readLambda,
  };
}

/** `arn:aws:ecs:us-east-1:123456789012:task-definition/payments-api:4` → 4; without one, -1 (sorts last). */
function revisionOf(taskDefinitionArn: string): number {
  const revision = Number(taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf(':') + 1));
  return Number.isInteger(revision) ? revision : -1;
}

/** `arn:aws:ecs:us-east-1:123456789012:task-definition/payments-api:4` → `payments-api`. */

function familyOf(taskDefinitionArn: string): string {
  const name = taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}
