import { backoffDelay, sleep } from '../shared/aws/backoff';
import type { ScanFindingsReader } from '../shared/aws/scan-findings-reader';
import { ConfigError } from '../shared/config/config-error';
import { loadConfigFile } from '../shared/config/load-config';
import { ecrWardenConfigSchema } from '../shared/config/schema';
import { parseAwsTimestamp } from '../shared/findings/aws-timestamp';
import { decideDeployGate, type GateFinding, type GateResult } from '../shared/findings/deploy-gate';
import { describeImage, type ImageScanResult } from '../shared/findings/finding';
import {
  parseDescribeImageScanFindingsOutput,
  ScanFindingsFormatError,
  toImageScanResult,
} from '../shared/findings/scan-findings-input';
import {
  createScanningPolicy,
  describeSuppression,
  type ScanningPolicy,
} from '../shared/findings/scanning-policy';
import { THRESHOLD_SEVERITIES, type ThresholdSeverity } from '../shared/findings/severity';
import { sortByUrgency } from '../shared/findings/vulnerability-alert';
import type { GovernedAccount } from '../shared/organization/governed-accounts';
import { CliError, EXIT_INVALID } from './errors';
import { readJsonFile } from './input';
import {
  type LiveCredentials,
  liveCredentials,
  type MemberAccountOptions,
  refuseMemberWithSnapshot,
  resolveMemberTarget,
} from './member-account';
import { formatTable } from './table';

/**
 * `ecr-warden findings report` and `ecr-warden findings gate`: one image's scan findings in the
 * findings model, live (DescribeImageScanFindings, read-only, with the default AWS credential chain)
 * or from what `aws ecr describe-image-scan-findings --output json` printed.
 *
 * The gate's exit codes are a contract for pipelines: 0 the image passes, 1 it is blocked (what blocks
 * it is printed), 2 the gate could not decide (scan failed or still running at the timeout, image or
 * scan not found, bad input).
 */
export const EXIT_BLOCKED = 1;
export const EXIT_UNDECIDED = EXIT_INVALID;

type Write = (text: string) => void;

export interface FindingsCommandDependencies {
  /** The live reader; defaults to one on an ECRClient for `region` (or the SDK's default region). */
  reader?: ScanFindingsReader;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds, for the --wait deadline. */
  clock?: () => number;
}

export interface ReportOptions {
  repository: string;
  image?: string;
  findings?: string;
  config?: string;
  now?: string;
  region?: string;
  output: 'table' | 'json';
  /** --account/--role: read a member account's scan findings through its member role. */
  account?: string;
  role?: string;
}

export async function runFindingsReport(
  options: ReportOptions,
  write: Write,
  deps: FindingsCommandDependencies = {},
): Promise<void> {
  const now = parseNow(options.now);
  const policy = loadPolicy(options.config);
  let result: ImageScanResult;
  if (options.findings !== undefined) {
    refuseMemberWithSnapshot({ ...options, snapshot: options.findings });
    result = readSavedFindings(options.findings, options.repository);
  } else {
    if (options.image === undefined) throw new CliError('give --image TAG|DIGEST (live) or --findings FILE');
    const image = options.image.startsWith('sha256:')
      ? { imageDigest: options.image }
      : { imageTag: options.image };
    const live = { region: options.region, credentials: await memberCredentials(options, deps) };
    const read = await readLive(deps, live, {
      repositoryName: options.repository,
      image,
    });
    if (read.outcome !== 'found') throw new CliError(`${read.outcome}: ${read.message}`);
    result = read.result;
  }
  write(
    options.output === 'json'
      ? `${JSON.stringify(reportJson(result, policy, now), null, 2)}\n`
      : `${reportTable(result, policy, now)}\n`,
  );
}

export interface GateOptions {
  image?: string;
  findings?: string;
  repository?: string;
  failOn?: string;
  wait?: string;
  config?: string;
  now?: string;
  region?: string;
  output: 'text' | 'json';
  /** --account/--role: read a member account's scan findings through its member role. */
  account?: string;
  role?: string;
}

/** Polls every 2 s at first, backing off to every 30 s. */
const POLL = { baseDelayMs: 2_000, maxDelayMs: 30_000 };

