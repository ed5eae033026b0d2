import { SAMPLE_CLUSTER_NAME, sampleClusterObjects } from '../../local/kubernetes-api/sample-cluster';
import {
  type KubernetesApiStandIn,
  STAND_IN_CREDENTIALS,
  startKubernetesApiStandIn,
} from '../../local/kubernetes-api/server';
import type { InstalledSimulator } from '../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../local/registry-sim/simulator';

/**
 * The live in-use sources of issue 14 for the CLI's tests (`snapshot --config`, `inuse list
 * --config`), on a registry simulator of account HUB installed for this process's SDK clients: the sample EKS cluster behind a Kubernetes
 * API stand-in, a workload account whose reader role trusts the caller (an ECS service runs
 * payments-api:v7 there, a Lambda function :v8), and an external list in S3 naming :v9. CONFIG's
 * cleanup.protect names all three and Batch. The CLI's credentials are set to the ones the stand-in's
 * authenticator knows (the EKS token is signed with them); `close` puts the environment back.
 */
export const HUB = '123456789012';
export const WORKLOAD = '222222222222';
export const REGION = 'us-east-1';
export const URI = `${HUB}.dkr.ecr.${REGION}.amazonaws.com`;
export const WORKLOAD_ROLE_ARN = `arn:aws:iam::${WORKLOAD}:role/ecr-warden-workload-reader`;

export const CONFIG = `cleanup:
  protect:
    kubernetes:
      clusters: [${SAMPLE_CLUSTER_NAME}]
    workloadAccounts:
      - account: "${WORKLOAD}"
        regions: [${REGION}]
    external:
      - source: argocd-prod
        bucket: gitops-inventory
        key: prod/images.json
        maxAgeHours: 24
    batch: true
`;

export interface InUseSourcesWorld {
  sim: RegistrySimulator;
  aws: InstalledSimulator;
  standIn: KubernetesApiStandIn;
  /** Whether the cluster's access entry lets the caller list (else the stand-in answers 403). */
  allowCluster(allowed: boolean): void;
  /** Rewrites the external list, generated at `generatedAt` (the CLI ages it by the system clock). */
  putExternalList(generatedAt: string): void;
  close(): Promise<void>;
}

export async function arrangeInUseSources(repositories: readonly string[] = []): Promise<InUseSourcesWorld> {
  const sim = createRegistrySimulator({ accountId: HUB });
  for (const name of repositories) sim.addRepository(name);
  const aws = sim.install();
  const savedEnv = { ...process.env };
  process.env.AWS_ACCESS_KEY_ID = STAND_IN_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = STAND_IN_CREDENTIALS.secretAccessKey;
  let clusterAllows = true;
  const standIn = await startKubernetesApiStandIn({
    clusterName: SAMPLE_CLUSTER_NAME,
    objects: sampleClusterObjects(),
    authorize: () => clusterAllows,
  });
  sim.addEksCluster({ name: SAMPLE_CLUSTER_NAME, endpoint: standIn.url, caData: standIn.caData });
  sim.services.identity.createRole({ accountId: WORKLOAD, roleName: 'ecr-warden-workload-reader' });
  sim.registerTaskDefinition({
    accountId: WORKLOAD,
    family: 'checkout',
    containers: [{ name: 'app', image: `${URI}/payments-api:v7` }],
  });
  sim.createService({
    accountId: WORKLOAD,
    cluster: 'shop',
    serviceName: 'checkout',
    taskDefinition: 'checkout:1',
    runningTasks: 1,
  });
  sim.createFunction({ accountId: WORKLOAD, functionName: 'invoices', imageUri: `${URI}/payments-api:v8` });
  sim.services.s3.createBucket({ name: 'gitops-inventory', ownerAccountId: HUB, region: REGION });
  const putExternalList = (generatedAt: string) => {
    sim.services.s3.putObject(
      'gitops-inventory',
      'prod/images.json',
      JSON.stringify({ source: 'argo', generatedAt, images: [`${URI}/payments-api:v9`] }),
      sim.clock.nowMs(),
    );
  };
  putExternalList(new Date(Date.now() - 3_600_000).toISOString());
  return {
    sim,
    aws,
    standIn,
    allowCluster: (allowed) => {
      clusterAllows = allowed;
    },
    putExternalList,
    close: async () => {
      aws.restore();
      await standIn.close();
      process.env = savedEnv;
    },
  };
}
