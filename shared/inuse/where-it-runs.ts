import type { InUseReason, InUseReasonKind } from '../cleanup/cleanup-reasons';

/**
 * Where an image runs, for people: the keep reasons of one digest (shared/cleanup/cleanup-reasons.ts)
 * folded into a few places ("3 pods in prod-eks/payments", "ECS service payments-api in 222222222222")
 * and one line that lists them, what runs now first. Vulnerability alerts, the daily digest and Tag
 * Moved show it (issue 14 §4); the cleanup worker publishes it through the in-use index
 * (shared/aws/in-use-index-store.ts). Pure: no I/O, no clock.
 */

/**
 * How sure a place is that the image runs there:
 * - `running`: it runs now (a pod, an ECS task, a Lambda version or alias, an ECS service's deployment,
 *   an App Runner service), or an external deployment list says it is deployed;
 * - `may-run-again`: a template that starts it when used (a Kubernetes workload's pod template, which
 *   includes old ReplicaSets, Deployments scaled to zero and CronJobs; a Batch job definition; one of
 *   the newest task definition revisions);
 * - `ran-recently`: Amazon Inspector saw it run within `cleanup.protect.inspectorInUseDays`.
 */
export type PlaceState = 'running' | 'may-run-again' | 'ran-recently';

/** One place, grouped: the pods of one namespace, the qualifiers of one function, and so on. */
export interface RunningPlace {
  /** The InUseReason kind it comes from. */
  kind: InUseReasonKind;
  state: PlaceState;
  /** A workload account's id, when the place is outside the registry's own account and region. */
  account?: string;
  region?: string;
  /** The ECS cluster (name, from its ARN) or Kubernetes cluster (as the config names it). */
  cluster?: string;
  namespace?: string;
  /** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob (in-use-kubernetes-workload). */
  workloadKind?: string;
  /**
   * What it is called: the namespace (pods), the task group (`service:<name>` or `family:<name>`) or
   * cluster (tasks), the service, function, job definition, task definition family, workload name,
   * external source, or `inspector`.
   */
  name: string;
  /** How many: pods, tasks, qualifiers, revisions; 1 for a service or a workload. */
  count: number;
}

export interface WhereItRuns {
  /** Every place, in display order (running first). */
  places: RunningPlace[];
  /** One line, at most SUMMARY_PLACES places then "and N more". */
  summary: string;
}

/** Places named in a summary line; the rest are counted ("and 3 more"). */
export const SUMMARY_PLACES = 5;

/**
 * Display order of the kinds: running things first (pods, tasks, Lambda, services), then what may run
 * again, then what Inspector saw lately. Not IN_USE_REASON_KINDS' order: that one is the order a
 * cleanup plan lists the reasons of one image; this one ranks places for someone deciding what to fix.
 */
const KIND_ORDER: readonly InUseReasonKind[] = [
  'in-use-kubernetes-pod',
  'in-use-ecs-task',
  'in-use-lambda',
  'in-use-ecs-service',
  'in-use-app-runner',
  'in-use-external',
  'in-use-kubernetes-workload',
  'in-use-batch',
  'task-definition-revision',
  'in-use-inspector',
];

const STATE_OF: Readonly<Record<InUseReasonKind, PlaceState>> = {
  'in-use-kubernetes-pod': 'running',
  'in-use-ecs-task': 'running',
  'in-use-lambda': 'running',
  'in-use-ecs-service': 'running',
  'in-use-app-runner': 'running',
  'in-use-external': 'running',
  'in-use-kubernetes-workload': 'may-run-again',
  'in-use-batch': 'may-run-again',
  'task-definition-revision': 'may-run-again',
  'in-use-inspector': 'ran-recently',
};

/** The places of every kind but the members that make up their count. */
interface Group {
  place: Omit<RunningPlace, 'count'>;
  /** What is counted: pod names, task ARNs, qualifiers, revisions; one entry for the rest. */
  members: Set<string>;
  /** Inspector's own count of the tasks and pods it saw, which replaces the members' count. */
  reportedCount?: number;
}