export async function runFindingsGate(
  options: GateOptions,
  write: Write,
  deps: FindingsCommandDependencies = {},
): Promise<void> {
  const config = loadConfig(options.config);
  const now = parseNow(options.now);
  const waitSeconds = parseWait(options.wait);
  let result: ImageScanResult;
  let repositoryName: string;
  // The account whose registry holds the image, when known: --account or the image's registry (live),
  // the saved output's registryId (a findings file).
  let imageAccount: string | undefined;
  if (options.findings !== undefined) {
    if (options.image !== undefined)
      throw new CliError('give either --image (live) or --findings FILE, not both');
    if (options.repository === undefined) throw new CliError('--findings needs --repository R');
    refuseMemberWithSnapshot({ ...options, snapshot: options.findings });
    repositoryName = options.repository;
    result = readSavedFindings(options.findings, options.repository);
    imageAccount = result.image.registryId;
  } else {
    if (options.image === undefined) {
      throw new CliError(
        'give --image REPOSITORY:TAG|REPOSITORY@DIGEST (live) or --findings FILE --repository R',
      );
    }
    const reference = parseImageReference(options.image);
    repositoryName = reference.repositoryName;
    const target = resolveMemberTarget({ ...options, region: options.region ?? reference.region });
    if (
      target !== undefined &&
      reference.registryId !== undefined &&
      reference.registryId !== target.account
    ) {
      throw new CliError(
        `--image names registry ${reference.registryId}, but --account/--role read account ${target.account}`,
      );
    }
    imageAccount = target?.account ?? reference.registryId;
    const region = options.region ?? reference.region;
    const credentials = await memberCredentials({ ...options, region }, deps);
    const waited = await pollScan(reference, waitSeconds, { region, credentials }, deps);
    if (waited.kind === 'undecided') return undecided(waited.reason, options, write);
    result = waited.result;
  }
  const policy = createScanningPolicy(config.scanning, gateAccount(config, imageAccount));
  const failOn =
    options.failOn === undefined ? policy.minSeverityFor(repositoryName) : parseFailOn(options.failOn);
  const gate = decideDeployGate({ result, failOn, policy, now });
  if (options.output === 'json') write(`${JSON.stringify(gateJson(result, gate), null, 2)}\n`);
  else write(`${gateText(result, gate)}\n`);
  if (gate.decision === 'blocked') throw new CliError(`deploy blocked: ${gate.reason}`, EXIT_BLOCKED);
  if (gate.decision === 'undecided') throw new CliError(`could not decide: ${gate.reason}`, EXIT_UNDECIDED);
}

function undecided(reason: string, options: GateOptions, write: Write): never {
  if (options.output === 'json') write(`${JSON.stringify({ decision: 'undecided', reason }, null, 2)}\n`);
  throw new CliError(`could not decide: ${reason}`, EXIT_UNDECIDED);
}

export interface ImageReference {
  repositoryName: string;
  image: { imageDigest: string } | { imageTag: string };
  registryId?: string;
  region?: string;
}

