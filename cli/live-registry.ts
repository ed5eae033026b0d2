import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { createInUseReaders } from '../shared/aws/in-use-readers';
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
import type { CleanupProtectConfig } from '../shared/config/schema';
import { captureSnapshotSources, SnapshotSourceError } from '../shared/inuse/capture-snapshot-sources';
import { createInUseConverters } from '../shared/inuse/in-use-converters';
import type { InUseSource } from '../shared/inuse/in-use-picture';
import { composeInUseSources } from '../shared/inuse/in-use-sources';
import { CliError } from './errors';
import { describeAwsFailure, liveClientConfig, resolveClientRegion } from './live-options';
import type { LiveCredentials } from './member-account';
import { createProgressBar, type ProgressStream } from './progress-bar';

/**
 * The live side of `ecr-warden snapshot` and `ecr-warden cleanup plan` (without --snapshot), as
 * ./live-options.ts describes live reads.
 */
export interface LiveOptions {
  region?: string;
  /** A member account's session (--account/--role, ./member-account.ts); else your own credentials. */
  credentials?: LiveCredentials;
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
      /**
       * Also every other in-use source this `cleanup.protect` names (clusters, workload accounts,
       * external lists, Batch, App Runner, Inspector), as the snapshot's `kubernetes`,
       * `workloadAccounts`, `external`, `batch`, `appRunner` and `inspector`; one that cannot be read
       * fails the snapshot.
       */
      inUse?: { protect: CleanupProtectConfig };
    },
): Promise<SnapshotJson> {
  const config = liveClientConfig(options.region, options.credentials);
  const ecr = new ECRClient(config);
  const ecs = new ECSClient(config);
  const lambda = new LambdaClient(config);
  // AssumeRole of the workload roles, in the region the reads are in (a Lambda has it in AWS_REGION).
  const sts = new STSClient(config);
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
            client = new ECRClient(liveClientConfig(name, options.credentials));
            others.set(name, client);
          }
          return regionPorts(client, name);
        },
        workloads: createWorkloadInventory({
          ecs,
          lambda,
          taskDefinitionRevisions: options.taskDefinitionRevisions,
        }),
        ...(options.inUse === undefined
          ? {}
          : {
              otherInUseSources: otherInUseSources(
                options.inUse,
                { ecs, lambda, sts },
                options.taskDefinitionRevisions,
              ),
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
    sts.destroy();
  }
}

/** The snapshot's other in-use fields, read with the user's credentials (the readers' default chain). */
function otherInUseSources(
  inUse: NonNullable<Parameters<typeof readLiveSnapshot>[0]['inUse']>,
  clients: { ecs: ECSClient; lambda: LambdaClient; sts: STSClient },
  taskDefinitionRevisions: number,
) {
  const { protect } = inUse;
  return async (local: { account: string; region: string }) => {
    const readers = createInUseReaders({
      functionName: 'cli',
      region: local.region,
      // As many revisions as the snapshot records of its own account's families: a plan takes the
      // config's number of them.
      taskDefinitionRevisions,
      ...clients,
    });
    try {
      return await captureSnapshotSources({
        protect,
        local,
        readers,
        converters: createInUseConverters({ taskDefinitionRevisions }),
        now: Date.now,
      });
    } catch (error) {
      if (error instanceof SnapshotSourceError) {
        throw new CliError(
          `${error.message}; stopped: without it, the images it runs would look unused (no snapshot written, no plan made)`,
        );
      }
      throw error;
    } finally {
      // The clients the readers built (EKS, workload accounts', S3...); the caller's own are its to destroy.
      readers.destroy();
    }
  };
}

/**
 * The live side of `ecr-warden inuse list`: every in-use source `protect` names (this account's ECS
 * and Lambda always; clusters, workload accounts, Batch, App Runner, external lists, Inspector as the
 * config says), composed as the cleanup worker composes them, read with the user's credentials in the
 * region the clients resolved; and the registry's account (DescribeRegistry). The caller destroys
 * the clients.
 */
export async function readLiveInUseSources(
  options: LiveOptions & { protect: CleanupProtectConfig; taskDefinitionRevisions: number },
): Promise<{ account: string; region: string; sources: InUseSource[]; destroy: () => void }> {
  const config = liveClientConfig(options.region, options.credentials);
  const ecr = new ECRClient(config);
  const ecs = new ECSClient(config);
  const lambda = new LambdaClient(config);
  const sts = new STSClient(config);
  const destroy = () => {
    ecr.destroy();
    ecs.destroy();
    lambda.destroy();
    sts.destroy();
  };
  try {
    const region = await resolveClientRegion(ecr);
    // DescribeRegistry: the account of the registry whose images the list is about.
    const account = (await ecr.send(new DescribeRegistryCommand({}))).registryId ?? 'unknown';
    const { taskDefinitionRevisions } = options;
    const readers = createInUseReaders({
      functionName: 'cli',
      region,
      taskDefinitionRevisions,
      ecs,
      lambda,
      sts,
    });
    const sources = composeInUseSources({
      protect: options.protect,
      local: { account, region },
      readers,
      converters: createInUseConverters({ taskDefinitionRevisions }),
      now: Date.now,
    });
    return {
      account,
      region,
      sources,
      destroy: () => {
        readers.destroy();
        destroy();
      },
    };
  } catch (error) {
    destroy();
    throw describeAwsFailure(error);
  }
}