/** Folds one digest's in-use reasons into places and a summary line. */
export function whereItRuns(reasons: readonly InUseReason[]): WhereItRuns {
  const groups = new Map<string, Group>();
  for (const reason of reasons) {
    const { place, member } = placeOf(reason);
    const reportedCount = reason.kind === 'in-use-inspector' ? reason.inUseCount : undefined;
    const key = JSON.stringify([
      place.kind,
      place.account,
      place.region,
      place.cluster,
      place.namespace,
      place.workloadKind,
      place.name,
    ]);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        place,
        members: new Set([member]),
        ...(reportedCount === undefined ? {} : { reportedCount }),
      });
    } else {
      group.members.add(member);
      if (reportedCount !== undefined)
        group.reportedCount = Math.max(group.reportedCount ?? 0, reportedCount);
    }
  }
  const places = sortPlaces(
    [...groups.values()].map(({ place, members, reportedCount }) => ({
      ...withLambdaQualifier(place, members),
      count: reportedCount ?? members.size,
    })),
  );
  return { places, summary: summarizePlaces(places) };
}

/** Running first, then by KIND_ORDER, the biggest count first, then by name. */
export function sortPlaces(places: readonly RunningPlace[]): RunningPlace[] {
  return [...places].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      b.count - a.count ||
      describePlace(a).localeCompare(describePlace(b)),
  );
}

/** Whether any place runs the image now (not only "may run again" or "ran recently"). */
export function runsNow(places: readonly RunningPlace[]): boolean {
  return places.some((place) => place.state === 'running');
}

/** `3 pods in prod-eks/payments, ECS service payments-api in 222222222222, Lambda fn:3 and 2 more`. */
export function summarizePlaces(places: readonly RunningPlace[], max = SUMMARY_PLACES): string {
  const named = places.slice(0, max).map(describePlace);
  const rest = places.length - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}

/** One place as a phrase of the summary. */
export function describePlace(place: RunningPlace): string {
  const n = place.count;
  const plural = (word: string) => (n === 1 ? word : `${word}s`);
  let phrase: string;
  switch (place.kind) {
    case 'in-use-kubernetes-pod':
      phrase = `${n} ${plural('pod')} in ${place.cluster}/${place.namespace}`;
      break;
    case 'in-use-kubernetes-workload':
      phrase = `${place.workloadKind} ${place.namespace}/${place.name} in ${place.cluster}`;
      break;
    case 'in-use-ecs-task':
      phrase = `${n} ECS ${plural('task')} (${place.name}${place.cluster === undefined || place.cluster === place.name ? '' : ` in ${place.cluster}`})`;
      break;
    case 'in-use-ecs-service':
      phrase = `ECS service ${place.name}`;
      break;
    case 'task-definition-revision':
      phrase = `task definition ${place.name} (${n} ${plural('revision')})`;
      break;
    case 'in-use-lambda':
      phrase = n === 1 ? `Lambda ${place.name}` : `Lambda ${place.name} (${n} versions or aliases)`;
      break;
    case 'in-use-batch':
      phrase = `Batch job definition ${place.name}`;
      break;
    case 'in-use-app-runner':
      phrase = `App Runner service ${place.name}`;
      break;
    case 'in-use-external':
      phrase = `listed by ${place.name}`;
      break;
    case 'in-use-inspector':
      phrase = `seen running by Amazon Inspector${n > 1 ? ` (${n} tasks or pods)` : ''}`;
      break;
  }
  return place.account === undefined ? phrase : `${phrase} in ${place.account}`;
}

