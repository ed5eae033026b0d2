/**
 * The discovery documents kubectl reads before a `get` (legacy discovery: `/api`, `/apis`, then
 * one APIResourceList per group version). kubectl asks for the aggregated form first (Accept
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`) and falls back to these
 * when the answer is plain `application/json`.
 * https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api
 */
export interface StandInResource {
  /** The plural, as in the URL. */
  name: string;
  singularName: string;
  kind: string;
  groupVersion: string;
  shortNames?: string[];
  namespaced: boolean;
}

const READ_VERBS = ['get', 'list', 'watch'];

export const STAND_IN_RESOURCES: readonly StandInResource[] = [
  {
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    groupVersion: 'v1',
    shortNames: ['ns'],
    namespaced: false,
  },
  {
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    groupVersion: 'v1',
    shortNames: ['po'],
    namespaced: true,
  },
  {
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    groupVersion: 'apps/v1',
    shortNames: ['deploy'],
    namespaced: true,
  },
  {
    name: 'replicasets',
    singularName: 'replicaset',
    kind: 'ReplicaSet',
    groupVersion: 'apps/v1',
    shortNames: ['rs'],
    namespaced: true,
  },
  {
    name: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    groupVersion: 'apps/v1',
    shortNames: ['sts'],
    namespaced: true,
  },
  {
    name: 'daemonsets',
    singularName: 'daemonset',
    kind: 'DaemonSet',
    groupVersion: 'apps/v1',
    shortNames: ['ds'],
    namespaced: true,
  },
  { name: 'jobs', singularName: 'job', kind: 'Job', groupVersion: 'batch/v1', namespaced: true },
  {
    name: 'cronjobs',
    singularName: 'cronjob',
    kind: 'CronJob',
    groupVersion: 'batch/v1',
    shortNames: ['cj'],
    namespaced: true,
  },
];

export const GROUP_VERSIONS = ['apps/v1', 'batch/v1'] as const;

export const apiVersionsDocument = () => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }],
});

export const apiGroupListDocument = () => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: GROUP_VERSIONS.map((groupVersion) => {
    const [group, version] = groupVersion.split('/') as [string, string];
    const entry = { groupVersion, version };
    return { name: group, versions: [entry], preferredVersion: entry };
  }),
});

export function apiResourceListDocument(groupVersion: string) {
  const resources = STAND_IN_RESOURCES.filter((r) => r.groupVersion === groupVersion);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: READ_VERBS,
      ...(r.shortNames === undefined ? {} : { shortNames: r.shortNames }),
    })),
  };
}

export const versionDocument = () => ({
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-ecr-warden-stand-in',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23',
  compiler: 'gc',
  platform: 'linux/amd64',
});
