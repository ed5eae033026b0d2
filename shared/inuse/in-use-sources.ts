import type { WorkloadSource } from '../cleanup/cleanup-ports';
import {
  type ImageUse,
  listWorkloadImageUses,
  type WorkloadImageUses,
  type Workloads,
} from '../cleanup/workload-images';
import type { CleanupProtectConfig } from '../config/schema';
import { EKS_CLUSTER_ARN } from '../config/schema-protect';
import { type InUseSource, InUseSourceError } from './in-use-picture';
import type {
  AssumedCredentials,
  ClusterRef,
  InUseConverters,
  InUseReaders,
  Place,
  ReadPlace,
} from './in-use-ports';

/**
 * Which in-use sources a live run reads, from the config (pure: the reads are ports, implemented in
 * shared/aws/ and shared/kubernetes/, replaced in tests):
 *
 * - always: this account's and region's ECS and Lambda (`ecs:` and `lambda:<account>/<region>`);
 * - `kubernetes.clusters`: each cluster (`kubernetes:<cluster>`), or with `all` every cluster
 *   eks:ListClusters returns here (`kubernetes:all`, then each cluster by its name when it fails);
 * - each `workloadAccounts` entry × region: its ECS, Lambda and `kubernetesClusters`, read with the
 *   workload role (`…@<account>/<region>`); a role that cannot be assumed fails as
 *   `account:<account>/<region>`, once;
 * - `batch`, `appRunner`: here and in every workload account × region;
 * - `inspectorInUseDays`: Inspector's coverage here;
 * - each `external` list (`external:<source>`): a list older than its maxAgeHours fails closed.
 *
 * The converters (shared/inuse/ of the in-use model: Kubernetes lists, Batch, App Runner, external
 * lists, Inspector coverage) are passed in beside the readers, so that this file decides only what is
 * read, where, and under which name.
 */

export interface ComposeInUseSourcesSettings {
  protect: CleanupProtectConfig;
  /** The worker's own account and region (the registry's). */
  local: Place;
  readers: InUseReaders;
  converters: InUseConverters;
  /** Evaluation time, epoch ms (external lists' age, Inspector's window). */
  now: () => number;
  /**
   * False when the caller reads this account's ECS and Lambda itself (the cleanup worker, through its
   * `workloads` port and localWorkloadSources): then only the other sources are composed.
   */
  localWorkloads?: boolean;
}

export function composeInUseSources(settings: ComposeInUseSourcesSettings): InUseSource[] {
  const { protect, local, readers, converters } = settings;
  const here: ReadPlace = { ...local };
  const sources: InUseSource[] = [
    ...(settings.localWorkloads === false ? [] : workloadSources(here, undefined, readers, converters)),
    ...clusterSources(protect.kubernetes?.clusters, here, undefined, readers, converters, ''),
  ];
  sources.push(...placeSources(protect, here, undefined, readers, converters));

  const role = {
    roleName: protect.workloadRoleName,
    ...(protect.workloadRoleExternalId === undefined ? {} : { externalId: protect.workloadRoleExternalId }),
  };
  for (const entry of protect.workloadAccounts) {
    // One AssumeRole per account, shared by its regions and sources (the adapter caches it until expiry).
    let session: Promise<AssumedCredentials> | undefined;
    const credentials = () => {
      session ??= readers.assumeRole(entry.account, role);
      return session;
    };
    for (const region of entry.regions) {
      const where: Place = { account: entry.account, region };
      const suffix = `@${entry.account}/${region}`;
      const assumed = withRole(where, credentials);
      sources.push(
        ...workloadSources(where, assumed, readers, converters),
        ...clusterSources(entry.kubernetesClusters, where, assumed, readers, converters, suffix),
      );
      sources.push(...placeSources(protect, where, assumed, readers, converters));
    }
  }

  for (const list of protect.external) sources.push(externalSource(list, readers, converters, settings.now));
  const inUseDays = protect.inspectorInUseDays;
  if (inUseDays !== undefined) {
    sources.push({
      name: `inspector:${local.account}/${local.region}`,
      read: async () =>
        converters.inspectorImageUses(await readers.readInspectorCoverage(here), {
          now: settings.now(),
          inUseDays,
        }),
    });
  }
  return sources;
}