// [ACCOUNT.dkr.ecr.REGION.amazonaws.com/]REPOSITORY(:TAG|@sha256:DIGEST). A tag: up to 128 characters of
// letters, digits, `_`, `.` and `-`, not starting with `.` or `-` (the OCI distribution spec's rule).
const IMAGE_REFERENCE =
  /^(?:(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/)?((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[0-9a-f]{64}))$/;

export function parseImageReference(text: string): ImageReference {
  const match = IMAGE_REFERENCE.exec(text);
  if (!match) {
    throw new CliError(
      `--image must be REPOSITORY:TAG or REPOSITORY@sha256:DIGEST (optionally behind ACCOUNT.dkr.ecr.REGION.amazonaws.com/), got "${text}"`,
    );
  }
  const [, registryId, region, repositoryName = '', tag, digest] = match;
  return {
    repositoryName,
    image: digest !== undefined ? { imageDigest: digest } : { imageTag: tag ?? '' },
    ...(registryId === undefined ? {} : { registryId }),
    ...(region === undefined ? {} : { region }),
  };
}

type PollOutcome = { kind: 'found'; result: ImageScanResult } | { kind: 'undecided'; reason: string };

/**
 * Waits for a current scan result: a scan still running (IN_PROGRESS, PENDING) or not started yet
 * (ScanNotFoundException right after a push) is polled with backoff until `waitSeconds` have passed.
 */
async function pollScan(
  reference: ImageReference,
  waitSeconds: number,
  live: LiveRead,
  deps: FindingsCommandDependencies,
): Promise<PollOutcome> {
  const clock = deps.clock ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const deadline = clock() + waitSeconds * 1000;
  for (let attempt = 1; ; attempt += 1) {
    const read = await readLive(deps, live, {
      repositoryName: reference.repositoryName,
      image: reference.image,
      ...(reference.registryId === undefined ? {} : { registryId: reference.registryId }),
    });
    let waitingFor: string;
    if (read.outcome === 'image-not-found' || read.outcome === 'repository-not-found') {
      return { kind: 'undecided', reason: `${read.outcome}: ${read.message}` };
    }
    if (read.outcome !== 'found') {
      waitingFor = 'no scan of the image yet (ScanNotFoundException)';
    } else if (read.result.scanStatus === 'IN_PROGRESS' || read.result.scanStatus === 'PENDING') {
      waitingFor = `the scan is ${read.result.scanStatus}`;
    } else {
      return { kind: 'found', result: read.result };
    }
    const remaining = deadline - clock();
    if (remaining <= 0) {
      return {
        kind: 'undecided',
        reason:
          waitSeconds === 0
            ? `${waitingFor}; pass --wait SECONDS to wait for it`
            : `${waitingFor} after waiting ${waitSeconds} s`,
      };
    }
    // Equal jitter: between half and all of the exponential delay, never past the deadline.
    await wait(
      Math.min(remaining, backoffDelay(attempt, { ...POLL, random: () => 0.5 + Math.random() / 2 })),
    );
  }
}

/** Where a live read goes: the region, and a member account's session (--account/--role). */
interface LiveRead {
  region: string | undefined;
  credentials: LiveCredentials | undefined;
}

/**
 * The member role's session, assumed once per command before any read: a role that cannot be
 * assumed is bad input (exit 2, one line), not "undecided", and a --wait poll does not assume it again.
 */
async function memberCredentials(
  options: MemberAccountOptions & { region?: string | undefined; config?: string | undefined },
  deps: FindingsCommandDependencies,
): Promise<LiveCredentials | undefined> {
  if (deps.reader === undefined) return liveCredentials(options);
  resolveMemberTarget(options);
  return undefined;
}

async function readLive(
  deps: FindingsCommandDependencies,
  live: LiveRead,
  request: Parameters<ScanFindingsReader['read']>[0],
) {
  try {
    // Loaded only for live reads: offline decisions never load the AWS SDK.
    const reader = deps.reader ?? (await liveReader(live.region, live.credentials));
    return await reader.read(request);
  } catch (error) {
    if (error instanceof ScanFindingsFormatError) throw new CliError(error.message, EXIT_UNDECIDED);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(
      `could not read the scan findings of ${request.repositoryName}: ${message}`,
      EXIT_UNDECIDED,
    );
  }
}

async function liveReader(
  region: string | undefined,
  credentials: LiveCredentials | undefined,
): Promise<ScanFindingsReader> {
  const [{ ECRClient }, { createScanFindingsReader }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('../shared/aws/scan-findings-reader'),
  ]);
  return createScanFindingsReader(
    new ECRClient({
      ...(region === undefined ? {} : { region }),
      ...(credentials === undefined ? {} : { credentials }),
    }),
  );
}

function readSavedFindings(path: string, repositoryName: string): ImageScanResult {
  const data = readJsonFile(path, 'findings');
  // DescribeImageScanFindings pages its findings (nextToken; the AWS CLI prints NextToken when
  // --max-items stopped it): a gate decided on one page would miss what the other pages hold.
  const page = data as { nextToken?: unknown; NextToken?: unknown } | null;
  const token =
    page?.NextToken !== undefined ? 'NextToken' : page?.nextToken !== undefined ? 'nextToken' : '';
  if (token !== '') {
    throw new CliError(
      `findings file ${path} has a ${token}: it is one page of the image's findings, not all of them; ` +
        'run `aws ecr describe-image-scan-findings ... --output json` without --max-items or --no-paginate ' +
        '(the AWS CLI then reads every page)',
    );
  }
  try {
    return toImageScanResult([parseDescribeImageScanFindingsOutput(data)], { repositoryName });
  } catch (error) {
    if (error instanceof ScanFindingsFormatError) {
      throw new CliError(`findings file ${path} is ${error.message}`, EXIT_INVALID, []);
    }
    throw error;
  }
}

