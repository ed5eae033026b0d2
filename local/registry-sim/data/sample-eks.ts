import { podObject, workloadObject } from '../../kubernetes-api/seed-objects';
import { EKS_VIEW_POLICY_ARN, type KubernetesObject } from '../model/eks';
import type { RegistrySimulator } from '../simulator';
import type { SampleIndex } from './sample-format';

/**
 * The sample registry's EKS cluster, `demo-eks` (issue 14): its Kubernetes objects run sample images
 * the demo's cleanup policy would otherwise expire, so that a plan of the sample keeps them with the
 * Kubernetes reasons; and an access entry with AmazonEKSViewPolicy (cluster scope) for the worker's
 * role, the simulator's default caller, so that the worker may list there. A Kubernetes API stand-in
 * serves the objects when a demo or a snapshot needs them (local/kubernetes-api/simulated-clusters.ts).
 *
 * Built from the images the sample has just pushed: called at the end of build-sample.ts.
 */
export const SAMPLE_EKS_CLUSTER = 'demo-eks';

export function addSampleEksCluster(
  sim: RegistrySimulator,
  planted: SampleIndex,
  settings: { registry: string; region: string; createdAt: string },
): void {
  const digests = sampleClusterDigests(sim, planted);
  const objects = sampleClusterObjects(settings.registry, digests);
  sim.addEksCluster({ name: SAMPLE_EKS_CLUSTER, createdAt: settings.createdAt, objects });
  const at = Date.parse(settings.createdAt);
  // Access entries (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html): the worker
  // may list cluster-wide here.
  const worker = sim.services.identity.defaultCallerRoleArn;
  sim.eks().createAccessEntry(SAMPLE_EKS_CLUSTER, { principalArn: worker }, at);
  sim.eks().associateAccessPolicy(SAMPLE_EKS_CLUSTER, worker, EKS_VIEW_POLICY_ARN, { type: 'cluster' }, at);

  const workloads: [
    key: string,
    description: string,
    repositoryName: string,
    imageDigest: string,
    where: object,
  ][] = [
    [
      'eks-pod-on-moved-tag',
      'a pod, payments/checkout-legacy-0, names payments/api:latest, since moved to v1.4.0; its imageID is the v1.1.0 digest it runs',
      'payments/api',
      digests.paymentsApiV1_1,
      { namespace: 'payments', pod: 'checkout-legacy-0' },
    ],
    [
      'eks-deployment-scaled-to-zero',
      'Deployment web/frontend-canary, scaled to 0, names an untagged web/frontend build',
      'web/frontend',
      digests.frontendCanary,
      { namespace: 'web', kind: 'Deployment', name: 'frontend-canary' },
    ],
    [
      'eks-old-replicaset',
      'an old ReplicaSet of frontend-canary (revision 1, scaled to 0) names the build before: a rollback target',
      'web/frontend',
      digests.frontendCanaryBefore,
      { namespace: 'web', kind: 'ReplicaSet', name: 'frontend-canary-6b7f9c8d5' },
    ],
    [
      'eks-cronjob',
      'CronJob payments/settlement-nightly names an untagged payments/worker build',
      'payments/worker',
      digests.paymentsWorkerBuild,
      { namespace: 'payments', kind: 'CronJob', name: 'settlement-nightly' },
    ],
  ];
  for (const [key, description, repositoryName, imageDigest, where] of workloads) {
    planted[key] = {
      description: `${SAMPLE_EKS_CLUSTER}: ${description}`,
      region: settings.region,
      repositoryName,
      imageDigest,
      details: { cluster: SAMPLE_EKS_CLUSTER, ...where },
    };
  }
}

/** The sample images the cluster runs, found by tag or by what the sample plants. */
function sampleClusterDigests(sim: RegistrySimulator, planted: SampleIndex) {
  const digestOf = (repositoryName: string, imageTag: string) =>
    sim.image(repositoryName, { imageTag }).digest;
  const untagged = [...sim.repository('web/frontend').images.values()]
    .filter((image) => image.tags.length === 0)
    .map((image) => image.digest)
    .sort();
  const ciBuild = planted['scan-untagged-with-findings']?.imageDigest;
  if (ciBuild === undefined || !untagged.includes(ciBuild) || untagged.length < 3)
    throw new Error('the sample registry changed: web/frontend has no untagged CI builds to run in EKS');
  const [canary, canaryBefore] = untagged.filter((digest) => digest !== ciBuild) as [string, string];
  const workerBuild = [...sim.repository('payments/worker').images.values()].find(
    (image) => image.tags.length === 0 && image.children.length === 0,
  )?.digest;
  if (workerBuild === undefined)
    throw new Error('the sample registry changed: payments/worker has no untagged build');
  return {
    paymentsApiV1_1: digestOf('payments/api', 'v1.1.0'),
    paymentsWorkerBuild: workerBuild,
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
function sampleClusterObjects(
  registry: string,
  planted: ReturnType<typeof sampleClusterDigests>,
): KubernetesObject[] {
  const api = `${registry}/payments/api`;
  const frontend = `${registry}/web/frontend`;
  const pod = podObject('payments', 'checkout-legacy-0', [`${api}:latest`], {
    imageIDs: [`${api}@${planted.paymentsApiV1_1}`],
  });
  return [
    // A fixed uid, as workloadObject gives its objects: else the stand-in draws one, and a snapshot of
    // the sample would differ on every build.
    { ...pod, metadata: { ...pod.metadata, uid: 'uid-payments-checkout-legacy-0' } },
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
        { replicas: 0 },
      ),
      { kind: 'Deployment', name: 'frontend-canary', namespace: 'web' },
    ),
    workloadObject('CronJob', 'payments', 'settlement-nightly', [
      `${registry}/payments/worker@${planted.paymentsWorkerBuild}`,
    ]),
  ];
}

/** An old ReplicaSet of a Deployment: owned by it, as the Deployment controller leaves it. */
function ownedBy(
  object: KubernetesObject,
  owner: { kind: string; name: string; namespace: string },
): KubernetesObject {
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
