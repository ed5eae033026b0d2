import {
  type GovernanceDetail,
  type REPLICATION_PROBLEMS,
  registryConsoleUrl,
  type Severity,
} from '../events/governance';
import { listNames, type RemediationReport } from './apply-remediation';
import type { AuditResult, ImageView, ReplicaComparison, SettingDrift } from './replication-model';

export type ReplicationAuditReport = GovernanceDetail<'Replication Audit Report'>;
type ProblemKind = (typeof REPLICATION_PROBLEMS)[number];
type Problem = { kind: ProblemKind; detail: string };

// The report's own limits (shared/events/governance.ts): 100 repository entries of 20 problems, 20
// recommendations, 500 characters each; and the event must stay under PutEvents' 256 KB
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). Entries are
// dropped, least urgent first, until the detail fits this budget; the counts still cover everything.
const MAX_REPOSITORY_ENTRIES = 100;
const MAX_PROBLEMS = 20;
const MAX_RECOMMENDATIONS = 20;
const MAX_TEXT = 500;
const DETAIL_BYTES_BUDGET = 200_000;

const CRITICAL_KINDS: ReadonlySet<ProblemKind> = new Set([
  'missing-image',
  'replication-failed',
  'digest-mismatch',
]);

export interface BuildAuditReportInput {
  result: AuditResult;
  remediation?: RemediationReport | undefined;
  /** replication.destinationRegions: a registry without rules is then a problem, not a fact. */
  expectedDestinationRegions: readonly string[];
  /** The audited account's alias, when the hub knows one (issue 15). */
  accountAlias?: string | undefined;
}

/**
 * The "Replication Audit Report" governance event of one run: counts over everything audited, the
 * repositories where something is wrong (at most 100), the worst lag, and what to do. A clean run is
 * one line: `clean: true` and a summary saying so.
 */
export function buildAuditReport(input: BuildAuditReportInput): ReplicationAuditReport {
  const { result } = input;
  const counts: Partial<Record<ProblemKind, number>> = {};
  const add = (kind: ProblemKind, n: number) => {
    if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
  };
  const entries = result.comparisons.map((comparison) => {
    const problems = describeProblems(comparison, result.sourceRegion);
    add('missing-pre-rule-image', comparison.missing.filter((m) => m.preRule).length);
    add('missing-image', comparison.missing.filter((m) => !m.preRule).length);
    add('replication-failed', comparison.failed.length);
    add('digest-mismatch', comparison.tagMismatches.length);
    add('settings-drift', comparison.drift.length);
    return {
      urgent: problems.some((p) => CRITICAL_KINDS.has(p.kind)),
      entry: {
        repositoryName: comparison.repositoryName,
        destinationRegion: comparison.destination.region,
        problems: problems.slice(0, MAX_PROBLEMS),
      },
    };
  });
  add('region-unreachable', result.unreachableRegions.length);

  const noRules = result.ruleCount === 0 && input.expectedDestinationRegions.length > 0;
  const problemTotal = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const clean = problemTotal === 0 && result.notAudited.length === 0 && !result.stoppedEarly && !noRules;
  const severity: Severity = Object.keys(counts).some((kind) => CRITICAL_KINDS.has(kind as ProblemKind))
    ? 'critical'
    : clean
      ? 'info'
      : 'warning';

  const sorted = entries
    .sort((a, b) => Number(b.urgent) - Number(a.urgent))
    .map((e) => e.entry)
    .slice(0, MAX_REPOSITORY_ENTRIES);
  const remediation = input.remediation;
  const detail: ReplicationAuditReport = {
    schemaVersion: 1,
    account: result.account,
    ...(input.accountAlias === undefined ? {} : { accountAlias: input.accountAlias }),
    region: result.sourceRegion,
    severity,
    summary: summarize(result, counts, clean, noRules),
    consoleUrl: registryConsoleUrl(result.sourceRegion),
    clean,
    repositoriesAudited: result.repositoriesAudited,
    destinationRegions: result.destinationRegions,
    problemCounts: counts,
    repositories: sorted,
    worstLagSeconds: result.worstLag === undefined ? null : Math.round(result.worstLag.seconds * 10) / 10,
    recommendations: recommend(result, noRules, input.expectedDestinationRegions, remediation)
      .slice(0, MAX_RECOMMENDATIONS)
      .map((line) => clip(line)),
    repositoriesSelected: result.repositoriesSelected,
    repositoriesWithProblems: result.comparisons.length,
    ...(result.worstLag === undefined
      ? {}
      : {
          worstLagImage: {
            repositoryName: result.worstLag.repositoryName,
            destinationRegion: result.worstLag.destinationRegion,
            imageDigest: result.worstLag.imageDigest,
          },
        }),
    ...(result.notAudited.length === 0
      ? {}
      : {
          notAudited: result.notAudited.slice(0, 50).map((n) => ({
            ...(n.destinationRegion === undefined ? {} : { destinationRegion: n.destinationRegion }),
            ...(n.registryId === undefined ? {} : { registryId: n.registryId }),
            ...(n.repositories === undefined ? {} : { repositories: n.repositories }),
            reason: clip(n.reason, 300),
          })),
        }),
    ...(remediation === undefined
      ? {}
      : {
          remediation: {
            dryRun: remediation.dryRun,
            actionCount: remediation.outcomes.length,
            actions: remediation.outcomes.slice(0, 100).map((o) => ({
              action: o.action,
              destinationRegion: o.destinationRegion,
              ...(o.repositoryName === undefined ? {} : { repositoryName: o.repositoryName }),
              ...(o.setting === undefined ? {} : { setting: o.setting }),
              outcome: o.outcome,
              detail: clip(o.detail),
            })),
          },
        }),
  };
  return fitToBudget(detail);
}

