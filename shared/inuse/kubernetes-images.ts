import type { InUseReason, WorkloadPlace } from '../cleanup/cleanup-reasons';
import { type EcrImageReference, parseEcrImageReference, readImageId } from '../cleanup/image-reference';
import { type ImageUse, placeReason, type WorkloadImageUses } from '../cleanup/workload-images';
import { InUseInputError, type InUseInputIssue } from './in-use-errors';

/**
 * The images a Kubernetes cluster runs or may start again, read from kubectl's own JSON: a `v1`
 * `List` (`kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs -A -o json`)
 * whose items carry their `kind`, or a single-kind list as the API returns it (`PodList`,
 * `DeploymentList`, ...), whose items do not. Object shapes: the Kubernetes API reference
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/).
 *
 * - Pods: `spec.containers`, `spec.initContainers` and `spec.ephemeralContainers`; the digest that
 *   actually runs is the container status's `imageID` (`status.containerStatuses`,
 *   `initContainerStatuses`, `ephemeralContainerStatuses`), which protects that digest even when
 *   the tag of the spec's `image` has moved since. The spec's `image` counts too (a container still
 *   pulling has no `imageID` yet); a tag is resolved later to the digest it names now.
 * - Pod templates: Deployments (scaled to zero too: a scale-up pulls the image), ReplicaSets (every
 *   one kept: a Deployment keeps `revisionHistoryLimit` old ones, at 0 replicas, as rollback
 *   targets), StatefulSets, DaemonSets, Jobs, ReplicationControllers (`spec.template.spec`) and
 *   CronJobs (`spec.jobTemplate.spec.template.spec`; a suspended one still counts).
 * - Other kinds (Services, ConfigMaps, ...) are ignored.
 *
 * Malformed input (not a List, an item that is not an object or has no `kind`, a workload without
 * its pod spec, containers that are not a list, an `image` that is not a string) throws an
 * InUseInputError naming every issue's path: what such a cluster runs is not known (fail closed).
 */

export type KubernetesWorkloadKind =
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'ReplicationController';

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<KubernetesWorkloadKind, readonly string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

// PodSpec's three lists of containers, and the Pod status lists that report them
// (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodStatus).
const CONTAINER_LISTS = [
  { spec: 'containers', status: 'containerStatuses' },
  { spec: 'initContainers', status: 'initContainerStatuses' },
  { spec: 'ephemeralContainers', status: 'ephemeralContainerStatuses' },
] as const;

// Pod phases (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase):
// "Succeeded: All containers in the Pod have terminated in success, and will not be restarted.
// Failed: All containers in the Pod have terminated, and at least one container has terminated in
// failure." Neither runs its images again: a Job that retries creates a new Pod from its template,
// which the Job's own entry protects. Pending (being scheduled, or pulling), Running and Unknown
// (the node cannot be reached: it may still run) count.
const FINISHED_POD_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

type JsonObject = Record<string, unknown>;

/** Every image use of the cluster's objects. `where` names the workload account and region, if any. */
export function kubernetesImageUses(
  cluster: string,
  list: unknown,
  where?: WorkloadPlace,
): WorkloadImageUses {
  const reader = new ListReader(cluster, where);
  reader.read(list);
  if (reader.issues.length > 0) throw new InUseInputError(`kubernetes:${cluster}`, reader.issues);
  return { uses: reader.uses, warnings: reader.warnings };
}

class ListReader {
  readonly uses: ImageUse[] = [];
  readonly warnings: string[] = [];
  readonly issues: InUseInputIssue[] = [];

  constructor(
    private readonly cluster: string,
    private readonly where: WorkloadPlace | undefined,
  ) {}

  read(list: unknown): void {
    if (!isObject(list) || typeof list.kind !== 'string' || !list.kind.endsWith('List')) {
      const got = isObject(list) && typeof list.kind === 'string' ? `a ${list.kind}` : describe(list);
      this.issue('', `expected a Kubernetes List (what kubectl get ... -o json prints), got ${got}`);
      return;
    }
    if (!Array.isArray(list.items)) {
      this.issue('items', `expected an array, got ${describe(list.items)}`);
      return;
    }
    // A single-kind list (PodList, DeploymentList) omits each item's kind; kubectl's List sets it.
    const listKind = list.kind === 'List' ? undefined : list.kind.slice(0, -'List'.length);
    list.items.forEach((item, i) => {
      this.readItem(item, `items[${i}]`, listKind);
    });
  }

  private readItem(item: unknown, path: string, listKind: string | undefined): void {
    if (!isObject(item)) {
      this.issue(path, `expected an object, got ${describe(item)}`);
      return;
    }
    const kind = typeof item.kind === 'string' ? item.kind : listKind;
    if (kind === undefined) {
      this.issue(`${path}.kind`, 'is required in a List: without it the object cannot be read');
      return;
    }
    const metadata = isObject(item.metadata) ? item.metadata : {};
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
    const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
    if (kind === 'Pod') this.readPod(item, path, namespace, name);
    else if (kind in POD_SPEC_PATHS) {
      this.readTemplate(item, path, kind as KubernetesWorkloadKind, namespace, name);
    }
    // Any other kind runs no container of its own.
  }

