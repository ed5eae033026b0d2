import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createRegistryReader } from '../shared/aws/registry-reader';
import { createRepositoryImageSource } from '../shared/aws/repository-images';
import { createWorkloadInventory } from '../shared/aws/workload-inventory';
import { type SnapshotJson, type TakeSnapshotOptions, takeSnapshot } from '../shared/cleanup/take-snapshot';
import { CliError } from './errors';
import { createProgressBar, type ProgressStream } from './progress-bar';

/**
 * The live side of `ecr-warden snapshot` and `ecr-warden cleanup plan` (without --snapshot): the
 * user's credentials and region (the SDK's default chain: environment, profile, SSO, instance role;
 * `--region` wins over AWS_REGION and the profile's region), read-only calls only, with the SDK's
 * adaptive retry so that a large registry backs off instead of failing on throttling.
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
    },
): Promise<SnapshotJson> {
  const config = {
    ...(options.region === undefined ? {} : { region: options.region }),
    retryMode: 'adaptive',
    maxAttempts: 8,
  };
  const ecr = new ECRClient(config);
  const ecs = new ECSClient(config);
  const lambda = new LambdaClient(config);
  try {
    const region = await resolveRegion(ecr);
    return await takeSnapshot(
      {
        registry: createRegistryReader(ecr),
        images: createRepositoryImageSource(ecr),
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
    ecs.destroy();
    lambda.destroy();
  }
}

async function resolveRegion(client: ECRClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new CliError('no AWS region: pass --region or set AWS_REGION (or a region in your AWS profile)');
  }
}

/** An AWS failure as one line: which API refused, and why. Anything else passes through. */
export function describeAwsFailure(error: unknown): unknown {
  if (error instanceof CliError || !(error instanceof Error)) return error;
  if (error.name === 'CredentialsProviderError') {
    return new CliError(`no AWS credentials: ${error.message.split('\n')[0]}`);
  }
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  if (metadata !== undefined) {
    return new CliError(`AWS refused a read-only call (${error.name}): ${error.message.split('\n')[0]}`);
  }
  return error;
}
