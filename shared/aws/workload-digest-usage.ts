import {
  DescribeTasksCommand,
  type ECSClient,
  paginateListClusters,
  paginateListTasks,
  type Task,
} from '@aws-sdk/client-ecs';
import { GetFunctionCommand, type LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';
import {
  type LambdaFunction,
  listWorkloadImageUses,
  resolveImagesInUse,
  type Workloads,
} from '../cleanup/workload-images';
import type { DigestUsagePort, GuardLogger } from '../immutability/ports';
import { ecsClient } from './ecs-client';
import { lambdaClient } from './lambda-client';

/**
 * "Is the image a tag moved away from still running?" for the Tag Moved event: running ECS tasks (the
 * digest each container runs) and Lambda function versions (the digest Lambda resolved), read once per
 * minute at most, then matched with the cleanup feature's in-use rules (shared/cleanup/workload-images.ts).
 *
 * This is deliberately the small picture: what runs now. Services' task definitions and the newest
 * revisions (which cleanup also keeps, see ./workload-inventory.ts) say what may run again, not what
 * runs, and would cost the guard's role the ECS task-definition and Lambda alias reads.
 */

// ListClusters and ListTasks: maxResults 1-100; DescribeTasks: at most 100 tasks a call.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
const ECS_PAGE = 100;
const DESCRIBE_TASKS_BATCH = 100;
// ListFunctions: MaxItems 1-10,000, but at most 50 functions come back a page.
// https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
const LAMBDA_PAGE = 50;
const CACHE_MILLISECONDS = 60_000;

export interface WorkloadDigestUsageSettings {
  account: string;
  region: string;
  logger: GuardLogger;
  ecs?: ECSClient;
  lambda?: LambdaClient;
  now?: () => number;
}

export function createWorkloadDigestUsage(settings: WorkloadDigestUsageSettings): DigestUsagePort {
  const ecs = settings.ecs ?? ecsClient;
  const lambda = settings.lambda ?? lambdaClient;
  const now = settings.now ?? Date.now;
  let cached: { at: number; workloads: Promise<Workloads> } | undefined;

  async function runningTasks(): Promise<Task[]> {
    const tasks: Task[] = [];
    for await (const clusters of paginateListClusters({ client: ecs, pageSize: ECS_PAGE }, {})) {
      for (const cluster of clusters.clusterArns ?? []) {
        // ListTasks lists RUNNING tasks unless desiredStatus says otherwise.
        for await (const page of paginateListTasks({ client: ecs, pageSize: ECS_PAGE }, { cluster })) {
          const arns = page.taskArns ?? [];
          for (let start = 0; start < arns.length; start += DESCRIBE_TASKS_BATCH) {
            const output = await ecs.send(
              new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + DESCRIBE_TASKS_BATCH) }),
            );
            tasks.push(...(output.tasks ?? []));
          }
        }
      }
    }
    return tasks;
  }

  async function imageFunctions(): Promise<LambdaFunction[]> {
    const functions: LambdaFunction[] = [];
    const pages = paginateListFunctions(
      { client: lambda, pageSize: LAMBDA_PAGE },
      { FunctionVersion: 'ALL' },
    );
    for await (const page of pages) {
      for (const configuration of page.Functions ?? []) {
        if (configuration.PackageType !== 'Image' || configuration.FunctionName === undefined) continue;
        const output = await lambda.send(
          new GetFunctionCommand({
            FunctionName: configuration.FunctionName,
            Qualifier: configuration.Version,
          }),
        );
        functions.push({
          Configuration: {
            ...(output.Configuration?.FunctionName === undefined
              ? {}
              : { FunctionName: output.Configuration.FunctionName }),
            ...(output.Configuration?.FunctionArn === undefined
              ? {}
              : { FunctionArn: output.Configuration.FunctionArn }),
            ...(output.Configuration?.Version === undefined ? {} : { Version: output.Configuration.Version }),
          },
          Code: {
            ...(output.Code?.ImageUri === undefined ? {} : { ImageUri: output.Code.ImageUri }),
            ...(output.Code?.ResolvedImageUri === undefined
              ? {}
              : { ResolvedImageUri: output.Code.ResolvedImageUri }),
          },
        });
      }
    }
    return functions;
  }

  function workloads(): Promise<Workloads> {
    if (cached === undefined || now() - cached.at > CACHE_MILLISECONDS) {
      const loading = Promise.all([runningTasks(), imageFunctions()]).then(([tasks, functions]) => ({
        ecs: { tasks: tasks.map(toEcsTask), services: [], taskDefinitions: [] },
        lambda: { functions },
      }));
      cached = { at: now(), workloads: loading };
      loading.catch(() => {
        cached = undefined;
      });
    }
    return cached.workloads;
  }

  return {
    async isInUse(repositoryName, digest) {
      try {
        const { uses } = listWorkloadImageUses(await workloads(), { taskDefinitionRevisions: 0 });
        const inUse = resolveImagesInUse(
          uses,
          { registryId: settings.account, region: settings.region, repositoryName },
          [{ imageDigest: digest, imageTags: [] }],
        );
        return inUse.has(digest);
      } catch (error) {
        settings.logger.warn('in-use lookup failed: previousDigestInUse is unknown', {
          repositoryName,
          error: `${(error as Error).name}: ${(error as Error).message}`,
        });
        return null;
      }
    },
  };
}

function toEcsTask(task: Task) {
  return {
    ...(task.taskArn === undefined ? {} : { taskArn: task.taskArn }),
    ...(task.clusterArn === undefined ? {} : { clusterArn: task.clusterArn }),
    ...(task.group === undefined ? {} : { group: task.group }),
    ...(task.lastStatus === undefined ? {} : { lastStatus: task.lastStatus }),
    containers: (task.containers ?? []).map((container) => ({
      ...(container.name === undefined ? {} : { name: container.name }),
      ...(container.image === undefined ? {} : { image: container.image }),
      ...(container.imageDigest === undefined ? {} : { imageDigest: container.imageDigest }),
    })),
  };
}
