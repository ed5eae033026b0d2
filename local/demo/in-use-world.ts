import type { SeedObject } from '../kubernetes-api/object-store';
import { workloadObject } from '../kubernetes-api/seed-objects';
import { type KubernetesApiStandIn, startKubernetesApiStandIn } from '../kubernetes-api/server';
import { type SimulatedClusterApis, serveSimulatedClusters } from '../kubernetes-api/simulated-clusters';
import type { RegistrySimulator } from '../registry-sim';
import { SAMPLE_EKS_CLUSTER } from '../registry-sim/data/sample-eks';
import { readSampleDocument } from './sample-document';

/**
 * The in-use sources beyond this account's ECS and Lambda that the demo config's `cleanup.protect`
 * names (issue 14), in the local world: the sample registry's EKS cluster `demo-eks` (its objects and
 * the worker role's access entry with AmazonEKSViewPolicy are sample data, local/registry-sim/data/
 * sample-eks.ts), served here by a Kubernetes API stand-in on loopback behind the simulated
 * DescribeCluster; and, planted at startup, the workload account 222222222222 (an ECS service there,
 * and the read-only role trusting the worker's role for AssumeRole) and a fresh external deployment
 * list in simulated S3 (generated an hour before the run). Each names sample images the demo's policy
 * would otherwise expire, so that the cleanup plan keeps them with the new reasons.
 *
 * Also `ops-eks`, a second cluster without an access entry for the worker (its API answers 403): the
 * cluster the fail-closed section reads (sections/in-use-fail-closed.ts), planted here rather than in
 * the sample, since a snapshot of the sample reads every sample cluster and would fail on it. The
 * main cleanup run does not read it.
 */
export const DEMO_CLUSTER = SAMPLE_EKS_CLUSTER;
export const UNREADABLE_CLUSTER = 'ops-eks';
export const WORKLOAD_ACCOUNT = '222222222222';
/** As ecr-warden.demo.yml's `cleanup.protect.external` names it. */
export const EXTERNAL_LIST = {
  source: 'argocd-prod',
  bucket: 'ecr-warden-demo-deployments',
  key: 'argocd/prod.json',
};

export interface DemoInUseWorld {
  /** The Kubernetes objects `demo-eks` serves (for the invariant check: what runs there). */
  clusterObjects: readonly SeedObject[];
  /** The external list's image references. */
  externalImages: readonly string[];
  close(): Promise<void>;
}

export async function plantInUseSources(
  sim: RegistrySimulator,
  settings: {
    account: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  },
): Promise<DemoInUseWorld> {
  const registry = `${settings.account}.dkr.ecr.${settings.region}.amazonaws.com`;
  // The worker acts as the simulator's default caller role (what GetCallerIdentity answers): the EKS
  // token it signs names that role, and the workload role trusts it.
  const workerRoleArn = sim.services.identity.defaultCallerRoleArn;
  const principal = { ...settings.credentials, arn: workerRoleArn };

  // EKS authorization in both: the simulator's access entries (a cluster-scoped access policy). The
  // sample's demo-eks has one for the worker; ops-eks has none, so its API answers 403 Forbidden.
  const sampleClusters: SimulatedClusterApis = await serveSimulatedClusters(sim, principal);
  let unreadable: KubernetesApiStandIn;
  try {
    unreadable = await startKubernetesApiStandIn({
      clusterName: UNREADABLE_CLUSTER,
      objects: [workloadObject('Deployment', 'ops', 'grafana', [`${registry}/tools/ci-runner:v1`])],
      credentials: [principal],
      authorize: (caller) => sim.eks().allowsClusterWideRead(UNREADABLE_CLUSTER, caller.arn ?? ''),
    });
  } catch (error) {
    await sampleClusters.close();
    throw error;
  }
  sim.addEksCluster({ name: UNREADABLE_CLUSTER, endpoint: unreadable.url, caData: unreadable.caData });
  const clusterObjects: readonly SeedObject[] = sim.eks().cluster(DEMO_CLUSTER).objects;
  const now = sim.clock.nowMs();

  // The workload account: its read-only role trusts the worker's role; its ECS runs the untagged CI
  // build of web/frontend that the scan section finds vulnerable (so its alert says where it runs).
  sim.services.identity.createRole({
    accountId: WORKLOAD_ACCOUNT,
    roleName: 'ecr-warden-workload-reader',
    trustedRoleArns: [workerRoleArn],
  });
  const at = { accountId: WORKLOAD_ACCOUNT, region: settings.region };
  sim.registerTaskDefinition({
    ...at,
    family: 'storefront-preview',
    containers: [{ name: 'web', image: `${registry}/web/frontend@${frontendCiBuild(sim)}` }],
  });
  sim.createService({
    ...at,
    cluster: 'preview',
    serviceName: 'storefront-preview',
    taskDefinition: 'storefront-preview:1',
    runningTasks: 1,
  });
  // A service scaled to zero there, deployed a month ago when payments/api:latest named v1.2.0; the
  // tag has moved to v1.4.0 since. Its service revision recorded v1.2.0 (the digest ECS resolved
  // then), which is what ECS would start its tasks on: the plan keeps v1.2.0 for it.
  const paymentsApiV1_2 = sim.image('payments/api', { imageTag: 'v1.2.0' }).digest;
  sim.registerTaskDefinition({
    ...at,
    family: 'checkout-replay',
    containers: [{ name: 'replay', image: `${registry}/payments/api:latest` }],
  });
  sim.ecs(at).createService({
    cluster: 'preview',
    serviceName: 'checkout-replay',
    taskDefinition: 'checkout-replay:1',
    desiredCount: 0,
    createdAt: sim.clock.nowMs() - 30 * 86_400_000,
    resolveImage: (image) => (image.endsWith('/payments/api:latest') ? paymentsApiV1_2 : undefined),
  });

  // The external list (GitOps: what Argo CD deploys), generated an hour before the run: fresh.
  const externalImages = [`${registry}/payments/api:v1.1.0`];
  sim.services.s3.createBucket({
    name: EXTERNAL_LIST.bucket,
    ownerAccountId: settings.account,
    region: settings.region,
  });
  sim.services.s3.putObject(
    EXTERNAL_LIST.bucket,
    EXTERNAL_LIST.key,
    JSON.stringify({
      source: EXTERNAL_LIST.source,
      generatedAt: new Date(now - 3_600_000).toISOString(),
      images: externalImages,
    }),
    now,
  );

  return {
    clusterObjects,
    externalImages,
    close: async () => {
      await Promise.all([sampleClusters.close(), unreadable.close()]);
    },
  };
}

/** The sample image the workload account runs: web/frontend's untagged CI build with findings. */
function frontendCiBuild(sim: RegistrySimulator): string {
  const ciBuild = readSampleDocument().planted?.['scan-untagged-with-findings']?.imageDigest;
  if (ciBuild === undefined || !sim.repository('web/frontend').images.has(ciBuild))
    throw new Error('the sample registry changed: web/frontend has no untagged CI build to run');
  return ciBuild;
}