/**
 * An Organizations hub's governed account × region (issue 15), beside the hub's own sources: that
 * place's own ECS and Lambda (`ecs:` and `lambda:<account>/<region>`, as for workload accounts),
 * and there too the Batch, App Runner and Inspector sources cleanup.protect turns on. Read with the
 * member role's session (`credentials`), or with the function's own credentials in another region of
 * the hub's account (`credentials` undefined). A session that cannot be had fails every source of
 * the place as `account:<account>/<region>`: the place's repositories are held (fail closed).
 */
export function governedPlaceSources(settings: {
  protect: CleanupProtectConfig;
  place: Place;
  credentials: (() => Promise<AssumedCredentials>) | undefined;
  readers: InUseReaders;
  converters: InUseConverters;
  now: () => number;
}): InUseSource[] {
  const { protect, place, readers, converters } = settings;
  const assumed =
    settings.credentials === undefined
      ? async (): Promise<ReadPlace> => ({ ...place })
      : withRole(place, settings.credentials, 'the member role could not be assumed');
  const sources = [
    ...workloadSources(place, assumed, readers, converters),
    ...placeSources(protect, place, assumed, readers, converters),
  ];
  const inUseDays = protect.inspectorInUseDays;
  if (inUseDays !== undefined) {
    sources.push({
      name: `inspector:${place.account}/${place.region}`,
      read: async () =>
        converters.inspectorImageUses(await readers.readInspectorCoverage(await assumed()), {
          now: settings.now(),
          inUseDays,
        }),
    });
  }
  return sources;
}

/**
 * The worker's ECS and Lambda as two sources over today's one read (WorkloadSource reads both at
 * once): one read, shared; when it fails, both sources fail, since neither part is known.
 */
export function localWorkloadSources(
  workloads: WorkloadSource,
  local: Place,
  options: { taskDefinitionRevisions: number },
): InUseSource[] {
  let pending: Promise<Workloads> | undefined;
  const read = () => {
    pending ??= workloads.readWorkloads();
    return pending;
  };
  const convert = (part: Workloads) => listWorkloadImageUses(part, options);
  return [
    {
      name: `ecs:${local.account}/${local.region}`,
      read: async () => convert({ ecs: (await read()).ecs, lambda: { functions: [] } }),
    },
    {
      name: `lambda:${local.account}/${local.region}`,
      read: async () => convert({ ecs: EMPTY_ECS, lambda: (await read()).lambda }),
    },
  ];
}

const EMPTY_ECS: Workloads['ecs'] = { tasks: [], services: [], taskDefinitions: [] };

/** In a workload account, the place with the role's session; a role that cannot be assumed names the account. */
type AssumedPlace = () => Promise<ReadPlace>;

function withRole(
  where: Place,
  credentials: () => Promise<AssumedCredentials>,
  failure = 'the workload role could not be assumed',
): AssumedPlace {
  return async () => {
    try {
      return { ...where, credentials: await credentials() };
    } catch (error) {
      throw new InUseSourceError(`account:${where.account}/${where.region}`, failure, {
        cause: error,
      });
    }
  };
}

async function placeOf(here: ReadPlace, assumed: AssumedPlace | undefined): Promise<ReadPlace> {
  return assumed === undefined ? here : assumed();
}

function workloadSources(
  where: Place,
  assumed: AssumedPlace | undefined,
  readers: InUseReaders,
  converters: InUseConverters,
): InUseSource[] {
  const tagged = assumed === undefined ? undefined : where;
  const name = (kind: string) => `${kind}:${where.account}/${where.region}`;
  return [
    {
      name: name('ecs'),
      read: async () => {
        const ecs = await readers.readEcsWorkloads(await placeOf(where, assumed));
        return converters.workloadImageUses({ ecs, lambda: { functions: [] } }, tagged);
      },
    },
    {
      name: name('lambda'),
      read: async () => {
        const lambda = await readers.readLambdaWorkloads(await placeOf(where, assumed));
        return converters.workloadImageUses({ ecs: EMPTY_ECS, lambda }, tagged);
      },
    },
  ];
}

