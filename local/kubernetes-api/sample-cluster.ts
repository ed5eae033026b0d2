import type { SeedObject } from './object-store';
import { podObject, workloadObject } from './seed-objects';

/**
 * A small EKS cluster with the situations the in-use picture must get right, for the kubectl check
 * (whose output becomes test/fixtures/kubernetes/kubectl-get-all.json) and the demo:
 * - payments: a Deployment, its current and an old ReplicaSet (a rollback target, scaled to 0), two
 *   pods; one pod runs `:stable` whose tag has since moved (its imageID keeps the old digest);
 * - ops: a Deployment scaled to zero; batch: a CronJob, the Job it made and that Job's pod;
 * - data: a StatefulSet whose pod has an ECR init container, Docker's `docker-pullable://` imageID;
 * - debug: a pod with an ephemeral container, references by digest and by tag and digest, the FIPS
 *   and dual-stack forms of the registry's host;
 * - images of other registries (public.ecr.aws, another account, another region) that protect nothing.
 * Every uid is fixed so that kubectl's output is the same on every run.
 */
export const SAMPLE_CLUSTER_NAME = 'prod-eks';
export const SAMPLE_REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

const digest = (fill: string) => `sha256:${fill.repeat(64).slice(0, 64)}`;
const ecr = (repository: string) => `${SAMPLE_REGISTRY}/${repository}`;

function withUid(object: SeedObject, uid: string): SeedObject {
  return { ...object, metadata: { ...object.metadata, uid } };
}

export function sampleClusterObjects(): SeedObject[] {
  const apiPod = (name: string, image: string, imageID: string, uid: string) =>
    withUid(
      podObject('payments', name, [image], {
        imageIDs: [imageID],
        owner: { kind: 'ReplicaSet', name: 'api-7c9f6d8b4', uid: 'a0000000-0000-4000-8000-000000000002' },
      }),
      uid,
    );
  const dbPod = podObject('data', 'db-0', ['public.ecr.aws/docker/library/postgres:16.4'], {
    imageIDs: [`docker-pullable://public.ecr.aws/docker/library/postgres@${digest('e')}`],
    owner: { kind: 'StatefulSet', name: 'db', uid: 'a0000000-0000-4000-8000-000000000010' },
  });
  const dbSpec = dbPod.spec as Record<string, unknown>;
  const dbStatus = dbPod.status as Record<string, unknown>;
  const debugPod = podObject(
    'debug',
    'toolbox',
    [`${ecr('debug-tools')}@${digest('d')}`, `${ecr('sidecar')}:v3@${digest('c')}`],
    { imageIDs: [`${ecr('debug-tools')}@${digest('d')}`, `${ecr('sidecar')}@${digest('c')}`] },
  );
  const debugSpec = debugPod.spec as Record<string, unknown>;
  const debugStatus = debugPod.status as Record<string, unknown>;
  const fipsImage = '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/payments-api:v2';
  const dualStackImage = '123456789012.dkr-ecr.us-east-1.on.aws/metrics-exporter:1.2';

  return [
    withUid(
      workloadObject('Deployment', 'payments', 'api', [ecr('payments-api:v2')], { replicas: 2 }),
      'a0000000-0000-4000-8000-000000000001',
    ),
    withUid(
      workloadObject('ReplicaSet', 'payments', 'api-7c9f6d8b4', [ecr('payments-api:v2')], { replicas: 2 }),
      'a0000000-0000-4000-8000-000000000002',
    ),
    withUid(
      workloadObject('ReplicaSet', 'payments', 'api-5b8d7f9c1', [ecr('payments-api:v1')], { replicas: 0 }),
      'a0000000-0000-4000-8000-000000000003',
    ),
    apiPod(
      'api-7c9f6d8b4-abc12',
      ecr('payments-api:v2'),
      `${ecr('payments-api')}@${digest('2')}`,
      'a0000000-0000-4000-8000-000000000004',
    ),
    // Runs :stable; the tag has been moved to another image since this pod pulled it.
    apiPod(
      'api-7c9f6d8b4-def34',
      ecr('payments-api:stable'),
      `${ecr('payments-api')}@${digest('1')}`,
      'a0000000-0000-4000-8000-000000000005',
    ),
    withUid(
      workloadObject('Deployment', 'ops', 'ops-tool', [ecr('ops-tool:1.4')], { replicas: 0 }),
      'a0000000-0000-4000-8000-000000000006',
    ),
    withUid(
      workloadObject('CronJob', 'batch', 'nightly-report', [ecr('report:3')]),
      'a0000000-0000-4000-8000-000000000007',
    ),
    withUid(
      workloadObject('Job', 'batch', 'nightly-report-29000000', [ecr('report:3')]),
      'a0000000-0000-4000-8000-000000000008',
    ),
    withUid(
      podObject('batch', 'nightly-report-29000000-x7k2p', [ecr('report:3')], {
        imageIDs: [`${ecr('report')}@${digest('3')}`],
        owner: {
          kind: 'Job',
          name: 'nightly-report-29000000',
          apiVersion: 'batch/v1',
          uid: 'a0000000-0000-4000-8000-000000000008',
        },
      }),
      'a0000000-0000-4000-8000-000000000009',
    ),
    withUid(
      workloadObject('StatefulSet', 'data', 'db', ['public.ecr.aws/docker/library/postgres:16.4']),
      'a0000000-0000-4000-8000-000000000010',
    ),
    withUid(
      {
        ...dbPod,
        spec: { ...dbSpec, initContainers: [{ name: 'migrate', image: ecr('db-migrate:7') }] },
        status: {
          ...dbStatus,
          initContainerStatuses: [
            {
              name: 'migrate',
              image: ecr('db-migrate:7'),
              imageID: `docker-pullable://${ecr('db-migrate')}@${digest('7')}`,
              ready: true,
              restartCount: 0,
            },
          ],
        },
      },
      'a0000000-0000-4000-8000-000000000011',
    ),
    withUid(
      workloadObject('DaemonSet', 'kube-system', 'aws-node', [
        '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.0',
      ]),
      'a0000000-0000-4000-8000-000000000012',
    ),
    withUid(
      workloadObject('Deployment', 'monitoring', 'exporter', [
        dualStackImage,
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/metrics-exporter:1.2',
      ]),
      'a0000000-0000-4000-8000-000000000013',
    ),
    withUid(
      workloadObject('Deployment', 'payments', 'api-fips', [fipsImage], { replicas: 1 }),
      'a0000000-0000-4000-8000-000000000014',
    ),
    withUid(
      {
        ...debugPod,
        spec: { ...debugSpec, ephemeralContainers: [{ name: 'debugger', image: ecr('debug-tools:latest') }] },
        status: {
          ...debugStatus,
          ephemeralContainerStatuses: [
            {
              name: 'debugger',
              image: ecr('debug-tools:latest'),
              imageID: `${ecr('debug-tools')}@${digest('f')}`,
            },
          ],
        },
      },
      'a0000000-0000-4000-8000-000000000015',
    ),
  ];
}
