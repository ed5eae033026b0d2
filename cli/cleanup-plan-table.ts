import type {
  DeleteReason,
  KeepReason,
  KeepReasonKind,
  WorkloadPlace,
} from '../shared/cleanup/cleanup-reasons';
import { IN_USE_REASON_KINDS, KEEP_REASON_KINDS, PROTECTION_KINDS } from '../shared/cleanup/cleanup-reasons';
import type { PlannedKeep } from '../shared/cleanup/plan-repository-cleanup';
import type { PlannedRepository, SnapshotCleanupPlan } from '../shared/cleanup/plan-snapshot-cleanup';
import { formatBytes, formatTable } from './table';

/** What a kept image's reason kind means, for the counts of a repository's kept images. */
const KIND_LABELS: Record<KeepReasonKind, string> = {
  'in-use-ecs-task': 'in use by a running ECS task',
  'in-use-ecs-service': 'in use by an ECS service deployment',
  'in-use-lambda': 'in use by a Lambda function version or alias',
  'in-use-kubernetes-pod': 'in use by a running Kubernetes pod',
  'in-use-app-runner': 'in use by an App Runner service',
  'in-use-kubernetes-workload': 'named by a Kubernetes workload (pod template)',
  'in-use-batch': 'named by an ACTIVE Batch job definition',
  'task-definition-revision': 'named by a recent task definition revision',
  'in-use-external': 'named by an external in-use list',
  'in-use-inspector': 'seen in use by Amazon Inspector lately',
  'protected-tag': 'carries a protected tag',
  'keep-at-least': 'among the newest (keepAtLeast)',
  'restoring-from-archive': 'being restored from archive',
  'child-of-kept-index': 'child of a kept index',
  'child-of-archived-index': 'child of an archived index (kept for its restore)',
  'referrer-of-kept-image': 'signature/SBOM/attestation of a kept image',
  'subject-of-kept-referrer': 'subject of a protected referrer',
  'deletion-cap': 'held back by the deletion cap',
  'archive-transition': 'moved to archive by the policy instead',
  'claimed-by-higher-priority-rule': 'claimed by a higher-priority rule',
  'not-selected-by-policy': 'not selected by the policy',
};

// Kept images worth naming one by one: those a workload uses, and those the policy selected.
const IN_USE_KINDS: ReadonlySet<KeepReasonKind> = new Set(IN_USE_REASON_KINDS);
// What saves an image that the policy selects, besides following its index or subject.
const SAVING_KINDS: ReadonlySet<KeepReasonKind> = new Set([
  ...PROTECTION_KINDS,
  'subject-of-kept-referrer',
  'deletion-cap',
]);
const NOTABLE_SHOWN = 15;
const CHILD_GROUPS_SHOWN = 10;

/** `ecr-warden cleanup plan --output table`: per repository, what goes and why, what stays and why. */
export function renderCleanupPlanTable(plan: SnapshotCleanupPlan): string {
  const lines: string[] = [
    `Cleanup plan for account ${plan.account} in ${plan.region}: snapshot taken ${plan.takenAt}, ` +
      `policies evaluated at ${plan.evaluatedAt}.`,
    'A plan deletes nothing (whatever cleanup.dryRun says): it shows what a cleanup run would do.',
  ];
  for (const repository of plan.repositories) lines.push('', ...renderRepository(repository));
  if (plan.notCovered.length > 0) {
    lines.push('', `Not covered by any cleanup rule, left alone: ${plan.notCovered.join(', ')}`);
  }
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:', ...plan.warnings.map((warning) => `  - ${warning}`));
  }
  const { summary } = plan;
  lines.push(
    '',
    `Total: ${summary.repositoriesPlanned} of ${summary.repositoriesInSnapshot} repositories planned; ` +
      `${summary.imagesDeleted} of ${summary.imagesEvaluated} images would be deleted, ${summary.imagesKept} kept` +
      `${summary.imagesTransitioned > 0 ? `, ${summary.imagesTransitioned} moved to archive` : ''}.`,
    `Deleting frees up to ${formatBytes(summary.bytesReclaimed)}, about ${formatDollars(summary.monthlySavingsUsd)}/month ` +
      'at $0.10 per GB-month (an upper bound: layers shared between images are stored once).',
  );
  return `${lines.join('\n')}\n`;
}

