import { ECRClient } from '@aws-sdk/client-ecr';
import { ConfigError, formatConfigIssue } from '../shared/config/config-error';
import { loadConfigFile } from '../shared/config/load-config';
import type { ImmutabilityConfig } from '../shared/config/schema';
import {
  type AuditedCheck,
  auditRepositories,
  observeRegistry,
  type RepositoryAudit,
} from '../shared/immutability/audit';
import type { Baseline, ObservedRepository } from '../shared/immutability/check-baselines';
import { createSnapshotAuditRegistry } from '../shared/immutability/snapshot-registry';
import { CliError } from './errors';
import {
  checkRegionOption,
  describeAwsFailure,
  liveClientConfig,
  resolveClientRegion,
  silenceSdkNodeVersionWarning,
} from './live-options';
import { type LiveCredentials, liveCredentials, refuseMemberWithSnapshot } from './member-account';
import { loadSnapshotFile } from './snapshot-file';
import { formatTable } from './table';

export interface RepositoriesAuditOptions {
  /** ecr-warden.yml: its `immutability` section is the baseline. Default: ./ecr-warden.yml. */
  config?: string;
  /** A snapshot instead of the live account: `ecr-warden snapshot`'s format (shared/cleanup/snapshot.ts). */
  snapshot?: string;
  region?: string;
  output: 'json' | 'table';
  /** --account/--role: audit a member account's repositories, read through its member role. */
  account?: string;
  role?: string;
}

/** Exit code when a repository drifts from the baseline: the answer, not an error (as a failed gate). */
export const EXIT_DRIFT = 1;

const COLUMNS: { baseline: Baseline; title: string }[] = [
  { baseline: 'tag-immutability', title: 'TAGS' },
  { baseline: 'scanning', title: 'SCANNING' },
  { baseline: 'lifecycle-policy', title: 'LIFECYCLE' },
  { baseline: 'encryption', title: 'ENCRYPTION' },
  { baseline: 'repository-policy', title: 'POLICY' },
];

/**
 * `ecr-warden repositories audit`: the repository guard's checks as a table, one row per repository and
 * one column per baseline, with what remediation would do under the config. Live with the caller's
 * credentials (read-only: it never remediates, whatever the config says), or from a snapshot. Exits 1,
 * with a one-line summary on stderr, when a repository drifts.
 */
export async function runRepositoriesAudit(
  options: RepositoriesAuditOptions,
  write: (text: string) => void,
): Promise<void> {
  silenceSdkNodeVersionWarning();
  if (options.region !== undefined) checkRegionOption(options.region);
  refuseMemberWithSnapshot(options);
  const config = loadImmutabilityConfig(options.config ?? 'ecr-warden.yml');
  const { observed, account, source } =
    options.snapshot === undefined
      ? await readLive(config, options.region, await liveCredentials(options))
      : await readSnapshotFile(config, options);
  const audit = auditRepositories(config, observed, { ownAccount: account ?? '' });
  write(
    options.output === 'json'
      ? `${JSON.stringify({ source, account, ...audit }, null, 2)}\n`
      : renderAudit(audit, source),
  );
  if (audit.summary.drifts > 0) {
    const drifting = audit.repositories.filter((repository) =>
      repository.checks.some((c) => c.status === 'drift'),
    );
    throw new CliError(
      `${audit.summary.drifts} drift(s) in ${drifting.length} of ${audit.summary.covered} covered repositories`,
      EXIT_DRIFT,
    );
  }
}

interface Observation {
  observed: ObservedRepository[];
  account: string | undefined;
  source: string;
}

async function readLive(
  config: ImmutabilityConfig,
  region: string | undefined,
  credentials: LiveCredentials | undefined,
): Promise<Observation> {
  const ecr = new ECRClient(liveClientConfig(region, credentials));
  try {
    const resolved = await resolveClientRegion(ecr);
    const { createRepositoryGuardRegistry } = await loadGuardRegistry();
    const { observed, account } = await observeRegistry(config, createRepositoryGuardRegistry(ecr));
    return { observed, account, source: `live ${resolved}` };
  } catch (error) {
    throw describeAwsFailure(error);
  } finally {
    ecr.destroy();
  }
}

