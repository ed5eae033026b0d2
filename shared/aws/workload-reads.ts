import {
  DescribeTasksCommand,
  type ECSClient,
  paginateListClusters,
  paginateListTasks,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  type FunctionConfiguration,
  GetFunctionCommand,
  type GetFunctionCommandOutput,
  type LambdaClient,
  type ListFunctionsCommandInput,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import type { LambdaFunction } from '../cleanup/workload-images';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';

/**
 * The ECS and Lambda reads both in-use readers make: the cleanup worker's whole picture
 * (./workload-inventory.ts) and the repository guard's running-now picture (./workload-digest-usage.ts).
 * Each listing is paginated to the end; each answer keeps the shape shared/cleanup/workload-images.ts
 * reads.
 */

// ECS list operations take maxResults 1-100; DescribeTasks takes at most 100 tasks a call.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
export const ECS_PAGE_SIZE = 100;
const DESCRIBE_TASKS_MAX = 100;
// Lambda list operations return at most 50 items a page.
// https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
export const LAMBDA_PAGE_SIZE = 50;

/** Every cluster of the account and region (ListClusters). */
export async function listClusterArns(ecs: ECSClient): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListClusters({ client: ecs, pageSize: ECS_PAGE_SIZE }, {})) {
    arns.push(...(page.clusterArns ?? []));
  }
  return arns;
}

/**
 * The cluster's tasks whose desired status is RUNNING (ListTasks; pending and running tasks), described
 * with the digest each container resolved (DescribeTasks, `concurrency` calls in flight).
 */
export async function describeRunningTasks(
  ecs: ECSClient,
  cluster: string,
  concurrency: number,
): Promise<Task[]> {
  const taskArns: string[] = [];
  for await (const page of paginateListTasks(
    { client: ecs, pageSize: ECS_PAGE_SIZE },
    { cluster, desiredStatus: 'RUNNING' },
  )) {
    taskArns.push(...(page.taskArns ?? []));
  }
  const described = await mapWithConcurrency(
    chunk(taskArns, DESCRIBE_TASKS_MAX),
    concurrency,
    async (batch) => (await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }))).tasks ?? [],
  );
  return described.flat();
}

/** The image functions (PackageType Image) ListFunctions lists with `input`. */
export async function listImageFunctions(
  lambda: LambdaClient,
  input: ListFunctionsCommandInput,
): Promise<FunctionConfiguration[]> {
  const functions: FunctionConfiguration[] = [];
  for await (const page of paginateListFunctions({ client: lambda, pageSize: LAMBDA_PAGE_SIZE }, input)) {
    for (const fn of page.Functions ?? []) if (fn.PackageType === 'Image') functions.push(fn);
  }
  return functions;
}

/** One version (or alias) of a function as GetFunction answers, with Code.ResolvedImageUri, the digest Lambda runs. */
export async function readFunctionImage(
  lambda: LambdaClient,
  functionName: string,
  qualifier: string | undefined,
): Promise<LambdaFunction> {
  return toLambdaFunction(
    await lambda.send(new GetFunctionCommand({ FunctionName: functionName, Qualifier: qualifier })),
  );
}

/** A get-function output, without the SDK's response metadata. */
function toLambdaFunction(output: GetFunctionCommandOutput): LambdaFunction {
  const { $metadata: _metadata, ...rest } = output;
  return rest as LambdaFunction;
}

export function chunk<Item>(items: readonly Item[], size: number): Item[][] {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
