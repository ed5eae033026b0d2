import type { SeedObject } from '../kubernetes-api/object-store';
import { podObject, workloadObject } from '../kubernetes-api/seed-objects';
import { type KubernetesApiStandIn, startKubernetesApiStandIn } from '../kubernetes-api/server';
import type { RegistrySimulator } from '../registry-sim';
import { EKS_VIEW_POLICY_ARN } from '../registry-sim/model/eks';
import { readSampleDocument } from './sample-document';

/**
 * The in-use sources beyond this account's ECS and Lambda that the demo config's `cleanup.protect`
 * names (issue 14), planted in the local world: the EKS cluster `demo-eks` (a Kubernetes API stand-in
 * on loopback behind the simulated DescribeCluster, with an access entry and AmazonEKSViewPolicy for
 * the worker's role), the workload account 222222222222 (an ECS service there, one scaled to zero
 * whose service revision holds a digest its tag no longer names, and the read-only role trusting the
 * worker's role for AssumeRole), and a fresh external deployment list in simulated S3.
 * Each names sample images the demo's policy would otherwise expire, so that the cleanup plan keeps
 * them with the new reasons.
 *
 * Also `ops-eks`, a second cluster without an access entry for the worker (its API answers 403): the
 * cluster the fail-closed section reads (sections/in-use-fail-closed.ts). The main cleanup run does not
 * read it.
 */
export const DEMO_CLUSTER = 'demo-eks';
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
  const planted = plantedDigests(sim);
  // The worker acts as the simulator's default caller role (what GetCallerIdentity answers): the EKS
  // token it signs names that role, and the workload role trusts it.
  const workerRoleArn = sim.services.identity.defaultCallerRoleArn;
  const principal = { ...settings.credentials, arn: workerRoleArn };

  const clusterObjects = demoClusterObjects(registry, planted);
  const started: KubernetesApiStandIn[] = [];
  try {
    for (const [name, objects] of [
      [DEMO_CLUSTER, clusterObjects],
      [
        UNREADABLE_CLUSTER,
        [workloadObject('Deployment', 'ops', 'grafana', [`${registry}/tools/ci-runner:v1`])],
      ],
    ] as const) {
      const standIn = await startKubernetesApiStandIn({
        clusterName: name,
        objects,
        credentials: [principal],
        // EKS authorization: an access entry with a cluster-scoped access policy (the simulator's model).
        authorize: (caller) => sim.eks().allowsClusterWideRead(name, caller.arn ?? ''),
      });
      started.push(standIn);
      sim.addEksCluster({ name, endpoint: standIn.url, caData: standIn.caData });
    }
  } catch (error) {
    await Promise.all(started.map((standIn) => standIn.close()));
    throw error;
  }
  const now = sim.clock.nowMs();
  // Access entries (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html): the worker
  // may list cluster-wide in demo-eks only; ops-eks has none, so its API answers 403 Forbidden.
  sim.eks().createAccessEntry(DEMO_CLUSTER, { principalArn: workerRoleArn }, now);
  sim.eks().associateAccessPolicy(DEMO_CLUSTER, workerRoleArn, EKS_VIEW_POLICY_ARN, { type: 'cluster' }, now);

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
    containers: [{ name: 'web', image: `${registry}/web/frontend@${planted.frontendCiBuild}` }],
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
    resolveImage: (image) => (image.endsWith('/payments/api:latest') ? planted.paymentsApiV1_2 : undefined),
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
      await Promise.all(started.map((standIn) => standIn.close()));
    },
  };
}

/** The sample images the demo's cleanup policy would expire, found by tag or by what the sample plants. */
function plantedDigests(sim: RegistrySimulator) {
  const digestOf = (repositoryName: string, imageTag: string) =>
    sim.image(repositoryName, { imageTag }).digest;
  const untagged = [...sim.repository('web/frontend').images.values()]
    .filter((image) => image.tags.length === 0)
    .map((image) => image.digest)
    .sort();
  const ciBuild = readSampleDocument().planted?.['scan-untagged-with-findings']?.imageDigest;
  if (ciBuild === undefined || !untagged.includes(ciBuild) || untagged.length < 3)
    throw new Error('the sample registry changed: web/frontend has no untagged CI builds to plant uses of');
  const [canary, canaryBefore] = untagged.filter((digest) => digest !== ciBuild) as [string, string];
  const workerBuild = [...sim.repository('payments/worker').images.values()].find(
    (image) => image.tags.length === 0 && image.children.length === 0,
  )?.digest;
  if (workerBuild === undefined)
    throw new Error('the sample registry changed: payments/worker has no untagged build');
  return {
    paymentsApiV1_1: digestOf('payments/api', 'v1.1.0'),
    paymentsApiV1_2: digestOf('payments/api', 'v1.2.0'),
    paymentsWorkerBuild: workerBuild,
    frontendCiBuild: ciBuild,
    frontendCanary: canary,
    frontendCanaryBefore: canaryBefore,
  };
}

/**
 * What `demo-eks` runs: a pod whose spec names `payments/api:latest`, a tag that has since moved to
 * v1.4.0, while its status says the node pulled v1.1.0 (imageID: the digest it runs); the `checkout`
 * Deployment; the `frontend-canary` Deployment scaled to zero and an old ReplicaSet of it (revision 1,
 * scaled to 0, naming the build before: what a rollback starts); the `settlement-nightly` CronJob of
 * an untagged payments/worker build.
 */
function demoClusterObjects(registry: string, planted: ReturnType<typeof plantedDigests>): SeedObject[] {
  const api = `${registry}/payments/api`;
  const frontend = `${registry}/web/frontend`;
  return [
    podObject('payments', 'checkout-legacy-0', [`${api}:latest`], {
      imageIDs: [`${api}@${planted.paymentsApiV1_1}`],
    }),
    workloadObject('Deployment', 'payments', 'checkout', [`${api}:v1.4.0`], { replicas: 2 }),
    workloadObject('Deployment', 'web', 'frontend-canary', [`${frontend}@${planted.frontendCanary}`], {
      replicas: 0,
    }),
    ownedBy(
      workloadObject(
        'ReplicaSet',
        'web',
        'frontend-canary-6b7f9c8d5',
        [`${frontend}@${planted.frontendCanaryBefore}`],
        {
          replicas: 0,
        },
      ),
      { kind: 'Deployment', name: 'frontend-canary', namespace: 'web' },
    ),
    workloadObject('CronJob', 'payments', 'settlement-nightly', [
      `${registry}/payments/worker@${planted.paymentsWorkerBuild}`,
    ]),
  ];
}

/** An old ReplicaSet of a Deployment: owned by it, as the Deployment controller leaves it. */
function ownedBy(object: SeedObject, owner: { kind: string; name: string; namespace: string }): SeedObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: owner.kind,
          name: owner.name,
          uid: `uid-${owner.namespace}-${owner.name}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
  };
}
