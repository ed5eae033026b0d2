import { parseConfig } from '../shared/config/load-config';
import type { CleanupProtectConfig } from '../shared/config/schema';
import { serializeExternalImageList } from '../shared/inuse/external-image-list';
import { type InUseSourceFailure, readInUsePicture } from '../shared/inuse/in-use-picture';
import { listSnapshotImageUses, SNAPSHOT_INSPECTOR_IN_USE_DAYS } from '../shared/inuse/snapshot-sources';
import { loadCleanupProtect } from './config-file';
import { CliError } from './errors';
import { readJsonFile } from './input';
import { checkRegionOption } from './live-options';
import { liveCredentials, refuseMemberWithSnapshot } from './member-account';
import { parseNowOption } from './now-option';

export interface InUseListOptions {
  /** A snapshot file; without it the picture is read live, read-only, in the user's account and region. */
  snapshot?: string;
  region?: string;
  /** The list's `source` (default `ecr-warden:<account>/<region>`). */
  source?: string;
  /** generatedAt of a snapshot's list (default: the snapshot's takenAt). */
  now?: string;
  /** ACTIVE revisions of each task definition family counted in use (default: the config's, else 3). */
  taskDefinitionRevisions?: string;
  /**
   * A config file: live, every in-use source its `cleanup.protect` names is read (clusters, workload
   * accounts, Batch, App Runner, external lists, Inspector); without it, this account's ECS and Lambda.
   */
  config?: string;
  /** --account/--role: a member account's in-use picture, read through its member role. */
  account?: string;
  role?: string;
}

const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

/**
 * `ecr-warden inuse list [--snapshot FILE | --region R] [--config FILE]`: the in-use picture
 * ecr-warden sees, in the external list format (shared/inuse/in-use-list.ts), to feed another
 * deployment's `cleanup.protect.external`. Live, it reads every source the config's
 * `cleanup.protect` names, composed as the cleanup worker composes them (this account's ECS and
 * Lambda without a config); from a snapshot, everything the snapshot holds (its ECS and Lambda, its
 * clusters, workload accounts and external lists). A list that misses a source would let its reader
 * delete what that source runs, so a failed source prints no list: exit 2 with the source and the reason.
 */
export async function runInUseList(options: InUseListOptions, write: (text: string) => void): Promise<void> {
  // The default config's protect when no file is given: ECS and Lambda here, 3 revisions.
  const protect: CleanupProtectConfig =
    options.config === undefined ? parseConfig({}).cleanup.protect : loadCleanupProtect(options.config);
  const revisions = revisionsOption(options.taskDefinitionRevisions, protect.taskDefinitionRevisions);
  if (options.snapshot !== undefined && options.region !== undefined) {
    throw new CliError('--snapshot and --region are exclusive: a snapshot holds its own region');
  }
  if (options.region !== undefined) checkRegionOption(options.region);
  refuseMemberWithSnapshot(options);
  if (options.source !== undefined && !SOURCE_NAME.test(options.source)) {
    throw new CliError(`--source: "${options.source}" must be 1-128 of A-Z a-z 0-9 . _ : / @ -`);
  }
  const { account, region, generatedAt, uses } =
    options.snapshot === undefined
      ? await readLivePicture(options, { ...protect, taskDefinitionRevisions: revisions })
      : await readSnapshotPicture(options.snapshot, options.now, {
          taskDefinitionRevisions: revisions,
          // As a snapshot plan takes it: the config's window, else Inspector's own default.
          inspectorInUseDays: protect.inspectorInUseDays ?? SNAPSHOT_INSPECTOR_IN_USE_DAYS,
        });
  const source = options.source ?? `ecr-warden:${account}/${region}`;
  write(serializeExternalImageList(uses, { source, generatedAt }));
}

async function readSnapshotPicture(
  path: string,
  now: string | undefined,
  options: { taskDefinitionRevisions: number; inspectorInUseDays: number },
) {
  const { readSnapshot, SnapshotError, formatSnapshotIssue } = await import('../shared/cleanup/snapshot');
  const document = readJsonFile(path, 'snapshot');
  try {
    const snapshot = readSnapshot(document);
    const generatedAt = now === undefined ? snapshot.takenAt : parseNowOption(now);
    const { uses } = listSnapshotImageUses(snapshot, {
      taskDefinitionRevisions: options.taskDefinitionRevisions,
      // The list is as of generatedAt: Inspector's window ends then.
      inspector: { inUseDays: options.inspectorInUseDays, now: generatedAt },
    });
    return { account: snapshot.account, region: snapshot.region, generatedAt, uses };
  } catch (error) {
    if (error instanceof SnapshotError) {
      const [first] = error.issues;
      const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
      throw new CliError(
        `snapshot file ${path} is not a valid snapshot: ${first === undefined ? '' : formatSnapshotIssue(first)}${more}`,
      );
    }
    throw error;
  }
}

async function readLivePicture(options: InUseListOptions, protect: CleanupProtectConfig) {
  // Loaded for the live path only: the snapshot path never loads the AWS SDK.
  const { readLiveInUseSources } = await import('./live-registry');
  const credentials = await liveCredentials(options);
  const live = await readLiveInUseSources({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(credentials === undefined ? {} : { credentials }),
    protect,
    taskDefinitionRevisions: protect.taskDefinitionRevisions,
  });
  try {
    const picture = await readInUsePicture(live.sources, { concurrency: 2 });
    if (picture.failures.length > 0) throw new CliError(describeFailures(picture.failures));
    return { account: live.account, region: live.region, generatedAt: Date.now(), uses: picture.uses };
  } finally {
    live.destroy();
  }
}

function describeFailures(failures: readonly InUseSourceFailure[]): string {
  const [first] = failures;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more source(s))` : '';
  return `in-use source ${first?.source} could not be read: ${first?.reason}${more}; no list printed (a list without it would let its reader delete what it runs)`;
}

function revisionsOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,3}$/.test(value)) {
    throw new CliError(`--task-definition-revisions must be a whole number from 0 to 999, got "${value}"`);
  }
  return Number(value);
}
