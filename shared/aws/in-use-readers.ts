import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { STSClient } from '@aws-sdk/client-sts';
import { InUseReaderNotBundledError } from '../inuse/in-use-errors';
import type { AssumedCredentials, InUseReaders, ReadPlace } from '../inuse/in-use-ports';
import type { EksReadOptions } from './eks-cluster-objects';
import type { WorkloadAccountCredentials } from './workload-account-credentials';
import { createWorkloadInventory } from './workload-inventory';

/**
 * The in-use readers of shared/inuse/in-use-ports.ts over the AWS SDK and the Kubernetes API: what
 * shared/inuse/in-use-sources.ts composes from `cleanup.protect`. One instance per worker invocation
 * (batch): its AssumeRole sessions and clients live as long as it does, so that each workload account
 * is assumed once per invocation, never per repository, and a deployment made since is seen next time.
 *
 * A reader the config does not use is not in the Lambda bundle: each SDK client is loaded behind a
 * constant that deploy/bundle-defines.ts sets from the config at package time (esbuild drops the
 * import when it is `false`). Outside a bundle (the CLI, the tests) the constants are undefined and
 * every reader is there. A reader left out of the bundle and asked anyway (the config changed without
 * a deploy) fails its source: the cleanup is held, never run on a partial picture.
 */

export interface InUseReaderSettings {
  /** The function key (`cleanupWorker`), for the workload role's RoleSessionName. */
  functionName: string;
  /** The worker's own region (its clients' region; the registry's). */
  region: string;
  /** `cleanup.protect.taskDefinitionRevisions`, for ECS read in any account. */
  taskDefinitionRevisions: number;
  /** The worker's own ECS and Lambda clients (default: the execution environment's). */
  ecs?: ECSClient;
  lambda?: LambdaClient;
  /**
   * The STS client that assumes the workload roles (default: the execution environment's, in its
   * region); the CLI passes one in the region its --region names.
   */
  sts?: STSClient;
  /** Kubernetes list options (page size, timeouts, retries); defaults as shared/kubernetes documents. */
  kubernetes?: EksReadOptions;
  now?: () => number;
}

type Credentials = AssumedCredentials;
type ClientClass<Client> = new (config: {
  region: string;
  credentials?: Credentials;
  retryMode: 'adaptive';
  maxAttempts: number;
  followRegionRedirects?: boolean;
}) => Client;

/** The readers, and `destroy()` for the clients they built (a CLI run ends with it; Lambda freezes). */
export type InUseReadersWithClients = InUseReaders & { destroy(): void };

