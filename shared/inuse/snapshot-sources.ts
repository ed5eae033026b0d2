import type { WorkloadPlace } from '../cleanup/cleanup-reasons';
import type { SnapshotIssue } from '../cleanup/snapshot';
import { type ImageUse, listWorkloadImageUses, type Workloads } from '../cleanup/workload-images';
import * as z from '../zod';
import { checkExternalImageList, externalImageUses } from './external-image-list';
import { InUseInputError } from './in-use-errors';
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

/** The snapshot's top-level in-use fields, built from its own schemas for ECS, Lambda, account and region. */
export function inUseSnapshotFields<Ecs extends z.ZodMiniType, Lambda extends z.ZodMiniType>(parts: {
  account: z.ZodMiniType<string>;
  region: z.ZodMiniType<string>;
  ecs: Ecs;
  lambda: Lambda;
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
        }),
      ),
      [],
    ),
    // Checked by checkExternalImageList, which names every malformed part's path.
    external: z._default(z.array(z.looseObject({ source: nonEmpty })), []),
  };
}

type KubernetesCluster = z.output<typeof kubernetesClusterSchema>;

/** The parsed in-use fields, as `snapshotSchema` gives them. */
export interface InUseSnapshotDocument {
  kubernetes: KubernetesCluster[];
  workloadAccounts: {
    account: string;
    region: string;
    ecs: Workloads['ecs'];
    lambda: Workloads['lambda'];
    kubernetes: KubernetesCluster[];
  }[];
  external: ({ source: string } & Record<string, unknown>)[];
}

/** What a snapshot's in-use sources say, read once when the snapshot is. */
export interface SnapshotInUse {
  /** The Kubernetes clusters' (every account's) and the external lists' uses. */
  uses: ImageUse[];
  warnings: string[];
  /** Each workload account's ECS and Lambda: turned into uses at plan time (taskDefinitionRevisions). */
  workloadAccounts: { account: string; region: string; workloads: Workloads }[];
}

/**
 * Reads the snapshot's in-use fields; the issues carry their path in the snapshot. `takenAt` is the
 * snapshot's time (epoch milliseconds).
 */
export function readSnapshotInUse(
  document: InUseSnapshotDocument,
  takenAt: number,
): { inUse: SnapshotInUse; issues: SnapshotIssue[] } {
  const inUse: SnapshotInUse = { uses: [], warnings: [], workloadAccounts: [] };
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

  readClusters(document.kubernetes, 'kubernetes');
  document.workloadAccounts.forEach((entry, a) => {
    const where = { account: entry.account, region: entry.region };
    readClusters(entry.kubernetes, `workloadAccounts[${a}].kubernetes`, where);
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
 * account and region), its clusters' and its external lists'.
 */
export function listSnapshotImageUses(
  snapshot: { workloads: Workloads; inUse: SnapshotInUse },
  options: { taskDefinitionRevisions: number },
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
  return { uses, warnings };
}
