/**
 * The pure in-use model at issue 14's scale (`node bench/in-use-model.mjs`): kubectl's List of a
 * cluster with 20,000 pods and 5,000 workload objects across 200 namespaces, turned into image uses
 * in one pass (kubernetesImageUses), then grouped by repository and resolved against 200
 * repositories of 1,000 images (what a plan does). Reading the objects from the Kubernetes API is
 * the read path's bench; this is what happens to them after. Prints one JSON line.
 */
import { type ImageUse, resolveImagesInUse } from '../shared/cleanup/workload-images';
import { kubernetesImageUses } from '../shared/inuse/kubernetes-images';

const PODS = 20_000;
const WORKLOADS = 5_000;
const NAMESPACES = 200;
const IMAGES_PER_REPOSITORY = 1_000;
const ROUNDS = 5;
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'] as const;

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const repositoryOf = (i: number) => `team-${i % NAMESPACES}/app`;

function kubectlList(): string {
  const items: unknown[] = [];
  for (let i = 0; i < PODS; i++) {
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `app-${i}`, namespace: `ns-${i % NAMESPACES}`, uid: `${i}` },
      spec: {
        containers: [
          { name: 'app', image: `${REGISTRY}/${repositoryOf(i)}:v${i % 50}` },
          { name: 'proxy', image: 'public.ecr.aws/envoyproxy/envoy:v1.31.0' },
        ],
        initContainers: [{ name: 'migrate', image: `${REGISTRY}/${repositoryOf(i)}:v${i % 50}` }],
      },
      status: {
        phase: i % 20 === 0 ? 'Succeeded' : 'Running',
        containerStatuses: [
          {
            name: 'app',
            imageID: `docker-pullable://${REGISTRY}/${repositoryOf(i)}@${digest(i % IMAGES_PER_REPOSITORY)}`,
          },
          { name: 'proxy', imageID: `public.ecr.aws/envoyproxy/envoy@${digest(7)}` },
        ],
      },
    });
  }
  for (let i = 0; i < WORKLOADS; i++) {
    const kind = WORKLOAD_KINDS[i % WORKLOAD_KINDS.length] as string;
    items.push({
      apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
      kind,
      metadata: { name: `app-${i}`, namespace: `ns-${i % NAMESPACES}` },
      spec: {
        replicas: i % 3,
        template: {
          spec: { containers: [{ name: 'app', image: `${REGISTRY}/${repositoryOf(i)}:v${i % 50}` }] },
        },
      },
    });
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const text = kubectlList();
const parseMs: number[] = [];
const convertMs: number[] = [];
const resolveMs: number[] = [];
let uses: ImageUse[] = [];
let digestsInUse = 0;
const images = Array.from({ length: IMAGES_PER_REPOSITORY }, (_, n) => ({
  imageDigest: digest(n),
  imageTags: n < 50 ? [`v${n}`] : [],
}));

for (let round = 0; round < ROUNDS; round++) {
  let start = performance.now();
  const list: unknown = JSON.parse(text);
  parseMs.push(performance.now() - start);

  start = performance.now();
  uses = kubernetesImageUses('bench', list).uses;
  convertMs.push(performance.now() - start);

  start = performance.now();
  const byRepository = new Map<string, ImageUse[]>();
  for (const use of uses) {
    const group = byRepository.get(use.reference.repositoryName);
    if (group === undefined) byRepository.set(use.reference.repositoryName, [use]);
    else group.push(use);
  }
  digestsInUse = 0;
  for (let r = 0; r < NAMESPACES; r++) {
    const repositoryName = `team-${r}/app`;
    const location = { registryId: '123456789012', region: 'us-east-1', repositoryName };
    digestsInUse += resolveImagesInUse(byRepository.get(repositoryName) ?? [], location, images).size;
  }
  resolveMs.push(performance.now() - start);
}

console.log(
  JSON.stringify({
    objects: PODS + WORKLOADS,
    namespaces: NAMESPACES,
    listBytes: text.length,
    uses: uses.length,
    repositories: NAMESPACES,
    digestsInUse,
    parseMs: median(parseMs),
    convertMs: median(convertMs),
    resolveMs: median(resolveMs),
    heapUsedMb: process.memoryUsage().heapUsed / 1e6,
  }),
);