/** Drops repository entries (least urgent last in the list, so from the end) until the detail fits. */
function fitToBudget(detail: ReplicationAuditReport): ReplicationAuditReport {
  let fitted = detail;
  while (
    Buffer.byteLength(JSON.stringify(fitted), 'utf8') > DETAIL_BYTES_BUDGET &&
    fitted.repositories.length > 0
  ) {
    fitted = {
      ...fitted,
      repositories: fitted.repositories.slice(0, Math.floor(fitted.repositories.length * 0.8)),
    };
  }
  return fitted;
}

function summarize(
  result: AuditResult,
  counts: Partial<Record<ProblemKind, number>>,
  clean: boolean,
  noRules: boolean,
): string {
  const regions = result.destinationRegions.join(', ');
  if (noRules)
    return `Replication audit: ${result.sourceRegion} has no replication rule, so nothing is replicated`;
  if (result.ruleCount === 0)
    return `Replication audit: ${result.sourceRegion} has no replication rule; nothing to audit`;
  if (result.repositoriesSelected === 0 && result.notAudited.length === 0) {
    return `Replication audit: the replication rules of ${result.sourceRegion} select no repository yet`;
  }
  if (result.destinationRegions.length === 0) {
    return `Replication audit: no destination of the replication rules of ${result.sourceRegion} could be audited`;
  }
  if (clean) {
    return result.repositoriesAudited === 1
      ? `Replication audit: the 1 replicated repository matches its replicas in ${regions}`
      : `Replication audit: all ${result.repositoriesAudited} replicated repositories match their replicas in ${regions}`;
  }
  const parts: string[] = [];
  const part = (kind: ProblemKind, one: string, many: string) => {
    const n = counts[kind];
    if (n !== undefined) parts.push(`${n} ${n === 1 ? one : many}`);
  };
  part('replication-failed', 'failed replication', 'failed replications');
  part('missing-image', 'missing image', 'missing images');
  part('digest-mismatch', 'tag on another digest', 'tags on other digests');
  part('missing-pre-rule-image', 'pre-rule image not replicated', 'pre-rule images not replicated');
  part('settings-drift', 'settings drift', 'settings drifts');
  part('region-unreachable', 'region unreachable', 'regions unreachable');
  const repositories = new Set(result.comparisons.map((c) => c.repositoryName)).size;
  const head =
    repositories > 0
      ? `${repositories} of ${result.repositoriesAudited} repositories have problems in ${regions}`
      : `${result.repositoriesAudited} repositories audited in ${regions}`;
  const tail = parts.length > 0 ? `: ${parts.join(', ')}` : '';
  const partial = result.notAudited.length > 0 ? '; part of the registry was not audited' : '';
  return clip(`Replication audit: ${head}${tail}${partial}`, 300);
}

