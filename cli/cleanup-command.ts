import { planSnapshotCleanup } from '../shared/cleanup/plan-snapshot-cleanup';
import { compileRepositoryRuleMatcher } from '../shared/cleanup/select-repositories';
import { formatSnapshotIssue, readSnapshot, type Snapshot, SnapshotError } from '../shared/cleanup/snapshot';
import type { EcrWardenConfig } from '../shared/config/schema';
import { renderCleanupPlanTable } from './cleanup-plan-table';
import { loadConfig } from './config-file';
import { CliError } from './errors';
import type { LiveOptions } from './live-registry';
import { liveCredentials, refuseMemberWithSnapshot } from './member-account';
import { parseNowOption } from './now-option';
import { loadSnapshotFile, snapshotProblem, summarize } from './snapshot-file';

export interface CleanupPlanOptions extends LiveOptions {
  /** A snapshot file; without it the plan is made live, read-only, in the user's account and region. */
  snapshot?: string;
  config: string;
  now?: string;
  output: 'json' | 'table';
  /** --account/--role: plan a member account's registry, read through its member role. */
  account?: string;
  role?: string;
}

/**
 * `ecr-warden cleanup plan --config FILE [--snapshot FILE]`: what a cleanup run would delete, and why
 * everything else stays. Read-only whatever `dryRun` says.
 *
 * With `--snapshot`, the registry in the file, evaluated at the snapshot's `takenAt` unless `--now`
 * says otherwise, so that the plan of a snapshot is the same whenever it is made. Without it, the
 * registry of the user's account and region, read now through the same adapters as cleanupWorker
 * (only the repositories a rule covers; lifecycle policies only where a rule says `native`), with a
 * progress bar on stderr when stderr is a terminal; evaluated now unless `--now` says otherwise.
 */
export async function runCleanupPlan(
  options: CleanupPlanOptions,
  write: (text: string) => void,
): Promise<void> {
  const config = loadConfig(options.config);
  refuseMemberWithSnapshot(options);
  const snapshotPath = options.snapshot;
  const snapshot =
    snapshotPath === undefined ? await readLive(config, options) : loadSnapshotFile(snapshotPath);
  const now = options.now === undefined ? snapshot.takenAt : parseNowOption(options.now);
  let plan: ReturnType<typeof planSnapshotCleanup>;
  try {
    plan = planSnapshotCleanup(snapshot, config.cleanup, { now });
  } catch (error) {
    if (error instanceof SnapshotError) {
      throw snapshotPath === undefined
        ? new CliError(`the registry cannot be planned: ${summarize(error.issues.map(formatSnapshotIssue))}`)
        : snapshotProblem(snapshotPath, error);
    }
    throw error;
  }
  if (options.output === 'json') write(`${JSON.stringify(plan, null, 2)}\n`);
  else write(renderCleanupPlanTable(plan));
}

async function readLive(config: EcrWardenConfig, options: CleanupPlanOptions): Promise<Snapshot> {
  const { rules } = config.cleanup;
  const matchRule = compileRepositoryRuleMatcher(rules);
  // Loaded for the live path only: the offline plan never loads the AWS SDK.
  const { readLiveSnapshot } = await import('./live-registry');
  const credentials = await liveCredentials(options);
  const document = await readLiveSnapshot({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(options.progressStream === undefined ? {} : { progressStream: options.progressStream }),
    taskDefinitionRevisions: config.cleanup.protect.taskDefinitionRevisions,
    now: Date.now(),
    include: (name) => matchRule(name) !== undefined,
    readLifecyclePolicy: (name) => {
      const index = matchRule(name);
      return index !== undefined && rules[index]?.policy === 'native';
    },
    // Every in-use source cleanup.protect names, as the worker reads them (a source that cannot be read
    // fails the plan with its name).
    inUse: { protect: config.cleanup.protect },
  });
  try {
    return readSnapshot(document);
  } catch (error) {
    if (error instanceof SnapshotError) {
      throw new CliError(
        `the registry could not be read as a snapshot: ${summarize(error.issues.map(formatSnapshotIssue))}`,
      );
    }
    throw error;
  }
}
