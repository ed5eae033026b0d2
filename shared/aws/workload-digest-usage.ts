import type { ECSClient, Task } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { InUseReason } from '../cleanup/cleanup-reasons';
import {
  type LambdaFunction,
  listWorkloadImageUses,
  resolveImagesInUse,
  type Workloads,
} from '../cleanup/workload-images';
import type { DigestUsage, DigestUsagePort } from '../immutability/ports';
import type { InUseIndexReader } from '../inuse/in-use-index';
import {
  type RunningIn,
  type RunningPlace,
  runningInOf,
  runsNow,
  sortPlaces,
  summarizePlaces,
  whereItRuns,
} from '../inuse/where-it-runs';
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
 * The cleanup worker's in-use index (./in-use-index-store.ts) adds what this read cannot see
 * (Kubernetes, workload accounts, Batch, App Runner, external lists): the previous digest still runs
 * when the live read says so or the index has it running; the event names the places when either knows.
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
  /** The cleanup worker's in-use index; absent: the live read alone. */
  inUseIndex?: InUseIndexReader;
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

  /** The live read's reasons for the digest; null when the read failed. */
  async function liveReasons(repositoryName: string, digest: string): Promise<InUseReason[] | null> {
    try {
      const { uses } = listWorkloadImageUses(await workloads(), { taskDefinitionRevisions: 0 });
      const inUse = resolveImagesInUse(
        uses,
        { registryId: settings.account, region: settings.region, repositoryName },
        [{ imageDigest: digest, imageTags: [] }],
      );
      return inUse.get(digest) ?? [];
    } catch (error) {
      settings.logger.warn('in-use lookup failed: previousDigestInUse is unknown', {
        repositoryName,
        error: `${(error as Error).name}: ${(error as Error).message}`,
      });
      return null;
    }
  }

  return {
    async isInUse(repositoryName, digest) {
      const reasons = await liveReasons(repositoryName, digest);
      return reasons === null ? null : reasons.length > 0;
    },

    async whereInUse(repositoryName, digest, observedAt) {
      const [reasons, indexed] = await Promise.all([
        liveReasons(repositoryName, digest),
        settings.inUseIndex?.lookUpInUse(
          { registryId: settings.account, region: settings.region, repositoryName },
          digest,
        ),
      ]);
      return combineUsage(reasons, indexed, observedAt ?? new Date(now()).toISOString());
    },
  };
}

/** Kinds the live read sees: the index's places of these in the guard's own account are replaced by it. */
const LIVE_KINDS: ReadonlySet<string> = new Set(['in-use-ecs-task', 'in-use-lambda']);

/**
 * The live read and the index record together. In use when either has it running; not in use when the
 * live read worked, found nothing and the index has nothing running; otherwise unknown. Places: the
 * live read's (fresher) for what it sees, the index's for the rest, `asOf` the older picture's time.
 */
export function combineUsage(
  live: readonly InUseReason[] | null,
  indexed: RunningIn | undefined,
  now: string,
): DigestUsage {
  const livePlaces = live === null ? [] : whereItRuns(live).places;
  const kept = (indexed?.places ?? []).filter(
    (place) => live === null || !(LIVE_KINDS.has(place.kind) && place.account === undefined),
  );
  const places: RunningPlace[] = sortPlaces([...livePlaces, ...kept]);
  const inUse =
    runsNow(places) || (indexed !== undefined && runsNow(indexed.places))
      ? true
      : live === null
        ? null
        : false;
  if (places.length === 0) return { inUse };
  // Places the index counted but did not carry (more than MAX_RUNNING_IN_PLACES) are still counted.
  const uncarried = indexed === undefined ? 0 : indexed.placeCount - indexed.places.length;
  const runningIn = runningInOf(
    { places, summary: summarizePlaces(places) },
    kept.length > 0 && indexed !== undefined ? indexed.asOf : now,
  );
  return { inUse, runningIn: { ...runningIn, placeCount: runningIn.placeCount + uncarried } };
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
