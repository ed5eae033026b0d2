/**
 * The Kubernetes objects the in-use picture reads, as kubectl prints them:
 * `kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs -A -o json` is one
 * `v1` `List` whose items each carry their own `apiVersion` and `kind` (the API's list responses
 * leave them out per item; kubectl, and this reader, put them back).
 *
 * Items keep only what the in-use converter reads (names, owner references, container images,
 * replicas, container statuses), so that a cluster of 20,000 pods fits in a Lambda's memory.
 */
export interface KubernetesOwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface KubernetesObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  ownerReferences?: KubernetesOwnerReference[];
}

export interface KubernetesContainer {
  name?: string;
  image?: string;
}

export interface KubernetesPodSpec {
  containers?: KubernetesContainer[];
  initContainers?: KubernetesContainer[];
  ephemeralContainers?: KubernetesContainer[];
}

export interface KubernetesContainerStatus {
  name?: string;
  image?: string;
  imageID?: string;
}

export interface KubernetesListItem {
  apiVersion: string;
  kind: string;
  metadata: KubernetesObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface KubernetesList {
  apiVersion: 'v1';
  kind: 'List';
  metadata: { resourceVersion: string };
  items: KubernetesListItem[];
}

/** One collection the reader lists, cluster-wide (all namespaces). */
export interface KubernetesResource {
  /** The list path of every namespace's objects. */
  path: string;
  apiVersion: string;
  kind: string;
}

// The collections, in the order kubectl prints `get pods,replicasets,deployments,statefulsets,
// daemonsets,jobs,cronjobs`. https://kubernetes.io/docs/reference/kubernetes-api/
export const IN_USE_RESOURCES: readonly KubernetesResource[] = [
  { path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod' },
  { path: '/apis/apps/v1/replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { path: '/apis/apps/v1/deployments', apiVersion: 'apps/v1', kind: 'Deployment' },
  { path: '/apis/apps/v1/statefulsets', apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { path: '/apis/apps/v1/daemonsets', apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { path: '/apis/batch/v1/jobs', apiVersion: 'batch/v1', kind: 'Job' },
  { path: '/apis/batch/v1/cronjobs', apiVersion: 'batch/v1', kind: 'CronJob' },
];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const pick = (source: Json, keys: readonly string[]): Json => {
  const out: Json = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
};

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
const STATUS_LISTS = ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'] as const;

function trimList(value: unknown, keys: readonly string[]): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((entry) => (isObject(entry) ? pick(entry, keys) : {}));
}

/** A pod spec with its containers' names and images only. */
function trimPodSpec(spec: unknown): Json | undefined {
  if (!isObject(spec)) return undefined;
  const out: Json = {};
  for (const list of CONTAINER_LISTS) {
    const trimmed = trimList(spec[list], ['name', 'image']);
    if (trimmed !== undefined) out[list] = trimmed;
  }
  return out;
}

/** `{ metadata?, spec }` of a pod template, its spec trimmed. */
function trimPodTemplate(template: unknown): Json | undefined {
  if (!isObject(template)) return undefined;
  const spec = trimPodSpec(template.spec);
  return spec === undefined ? {} : { spec };
}

function trimMetadata(metadata: unknown): KubernetesObjectMeta {
  if (!isObject(metadata)) return {};
  const out = pick(metadata, ['name', 'namespace', 'uid']) as KubernetesObjectMeta;
  const owners = trimList(metadata.ownerReferences, ['apiVersion', 'kind', 'name', 'uid', 'controller']);
  if (owners !== undefined) out.ownerReferences = owners as KubernetesOwnerReference[];
  return out;
}

function trimPodStatus(status: unknown): Json | undefined {
  if (!isObject(status)) return undefined;
  const out = pick(status, ['phase']);
  for (const list of STATUS_LISTS) {
    const trimmed = trimList(status[list], ['name', 'image', 'imageID']);
    if (trimmed !== undefined) out[list] = trimmed;
  }
  return out;
}

/** A workload's spec: replicas (and a CronJob's suspend), and the pod template it creates pods from. */
function trimWorkloadSpec(kind: string, spec: unknown): Json | undefined {
  if (!isObject(spec)) return undefined;
  if (kind === 'CronJob') {
    const out = pick(spec, ['suspend']);
    const jobTemplate = spec.jobTemplate;
    if (isObject(jobTemplate)) {
      const jobSpec = isObject(jobTemplate.spec) ? jobTemplate.spec : undefined;
      out.jobTemplate =
        jobSpec === undefined ? {} : { spec: { template: trimPodTemplate(jobSpec.template) ?? {} } };
    }
    return out;
  }
  const out = pick(spec, ['replicas', 'parallelism']);
  const template = trimPodTemplate(spec.template);
  if (template !== undefined) out.template = template;
  return out;
}

/**
 * One object of a list response as a List item: `apiVersion` and `kind` set (the API omits them
 * per item), fields the in-use converter does not read dropped. An item of an unexpected shape is
 * kept with what it has: the converter decides what a missing `spec` means (fail closed).
 */
export function toInUseListItem(resource: KubernetesResource, object: unknown): KubernetesListItem {
  const source = isObject(object) ? object : {};
  const item: KubernetesListItem = {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    metadata: trimMetadata(source.metadata),
  };
  const spec =
    resource.kind === 'Pod' ? trimPodSpec(source.spec) : trimWorkloadSpec(resource.kind, source.spec);
  if (spec !== undefined) item.spec = spec;
  if (resource.kind === 'Pod') {
    const status = trimPodStatus(source.status);
    if (status !== undefined) item.status = status;
  } else if (isObject(source.status)) {
    item.status = pick(source.status, ['replicas', 'readyReplicas', 'active']);
  }
  return item;
}

export function kubernetesList(items: KubernetesListItem[]): KubernetesList {
  // kubectl prints an empty resourceVersion for a List it assembled from several collections.
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