export function createInUseReaders(settings: InUseReaderSettings): InUseReadersWithClients {
  const now = settings.now ?? Date.now;
  let workloadCredentials: Promise<WorkloadAccountCredentials> | undefined;
  // One client per class, account and region for the invocation. A client of a workload account is
  // built with its session's credentials; in the worker's own account, with the function's role.
  const clients = new Map<unknown, Map<string, unknown>>();

  function client<Client>(Ctor: ClientClass<Client>, place: ReadPlace, extra: object = {}): Client {
    let byPlace = clients.get(Ctor);
    if (byPlace === undefined) {
      byPlace = new Map();
      clients.set(Ctor, byPlace);
    }
    const key = `${place.credentials?.accessKeyId ?? 'own'}/${place.region}`;
    let built = byPlace.get(key) as Client | undefined;
    if (built === undefined) {
      // Adaptive retry: the in-use reads are bursts of List/Describe calls every service throttles.
      built = new Ctor({
        region: place.region,
        retryMode: 'adaptive',
        maxAttempts: 8,
        ...(place.credentials === undefined ? {} : { credentials: place.credentials }),
        ...extra,
      });
      byPlace.set(key, built);
    }
    return built;
  }

  async function inventory(place: ReadPlace) {
    // The worker's own account in its own region: the execution environment's clients. Another region
    // of its account (an Organizations hub's governed region) gets clients of that region.
    if (place.credentials === undefined && place.region === settings.region) {
      return createWorkloadInventory({
        taskDefinitionRevisions: settings.taskDefinitionRevisions,
        ...(settings.ecs === undefined ? {} : { ecs: settings.ecs }),
        ...(settings.lambda === undefined ? {} : { lambda: settings.lambda }),
      });
    }
    return createWorkloadInventory({
      taskDefinitionRevisions: settings.taskDefinitionRevisions,
      ecs: client(ECSClient, place),
      lambda: client(LambdaClient, place),
    });
  }

  // Each optional reader sits inside `if (typeof FLAG === 'undefined' || FLAG)`: with the flag defined
  // `false`, esbuild folds the condition and drops the branch with the imports in it.
  async function eksClient(place: ReadPlace) {
    if (typeof ECR_WARDEN_BUNDLE_KUBERNETES === 'undefined' || ECR_WARDEN_BUNDLE_KUBERNETES) {
      const objects = await import('./eks-cluster-objects');
      return { eks: client(objects.EKSClient, place), objects };
    }
    throw new InUseReaderNotBundledError('Kubernetes');
  }

  async function sessions(role: {
    roleName: string;
    externalId?: string;
  }): Promise<WorkloadAccountCredentials> {
    if (typeof ECR_WARDEN_BUNDLE_WORKLOAD_ACCOUNTS === 'undefined' || ECR_WARDEN_BUNDLE_WORKLOAD_ACCOUNTS) {
      workloadCredentials ??= import('./workload-account-credentials').then((module) =>
        module.createWorkloadAccountCredentials({
          partition: module.partitionOfRegion(settings.region),
          roleName: role.roleName,
          externalId: role.externalId,
          functionName: settings.functionName,
          now,
          ...(settings.sts === undefined ? {} : { sts: settings.sts }),
        }),
      );
      return workloadCredentials;
    }
    throw new InUseReaderNotBundledError('workload account');
  }

  return {
    destroy() {
      for (const byPlace of clients.values()) {
        for (const built of byPlace.values()) (built as { destroy?: () => void }).destroy?.();
      }
      clients.clear();
    },
    async assumeRole(account, role) {
      const session = await (await sessions(role)).credentialsFor(account);
      return {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken ?? '',
        ...(session.expiration === undefined ? {} : { expiration: session.expiration }),
      };
    },
    readEcsWorkloads: async (place) => (await inventory(place)).readEcs(),
    readLambdaWorkloads: async (place) => (await inventory(place)).readLambda(),
    async listClusters(place) {
      const { eks, objects } = await eksClient(place);
      return objects.eksClustersToRead(eks, 'all');
    },
    async readClusterObjects(cluster) {
      const { eks, objects } = await eksClient(cluster.place);
      return objects.readEksClusterObjects(eks, cluster.label, settings.kubernetes ?? {});
    },
    async readBatchJobDefinitions(place) {
      if (typeof ECR_WARDEN_BUNDLE_BATCH === 'undefined' || ECR_WARDEN_BUNDLE_BATCH) {
        const { BatchClient, readActiveJobDefinitions } = await import('./batch-job-definitions');
        return readActiveJobDefinitions(client(BatchClient, place));
      }
      throw new InUseReaderNotBundledError('Batch');
    },
    async readAppRunnerServices(place) {
      if (typeof ECR_WARDEN_BUNDLE_APP_RUNNER === 'undefined' || ECR_WARDEN_BUNDLE_APP_RUNNER) {
        const { AppRunnerClient, readAppRunnerServices } = await import('./app-runner-services');
        return readAppRunnerServices(client(AppRunnerClient, place));
      }
      throw new InUseReaderNotBundledError('App Runner');
    },
    async readExternalList(list) {
      if (typeof ECR_WARDEN_BUNDLE_EXTERNAL === 'undefined' || ECR_WARDEN_BUNDLE_EXTERNAL) {
        const { S3Client, readExternalList } = await import('./external-image-list');
        // The bucket may be in another region: the client follows S3's redirect to it.
        const s3 = client(
          S3Client,
          { account: '', region: settings.region },
          { followRegionRedirects: true },
        );
        const object = await readExternalList(s3, list);
        return {
          text: object.text,
          ...(object.lastModified === undefined ? {} : { lastModified: object.lastModified }),
        };
      }
      throw new InUseReaderNotBundledError('external list');
    },
    async readInspectorCoverage(place) {
      if (typeof ECR_WARDEN_BUNDLE_INSPECTOR === 'undefined' || ECR_WARDEN_BUNDLE_INSPECTOR) {
        const { Inspector2Client, readEcrImageCoverage } = await import('./inspector-coverage');
        return readEcrImageCoverage(client(Inspector2Client, place), { accountId: place.account });
      }
      throw new InUseReaderNotBundledError('Inspector');
    },
  };
}