function placeOf(reason: InUseReason): { place: Omit<RunningPlace, 'count'>; member: string } {
  const base = { kind: reason.kind, state: STATE_OF[reason.kind] };
  const where =
    reason.kind === 'in-use-external' || reason.kind === 'in-use-inspector'
      ? {}
      : {
          ...(reason.account === undefined ? {} : { account: reason.account }),
          ...(reason.region === undefined ? {} : { region: reason.region }),
        };
  switch (reason.kind) {
    case 'in-use-kubernetes-pod':
      return {
        place: {
          ...base,
          ...where,
          cluster: reason.cluster,
          namespace: reason.namespace,
          name: reason.namespace,
        },
        member: reason.pod,
      };
    case 'in-use-kubernetes-workload':
      return {
        place: {
          ...base,
          ...where,
          cluster: reason.cluster,
          namespace: reason.namespace,
          workloadKind: reason.workloadKind,
          name: reason.name,
        },
        member: '',
      };
    case 'in-use-ecs-task': {
      const cluster = reason.clusterArn === undefined ? undefined : clusterName(reason.clusterArn);
      return {
        place: {
          ...base,
          ...where,
          ...(cluster === undefined ? {} : { cluster }),
          name: reason.group ?? cluster ?? 'standalone',
        },
        member: reason.taskArn,
      };
    }
    case 'in-use-ecs-service': {
      const cluster = reason.clusterArn === undefined ? undefined : clusterName(reason.clusterArn);
      return {
        place: { ...base, ...where, ...(cluster === undefined ? {} : { cluster }), name: reason.serviceName },
        member: '',
      };
    }
    case 'task-definition-revision':
      return { place: { ...base, ...where, name: reason.family }, member: String(reason.revision) };
    case 'in-use-lambda':
      return { place: { ...base, ...where, name: reason.functionName }, member: reason.qualifier };
    case 'in-use-batch':
      return {
        place: {
          ...base,
          ...where,
          name: reason.jobDefinitionName ?? jobDefinitionName(reason.jobDefinitionArn),
        },
        member: String(reason.revision ?? reason.jobDefinitionArn),
      };
    case 'in-use-app-runner':
      return { place: { ...base, ...where, name: reason.serviceName }, member: '' };
    case 'in-use-external':
      return { place: { ...base, name: reason.source }, member: '' };
    case 'in-use-inspector':
      return {
        // Its count is Inspector's inUseCount (how many tasks or pods it saw), when it says.
        place: { ...base, name: 'inspector' },
        member: '',
      };
  }
}

/** A function run under one qualifier is named `fn:3`, as Lambda's qualified ARNs do. */
function withLambdaQualifier(
  place: Omit<RunningPlace, 'count'>,
  members: ReadonlySet<string>,
): Omit<RunningPlace, 'count'> {
  if (place.kind !== 'in-use-lambda' || members.size !== 1) return place;
  const [qualifier] = members;
  return { ...place, name: `${place.name}:${qualifier}` };
}

/** `arn:aws:ecs:us-east-1:111111111111:cluster/prod` → `prod`. */
function clusterName(clusterArn: string): string {
  const slash = clusterArn.lastIndexOf('/');
  return slash === -1 ? clusterArn : clusterArn.slice(slash + 1);
}

/** `arn:aws:batch:us-east-1:111111111111:job-definition/nightly:3` → `nightly`. */
function jobDefinitionName(jobDefinitionArn: string): string {
  const slash = jobDefinitionArn.lastIndexOf('/');
  const tail = slash === -1 ? jobDefinitionArn : jobDefinitionArn.slice(slash + 1);
  const colon = tail.lastIndexOf(':');
  return colon === -1 ? tail : tail.slice(0, colon);
}

/**
 * Places an event carries at most (the summary names SUMMARY_PLACES of them): a DaemonSet's image
 * runs in every namespace of every cluster, and an alert must stay far below EventBridge's 256 KB.
 */
export const MAX_RUNNING_IN_PLACES = 20;

/** Where an image runs as events carry it (`runningIn`, `previousDigestRunningIn`). */
export interface RunningIn {
  summary: string;
  /** At most MAX_RUNNING_IN_PLACES, running first; `placeCount` counts them all. */
  places: RunningPlace[];
  placeCount: number;
  /** When the picture was taken (ISO 8601): the cleanup worker's last plan of the repository, or now. */
  asOf: string;
}

export function runningInOf(picture: WhereItRuns, asOf: string): RunningIn {
  return {
    // Events hold one-line summaries of at most 300 characters; names can be long (253 in Kubernetes).
    summary: picture.summary.length <= 300 ? picture.summary : `${picture.summary.slice(0, 299)}…`,
    places: picture.places.slice(0, MAX_RUNNING_IN_PLACES),
    placeCount: picture.places.length,
    asOf,
  };
}