function loadConfig(path: string | undefined) {
  if (path === undefined) return ecrWardenConfigSchema.parse({});
  try {
    return loadConfigFile(path);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(
        `config ${path} is invalid`,
        EXIT_INVALID,
        error.issues.map((issue) => `${issue.path || '(file)'}: ${issue.message}`),
      );
    }
    throw error;
  }
}

function loadPolicy(path: string | undefined): ScanningPolicy {
  return createScanningPolicy(loadConfig(path).scanning);
}

/** `--now`: when suppressions are evaluated (default: now). A date is midnight UTC. */
function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const parsed = /^\d{4}-\d{2}-\d{2}(T.*(Z|[+-]\d{2}:\d{2}))?$/.test(value)
    ? parseAwsTimestamp(value)
    : undefined;
  if (parsed?.ok) return parsed.date;
  throw new CliError(
    `--now must be an ISO 8601 date or time with an offset, e.g. 2026-01-31 or 2026-01-31T09:00:00Z; got "${value}"`,
  );
}

function parseFailOn(value: string): ThresholdSeverity {
  const upper = value.toUpperCase();
  if ((THRESHOLD_SEVERITIES as readonly string[]).includes(upper)) return upper as ThresholdSeverity;
  throw new CliError(`--fail-on must be one of ${THRESHOLD_SEVERITIES.join(', ')}, got "${value}"`);
}

function parseWait(value: string | undefined): number {
  if (value === undefined) return 0;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds > 3600) {
    throw new CliError(`--wait must be a whole number of seconds from 0 to 3600, got "${value}"`);
  }
  return seconds;
}

// ── output ────────────────────────────────────────────────────────────────────────────────────────

function imageLine(result: ImageScanResult): string {
  const tags = result.image.imageTags.length > 0 ? result.image.imageTags.join(', ') : 'untagged';
  const usage =
    result.usage.inUseCount === undefined
      ? ''
      : `; in use: ${result.usage.inUseCount}${result.usage.lastInUseAt ? ` (last ${result.usage.lastInUseAt})` : ''}`;
  return `${result.image.repositoryName}@${result.image.imageDigest} (${tags}); ${result.scanType.toLowerCase()} scan ${result.scanStatus}${result.completedAt ? ` at ${result.completedAt}` : ''}${usage}`;
}

function findingRow(item: GateFinding | { finding: GateFinding['finding']; note?: string }): string[] {
  const { finding } = item;
  const pkg = finding.packages[0];
  const more = finding.packages.length > 1 ? ` +${finding.packages.length - 1}` : '';
  const fixed = finding.packages.find((p) => p.fixedInVersion !== undefined)?.fixedInVersion;
  return [
    finding.severity,
    finding.vulnerabilityId,
    pkg === undefined ? '-' : `${pkg.name}${more}`,
    pkg?.installedVersion ?? '-',
    fixed ?? (finding.fixAvailable === 'NO' ? 'no fix' : '-'),
    finding.score === undefined ? '-' : String(finding.score),
    finding.epssScore === undefined ? '-' : String(finding.epssScore),
    finding.exploitAvailable === true ? 'yes' : finding.exploitAvailable === false ? 'no' : '-',
    'note' in item && item.note !== undefined ? item.note : noteOf(item as GateFinding),
  ];
}

function noteOf(item: GateFinding): string {
  if (item.suppressedBy !== undefined) {
    return `suppressed until ${item.suppressedBy.expires} (${item.suppressedBy.owner}: ${item.suppressedBy.reason})`;
  }
  if (item.suppressedByInspector) return 'suppressed in Amazon Inspector';
  if (item.expiredSuppression !== undefined) return `suppression expired ${item.expiredSuppression.expires}`;
  return '';
}

const HEADER = [
  'SEVERITY',
  'VULNERABILITY',
  'PACKAGE',
  'INSTALLED',
  'FIXED IN',
  'SCORE',
  'EPSS',
  'EXPLOIT',
  'NOTE',
];