function renderRepository(repository: PlannedRepository): string[] {
  const { summary } = repository;
  const source =
    repository.rule.policySource === 'native'
      ? "the repository's own lifecycle policy"
      : repository.rule.policySource === 'none'
        ? 'native, but the repository has no lifecycle policy'
        : 'the policy in the config';
  const lines = [`${repository.repositoryName}  (cleanup.rules[${repository.rule.index}]: ${source})`];

  if (repository.delete.length === 0) {
    lines.push('  Delete: nothing.');
  } else {
    lines.push(
      `  Delete ${count(summary.imagesDeleted, 'image')} in this order, freeing up to ${formatBytes(summary.bytesReclaimed)}, ` +
        `about ${formatDollars(summary.monthlySavingsUsd)}/month:`,
    );
    const rows = repository.delete.map((deletion) => [
      shortDigest(deletion.imageDigest),
      formatTags(deletion.imageTags),
      deletion.role,
      deletion.role === 'index' ? '-' : formatBytes(deletion.bytes),
      deletion.imagePushedAt.slice(0, 10),
      describeDeleteReason(deletion.reason),
    ]);
    lines.push(indent(formatTable(['DIGEST', 'TAGS', 'ROLE', 'SIZE', 'PUSHED', 'REASON'], rows), 4));
  }

  lines.push(`  Keep ${count(summary.imagesKept, 'image')}:`);
  for (const kind of KEEP_REASON_KINDS) {
    const images = summary.keptByReason[kind];
    if (images !== undefined) lines.push(`    ${String(images).padStart(5)}  ${KIND_LABELS[kind]}`);
  }
  lines.push(...renderNotable(repository.keep));
  lines.push(...renderKeptChildren(repository.keep));

  if (summary.deletionCapReached) {
    const held = summary.keptByReason['deletion-cap'] ?? 0;
    lines.push(
      `  Deletion cap reached: at most ${summary.deletionLimit} deletions this run; ${count(held, 'image')} wait for a later run.`,
    );
  }
  if (repository.transition.length > 0) {
    lines.push(
      `  Move ${count(repository.transition.length, 'image')} to archive storage (the policy's transition rules).`,
    );
  }
  return lines;
}

/**
 * Kept images a workload uses, and those that a protection or the deletion cap saves from the policy,
 * one line each with every reason that matters. Children and referrers that stay with their index or
 * subject are counted apart.
 */
function renderNotable(keep: readonly PlannedKeep[]): string[] {
  const notable = keep.filter((kept) =>
    kept.reasons.some(
      (reason) =>
        IN_USE_KINDS.has(reason.kind) || (kept.selectedByRule !== undefined && SAVING_KINDS.has(reason.kind)),
    ),
  );
  if (notable.length === 0) return [];
  const lines = ['  In use, or saved from the policy:'];
  for (const kept of notable.slice(0, NOTABLE_SHOWN)) {
    const why = kept.reasons
      .filter((reason) => reason.kind !== 'not-selected-by-policy')
      .map(describeKeepReason)
      .join('; ');
    const selected = kept.selectedByRule === undefined ? '' : ` [rule ${kept.selectedByRule} selects it]`;
    lines.push(`    ${shortDigest(kept.imageDigest)} ${formatTags(kept.imageTags)}${selected}: ${why}`);
  }
  if (notable.length > NOTABLE_SHOWN) {
    lines.push(`    ... and ${notable.length - NOTABLE_SHOWN} more (--output json lists every image)`);
  }
  return lines;
}

/** Children kept because their index is: one line per index. */
function renderKeptChildren(keep: readonly PlannedKeep[]): string[] {
  const byIndex = new Map<string, { tags: string[]; children: number }>();
  for (const kept of keep) {
    for (const reason of kept.reasons) {
      if (reason.kind !== 'child-of-kept-index' && reason.kind !== 'child-of-archived-index') continue;
      const entry = byIndex.get(reason.indexDigest) ?? { tags: reason.indexTags, children: 0 };
      entry.children++;
      byIndex.set(reason.indexDigest, entry);
    }
  }
  if (byIndex.size === 0) return [];
  const groups = [...byIndex].slice(0, CHILD_GROUPS_SHOWN);
  const lines = ['  Children kept with their index:'];
  for (const [digest, { tags, children }] of groups) {
    lines.push(
      `    index ${shortDigest(digest)} ${formatTags(tags)}: ${count(children, 'child', 'children')}`,
    );
  }
  if (byIndex.size > groups.length) lines.push(`    ... and ${byIndex.size - groups.length} more indexes`);
  return lines;
}

