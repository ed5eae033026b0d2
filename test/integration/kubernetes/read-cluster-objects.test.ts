import type { SeedObject } from '../../../local/kubernetes-api/object-store';
import {
  generateClusterObjects,
  podObject,
  workloadObject,
} from '../../../local/kubernetes-api/seed-objects';
import { generateSelfSignedCertificate } from '../../../local/kubernetes-api/self-signed-certificate';
import {
  type KubernetesApiStandIn,
  type KubernetesApiStandInOptions,
  STAND_IN_CREDENTIALS,
  startKubernetesApiStandIn,
} from '../../../local/kubernetes-api/server';
import { createEksToken } from '../../../shared/aws/eks-token';
import { KubernetesApiError } from '../../../shared/kubernetes/kubernetes-errors';
import {
  type ReadClusterObjectsInput,
  readClusterObjects,
  readClusterObjectsWithStats,
} from '../../../shared/kubernetes/read-cluster-objects';

const CLUSTER = 'prod-eks';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const noWait = { sleep: async () => undefined, random: () => 0 };

const tenPods = (): SeedObject[] =>
  Array.from({ length: 10 }, (_, i) =>
    podObject(`ns-${i % 3}`, `pod-${i}`, [`${REGISTRY}/app:v${i}`], {
      imageIDs: [`${REGISTRY}/app@sha256:${String(i).repeat(64).slice(0, 64)}`],
      owner: { kind: 'ReplicaSet', name: 'web-5d4f' },
    }),
  );

const workloads = (): SeedObject[] => [
  workloadObject('Deployment', 'payments', 'api', [`${REGISTRY}/api:v2`], { replicas: 0 }),
  workloadObject('ReplicaSet', 'payments', 'api-old', [`${REGISTRY}/api:v1`], { replicas: 0 }),
  workloadObject('StatefulSet', 'data', 'db', [`${REGISTRY}/db:16`]),
  workloadObject('DaemonSet', 'kube-system', 'agent', [`${REGISTRY}/agent:1`]),
  workloadObject('Job', 'batch', 'migrate', [`${REGISTRY}/migrate:7`]),
  workloadObject('CronJob', 'batch', 'nightly', [`${REGISTRY}/report:3`]),
];

let standIn: KubernetesApiStandIn;

async function start(options: Partial<KubernetesApiStandInOptions> = {}): Promise<void> {
  standIn = await startKubernetesApiStandIn({
    clusterName: CLUSTER,
    objects: [...tenPods(), ...workloads()],
    ...options,
  });
}

async function readInput(overrides: Partial<ReadClusterObjectsInput> = {}): Promise<ReadClusterObjectsInput> {
  const { token } = await createEksToken({
    clusterName: CLUSTER,
    region: 'us-east-1',
    credentials: STAND_IN_CREDENTIALS,
  });
  return {
    cluster: CLUSTER,
    endpoint: standIn.url,
    caData: standIn.caData,
    token,
    retry: noWait,
    ...overrides,
  };
}

const podNames = (items: { kind: string; metadata: { name?: string } }[]) =>
  items.filter((item) => item.kind === 'Pod').map((item) => item.metadata.name);

const allPodNames = Array.from({ length: 10 }, (_, i) => `pod-${i}`);
const sorted = (names: (string | undefined)[]) => [...names].sort();

afterEach(async () => {
  await standIn.close();
});