/** One problem per kind and cause for a repository in a destination, each one line for people. */
export function describeProblems(comparison: ReplicaComparison, sourceRegion: string): Problem[] {
  const region = comparison.destination.region;
  const problems: Problem[] = [];
  const absent = comparison.replicaExists ? '' : ` (the repository does not exist in ${region})`;

  const preRule = comparison.missing.filter((m) => m.preRule);
  if (preRule.length > 0) {
    const estimated = preRule.some((m) => m.reason === 'estimated-before-rule');
    const since = comparison.ruleSince;
    const basis = estimated
      ? since === undefined
        ? '; no image of this repository was ever replicated'
        : `; estimated: the rule was in place by ${new Date(since.at).toISOString().slice(0, 10)} (${since.basis === 'configured' ? 'replication.ruleCreatedAt' : 'earliest replicated image'})`
      : '; never replicated';
    problems.push({
      kind: 'missing-pre-rule-image',
      detail: `${countImages(preRule.length)} pushed before the replication rule ${preRule.length === 1 ? 'is' : 'are'} not in ${region}: ${labelImages(preRule)}${basis}${absent}`,
    });
  }
  const reasons: [string, string][] = [
    ['deleted-from-destination', 'replicated (status COMPLETE) but no longer in'],
    ['stuck-in-progress', 'still IN_PROGRESS long after the push to'],
    ['estimated-after-rule', 'pushed after the rule and not in'],
  ];
  for (const [reason, text] of reasons) {
    const images = comparison.missing.filter((m) => !m.preRule && m.reason === reason);
    if (images.length === 0) continue;
    problems.push({
      kind: 'missing-image',
      detail: `${countImages(images.length)} ${text} ${region}: ${labelImages(images)}${absent}`,
    });
  }
  const byCode = new Map<string, ImageView[]>();
  for (const image of comparison.failed)
    byCode.set(image.failureCode, [...(byCode.get(image.failureCode) ?? []), image]);
  for (const [code, images] of byCode) {
    problems.push({
      kind: 'replication-failed',
      detail: `replication of ${countImages(images.length)} to ${region} FAILED (${code}): ${labelImages(images)}`,
    });
  }
  if (comparison.tagMismatches.length > 0) {
    const shown = comparison.tagMismatches
      .slice(0, 5)
      .map(
        (m) =>
          `${m.tag}: ${shortDigest(m.sourceDigest)} in ${sourceRegion}, ${m.replicaDigest === undefined ? 'absent' : shortDigest(m.replicaDigest)} in ${region}`,
      );
    const more = comparison.tagMismatches.length - shown.length;
    problems.push({
      kind: 'digest-mismatch',
      detail: `${shown.join('; ')}${more > 0 ? `; and ${more} more tags` : ''}`,
    });
  }
  for (const drift of comparison.drift) {
    problems.push({ kind: 'settings-drift', detail: describeDrift(drift, sourceRegion, region) });
  }
  return problems.map((p) => ({ ...p, detail: clip(p.detail) }));
}

const SETTING_LABELS: Record<SettingDrift['setting'], string> = {
  'tag-mutability': 'tag mutability',
  scanning: 'scanning',
  'lifecycle-policy': 'lifecycle policy',
  'repository-policy': 'repository policy',
  encryption: 'encryption',
};

export function describeDrift(drift: SettingDrift, sourceRegion: string, region: string): string {
  return `${SETTING_LABELS[drift.setting]}: ${drift.source} in ${sourceRegion}, ${drift.replica} in ${region}`;
}