function reportTable(result: ImageScanResult, policy: ScanningPolicy, now: Date): string {
  const inUse = result.usage.inUseCount === undefined ? undefined : result.usage.inUseCount > 0;
  const rows = sortByUrgency(result.findings.map((finding) => ({ finding, inUse }))).map(({ finding }) =>
    findingRow(annotate(result, policy, now, finding)),
  );
  const counts = severitySummary(result);
  return [
    imageLine(result),
    `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}${counts ? ` (${counts})` : ''}, most urgent first`,
    ...(rows.length > 0 ? ['', formatTable(HEADER, rows)] : []),
  ].join('\n');
}

function annotate(
  result: ImageScanResult,
  policy: ScanningPolicy,
  now: Date,
  finding: GateFinding['finding'],
): GateFinding {
  const repositoryName = result.image.repositoryName;
  const suppressedBy = policy.suppressionFor(repositoryName, finding, now);
  if (suppressedBy !== undefined) return { finding, suppressedBy };
  if (finding.status === 'SUPPRESSED') return { finding, suppressedByInspector: true };
  const expiredSuppression = policy.expiredSuppressionFor(repositoryName, finding, now);
  return expiredSuppression === undefined ? { finding } : { finding, expiredSuppression };
}

function severitySummary(result: ImageScanResult): string {
  const counts = new Map<string, number>();
  for (const finding of result.findings)
    counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  return [...counts].map(([severity, n]) => `${n} ${severity}`).join(', ');
}

function reportJson(result: ImageScanResult, policy: ScanningPolicy, now: Date) {
  return {
    ...result,
    findings: result.findings.map((finding) => {
      const note = annotate(result, policy, now, finding);
      return {
        ...finding,
        ...(note.suppressedBy === undefined ? {} : { suppressedBy: suppressionJson(note.suppressedBy) }),
        ...(note.expiredSuppression === undefined
          ? {}
          : { expiredSuppression: suppressionJson(note.expiredSuppression) }),
      };
    }),
  };
}

function suppressionJson(suppression: NonNullable<GateFinding['suppressedBy']>) {
  return { ...suppression, label: describeSuppression(suppression) };
}

function gateText(result: ImageScanResult, gate: GateResult): string {
  const verdict =
    gate.decision === 'pass' ? 'PASS' : gate.decision === 'blocked' ? 'BLOCKED' : 'COULD NOT DECIDE';
  const lines = [`${verdict}: ${describeImage(result.image)}: ${gate.reason}`, imageLine(result)];
  if (gate.blocking.length > 0) {
    lines.push(
      '',
      `Blocking (at or above ${gate.failOn}, most urgent first):`,
      formatTable(HEADER, gate.blocking.map(findingRow)),
    );
  }
  if (gate.suppressed.length > 0) {
    lines.push('', 'Suppressed (not blocking):', formatTable(HEADER, gate.suppressed.map(findingRow)));
  }
  return lines.join('\n');
}

function gateJson(result: ImageScanResult, gate: GateResult) {
  const item = (entry: GateFinding) => ({
    ...entry.finding,
    ...(entry.suppressedBy === undefined ? {} : { suppressedBy: suppressionJson(entry.suppressedBy) }),
    ...(entry.expiredSuppression === undefined
      ? {}
      : { expiredSuppression: suppressionJson(entry.expiredSuppression) }),
    ...(entry.suppressedByInspector ? { suppressedByInspector: true } : {}),
  });
  return {
    decision: gate.decision,
    reason: gate.reason,
    failOn: gate.failOn,
    image: result.image,
    scanType: result.scanType,
    scanStatus: result.scanStatus,
    blocking: gate.blocking.map(item),
    suppressed: gate.suppressed.map(item),
    belowThreshold: gate.belowThreshold,
  };
}

/**
 * The governed account the gate decides for, under an Organizations hub's config: thresholds and
 * suppressions whose `accounts` does not cover it do not apply, as in scanFindings. By id or alias only:
 * the gate runs in pipelines that cannot list Organizations, so an entry scoped by OU does not apply
 * here (a suppression so scoped never waives a finding at the gate). Without `organization`, or when
 * the account is unknown (a findings file without --account), every entry applies, as before.
 */
function gateAccount(
  config: { organization?: { accountAliases: Record<string, string> } | undefined },
  accountId: string | undefined,
): GovernedAccount | undefined {
  if (config.organization === undefined || accountId === undefined) return undefined;
  return { id: accountId, alias: config.organization.accountAliases[accountId], parents: [] };
}
