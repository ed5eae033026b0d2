import { writeFileSync } from 'node:fs';
import { loadCleanupProtect } from './config-file';
import { CliError } from './errors';
import { type LiveOptions, readLiveSnapshot } from './live-registry';
import { liveCredentials } from './member-account';

export interface SnapshotOptions extends LiveOptions {
  output: string;
  /**
   * A config file whose `cleanup.protect` names the other in-use sources to record (clusters,
   * workload accounts, external lists); without it the snapshot holds this account's ECS and Lambda.
   */
  config?: string;
  /** --account/--role: a member account's registry, through its member role. */
  account?: string;
  role?: string;
}

/**
 * ACTIVE revisions of each task definition family a snapshot records: more than the plan's default
 * `protect.taskDefinitionRevisions` (3), so that a snapshot serves a config that protects more.
 */
export const SNAPSHOT_TASK_DEFINITION_REVISIONS = 10;

/**
 * `ecr-warden snapshot --output FILE [--region R] [--config FILE]`: the registry of the user's account
 * and region, as a snapshot file (the contract in examples/snapshot/README.md), for `ecr-warden
 * cleanup plan --snapshot FILE` to plan against later, offline, or to share. Read-only.
 *
 * With `--config`, also every in-use source its `cleanup.protect` names: each cluster's objects as
 * kubectl's v1 List (`kubernetes`), each workload account × region's ECS, Lambda and clusters through
 * the workload role (`workloadAccounts`), each external list's content (`external`). A source that
 * cannot be read fails the command and writes no file: a snapshot must never silently lack a source,
 * or its plan would delete what that source runs. Batch, App Runner and Inspector, when the config
 * reads them, as `batch`, `appRunner` (here and in each workload account) and `inspector`.
 */
export async function runSnapshot(options: SnapshotOptions, write: (text: string) => void): Promise<void> {
  const { config, account, role, ...live } = options;
  const credentials = await liveCredentials({ account, role, config, region: options.region });
  const snapshot = await readLiveSnapshot({
    ...live,
    ...(credentials === undefined ? {} : { credentials }),
    taskDefinitionRevisions: SNAPSHOT_TASK_DEFINITION_REVISIONS,
    now: Date.now(),
    registrySettings: true,
    ...(config === undefined ? {} : { inUse: { protect: loadCleanupProtect(config) } }),
  });
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  try {
    writeFileSync(options.output, text);
  } catch (error) {
    throw new CliError(`cannot write snapshot file ${options.output}: ${(error as Error).message}`);
  }
  const repositories = snapshot.repositories as { images: unknown[] }[];
  const images = repositories.reduce((sum, repository) => sum + repository.images.length, 0);
  const ecs = snapshot.ecs as { tasks: unknown[]; services: unknown[] };
  const lambda = snapshot.lambda as { functions: unknown[] };
  const regions = (snapshot.regions as { region: string; repositories: unknown[] }[] | undefined) ?? [];
  const others = regions.map((region) => `${region.region} (${region.repositories.length} repositories)`);
  const clusters = (snapshot.kubernetes as unknown[] | undefined)?.length;
  const accounts = (snapshot.workloadAccounts as unknown[] | undefined)?.length;
  const lists = (snapshot.external as unknown[] | undefined)?.length;
  const inUse =
    clusters === undefined
      ? ''
      : `, ${clusters} Kubernetes clusters, ${accounts} workload account regions, ${lists} external lists` +
        optionalSourceCounts(snapshot);
  write(
    `wrote ${options.output}: account ${String(snapshot.account)}, ${String(snapshot.region)}, ` +
      `${repositories.length} repositories, ${images} images, ${ecs.services.length} ECS services, ` +
      `${ecs.tasks.length} tasks, ${lambda.functions.length} Lambda versions and aliases${inUse}` +
      `${others.length === 0 ? '' : `; replication destinations ${others.join(', ')}`}\n`,
  );
}

/**
 * Batch job definitions and App Runner services (this account's and the workload accounts'), and the
 * images Inspector covers: only for the sources the snapshot recorded.
 */
function optionalSourceCounts(snapshot: Record<string, unknown>): string {
  type Place = { batch?: { jobDefinitions: unknown[] }; appRunner?: { services: unknown[] } };
  const places = [snapshot as Place, ...((snapshot.workloadAccounts as Place[] | undefined) ?? [])];
  const count = (items: (unknown[] | undefined)[]) =>
    items.every((item) => item === undefined)
      ? undefined
      : items.reduce((sum, item) => sum + (item?.length ?? 0), 0);
  const definitions = count(places.map((place) => place.batch?.jobDefinitions));
  const services = count(places.map((place) => place.appRunner?.services));
  const covered = (snapshot.inspector as { coveredResources: unknown[] } | undefined)?.coveredResources;
  return [
    definitions === undefined ? '' : `, ${definitions} Batch job definitions`,
    services === undefined ? '' : `, ${services} App Runner services`,
    covered === undefined ? '' : `, ${covered.length} images Inspector covers`,
  ].join('');
}