function recommend(
  result: AuditResult,
  noRules: boolean,
  expected: readonly string[],
  remediation: RemediationReport | undefined,
): string[] {
  const source = result.sourceRegion;
  const lines: string[] = [];
  if (noRules) {
    lines.push(
      `${source} has no replication rule although replication.destinationRegions lists ${expected.join(', ')}: add the rules (PutReplicationConfiguration), or remove the regions from ecr-warden.yml.`,
    );
  }
  const remediated = (region: string, action: 'start-backfill' | 'align-setting') => {
    const outcomes =
      remediation?.outcomes.filter((o) => o.action === action && o.destinationRegion === region) ?? [];
    const applied = outcomes.filter((o) => o.outcome === 'applied').length;
    const wouldApply = outcomes.filter((o) => o.outcome === 'would-apply').length;
    if (applied > 0) return ' (replication.remediate did this in this run)';
    if (wouldApply > 0) return ' (replication.remediate would do this; it is in dry run)';
    return '';
  };
  for (const region of result.destinationRegions) {
    const here = result.comparisons.filter((c) => c.destination.region === region);
    const reposWith = (predicate: (c: ReplicaComparison) => boolean) =>
      listNames(here.filter(predicate).map((c) => c.repositoryName));
    const sum = (pick: (c: ReplicaComparison) => number) => here.reduce((n, c) => n + pick(c), 0);

    const failedCodes = new Map<string, { images: number; repositories: Set<string> }>();
    for (const c of here) {
      for (const image of c.failed) {
        const entry = failedCodes.get(image.failureCode) ?? { images: 0, repositories: new Set<string>() };
        entry.images += 1;
        entry.repositories.add(c.repositoryName);
        failedCodes.set(image.failureCode, entry);
      }
    }
    for (const [code, entry] of failedCodes) {
      lines.push(
        `Replication to ${region} FAILED with ${code} for ${countImages(entry.images)} (${listNames([...entry.repositories])}): ${failureHint(code, region)}, then push the images again or start a replication backfill.`,
      );
    }
    const deleted = sum((c) => c.missing.filter((m) => m.reason === 'deleted-from-destination').length);
    if (deleted > 0) {
      lines.push(
        `${countImages(deleted)} replicated to ${region} and later deleted there (${reposWith((c) => c.missing.some((m) => m.reason === 'deleted-from-destination'))}): find what deletes in ${region} (a lifecycle policy of the replica, a person, a script); a replication backfill restores them.`,
      );
    }
    const stuck = sum((c) => c.missing.filter((m) => m.reason === 'stuck-in-progress').length);
    if (stuck > 0) {
      lines.push(
        `${countImages(stuck)} still replicating to ${region} long after the push (${reposWith((c) => c.missing.some((m) => m.reason === 'stuck-in-progress'))}): check ECR's health in ${region}; push again if they do not complete.`,
      );
    }
    const preRule = sum((c) => c.missing.filter((m) => m.preRule).length);
    const afterRule = sum((c) => c.missing.filter((m) => m.reason === 'estimated-after-rule').length);
    if (preRule + afterRule > 0) {
      const registryId = here[0]?.destination.registryId ?? result.account;
      lines.push(
        `Start a replication backfill to ${region} for ${countImages(preRule + afterRule)} that never reached it (${reposWith((c) => c.missing.some((m) => m.preRule || m.reason === 'estimated-after-rule'))}): aws ecr start-replication-backfill --region ${source} --destination region=${region},registryId=${registryId}${remediated(region, 'start-backfill')}.`,
      );
    }
    const mismatches = sum((c) => c.tagMismatches.length);
    if (mismatches > 0) {
      const immutableReplica = here.some((c) =>
        c.drift.some((d) => d.setting === 'tag-mutability' && d.replica.startsWith('IMMUTABLE')),
      );
      lines.push(
        `${mismatches === 1 ? '1 tag points at a different image' : `${mismatches} tags point at different images`} in ${region} than in ${source} (${reposWith((c) => c.tagMismatches.length > 0)}): images were pushed to the replica directly${immutableReplica ? ", or the replica's immutable tags kept a tag the source moved" : ''}; push only to ${source} and make ${region} read-only for pushers.`,
      );
    }
    const alignable = here.filter((c) => c.drift.some((d) => ALIGNABLE.has(d.setting)));
    if (alignable.length > 0) {
      const settings = [
        ...new Set(
          alignable.flatMap((c) => c.drift.filter((d) => ALIGNABLE.has(d.setting)).map((d) => d.setting)),
        ),
      ]
        .sort()
        .map((setting) => SETTING_LABELS[setting]);
      lines.push(
        `Align ${joinWords(settings)} of ${alignable.length} repositor${alignable.length === 1 ? 'y' : 'ies'} in ${region} with ${source} (${listNames(alignable.map((c) => c.repositoryName))}): replication copies images, not settings; set replication.remediate in ecr-warden.yml, and give new replicas a repository creation template${remediated(region, 'align-setting')}.`,
      );
    }
    const scanning = here.filter((c) => c.drift.some((d) => d.setting === 'scanning'));
    if (scanning.length > 0) {
      lines.push(
        `Scanning differs in ${region} for ${scanning.length} repositor${scanning.length === 1 ? 'y' : 'ies'} (${listNames(scanning.map((c) => c.repositoryName))}): scanning is a registry setting; give ${region} the registry scanning rules of ${source} (PutRegistryScanningConfiguration).`,
      );
    }
    const encryption = here.filter((c) => c.drift.some((d) => d.setting === 'encryption'));
    if (encryption.length > 0) {
      lines.push(
        `Encryption differs in ${region} for ${encryption.length} repositor${encryption.length === 1 ? 'y' : 'ies'} (${listNames(encryption.map((c) => c.repositoryName))}): it cannot change on an existing repository; create replicas through a repository creation template that sets KMS, or recreate them.`,
      );
    }
  }
  for (const entry of result.notAudited) {
    switch (entry.kind) {
      case 'unreachable':
        lines.push(
          `${entry.destinationRegion} was not audited (${entry.reason}): the next run tries again; if it persists, check the region's health and the function's network path.`,
        );
        break;
      case 'region-out-of-scope':
        lines.push(
          `Add ${entry.destinationRegion} to replication.destinationRegions in ecr-warden.yml so that it is audited.`,
        );
        break;
      case 'outside-prefixes':
        lines.push(
          `${entry.repositories ?? 0} replicated repositories are outside replication.repositoryPrefixes: add the rules' prefixes to ecr-warden.yml so that they are audited.`,
        );
        break;
      case 'time-limit':
        lines.push(
          `The audit reached the Lambda time limit after ${result.repositoriesAudited} of ${result.repositoriesSelected} repositories: narrow replication.repositoryPrefixes or run the CLI audit for the rest.`,
        );
        break;
      default:
        lines.push(`Not audited: ${entry.reason}.`);
    }
  }
  return [...new Set(lines)];
}