function clusterSources(
  clusters: 'all' | readonly string[] | undefined,
  where: Place,
  assumed: AssumedPlace | undefined,
  readers: InUseReaders,
  converters: InUseConverters,
  suffix: string,
): InUseSource[] {
  if (clusters === undefined) return [];
  const tagged = assumed === undefined ? undefined : where;
  const readCluster = async (label: string, place: ReadPlace) => {
    // A cluster ARN says which region the cluster is in; a name is in the place's region.
    const arn = EKS_CLUSTER_ARN.exec(label);
    const ref: ClusterRef = {
      name: clusterNameOf(label),
      label,
      place: arn === null ? place : { ...place, region: arn[2] as string },
    };
    return converters.kubernetesImageUses(label, await readers.readClusterObjects(ref), tagged);
  };
  if (clusters === 'all') {
    return [
      {
        name: `kubernetes:all${suffix}`,
        read: async () => {
          const place = await placeOf(where, assumed);
          const names = await readers.listClusters(place);
          const uses: ImageUse[] = [];
          const warnings: string[] = [];
          for (const cluster of names) {
            try {
              const read = await readCluster(cluster, place);
              uses.push(...read.uses);
              warnings.push(...read.warnings);
            } catch (error) {
              throw new InUseSourceError(`kubernetes:${cluster}${suffix}`, 'the cluster could not be read', {
                cause: error,
              });
            }
          }
          return { uses, warnings };
        },
      },
    ];
  }
  return clusters.map((label) => ({
    name: `kubernetes:${label}${suffix}`,
    read: async () => readCluster(label, await placeOf(where, assumed)),
  }));
}

/** A source of one place read by one reader and one converter: Batch and App Runner. */
function placeSource(
  kind: 'batch' | 'app-runner',
  where: Place,
  assumed: AssumedPlace | undefined,
  read: (place: ReadPlace) => Promise<unknown[]>,
  convert: (items: unknown[], where: Place | undefined) => WorkloadImageUses | Promise<WorkloadImageUses>,
): InUseSource {
  return {
    name: `${kind}:${where.account}/${where.region}`,
    read: async () =>
      convert(await read(await placeOf(where, assumed)), assumed === undefined ? undefined : where),
  };
}

function placeSources(
  protect: CleanupProtectConfig,
  where: Place,
  assumed: AssumedPlace | undefined,
  readers: InUseReaders,
  converters: InUseConverters,
): InUseSource[] {
  const sources: InUseSource[] = [];
  if (protect.batch) {
    sources.push(
      placeSource(
        'batch',
        where,
        assumed,
        (place) => readers.readBatchJobDefinitions(place),
        (items, at) => converters.batchImageUses(items, at),
      ),
    );
  }
  if (protect.appRunner) {
    sources.push(
      placeSource(
        'app-runner',
        where,
        assumed,
        (place) => readers.readAppRunnerServices(place),
        (items, at) => converters.appRunnerImageUses(items, at),
      ),
    );
  }
  return sources;
}

function externalSource(
  list: CleanupProtectConfig['external'][number],
  readers: InUseReaders,
  converters: InUseConverters,
  now: () => number,
): InUseSource {
  return {
    name: `external:${list.source}`,
    read: async () => {
      const { text } = await readers.readExternalList(list);
      // The converter refuses text that is not a list and a list older than maxAgeHours (fail closed).
      return converters.parseExternalImageList(text, {
        source: list.source,
        maxAgeHours: list.maxAgeHours,
        now: now(),
      });
    },
  };
}

/** `arn:aws:eks:us-east-1:111111111111:cluster/ops` → `ops`; a name stays itself. */
export function clusterNameOf(label: string): string {
  const arn = EKS_CLUSTER_ARN.exec(label);
  return arn === null ? label : (arn[4] as string);
}
