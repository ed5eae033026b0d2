import type { WorkloadSource } from './cleanup-ports';
import { type ImageUse, listWorkloadImageUses, type WorkloadImageUses } from './workload-images';

/**
 * The in-use picture for one invocation: read from ECS and Lambda the first time a repository of the
 * batch asks for it, then shared by every repository of the batch. Not kept across invocations: a
 * deployment made between two invocations must be seen by the second.
 *
 * A failed read is not cached (the next repository tries again; its own failure fails its message).
 */
export interface WorkloadCache {
  imageUses(): Promise<ImageUse[]>;
  /** The warnings of the read (e.g. a service whose task definition could not be read), once read. */
  warnings(): readonly string[];
  /** Whether ECS and Lambda were read (at most once). */
  reads(): number;
}

export function createWorkloadCache(
  source: WorkloadSource,
  options: { taskDefinitionRevisions: number },
): WorkloadCache {
  let pending: Promise<WorkloadImageUses> | undefined;
  let result: WorkloadImageUses | undefined;
  let reads = 0;
  return {
    async imageUses() {
      if (pending === undefined) {
        reads++;
        pending = source.readWorkloads().then((workloads) => listWorkloadImageUses(workloads, options));
        pending.catch(() => {
          pending = undefined;
        });
      }
      result = await pending;
      return result.uses;
    },
    warnings: () => result?.warnings ?? [],
    reads: () => reads,
  };
}