const ALIGNABLE: ReadonlySet<SettingDrift['setting']> = new Set([
  'tag-mutability',
  'lifecycle-policy',
  'repository-policy',
]);

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function failureHint(code: string, region: string): string {
  if (/KMS/i.test(code))
    return `make the KMS key that ${region} encrypts replicas with exist and usable by ECR`;
  if (/ACCESS|PERMISSION|DENIED/i.test(code))
    return `let the source replicate into the destination registry (its registry policy)`;
  if (/LIMIT|QUOTA/i.test(code)) return `raise the service quota that ${region} reached`;
  return `fix the cause that ${code} names`;
}

function countImages(n: number): string {
  return `${n} image${n === 1 ? '' : 's'}`;
}

/** `v1.0.0, v1.1.0 and 4 untagged`: tagged images by their tags, the rest counted. */
export function labelImages(images: readonly ImageView[], max = 5): string {
  const tagged = images.filter((image) => image.tags.length > 0).map((image) => image.tags.join('/'));
  const untagged = images.length - tagged.length;
  const parts = tagged.slice(0, max);
  if (tagged.length > max) parts.push(`${tagged.length - max} more tagged`);
  if (untagged > 0) {
    const only = images.find((image) => image.tags.length === 0);
    parts.push(
      untagged === 1 && tagged.length === 0 && only
        ? `untagged ${shortDigest(only.digest)}`
        : `${untagged} untagged`,
    );
  }
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

export function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
