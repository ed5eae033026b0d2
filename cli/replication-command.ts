import { createRegionalEcrClients } from '../shared/aws/regional-ecr-clients';
import { createReplicationRegistryReaders } from '../shared/aws/replication-registry';
import { ConfigError, formatConfigIssue } from '../shared/config/config-error';
import { loadConfigFile } from '../shared/config/load-config';
import { type AuditSettings, auditReplication } from '../shared/replication/audit-replication';
import { buildAuditReport, type ReplicationAuditReport } from '../shared/replication/audit-report';
import type { AuditResult } from '../shared/replication/replication-model';
import { createSnapshotRegistryReaders } from '../shared/replication/snapshot-registry-reader';
import { CliError } from './errors';
import { AWS_REGION, checkRegionOption, silenceSdkNodeVersionWarning } from './live-options';
import { liveCredentials, refuseMemberWithSnapshot } from './member-account';
import { parseNowOption } from './now-option';
import { loadSnapshotFile } from './snapshot-file';
import { formatTable } from './table';

export interface ReplicationAuditOptions {
  /** The source region; default AWS_REGION (live) or the snapshot's only registry with replication rules. */
  region?: string;
  /** Comma-separated destination regions to read; default every destination of the rules. */
  destinations?: string;
  /** Comma-separated repository prefixes to audit; default every repository the rules select. */
  prefixes?: string;
  /** ecr-warden.yml: its `replication` section supplies the defaults of the options above. */
  config?: string;
  /** A snapshot of several regions, in `ecr-warden snapshot`'s format (shared/cleanup/snapshot.ts). */
  snapshot?: string;
  now?: string;
  output: 'json' | 'table';
  /** --account/--role: audit a member account's replication, read through its member role. */
  account?: string;
  role?: string;
}

/** Exit code when the audit found something: the answer, not an error (as a failed gate). */
export const EXIT_PROBLEMS = 1;

/**
 * `ecr-warden replication audit`: the scheduled audit's comparison, run from a workstation. Live, it
 * reads ECR with the caller's credentials, read-only (it never remediates, whatever the config says).
 * With --snapshot it audits a snapshot of several regions (`ecr-warden snapshot`'s format) through
 * in-memory readers, so that the same audit code answers. Prints a table or the report's JSON
 * (the "Replication Audit Report" detail); then exits 1, with the summary on stderr, when something is
 * wrong (or could not be audited), 0 when the run is clean.
 */
export async function runReplicationAudit(
  options: ReplicationAuditOptions,
  write: (text: string) => void,
): Promise<void> {
  silenceSdkNodeVersionWarning();
  const configured = options.config === undefined ? undefined : loadReplicationConfig(options.config);
  const list = (value: string | undefined, what: string, pattern?: RegExp) => {
    if (value === undefined) return undefined;
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    const bad = pattern === undefined ? undefined : items.find((item) => !pattern.test(item));
    if (bad !== undefined) throw new CliError(`--${what}: "${bad}" is not an AWS region such as us-west-2`);
    return items;
  };
  const settings: AuditSettings = {
    destinationRegions:
      list(options.destinations, 'destinations', AWS_REGION) ?? configured?.destinationRegions,
    repositoryPrefixes: list(options.prefixes, 'prefixes') ?? configured?.repositoryPrefixes ?? [],
    ruleCreatedAt: configured?.ruleCreatedAt ?? {},
    inFlightMinutes: configured?.inFlightMinutes ?? 30,
    lagWindowHours: configured?.lagWindowHours ?? 168,
    statusChecksPerRepository: configured?.statusChecksPerRepository ?? 100,
  };

  refuseMemberWithSnapshot(options);
  let result: AuditResult;
  if (options.snapshot !== undefined) {
    result = await auditSnapshot(options.snapshot, options, settings);
  } else {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (region === undefined) throw new CliError('no source region: pass --region or set AWS_REGION');
    checkRegionOption(region);
    const now = new Date(options.now === undefined ? Date.now() : parseNowOption(options.now));
    const credentials = await liveCredentials({ ...options, region });
    result = await auditReplication(
      { sourceRegion: region, settings, now },
      {
        readerFor: createReplicationRegistryReaders(
          createRegionalEcrClients({ maxAttempts: 5, ...(credentials === undefined ? {} : { credentials }) }),
        ),
      },
    );
  }
  const report = buildAuditReport({ result, expectedDestinationRegions: settings.destinationRegions ?? [] });
  write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  if (!report.clean) throw new CliError(`replication is not clean: ${report.summary}`, EXIT_PROBLEMS);
}