describe('readClusterObjects against the Kubernetes API stand-in', () => {
  it('reads every collection of every namespace as a kubectl v1 List, paging with limit and continue to the end', async () => {
    await start();

    const { list, stats } = await readClusterObjectsWithStats(await readInput({ pageSize: 3 }));

    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect(sorted(podNames(list.items))).toEqual(sorted(allPodNames));
    expect(list.items.map((item) => `${item.apiVersion} ${item.kind}`)).toEqual([
      ...Array(10).fill('v1 Pod'),
      'apps/v1 ReplicaSet',
      'apps/v1 Deployment',
      'apps/v1 StatefulSet',
      'apps/v1 DaemonSet',
      'batch/v1 Job',
      'batch/v1 CronJob',
    ]);
    // 10 pods at 3 a page: 4 pages; each other collection: 1.
    expect(stats.pages).toBe(4 + 6);
    const podPages = standIn.requests.filter((r) => r.url.startsWith('/api/v1/pods'));
    expect(podPages.map((r) => new URL(r.url, 'https://x').searchParams.get('limit'))).toEqual([
      '3',
      '3',
      '3',
      '3',
    ]);
    expect(podPages.filter((r) => r.url.includes('continue='))).toHaveLength(3);
  });

  it('keeps what the in-use converter reads and drops the rest', async () => {
    await start();

    const list = await readClusterObjects(await readInput());

    const pod = list.items.find((item) => item.metadata.name === 'pod-1');
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'pod-1',
        namespace: 'ns-1',
        uid: expect.any(String),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-5d4f',
            uid: 'uid-ns-1-web-5d4f',
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'c0', image: `${REGISTRY}/app:v1` }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'c0', image: `${REGISTRY}/app:v1`, imageID: `${REGISTRY}/app@sha256:${'1'.repeat(64)}` },
        ],
      },
    });
    const deployment = list.items.find((item) => item.kind === 'Deployment');
    expect(deployment?.spec).toEqual({
      replicas: 0,
      template: { spec: { containers: [{ name: 'c0', image: `${REGISTRY}/api:v2` }] } },
    });
    const cronJob = list.items.find((item) => item.kind === 'CronJob');
    expect(cronJob?.spec).toEqual({
      suspend: false,
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: 'c0', image: `${REGISTRY}/report:3` }] } } },
      },
    });
  });

  it('goes on with the token a 410 Gone carries when a continue token expires, listing each pod once', async () => {
    await start();
    standIn.inject({ path: '/api/v1/pods', expireContinue: true, times: 1 });

    const { list, stats } = await readClusterObjectsWithStats(await readInput({ pageSize: 4 }));

    expect(sorted(podNames(list.items))).toEqual(sorted(allPodNames));
    expect(stats.expiredContinues).toBe(1);
    expect(standIn.requests.filter((r) => r.status === 410)).toHaveLength(1);
  });

  it('restarts the list when the 410 carries no continue token', async () => {
    await start({ offerInconsistentContinue: false });
    standIn.inject({ path: '/api/v1/pods', expireContinue: true, times: 1 });

    const { list } = await readClusterObjectsWithStats(await readInput({ pageSize: 4 }));

    expect(sorted(podNames(list.items))).toEqual(sorted(allPodNames));
    const podRequests = standIn.requests.filter((r) => r.url.startsWith('/api/v1/pods'));
    // page 1, page 2 (410), then page 1, 2 and 3 again.
    expect(podRequests.map((r) => r.status)).toEqual([200, 410, 200, 200, 200]);
  });

  it('gives up with a KubernetesApiError when continue tokens keep expiring', async () => {
    await start({ offerInconsistentContinue: false });
    standIn.inject({ path: '/api/v1/pods', expireContinue: true });

    const read = readClusterObjects(await readInput({ pageSize: 4, maxExpiredContinues: 2 }));

    await expect(read).rejects.toMatchObject({
      name: 'KubernetesApiError',
      status: 410,
      reason: 'Expired',
      cluster: CLUSTER,
    });
  });

  it('answers 401 Unauthorized to a token signed for another cluster, and says so', async () => {
    await start();
    const { token } = await createEksToken({
      clusterName: 'other-cluster',
      region: 'us-east-1',
      credentials: STAND_IN_CREDENTIALS,
    });

    const read = readClusterObjects(await readInput({ token }));

    await expect(read).rejects.toBeInstanceOf(KubernetesApiError);
    await expect(read).rejects.toMatchObject({
      status: 401,
      reason: 'Unauthorized',
      path: expect.stringMatching(/^\/api/),
    });
    await expect(read).rejects.toThrow(/cluster prod-eks: GET .*HTTP 401: the token was refused/);
  });

  it('answers 401 to a token signed more than 15 minutes ago', async () => {
    await start();
    const { token } = await createEksToken({
      clusterName: CLUSTER,
      region: 'us-east-1',
      credentials: STAND_IN_CREDENTIALS,
      now: new Date(Date.now() - 16 * 60_000),
    });

    await expect(readClusterObjects(await readInput({ token }))).rejects.toMatchObject({ status: 401 });
  });

  it('fails on 403 Forbidden at once, without retrying, naming the access policy it needs', async () => {
    await start();
    standIn.inject({ path: '/apis/batch/v1/cronjobs', status: 403 });

    const read = readClusterObjects(await readInput());

    await expect(read).rejects.toMatchObject({
      status: 403,
      reason: 'Forbidden',
      path: '/apis/batch/v1/cronjobs?limit=500',
    });
    await expect(read).rejects.toThrow(/AmazonEKSViewPolicy/);
    expect(standIn.requests.filter((r) => r.url.startsWith('/apis/batch/v1/cronjobs'))).toHaveLength(1);
  });

  it('retries a 500 and succeeds when the server recovers', async () => {
    await start();
    standIn.inject({ path: '/api/v1/pods', status: 500, times: 2 });

    const { list, stats } = await readClusterObjectsWithStats(await readInput());

    expect(sorted(podNames(list.items))).toEqual(sorted(allPodNames));
    expect(stats.retries).toBe(2);
  });

  it('retries a 429 after its Retry-After', async () => {
    await start();
    standIn.inject({ path: '/apis/apps/v1/deployments', status: 429, retryAfterSeconds: 1, times: 1 });
    const waits: number[] = [];

    await readClusterObjects(
      await readInput({ retry: { random: () => 0, sleep: async (ms) => void waits.push(ms) } }),
    );

    expect(waits).toEqual([1000]);
  });

  it('fails with a KubernetesApiError after maxAttempts when the server keeps answering 500', async () => {
    await start();
    standIn.inject({ path: '/apis/apps/v1/statefulsets', status: 500 });

    const read = readClusterObjects(await readInput({ maxAttempts: 3 }));

    await expect(read).rejects.toMatchObject({ status: 500, path: '/apis/apps/v1/statefulsets?limit=500' });
    await expect(read).rejects.toThrow(/after 3 attempts/);
  });

  it('times out a server that does not answer, and fails after its attempts', async () => {
    await start();
    standIn.inject({ path: '/apis/apps/v1/daemonsets', delayMs: 1_000 });

    const read = readClusterObjects(await readInput({ timeoutMs: 100, maxAttempts: 2 }));

    await expect(read).rejects.toBeInstanceOf(KubernetesApiError);
    await expect(read).rejects.toThrow(/daemonsets\?limit=500: timed out: .* \(after 2 attempts\)/);
  });

  it('refuses a server whose certificate the cluster CA did not sign', async () => {
    await start();
    const otherCa = Buffer.from(generateSelfSignedCertificate().cert).toString('base64');

    const read = readClusterObjects(await readInput({ caData: otherCa, maxAttempts: 1 }));

    await expect(read).rejects.toMatchObject({ name: 'KubernetesApiError', status: undefined });
    await expect(read).rejects.toThrow(/unreachable: self.signed certificate/);
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('readClusterObjects on a large page', () => {
  it('accepts the gzip the API server uses for answers above 128 KiB', async () => {
    standIn = await startKubernetesApiStandIn({
      clusterName: CLUSTER,
      objects: generateClusterObjects({ pods: 600, workloads: 0, namespaces: 7 }),
    });

    const list = await readClusterObjects(await readInput());

    expect(list.items).toHaveLength(600);
    expect(standIn.requests.filter((r) => r.gzip).map((r) => r.url)).toEqual(['/api/v1/pods?limit=500']);
  });
});
