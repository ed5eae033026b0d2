import type { ECSClient, Task } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type LambdaFunction,
  listWorkloadImageUses,
  resolveImagesInUse,
  type Workloads,
} from '../cleanup/workload-images';
import type { DigestUsagePort } from '../immutability/ports';
import type { StructuredLogger } from '../logger';
import { ecsClient } from './ecs-client';
import { lambdaClient } from './lambda-client';
import {
  describeRunningTasks,
  listClusterArns,
  listImageFunctions,
  readFunctionImage,
} from './workload-reads';

/**
 * "Is the image a tag moved away from still running?" for the Tag Moved event: running ECS tasks (the
 * digest each container runs) and Lambda function versions (the digest Lambda resolved), read once per
 * minute at most, then matched with the cleanup feature's in-use rules (shared/cleanup/workload-images.ts).
 *
 * This is deliberately the small picture: what runs now. Services' task definitions and the newest
 * revisions (which cleanup also keeps, see ./workload-inventory.ts) say what may run again, not what
 * runs, and would cost the guard's role the ECS task-definition and Lambda alias reads.
 */

const CACHE_MILLISECONDS = 60_000;

export interface WorkloadDigestUsageSettings {
  account: string;
  region: string;
  logger: StructuredLogger;
  ecs?: ECSClient;
  lambda?: LambdaClient;
  now?: () => number;
}

export function createWorkloadDigestUsage(settings: WorkloadDigestUsageSettings): DigestUsagePort {
  const ecs = settings.ecs ?? ecsClient;
  const lambda = settings.lambda ?? lambdaClient;
  const now = settings.now ?? Date.now;
  let cached: { at: number; workloads: Promise<Workloads> } | undefined;

  // The same reads as the cleanup worker's (./workload-reads.ts), within the role's permissions:
  // ListClusters, ListTasks, DescribeTasks; ListFunctions, GetFunction.
  async function runningTasks(): Promise<Task[]> {
    const tasks: Task[] = [];
    for (const cluster of await listClusterArns(ecs)) {
      tasks.push(...(await describeRunningTasks(ecs, cluster, 1)));
    }
    return tasks;
  }

  async function imageFunctions(): Promise<LambdaFunction[]> {
    const functions: LambdaFunction[] = [];
    // FunctionVersion ALL lists every version, so that the role needs no ListVersionsByFunction.
    for (const configuration of await listImageFunctions(lambda, { FunctionVersion: 'ALL' })) {
      if (configuration.FunctionName === undefined) continue;
      functions.push(await readFunctionImage(lambda, configuration.FunctionName, configuration.Version));
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
