import type { EcrWardenConfig } from '../shared/config/schema';
import {
  type AccountDirectory,
  accountLabel,
  type GovernedAccount,
  governedTargets,
} from '../shared/organization/governed-accounts';
import { formatTable } from './table';

/**
 * `ecr-warden organization check` (issue 15), the pure side: which member-account capabilities the
 * config uses, what to probe, and the report. The AWS side (AssumeRole, the probes, the OU listing) is
 * ./organization-command.ts.
 *
 * Reads are probed with one cheap read-only call each in every reachable account × region. Writes
 * cannot be: a member role cannot ask IAM's policy simulator about itself (iam:SimulatePrincipalPolicy
 * is an IAM call in the member account the member role is not granted), and trying the write would
 * change the registry. So each write is reported as what the member template grants under this config
 * (deploy/member-stack.ts gives the member role the hub functions' own statements, and the destructive
 * ones only when the config lets the function write).
 */

/** One read the config's work needs in a member account, and the call that proves it is allowed. */
export interface ReadProbe {
  /** The IAM action, as the member template grants it. */
  readonly action: string;
  /** Which work needs it (the function, in words). */
  readonly usedBy: string;
}

/** One write: granted by the member template only when the config can use it. */
export interface WriteCapability {
  readonly action: string;
  readonly usedBy: string;
  readonly granted: boolean;
  /** "granted by the member template when …", in config terms. */
  readonly when: string;
}

export function memberReadProbes(config: EcrWardenConfig): ReadProbe[] {
  const probes: ReadProbe[] = [
    // Every scheduled work lists the repositories of the account × region first.
    { action: 'ecr:DescribeRepositories', usedBy: 'cleanup scheduler, repository guard, replication audit' },
    { action: 'ecr:DescribeRegistry', usedBy: 'replication audit' },
    { action: 'ecr:GetRegistryScanningConfiguration', usedBy: 'repository guard, replication audit' },
  ];
  if (config.cleanup.rules.length > 0) {
    // The in-use picture of the member account: without it nothing would be deleted there.
    probes.push(
      { action: 'ecs:ListClusters', usedBy: 'cleanup worker (in-use picture)' },
      { action: 'lambda:ListFunctions', usedBy: 'cleanup worker (in-use picture)' },
    );
  }
  return probes;
}

export function memberWriteCapabilities(config: EcrWardenConfig): WriteCapability[] {
  const cleanupWrites = config.cleanup.rules.length > 0 && !config.cleanup.dryRun;
  const guard = (remediates: (rule: EcrWardenConfig['immutability']['rules'][number]) => boolean) =>
    !config.immutability.dryRun && config.immutability.rules.some(remediates);
  const replication = config.replication.remediate;
  const replicationWrites = replication !== undefined && !replication.dryRun;
  return [
    {
      action: 'ecr:BatchDeleteImage',
      usedBy: 'cleanup worker',
      granted: cleanupWrites,
      when: 'cleanup.rules is not empty and cleanup.dryRun is false',
    },
    {
      action: 'ecr:PutImageTagMutability',
      usedBy: 'repository guard',
      granted: guard((rule) => rule.remediate),
      when: 'an immutability rule has remediate: true and immutability.dryRun is false',
    },
    {
      action: 'ecr:PutRegistryScanningConfiguration',
      usedBy: 'repository guard',
      granted: guard((rule) => rule.scanning?.remediate === true),
      when: 'an immutability rule has scanning.remediate: true and immutability.dryRun is false',
    },
    {
      action: 'ecr:PutLifecyclePolicy',
      usedBy: 'repository guard',
      granted: guard((rule) => rule.lifecyclePolicy?.remediate === true),
      when: 'an immutability rule has lifecyclePolicy.remediate: true and immutability.dryRun is false',
    },
    {
      action: 'ecr:StartReplicationBackfill',
      usedBy: 'replication audit',
      granted: replicationWrites && replication?.backfill === true,
      when: 'replication.remediate.backfill is true and replication.remediate.dryRun is false',
    },
  ];
}

/** How one probe answered. */
export type ProbeOutcome =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly errorName: string; readonly reason: string }
  /** The region cannot be acted in: disabled (UnrecognizedClientException…) or its endpoint unreachable. */
  | { readonly kind: 'region-unreachable'; readonly errorName: string; readonly reason: string };

export interface TargetCheck {
  readonly account: string;
  readonly alias?: string | undefined;
  readonly region: string;
  /** The member role assumed; null for the hub's own account (your own credentials). */
  readonly roleArn: string | null;
  readonly reachable: boolean;
  readonly reason?: string | undefined;
  readonly errorName?: string | undefined;
  readonly allowed: readonly string[];
  readonly denied: readonly { action: string; errorName: string; reason: string }[];
}

export interface OrganizationCheckReport {
  readonly hubAccount: string;
  readonly organizationId?: string | undefined;
  readonly regions: readonly string[];
  readonly targets: readonly TargetCheck[];
  readonly writes: readonly WriteCapability[];
  readonly summary: {
    readonly accounts: number;
    readonly targets: number;
    readonly reachable: number;
    readonly unreachable: number;
    readonly deniedReads: number;
  };
}

