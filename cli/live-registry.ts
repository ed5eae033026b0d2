import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createRegistryReader } from '../shared/aws/registry-reader';
import { createReplicationRegistryReader } from '../shared/aws/replication-registry';
import { createRepositoryImageSource } from '../shared/aws/repository-images';
import { createWorkloadInventory } from '../shared/aws/workload-inventory';
import {
  type RegionPorts,
  type SnapshotJson,
  type TakeSnapshotOptions,
  takeSnapshot,
} from '../shared/cleanup/take-snapshot';
import { describeAwsFailure, liveClientConfig, resolveClientRegion } from './live-options';
import { createProgressBar, type ProgressStream } from './progress-bar';

/**
 * The live side of `ecr-warden snapshot` and `ecr-warden cleanup plan` (without --snapshot), as
 * ./live-options.ts describes live reads.
 */
export interface LiveOptions {
  region?: string;
  /** Where the progress bar goes (stderr); drawn only when it is a terminal. */
  progressStream?: ProgressStream;
}

export async function readLiveSnapshot(
  options: LiveOptions &
    Pick<TakeSnapshotOptions, 'include' | 'readLifecyclePolicy'> & {
      taskDefinitionRevisions: number;
      now: number;
      /**
       * Also the registry settings `repositories audit` and `replication audit` read, and the other
       * regions that replication rules name (`ecr-warden snapshot`).
       */
      registrySettings?: boolean;
    },
): Promise<SnapshotJson> {
  const config = liveClientConfig(options.region);
  const ecr = new ECRClient(config);
  const ecs = new ECSClient(config);
  const lambda = new LambdaClient(config);
  const others = new Map<string, ECRClient>();
  try {
    const region = await resolveClientRegion(ecr);
    const regionPorts = (client: ECRClient, name: string): RegionPorts => ({
      registry: createRegistryReader(client),
      images: createRepositoryImageSource(client),
      ...(options.registrySettings === true
        ? { settings: createReplicationRegistryReader(name, client) }
        : {}),
    });
    return await takeSnapshot(
      {
        ...regionPorts(ecr, region),
        otherRegion: (name) => {
          let client = others.get(name);
          if (client === undefined) {
            client = new ECRClient(liveClientConfig(name));
            others.set(name, client);
          }
          return regionPorts(client, name);
        },
        workloads: createWorkloadInventory({
          ecs,
          lambda,
          taskDefinitionRevisions: options.taskDefinitionRevisions,
        }),
      },
      {
        region,
        now: options.now,
        ...(options.include === undefined ? {} : { include: options.include }),
        ...(options.readLifecyclePolicy === undefined
          ? {}
          : { readLifecyclePolicy: options.readLifecyclePolicy }),
        progress: createProgressBar(options.progressStream ?? process.stderr),
      },
    );
  } catch (error) {
    throw describeAwsFailure(error);
  } finally {
    ecr.destroy();
    for (const client of others.values()) client.destroy();
    ecs.destroy();
    lambda.destroy();
  }
}

/**
 * The live side of `ecr-warden inuse list`: this account's ECS and Lambda, the region the clients
 * resolved and the registry's account (DescribeRegistry). The
 * caller destroys the clients.
 */
export async function readLiveInUseSources(options: LiveOptions): Promise<{
  account: string;
  region: string;
  workloads: (taskDefinitionRevisions: number) => ReturnType<typeof createWorkloadInventory>;
  destroy: () => void;
}> {
  const config = liveClientConfig(options.region);
  const ecr = new ECRClient(config);
  const ecs = new ECSClient(config);
  const lambda = new LambdaClient(config);
  const destroy = () => {
    ecr.destroy();
    ecs.destroy();
    lambda.destroy();
  };
  try {
    const region = await resolveClientRegion(ecr);
    // DescribeRegistry: the account of the registry whose images the list is about.
    const account = (await ecr.send(new DescribeRegistryCommand({}))).registryId ?? 'unknown';
    return {
      account,
      region,
      workloads: (taskDefinitionRevisions) =>
        createWorkloadInventory({
          ecs,
          lambda,
          taskDefinitionRevisions,
        }),
      destroy,
    };
  } catch (error) {
    destroy();
    throw describeAwsFailure(error);
  }
}
