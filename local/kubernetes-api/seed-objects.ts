import type { SeedObject } from './object-store';

/**
 * Kubernetes objects as a cluster holds them (the fields a real API server returns that the in-use
 * read cares about, plus some it does not, so that trimming is exercised): for tests, the kubectl
 * check and the benchmark.
 */
const container = (name: string, image: string) => ({
  name,
  image,
  imagePullPolicy: 'IfNotPresent',
  resources: { requests: { cpu: '100m', memory: '128Mi' } },
  terminationMessagePath: '/dev/termination-log',
});

const podSpec = (images: readonly string[]) => ({
  containers: images.map((image, i) => container(`c${i}`, image)),
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  serviceAccountName: 'default',
});

const template = (app: string, images: readonly string[]) => ({
  metadata: { labels: { app } },
  spec: podSpec(images),
});

export function podObject(
  namespace: string,
  name: string,
  images: readonly string[],
  options: {
    imageIDs?: readonly string[];
    owner?: { kind: string; name: string; apiVersion?: string; uid?: string };
  } = {},
): SeedObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace,
      labels: { app: name },
      ...(options.owner === undefined
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: options.owner.apiVersion ?? 'apps/v1',
                kind: options.owner.kind,
                name: options.owner.name,
                uid: options.owner.uid ?? `uid-${namespace}-${options.owner.name}`,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }),
    },
    spec: { ...podSpec(images), nodeName: 'ip-10-0-0-1.ec2.internal' },
    status: {
      phase: 'Running',
      podIP: '10.0.0.10',
      containerStatuses: images.map((image, i) => ({
        name: `c${i}`,
        image,
        imageID: options.imageIDs?.[i] ?? '',
        ready: true,
        restartCount: 0,
        started: true,
      })),
    },
  };
}

export function workloadObject(
  kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob',
  namespace: string,
  name: string,
  images: readonly string[],
  options: { replicas?: number } = {},
): SeedObject {
  const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  const metadata = { name, namespace, uid: `uid-${namespace}-${name}`, labels: { app: name } };
  if (kind === 'CronJob') {
    return {
      kind,
      apiVersion,
      metadata,
      spec: {
        schedule: '0 * * * *',
        suspend: false,
        jobTemplate: {
          spec: {
            template: { ...template(name, images), spec: { ...podSpec(images), restartPolicy: 'OnFailure' } },
          },
        },
      },
      status: {},
    };
  }
  if (kind === 'Job') {
    return {
      kind,
      apiVersion,
      metadata,
      spec: {
        parallelism: 1,
        completions: 1,
        template: { ...template(name, images), spec: { ...podSpec(images), restartPolicy: 'Never' } },
      },
      status: { active: 1 },
    };
  }
  const replicas = options.replicas ?? 1;
  return {
    kind,
    apiVersion,
    metadata,
    spec: {
      ...(kind === 'DaemonSet' ? {} : { replicas }),
      selector: { matchLabels: { app: name } },
      template: template(name, images),
    },
    status: kind === 'DaemonSet' ? { desiredNumberScheduled: 1 } : { replicas, readyReplicas: replicas },
  };
}

const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;

/**
 * A generated cluster: `pods` pods and `workloads` workload objects (the six kinds in turn) spread
 * over `namespaces` namespaces, each running an image of `registry` (repository and tag vary).
 */
export function generateClusterObjects(input: {
  pods: number;
  workloads: number;
  namespaces: number;
  registry?: string;
}): SeedObject[] {
  const registry = input.registry ?? '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  const namespace = (i: number) => `ns-${String(i % input.namespaces).padStart(3, '0')}`;
  const image = (i: number) => `${registry}/service-${i % 50}:v${i % 7}`;
  const objects: SeedObject[] = [];
  for (let i = 0; i < input.workloads; i++) {
    const kind = WORKLOAD_KINDS[i % WORKLOAD_KINDS.length] as (typeof WORKLOAD_KINDS)[number];
    objects.push(workloadObject(kind, namespace(i), `${kind.toLowerCase()}-${i}`, [image(i)]));
  }
  for (let i = 0; i < input.pods; i++) {
    const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
    const ref = image(i);
    objects.push(
      podObject(namespace(i), `pod-${i}`, [ref], {
        imageIDs: [`${ref.split(':v')[0]}@${digest}`],
        owner: { kind: 'ReplicaSet', name: `replicaset-${i % Math.max(1, input.workloads)}` },
      }),
    );
  }
  return objects;
}