export function describeKeepReason(reason: KeepReason): string {
  switch (reason.kind) {
    case 'in-use-ecs-task':
      return `running ECS task ${lastSegment(reason.taskArn)}${reason.group ? ` (${reason.group})` : ''}${placeOf(reason)}`;
    case 'in-use-ecs-service':
      if (reason.serviceRevisionArn !== undefined) {
        // The digest is the revision's: ECS starts the service's tasks on it whatever its tag names now.
        return (
          `ECS service ${reason.serviceName} (revision ${lastSegment(reason.serviceRevisionArn)}: the digest ECS resolved` +
          ` at its ${reason.serviceDeploymentStatus ?? 'current'} deployment of ${lastSegment(reason.taskDefinitionArn)})${placeOf(reason)}`
        );
      }
      return (
        `ECS service ${reason.serviceName}` +
        ` (${reason.deploymentStatus ?? 'current'} deployment of ${lastSegment(reason.taskDefinitionArn)})${placeOf(reason)}`
      );
    case 'in-use-lambda':
      return `Lambda function ${reason.functionName}:${reason.qualifier}${placeOf(reason)}`;
    case 'task-definition-revision':
      return `task definition ${reason.family}:${reason.revision}${placeOf(reason)}`;
    case 'in-use-kubernetes-pod':
      return `pod ${clusterName(reason.cluster)}/${reason.namespace}/${reason.pod} (container ${reason.container})${placeOf(reason)}`;
    case 'in-use-kubernetes-workload':
      return (
        `${reason.workloadKind} ${clusterName(reason.cluster)}/${reason.namespace}/${reason.name}` +
        ` (container ${reason.container})${placeOf(reason)}`
      );
    case 'in-use-batch':
      return `Batch job definition ${reason.jobDefinitionName ?? lastSegment(reason.jobDefinitionArn)}${reason.revision === undefined || reason.jobDefinitionName === undefined ? '' : `:${reason.revision}`}${placeOf(reason)}`;
    case 'in-use-app-runner':
      return `App Runner service ${reason.serviceName}${placeOf(reason)}`;
    case 'in-use-external':
      return `external list ${reason.source}`;
    case 'in-use-inspector':
      return (
        `Inspector saw it in use at ${reason.lastInUseAt}` +
        `${reason.inUseCount === undefined ? '' : ` (${count(reason.inUseCount, 'task or pod', 'tasks or pods')})`}`
      );
    case 'protected-tag':
      return `tag ${reason.tag} matches protected "${reason.pattern}"`;
    case 'keep-at-least':
      return `newest #${reason.rank} of keepAtLeast ${reason.keepAtLeast}`;
    case 'restoring-from-archive':
      return 'being restored from archive';
    case 'child-of-kept-index':
      return `child of kept index ${shortDigest(reason.indexDigest)} ${formatTags(reason.indexTags)}`;
    case 'child-of-archived-index':
      return `child of archived index ${shortDigest(reason.indexDigest)} ${formatTags(reason.indexTags)}, kept for its restore`;
    case 'referrer-of-kept-image':
      return `referrer of kept ${shortDigest(reason.subjectDigest)}`;
    case 'subject-of-kept-referrer':
      return `subject of protected referrer ${shortDigest(reason.referrerDigest)}`;
    case 'deletion-cap':
      return `deletion cap of ${reason.limit} (${reason.cap})`;
    case 'archive-transition':
      return `rule ${reason.rulePriority} moves it to archive${reason.planned ? '' : ' (not while protected)'}`;
    case 'claimed-by-higher-priority-rule':
      return `rule ${reason.rulePriority} would expire it, but rule ${reason.claimedByRulePriority} claims it first`;
    case 'not-selected-by-policy':
      return reason.noPolicy ? 'the repository has no lifecycle policy' : 'no rule expires it';
  }
}

export function describeDeleteReason(reason: DeleteReason): string {
  switch (reason.kind) {
    case 'expired-by-policy':
      return `expired by rule ${reason.rulePriority}`;
    case 'child-of-deleted-index':
      return `child of deleted index ${shortDigest(reason.indexDigest)}`;
    case 'referrer-of-deleted-image':
      return `referrer of deleted ${shortDigest(reason.subjectDigest)}`;
  }
}

/** A cluster named by its ARN (`arn:aws:eks:…:cluster/ops`) is shown by its name; the place says the rest. */
function clusterName(cluster: string): string {
  return cluster.startsWith('arn:') ? lastSegment(cluster) : cluster;
}

/** ` in 222222222222/us-east-1` for a workload account's reason; nothing for the registry's own. */
function placeOf(reason: WorkloadPlace): string {
  if (reason.account === undefined && reason.region === undefined) return '';
  return ` in ${[reason.account, reason.region].filter((part) => part !== undefined).join('/')}`;
}

function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function formatTags(tags: readonly string[]): string {
  return tags.length === 0 ? '<untagged>' : tags.join(',');
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function formatDollars(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