/** What the check needs from AWS (./organization-command.ts builds it; tests the simulator's). */
export interface OrganizationCheckPorts {
  /** Assumes the member role (the hub: resolves at once); rejects with the reason, one line. */
  reach(account: string): Promise<{ roleArn: string | null }>;
  probe(action: string, account: string, region: string): Promise<ProbeOutcome>;
}

export class UnreachableAccountError extends Error {
  override name = 'UnreachableAccountError';
  constructor(
    readonly roleArn: string,
    readonly reason: string,
    readonly errorName: string | undefined,
  ) {
    super(reason);
  }
}

export async function checkOrganization(
  config: EcrWardenConfig,
  governed: { directory: AccountDirectory; regions: readonly string[]; hubAccount: string },
  ports: OrganizationCheckPorts,
): Promise<OrganizationCheckReport> {
  const probes = memberReadProbes(config);
  const targets: TargetCheck[] = [];
  const reached = new Map<string, Promise<{ roleArn: string | null } | UnreachableAccountError>>();
  for (const { account, region } of governedTargets(governed.directory, governed.regions)) {
    let reach = reached.get(account.id);
    if (reach === undefined) {
      // One AssumeRole per account, however many regions: as the hub functions do.
      reach = ports.reach(account.id).catch((error: unknown) => {
        if (error instanceof UnreachableAccountError) return error;
        throw error;
      });
      reached.set(account.id, reach);
    }
    const access = await reach;
    targets.push(
      access instanceof UnreachableAccountError
        ? unreachable(account, region, access.roleArn, access.reason, access.errorName)
        : await probeTarget(account, region, access.roleArn, probes, ports),
    );
  }
  const reachable = targets.filter((target) => target.reachable).length;
  return {
    hubAccount: governed.hubAccount,
    organizationId: config.organization?.organizationId,
    regions: governed.regions,
    targets,
    writes: memberWriteCapabilities(config),
    summary: {
      accounts: governed.directory.accounts.length,
      targets: targets.length,
      reachable,
      unreachable: targets.length - reachable,
      deniedReads: targets.reduce((sum, target) => sum + target.denied.length, 0),
    },
  };
}

async function probeTarget(
  account: GovernedAccount,
  region: string,
  roleArn: string | null,
  probes: readonly ReadProbe[],
  ports: OrganizationCheckPorts,
): Promise<TargetCheck> {
  const allowed: string[] = [];
  const denied: { action: string; errorName: string; reason: string }[] = [];
  for (const probe of probes) {
    const outcome = await ports.probe(probe.action, account.id, region);
    if (outcome.kind === 'region-unreachable') {
      // A disabled region answers every call the same way: the rest would say nothing more.
      return unreachable(account, region, roleArn, outcome.reason, outcome.errorName);
    }
    if (outcome.kind === 'allowed') allowed.push(probe.action);
    else denied.push({ action: probe.action, errorName: outcome.errorName, reason: outcome.reason });
  }
  return { account: account.id, alias: account.alias, region, roleArn, reachable: true, allowed, denied };
}

function unreachable(
  account: GovernedAccount,
  region: string,
  roleArn: string | null,
  reason: string,
  errorName: string | undefined,
): TargetCheck {
  return {
    account: account.id,
    alias: account.alias,
    region,
    roleArn,
    reachable: false,
    reason,
    errorName,
    allowed: [],
    denied: [],
  };
}

/** The report for people: one row per account × region, then the writes the config makes the template grant. */
export function renderOrganizationCheck(report: OrganizationCheckReport): string {
  const rows = report.targets.map((target) => [
    accountLabel({ id: target.account, alias: target.alias }),
    target.region,
    target.roleArn === null ? 'own credentials (hub)' : target.reachable ? 'assumed' : 'not assumed',
    target.reachable ? (target.denied.length === 0 ? 'yes' : 'partly') : 'no',
    target.reachable
      ? [
          ...target.allowed.map((action) => `can ${action}`),
          ...target.denied.map((entry) => `cannot ${entry.action} (${entry.errorName})`),
        ].join('; ')
      : (target.reason ?? ''),
  ]);
  const { summary } = report;
  const lines = [
    `${summary.reachable} of ${summary.targets} account × region reachable (${summary.accounts} accounts, regions ${report.regions.join(', ')}; hub ${report.hubAccount})`,
    '',
    formatTable(['ACCOUNT', 'REGION', 'MEMBER ROLE', 'REACHABLE', 'WHAT IT CAN AND CANNOT DO'], rows),
    '',
    'Writes (not probed: a write would change the registry, and the member role cannot simulate its own policy):',
    ...report.writes.map(
      (write) =>
        `  - ${write.action} (${write.usedBy}): ${write.granted ? 'granted' : 'not granted'} by the member template under this config; granted when ${write.when}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
