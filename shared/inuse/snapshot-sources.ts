import type { WorkloadPlace } from '../cleanup/cleanup-reasons';
import type { SnapshotIssue } from '../cleanup/snapshot';
import { type ImageUse, listWorkloadImageUses, type Workloads } from '../cleanup/workload-images';
import * as z from '../zod';
import { type AppRunnerService, appRunnerImageUses } from './app-runner-services';
import { type BatchJobDefinition, batchImageUses } from './batch-job-definitions';
import { checkExternalImageList, externalImageUses } from './external-image-list';
import { InUseInputError } from './in-use-errors';
import { type InspectorCoveredResource, inspectorImageUses } from './inspector-coverage';
import { kubernetesImageUses } from './kubernetes-images';

/**
 * The in-use sources a snapshot carries beside its own account's `ecs` and `lambda` (issue 14; a
 * contract: fields are added, never renamed; documented in examples/snapshot/README.md):
 *
 * ```
 * "kubernetes": [{ "cluster": "<name or ARN>",
 *                  "objects": <kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs -A -o json>
 *                             (the v1 List as an object, or the same JSON as a string) }],
 * "workloadAccounts": [{ "account": "222222222222", "region": "us-east-1",
 *                        "ecs": <as the top-level ecs>, "lambda": <as the top-level lambda>,
 *                        "kubernetes": [<as the top-level kubernetes>] }],
 * "external": [{ "source": "argocd-prod", "generatedAt": "<ISO 8601>", "images": ["<image reference>", ...] }]
 * ```
 *
 * and, beside them, the sources of AWS Batch, App Runner and Inspector (each absent when not recorded,
 * which a plan reads as empty), top-level for this account and region and, Batch and App Runner, in
 * each `workloadAccounts[]` entry for that account and region:
 *
 * ```
 * "batch": { "jobDefinitions": [<describe-job-definitions --status ACTIVE `jobDefinitions[]`>] },
 * "appRunner": { "services": [<describe-service `Service` (or its whole output)>] },
 * "inspector": { "coveredResources": [<list-coverage `coveredResources[]`>] }
 * ```
 *
 * They are read with the live worker's converters (batchImageUses, appRunnerImageUses,
 * inspectorImageUses). Inspector's coverage is the registry's own (ListCoverage of the registry's
 * account and region covers its images wherever they ran), so it is top-level only. Its window is the
 * plan's: `cleanup.protect.inspectorInUseDays` of the plan's config, else
 * SNAPSHOT_INSPECTOR_IN_USE_DAYS, counted back from the plan's evaluation time.
 *
 * In a snapshot plan everything these hold counts as in use, whatever the config's source lists say
 * (those say what a live run reads). An external list's age is not checked against `maxAgeHours`:
 * the snapshot is one moment, and its list is what was known then. Malformed parts are SnapshotError
 * issues with their paths (`kubernetes[0].objects.items[3].spec: is required`).
 */

const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'));

const kubernetesClusterSchema = z.looseObject({
  cluster: nonEmpty,
  // Read by kubernetesImageUses, which names every malformed part's path.
  objects: z.union([z.string(), z.looseObject({})], {
    error: 'expected the JSON of kubectl get ... -o json (a List), as an object or a string',
  }),
});

const kubernetesSchema = z._default(z.array(kubernetesClusterSchema), []);

// Batch, App Runner, Inspector: the fields their converters read, typed, so that a wrong type is an
// issue with its path (`batch.jobDefinitions[2].revision: expected number`) rather than a use missed.
const optionalString = z.optional(z.string());
const containers = z.optional(z.array(z.looseObject({ name: optionalString, image: optionalString })));
// https://docs.aws.amazon.com/batch/latest/APIReference/API_EcsProperties.html (taskProperties[].containers)
const batchEcsProperties = z.optional(
  z.looseObject({ taskProperties: z.optional(z.array(z.looseObject({ containers }))) }),
);
// https://docs.aws.amazon.com/batch/latest/APIReference/API_EksProperties.html (podProperties)
const batchEksProperties = z.optional(
  z.looseObject({
    podProperties: z.optional(z.looseObject({ containers, initContainers: containers })),
  }),
);
// https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDefinition.html
const batchJobDefinitionSchema = z.looseObject({
  jobDefinitionName: optionalString,
  jobDefinitionArn: optionalString,
  revision: z.optional(z.int('must be a whole number').check(z.gte(1, 'must be >= 1'))),
  status: optionalString,
  containerProperties: z.optional(z.looseObject({ image: optionalString })),
  ecsProperties: batchEcsProperties,
  eksProperties: batchEksProperties,
  nodeProperties: z.optional(
    z.looseObject({
      nodeRangeProperties: z.optional(
        z.array(
          z.looseObject({
            container: z.optional(z.looseObject({ image: optionalString })),
            ecsProperties: batchEcsProperties,
            eksProperties: batchEksProperties,
          }),
        ),
      ),
    }),
  ),
});
const batchSchema = z.optional(
  z.looseObject({
    jobDefinitions: z._default(
      z.array(batchJobDefinitionSchema, {
        error: 'expected a list of job definitions (describe-job-definitions jobDefinitions[])',
      }),
      [],
    ),
  }),
);

