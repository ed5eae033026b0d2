import type { Workloads } from '../cleanup/workload-images';
import type { CleanupProtectConfig } from '../config/schema';
import { EcrWardenError } from '../errors';
import { type InUseSourceFailure, readInUsePicture } from './in-use-picture';
import type { InUseConverters, InUseReaders, Place } from './in-use-ports';
import { composeInUseSources } from './in-use-sources';

/**
 * What `ecr-warden snapshot` writes beside its own account's `ecs` and `lambda`: the snapshot's
 * `kubernetes`, `workloadAccounts`, `external`, `batch`, `appRunner` and `inspector` fields
 * (shared/inuse/snapshot-sources.ts, the contract), read from the live sources `cleanup.protect` names, through the same composition the
 * cleanup worker reads (composeInUseSources), so that a snapshot holds what a live run would read.
 *
 * The composition's converters are replaced by recording ones: a snapshot keeps each source's input
 * as it came (kubectl's v1 List, the SDK's ECS, Lambda, Batch, App Runner and Inspector shapes, the
 * external list's JSON), not the uses made of it, since the plan reads them again. The real converters
 * still check what they are handed (a malformed cluster object, an external list that is not the format
 * or is older than its maxAgeHours), so that a snapshot never records a source a live run would refuse.
 *
 * Batch, App Runner and Inspector are recorded only where the config reads them (`batch`, `appRunner`,
 * `inspectorInUseDays`): absent, a reader cannot mistake "not read" for "none there". Inspector's
 * coverage is recorded whole; the plan applies its own window to it (lastInUseAt against the plan's time).
 */

export interface KubernetesSnapshotEntry {
  cluster: string;
  objects: unknown;
}

/** Batch and App Runner of one place, each present when the config reads it there. */
export interface PlaceSnapshotSources {
  batch?: { jobDefinitions: unknown[] };
  appRunner?: { services: unknown[] };
}

export interface WorkloadAccountSnapshotEntry extends PlaceSnapshotSources {
  account: string;
  region: string;
  ecs: Workloads['ecs'];
  lambda: Workloads['lambda'];
  kubernetes: KubernetesSnapshotEntry[];
}

export interface CapturedSnapshotSources extends PlaceSnapshotSources {
  kubernetes: KubernetesSnapshotEntry[];
  workloadAccounts: WorkloadAccountSnapshotEntry[];
  external: unknown[];
  /** With `inspectorInUseDays`: ListCoverage's `coveredResources[]` of the registry's account and region. */
  inspector?: { coveredResources: unknown[] };
}

/** One or more sources could not be read: a snapshot without them would let a plan delete what they run. */
export class SnapshotSourceError extends EcrWardenError {
  override name = 'SnapshotSourceError';

  constructor(readonly failures: readonly InUseSourceFailure[]) {
    const [first] = failures;
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more source(s))` : '';
    super(`in-use source ${first?.source} could not be read: ${first?.reason}${more}`);
  }
}

export async function captureSnapshotSources(settings: {
  protect: CleanupProtectConfig;
  local: Place;
  readers: InUseReaders;
  /** The real converters: each input is checked by them before it is recorded. */
  converters: InUseConverters;
  now: () => number;
  concurrency?: number;
}): Promise<CapturedSnapshotSources> {
  const { protect, converters } = settings;
  const kubernetes: KubernetesSnapshotEntry[] = [];
  // The fields of the sources the config reads in every place, filled as each read ends.
  const placeFields = (): PlaceSnapshotSources => ({
    ...(protect.batch ? { batch: { jobDefinitions: [] } } : {}),
    ...(protect.appRunner ? { appRunner: { services: [] } } : {}),
  });
  const local = placeFields();
  // Seeded in the config's order, so that the file's order does not depend on which read ends first.
  const accounts = new Map<string, WorkloadAccountSnapshotEntry>();
  for (const entry of protect.workloadAccounts) {
    for (const region of entry.regions) {
      accounts.set(`${entry.account}/${region}`, {
        account: entry.account,
        region,
        ecs: { tasks: [], services: [], taskDefinitions: [] },
        lambda: { functions: [] },
        kubernetes: [],
        ...placeFields(),
      });
    }
  }
  let inspector: CapturedSnapshotSources['inspector'];
  const external = new Map<string, unknown>();
  const accountOf = (where: Place) => {
    const entry = accounts.get(`${where.account}/${where.region}`);
    // Every workload place the composition reads comes from protect.workloadAccounts.
    if (entry === undefined) throw new Error(`${where.account}/${where.region} is not a workload account`);
    return entry;
  };

  const recording: InUseConverters = {
    ...converters,
    workloadImageUses(workloads, where) {
      const checked = converters.workloadImageUses(workloads, where);
      // Local ECS and Lambda are the snapshot's own top-level fields, read by its caller.
      if (where !== undefined) {
        const entry = accountOf(where);
        // The ECS source hands over ECS with no Lambda, the Lambda source the reverse.
        if (
          workloads.ecs.tasks.length + workloads.ecs.services.length + workloads.ecs.taskDefinitions.length >
          0
        )
          entry.ecs = workloads.ecs;
        if (workloads.lambda.functions.length > 0) entry.lambda = workloads.lambda;
      }
      return checked;
    },
    async kubernetesImageUses(cluster, list, where) {
      const checked = await converters.kubernetesImageUses(cluster, list, where);
      (where === undefined ? kubernetes : accountOf(where).kubernetes).push({ cluster, objects: list });
      return checked;
    },
    // One read per place: the whole answer of that place's reader.
    async batchImageUses(jobDefinitions, where) {
      const checked = await converters.batchImageUses(jobDefinitions, where);
      (where === undefined ? local : accountOf(where)).batch = { jobDefinitions };
      return checked;
    },
    async appRunnerImageUses(services, where) {
      const checked = await converters.appRunnerImageUses(services, where);
      (where === undefined ? local : accountOf(where)).appRunner = { services };
      return checked;
    },
    async inspectorImageUses(coveredResources, options) {
      const checked = await converters.inspectorImageUses(coveredResources, options);
      inspector = { coveredResources };
      return checked;
    },
    async parseExternalImageList(text, options) {
      const checked = await converters.parseExternalImageList(text, options);
      // The converter has parsed it already: this cannot throw.
      // Under the config's name for it, the name its keep reasons carry in a live run.
      external.set(options.source, { ...(JSON.parse(text) as object), source: options.source });
      return checked;
    },
  };

  const sources = composeInUseSources({
    protect,
    local: settings.local,
    localWorkloads: false,
    readers: settings.readers,
    converters: recording,
    now: settings.now,
  });
  const picture = await readInUsePicture(sources, { concurrency: settings.concurrency ?? 2 });
  if (picture.failures.length > 0) throw new SnapshotSourceError(picture.failures);

  const byCluster = (a: KubernetesSnapshotEntry, b: KubernetesSnapshotEntry) =>
    a.cluster.localeCompare(b.cluster);
  kubernetes.sort(byCluster);
  for (const entry of accounts.values()) entry.kubernetes.sort(byCluster);
  return {
    kubernetes,
    workloadAccounts: [...accounts.values()],
    external: protect.external.flatMap((list) =>
      external.has(list.source) ? [external.get(list.source)] : [],
    ),
    ...local,
    ...(inspector === undefined ? {} : { inspector }),
  };
}