  private readPod(pod: JsonObject, path: string, namespace: string, name: string): void {
    const spec = this.objectAt(pod, ['spec'], path);
    if (spec === undefined) return;
    const status = isObject(pod.status) ? pod.status : {};
    if (typeof status.phase === 'string' && FINISHED_POD_PHASES.has(status.phase)) return;
    const podReason = (container: string): InUseReason =>
      this.placed({ kind: 'in-use-kubernetes-pod', cluster: this.cluster, namespace, pod: name, container });

    for (const lists of CONTAINER_LISTS) {
      const containers = this.containersAt(spec, lists.spec, `${path}.spec`);
      for (const { container, reference } of containers) {
        if (reference !== undefined) this.uses.push({ reference, reason: podReason(container) });
      }
      const statuses = status[lists.status];
      if (!Array.isArray(statuses)) continue;
      statuses.forEach((entry, s) => {
        if (!isObject(entry) || typeof entry.imageID !== 'string') return;
        const container = typeof entry.name === 'string' ? entry.name : '(unnamed)';
        const reading = readImageId(entry.imageID);
        if (reading.kind === 'reference') {
          this.uses.push({ reference: reading.reference, reason: podReason(container) });
        } else if (
          reading.kind === 'no-registry' &&
          containers.some((known) => known.container === container && known.reference !== undefined)
        ) {
          this.warnings.push(
            `kubernetes:${this.cluster}: pod ${namespace}/${name} container ${container} reports imageID ` +
              `${entry.imageID} (${path}.status.${lists.status}[${s}].imageID), which names no registry: ` +
              'only its spec image, resolved by tag, is known to run',
          );
        }
      });
    }
  }

  private readTemplate(
    item: JsonObject,
    path: string,
    workloadKind: KubernetesWorkloadKind,
    namespace: string,
    name: string,
  ): void {
    const specPath = POD_SPEC_PATHS[workloadKind];
    const spec = this.objectAt(item, specPath, path);
    if (spec === undefined) return;
    const at = `${path}.${specPath.join('.')}`;
    for (const lists of CONTAINER_LISTS) {
      for (const { container, reference } of this.containersAt(spec, lists.spec, at)) {
        if (reference === undefined) continue;
        const reason = this.placed({
          kind: 'in-use-kubernetes-workload',
          cluster: this.cluster,
          namespace,
          workloadKind,
          name,
          container,
        });
        this.uses.push({ reference, reason });
      }
    }
  }

  /** The containers of one PodSpec list, with their ECR reference when the image names one. */
  private containersAt(
    spec: JsonObject,
    field: string,
    path: string,
  ): { container: string; reference?: EcrImageReference }[] {
    const containers = spec[field];
    if (containers === undefined || containers === null) {
      if (field === 'containers')
        this.issue(`${path}.containers`, 'is required: a PodSpec lists its containers');
      return [];
    }
    if (!Array.isArray(containers)) {
      this.issue(`${path}.${field}`, `expected an array, got ${describe(containers)}`);
      return [];
    }
    const read: { container: string; reference?: EcrImageReference }[] = [];
    containers.forEach((container, c) => {
      const at = `${path}.${field}[${c}]`;
      if (!isObject(container)) {
        this.issue(at, `expected an object, got ${describe(container)}`);
        return;
      }
      const name = typeof container.name === 'string' ? container.name : `(container ${c})`;
      // `image` is optional in a pod template ("to allow higher level config management to default
      // or override container images"); when given it must be a string.
      if (container.image === undefined) {
        read.push({ container: name });
        return;
      }
      if (typeof container.image !== 'string') {
        this.issue(`${at}.image`, `expected a string, got ${describe(container.image)}`);
        return;
      }
      const reference = parseEcrImageReference(container.image);
      read.push(reference === undefined ? { container: name } : { container: name, reference });
    });
    return read;
  }

  private objectAt(item: JsonObject, fields: readonly string[], path: string): JsonObject | undefined {
    let value: unknown = item;
    let at = path;
    for (const field of fields) {
      const next: unknown = isObject(value) ? value[field] : undefined;
      at = `${at}.${field}`;
      if (!isObject(next)) {
        this.issue(at, next === undefined ? 'is required' : `expected an object, got ${describe(next)}`);
        return undefined;
      }
      value = next;
    }
    return value as JsonObject;
  }

  private placed(reason: InUseReason): InUseReason {
    if (this.where !== undefined) placeReason(reason, this.where);
    return reason;
  }

  private issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return String(typeof value === 'undefined' ? 'nothing' : `${typeof value} ${String(value)}`);
}