// describe-service prints `{"Service": {...}, "OperationId"?: ...}`: the whole output is accepted
// too, and unwrapped (as describe-task-definition's is).
// https://docs.aws.amazon.com/apprunner/latest/api/API_DescribeService.html
// https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html
const appRunnerServiceSchema = z.pipe(
  z.transform((value: unknown) => {
    const wrapped = value as { Service?: unknown; ServiceArn?: unknown } | null;
    return typeof wrapped?.Service === 'object' && wrapped.ServiceArn === undefined ? wrapped.Service : value;
  }),
  z.looseObject({
    ServiceName: optionalString,
    ServiceArn: optionalString,
    Status: optionalString,
    SourceConfiguration: z.optional(
      z.looseObject({
        ImageRepository: z.optional(
          z.looseObject({ ImageIdentifier: optionalString, ImageRepositoryType: optionalString }),
        ),
      }),
    ),
  }),
);
const appRunnerSchema = z.optional(
  z.looseObject({
    services: z._default(
      z.array(appRunnerServiceSchema, { error: 'expected a list of services (describe-service Service)' }),
      [],
    ),
  }),
);

/**
 * Inspector's window in a snapshot plan whose config does not set `cleanup.protect.inspectorInUseDays`
 * (a live run reads no coverage then; a snapshot that carries it is read, as everything it carries is):
 * 14 days, the duration for which Amazon Inspector itself keeps monitoring an image after it was last
 * in use, by default ("as long as it was last in use on a cluster or pushed within 14 days (by
 * default)", https://docs.aws.amazon.com/inspector/latest/user/scanning_resources_configure_duration_setting_ecr.html).
 */
export const SNAPSHOT_INSPECTOR_IN_USE_DAYS = 14;

/** The snapshot's top-level in-use fields, built from its own schemas for ECS, Lambda, account and region. */
export function inUseSnapshotFields<
  Ecs extends z.ZodMiniType,
  Lambda extends z.ZodMiniType,
  Timestamp extends z.ZodMiniType,
>(parts: {
  account: z.ZodMiniType<string>;
  region: z.ZodMiniType<string>;
  ecs: Ecs;
  lambda: Lambda;
  /** The snapshot's timestamps: ISO 8601 or epoch seconds. */
  timestamp: Timestamp;
}) {
  return {
    kubernetes: kubernetesSchema,
    workloadAccounts: z._default(
      z.array(
        z.looseObject({
          account: parts.account,
          region: parts.region,
          ecs: parts.ecs,
          lambda: parts.lambda,
          kubernetes: kubernetesSchema,
          batch: batchSchema,
          appRunner: appRunnerSchema,
        }),
      ),
      [],
    ),
    // Checked by checkExternalImageList, which names every malformed part's path.
    external: z._default(z.array(z.looseObject({ source: nonEmpty })), []),
    batch: batchSchema,
    appRunner: appRunnerSchema,
    inspector: z.optional(
      z.looseObject({
        // https://docs.aws.amazon.com/inspector/v2/APIReference/API_CoveredResource.html
        // https://docs.aws.amazon.com/inspector/v2/APIReference/API_EcrContainerImageMetadata.html
        coveredResources: z._default(
          z.array(
            z.looseObject({
              resourceType: optionalString,
              resourceId: optionalString,
              accountId: optionalString,
              resourceMetadata: z.optional(
                z.looseObject({
                  ecrImage: z.optional(
                    z.looseObject({
                      tags: z.optional(z.array(z.string())),
                      imageTags: z.optional(z.array(z.string())),
                      lastInUseAt: z.optional(parts.timestamp),
                      inUseCount: z.optional(z.number().check(z.gte(0, 'must be >= 0'))),
                    }),
                  ),
                }),
              ),
            }),
            { error: 'expected a list of covered resources (list-coverage coveredResources[])' },
          ),
          [],
        ),
      }),
    ),
  };
}

type KubernetesCluster = z.output<typeof kubernetesClusterSchema>;

/** The parsed in-use fields, as `snapshotSchema` gives them. */
export interface InUseSnapshotDocument {
  kubernetes: KubernetesCluster[];
  workloadAccounts: ({
    account: string;
    region: string;
    ecs: Workloads['ecs'];
    lambda: Workloads['lambda'];
    kubernetes: KubernetesCluster[];
  } & PlaceSources)[];
  external: ({ source: string } & Record<string, unknown>)[];
  inspector?: { coveredResources: InspectorCoveredResource[] } | undefined;
}