/**
 * A snapshot, read through in-memory implementations of the ports the live path uses: the same
 * observation code answers, from what `ecr-warden snapshot` recorded. A snapshot of several regions needs
 * --region to say which one to audit.
 */
async function readSnapshotFile(
  config: ImmutabilityConfig,
  options: RepositoriesAuditOptions,
): Promise<Observation> {
  const path = options.snapshot as string;
  const snapshot = loadSnapshotFile(path);
  const regions = snapshot.registries.map((registry) => registry.region);
  const region = options.region ?? (regions.length === 1 ? snapshot.region : undefined);
  if (region === undefined) {
    throw new CliError(`snapshot file ${path} holds registries in ${regions.join(', ')}: pass --region`);
  }
  const registry = snapshot.registries.find((entry) => entry.region === region);
  if (registry === undefined) {
    throw new CliError(`--region ${region}: snapshot file ${path} holds ${regions.join(', ')}`);
  }
  const { observed } = await observeRegistry(config, createSnapshotAuditRegistry(snapshot.account, registry));
  return { observed, account: snapshot.account, source: `snapshot ${path} (${region})` };
}

/**
 * Loaded when used: the adapter module builds the Lambda functions' shared ECR client at load, and the
 * SDK would then warn on stderr (Node 20) before AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is set.
 */
function loadGuardRegistry() {
  return import('../shared/aws/repository-guard-registry');
}

function loadImmutabilityConfig(path: string): ImmutabilityConfig {
  try {
    return loadConfigFile(path).immutability;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new CliError(`config file not found: ${path}`);
    const issues = error.issues.map(formatConfigIssue);
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    throw new CliError(`config file ${path} is invalid: ${issues.slice(0, 5).join('; ')}${more}`);
  }
}

function renderAudit(audit: RepositoryAudit, source: string): string {
  const cell = (check: AuditedCheck | undefined) =>
    check === undefined
      ? '-'
      : check.status === 'compliant'
        ? 'ok'
        : check.status === 'drift'
          ? 'DRIFT'
          : '?';
  const rows = audit.repositories.map((repository) => {
    const byBaseline = new Map(repository.checks.map((check) => [check.baseline, check]));
    const remediation = repository.checks
      .filter((check) => check.status === 'drift')
      .map((check) => describeRemediation(check))
      .join('; ');
    return [
      repository.repositoryName,
      repository.rule === undefined ? '-' : `rules[${repository.rule}]`,
      ...COLUMNS.map((column) => cell(byBaseline.get(column.baseline))),
      repository.rule === undefined ? 'not covered' : remediation === '' ? '' : remediation,
    ];
  });
  const details = audit.repositories.flatMap((repository) =>
    repository.checks
      .filter((check) => check.status !== 'compliant')
      .map((check) =>
        check.status === 'drift'
          ? `  ${repository.repositoryName} ${check.baseline}: ${check.actual} (expected ${check.expected})`
          : `  ${repository.repositoryName} ${check.baseline}: unknown (${check.reason})`,
      ),
  );
  const { summary } = audit;
  return [
    `Repository baselines, ${source}${audit.dryRun ? ' (immutability.dryRun: remediation would be reported only)' : ''}`,
    formatTable(['REPOSITORY', 'RULE', ...COLUMNS.map((column) => column.title), 'REMEDIATION'], rows),
    '',
    `${summary.repositories} repositories, ${summary.covered} covered by a rule, ${summary.compliant} compliant, ${summary.drifts} drift(s), ${summary.unknown} unknown. ok: meets the baseline; DRIFT: does not; ?: not known; -: not checked.`,
    ...(details.length === 0 ? [] : ['', ...details]),
    '',
  ].join('\n');
}

function describeRemediation(check: AuditedCheck): string {
  switch (check.remediation) {
    case 'apply':
      return `the guard applies ${check.fix}`;
    case 'would-apply':
      return `dry run: ${check.fix}`;
    default:
      return check.fix?.startsWith('none') ? `report only (${check.baseline})` : `report only: ${check.fix}`;
  }
}