/**
 * A snapshot of several regions, read through in-memory readers (the ports the live audit uses) of what
 * `ecr-warden snapshot` recorded. The source is --region, or the snapshot's only region with replication
 * rules; the audit runs at the snapshot's takenAt unless --now says otherwise.
 */
async function auditSnapshot(
  path: string,
  options: ReplicationAuditOptions,
  settings: AuditSettings,
): Promise<AuditResult> {
  const snapshot = loadSnapshotFile(path);
  const sources = snapshot.registries
    .filter((registry) => (registry.replicationConfiguration?.rules ?? []).length > 0)
    .map((registry) => registry.region);
  const region = options.region ?? (sources.length === 1 ? sources[0] : undefined);
  if (region === undefined) {
    throw new CliError(
      sources.length === 0
        ? `snapshot file ${path} has no registry with replication rules`
        : `snapshot file ${path} has replication rules in ${sources.join(', ')}: pass --region to pick the source`,
    );
  }
  const source = snapshot.registries.find((registry) => registry.region === region);
  if (source === undefined) throw new CliError(`snapshot file ${path} has no registry in ${region}`);
  if (source.replicationConfiguration === undefined) {
    throw new CliError(`snapshot file ${path} holds no replicationConfiguration of ${region}`);
  }
  const now = new Date(options.now === undefined ? snapshot.takenAt : parseNowOption(options.now));
  return auditReplication(
    { sourceRegion: region, settings, now },
    { readerFor: createSnapshotRegistryReaders(snapshot) },
  );
}

function loadReplicationConfig(path: string) {
  try {
    return loadConfigFile(path).replication;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new CliError(`config file not found: ${path}`);
    const first = error.issues[0];
    const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
    throw new CliError(
      `config file ${path} is invalid: ${first === undefined ? '' : formatConfigIssue(first)}${more}`,
    );
  }
}

/** The report for people: a headline, one row per problem, then what was not audited and what to do. */
export function renderReport(report: ReplicationAuditReport): string {
  const lines = [report.summary];
  lines.push(
    `source ${report.region} (account ${report.account}); destinations: ${report.destinationRegions.join(', ') || 'none'}; ` +
      `${report.repositoriesAudited} of ${report.repositoriesSelected ?? report.repositoriesAudited} replicated repositories audited`,
  );
  if (report.repositories.length > 0) {
    const rows = report.repositories.flatMap((entry) =>
      entry.problems.map((problem) => [
        entry.repositoryName,
        entry.destinationRegion,
        problem.kind,
        problem.detail,
      ]),
    );
    lines.push('', formatTable(['REPOSITORY', 'DESTINATION', 'PROBLEM', 'DETAIL'], rows));
    const hidden = (report.repositoriesWithProblems ?? 0) - report.repositories.length;
    if (hidden > 0) lines.push(`(${hidden} more repositories with problems: see --output json counts)`);
  }
  if ((report.notAudited ?? []).length > 0) {
    lines.push('', 'Not audited:');
    for (const entry of report.notAudited ?? []) lines.push(`  - ${entry.reason}`);
  }
  lines.push(
    '',
    `Worst lag: ${report.worstLagSeconds === null ? 'no image replicated in the lag window' : `${report.worstLagSeconds} s`}` +
      (report.worstLagImage === undefined
        ? ''
        : ` (${report.worstLagImage.repositoryName} in ${report.worstLagImage.destinationRegion})`),
  );
  if (report.recommendations.length > 0) {
    lines.push('', 'What to do:');
    for (const line of report.recommendations) lines.push(`  - ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
