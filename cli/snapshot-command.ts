import { writeFileSync } from 'node:fs';
import { CliError } from './errors';
import { type LiveOptions, readLiveSnapshot } from './live-registry';

export interface SnapshotOptions extends LiveOptions {
  output: string;
}

/**
 * ACTIVE revisions of each task definition family a snapshot records: more than the plan's default
 * `protect.taskDefinitionRevisions` (3), so that a snapshot serves a config that protects more.
 */
export const SNAPSHOT_TASK_DEFINITION_REVISIONS = 10;

/**
 * `ecr-warden snapshot --output FILE [--region R]`: the registry of the user's account and region, as
 * a snapshot file (the contract in examples/snapshot/README.md), for `ecr-warden cleanup plan
 * --snapshot FILE` to plan against later, offline, or to share. Read-only.
 */
export async function runSnapshot(options: SnapshotOptions, write: (text: string) => void): Promise<void> {
  const snapshot = await readLiveSnapshot({
    ...options,
    taskDefinitionRevisions: SNAPSHOT_TASK_DEFINITION_REVISIONS,
    now: Date.now(),
    registrySettings: true,
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
  write(
    `wrote ${options.output}: account ${String(snapshot.account)}, ${String(snapshot.region)}, ` +
      `${repositories.length} repositories, ${images} images, ${ecs.services.length} ECS services, ` +
      `${ecs.tasks.length} tasks, ${lambda.functions.length} Lambda versions and aliases` +
      `${others.length === 0 ? '' : `; replication destinations ${others.join(', ')}`}\n`,
  );
}