/** Batch and App Runner of one place: the top level's (this account's), or a workload account's. */
interface PlaceSources {
  batch?: { jobDefinitions: BatchJobDefinition[] } | undefined;
  appRunner?: { services: AppRunnerService[] } | undefined;
}

/** What a snapshot's in-use sources say, read once when the snapshot is. */
export interface SnapshotInUse {
  /** The Kubernetes clusters' (every account's), Batch's, App Runner's and the external lists' uses. */
  uses: ImageUse[];
  warnings: string[];
  /** Each workload account's ECS and Lambda: turned into uses at plan time (taskDefinitionRevisions). */
  workloadAccounts: { account: string; region: string; workloads: Workloads }[];
  /** Inspector's coverage: turned into uses at plan time (the window ends at the plan's time). */
  inspectorCoverage: InspectorCoveredResource[];
}

/**
 * Reads the snapshot's in-use fields; the issues carry their path in the snapshot. `takenAt` is the
 * snapshot's time (epoch milliseconds).
 */
export function readSnapshotInUse(
  document: InUseSnapshotDocument & PlaceSources,
  takenAt: number,
): { inUse: SnapshotInUse; issues: SnapshotIssue[] } {
  const inUse: SnapshotInUse = {
    uses: [],
    warnings: [],
    workloadAccounts: [],
    inspectorCoverage: document.inspector?.coveredResources ?? [],
  };
  const issues: SnapshotIssue[] = [];
  const readClusters = (clusters: readonly KubernetesCluster[], path: string, where?: WorkloadPlace) => {
    clusters.forEach((entry, c) => {
      const at = `${path}[${c}].objects`;
      let objects: unknown = entry.objects;
      if (typeof objects === 'string') {
        try {
          objects = JSON.parse(objects);
        } catch (error) {
          issues.push({ path: at, message: `not JSON: ${(error as Error).message}` });
          return;
        }
      }
      try {
        const read = kubernetesImageUses(entry.cluster, objects, where);
        inUse.uses.push(...read.uses);
        inUse.warnings.push(...read.warnings);
      } catch (error) {
        if (!(error instanceof InUseInputError)) throw error;
        for (const issue of error.issues) {
          issues.push({ path: issue.path === '' ? at : `${at}.${issue.path}`, message: issue.message });
        }
      }
    });
  };

  // The live worker's converters; a workload account's reasons carry its account and region.
  const readPlace = (place: PlaceSources, where?: WorkloadPlace) => {
    for (const read of [
      batchImageUses(place.batch?.jobDefinitions ?? [], where),
      appRunnerImageUses(place.appRunner?.services ?? [], where),
    ]) {
      inUse.uses.push(...read.uses);
      inUse.warnings.push(...read.warnings);
    }
  };

  readClusters(document.kubernetes, 'kubernetes');
  readPlace(document);
  document.workloadAccounts.forEach((entry, a) => {
    const where = { account: entry.account, region: entry.region };
    readClusters(entry.kubernetes, `workloadAccounts[${a}].kubernetes`, where);
    readPlace(entry, where);
    inUse.workloadAccounts.push({ ...where, workloads: { ecs: entry.ecs, lambda: entry.lambda } });
  });
  document.external.forEach((entry, e) => {
    const checked = checkExternalImageList(entry);
    if (checked.list === undefined) {
      for (const issue of checked.issues)
        issues.push({ path: `external[${e}].${issue.path}`, message: issue.message });
      return;
    }
    inUse.uses.push(...externalImageUses(checked.list, { source: entry.source, now: takenAt }).uses);
  });
  return { inUse, issues };
}

/**
 * Every use a snapshot holds: its own account's ECS and Lambda, each workload account's (with their
 * account and region), its clusters', Batch's, App Runner's and external lists', and the images
 * Inspector saw in use within `inspector.inUseDays` before `inspector.now` (epoch ms: the plan's time).
 */
export function listSnapshotImageUses(
  snapshot: { workloads: Workloads; inUse: SnapshotInUse },
  options: { taskDefinitionRevisions: number; inspector: { inUseDays: number; now: number } },
): { uses: ImageUse[]; warnings: string[] } {
  const local = listWorkloadImageUses(snapshot.workloads, options);
  const uses = [...local.uses];
  const warnings = [...local.warnings];
  for (const { account, region, workloads } of snapshot.inUse.workloadAccounts) {
    const remote = listWorkloadImageUses(workloads, options, { account, region });
    uses.push(...remote.uses);
    warnings.push(...remote.warnings.map((warning) => `workload account ${account}/${region}: ${warning}`));
  }
  uses.push(...snapshot.inUse.uses);
  warnings.push(...snapshot.inUse.warnings);
  const inspector = inspectorImageUses(snapshot.inUse.inspectorCoverage, options.inspector);
  uses.push(...inspector.uses);
  warnings.push(...inspector.warnings);
  return { uses, warnings };
}
