import type { ImageGraph } from '../inventory/image-graph';
import type { PlannedDeletion } from './plan-repository-cleanup';

/**
 * The optional grace period (`cleanup.gracePeriodDays`): mark first, delete later.
 *
 * A run that finds an image eligible for deletion and has no mark for it marks it (the state table,
 * with a TTL) and keeps it. A later run deletes it only when it is still eligible then and its mark is
 * at least `gracePeriodDays` old. A marked image that a run finds no longer eligible (now in use,
 * tagged with a protected tag, ...) loses its mark: its clock starts again the next time it becomes
 * eligible. So an image goes only after being eligible at every run for the whole grace period.
 *
 * What must go together goes together: an index with its children, an image with its referrers
 * (connected groups of the plan's deletions). A group is due only when every member's mark is due;
 * otherwise the whole group waits, so a signature pushed yesterday onto an image marked a week ago
 * holds that image back until the signature's own mark is due.
 */
export interface GraceDecision {
  /** Deletions to apply now, in the plan's order. */
  due: PlannedDeletion[];
  /** Deletions that wait, with when they were marked and when they are due (epoch ms). */
  waiting: { deletion: PlannedDeletion; markedAt: number; dueAt: number }[];
  /** Planned deletions without a mark: to mark now. */
  toMark: string[];
  /** Marks of images that are no longer eligible (kept for a reason other than a cap, or gone): to remove. */
  toUnmark: string[];
}

export const MS_PER_DAY = 86_400_000;

export function applyGracePeriod(
  deletions: readonly PlannedDeletion[],
  graph: Pick<ImageGraph, 'children' | 'referrers'>,
  marks: ReadonlyMap<string, number>,
  options: {
    now: number;
    gracePeriodDays: number;
    /** Eligible images a deletion cap holds back this run: they keep their marks. */
    postponed?: ReadonlySet<string>;
  },
): GraceDecision {
  const graceMs = options.gracePeriodDays * MS_PER_DAY;
  const planned = new Map(deletions.map((deletion) => [deletion.imageDigest, deletion]));
  const groupOf = connectedGroups(planned, graph);
  const groupDue = new Map<number, boolean>();
  for (const deletion of deletions) {
    const markedAt = marks.get(deletion.imageDigest);
    const group = groupOf.get(deletion.imageDigest) as number;
    const due = markedAt !== undefined && markedAt + graceMs <= options.now;
    groupDue.set(group, (groupDue.get(group) ?? true) && due);
  }
  const decision: GraceDecision = { due: [], waiting: [], toMark: [], toUnmark: [] };
  for (const deletion of deletions) {
    const markedAt = marks.get(deletion.imageDigest);
    if (markedAt === undefined) decision.toMark.push(deletion.imageDigest);
    if (groupDue.get(groupOf.get(deletion.imageDigest) as number) === true) {
      decision.due.push(deletion);
    } else {
      const since = markedAt ?? options.now;
      decision.waiting.push({ deletion, markedAt: since, dueAt: since + graceMs });
    }
  }
  for (const digest of marks.keys()) {
    if (!planned.has(digest) && options.postponed?.has(digest) !== true) decision.toUnmark.push(digest);
  }
  decision.toUnmark.sort();
  return decision;
}

/** Digest → group number, groups connected by index → child and subject → referrer among `planned`. */
function connectedGroups(
  planned: ReadonlyMap<string, PlannedDeletion>,
  graph: Pick<ImageGraph, 'children' | 'referrers'>,
): Map<string, number> {
  const parent = new Map<string, string>();
  const find = (digest: string): string => {
    let root = digest;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(digest, root);
    return root;
  };
  for (const digest of planned.keys()) parent.set(digest, digest);
  for (const digest of planned.keys()) {
    for (const related of [...(graph.children.get(digest) ?? []), ...(graph.referrers.get(digest) ?? [])]) {
      if (planned.has(related)) parent.set(find(related), find(digest));
    }
  }
  const numbers = new Map<string, number>();
  const groups = new Map<string, number>();
  for (const digest of planned.keys()) {
    const root = find(digest);
    if (!numbers.has(root)) numbers.set(root, numbers.size);
    groups.set(digest, numbers.get(root) as number);
  }
  return groups;
}
