// In-memory stand-ins for the in-use model's converters (shared/inuse/in-use-converters.ts): enough to
// compose sources and fail them as the real ones do, without building Kubernetes or Batch fixtures.
import { listWorkloadImageUses } from '../../shared/cleanup/workload-images';
import type { InUseConverters } from '../../shared/inuse/in-use-ports';

const HOUR_MS = 3_600_000;
const none = () => ({ uses: [], warnings: [] });

/** Converters that find no use, except ECS and Lambda (the real reader); external lists are checked for JSON and age. */
export const fakeConverters: InUseConverters = {
  workloadImageUses: (workloads) => listWorkloadImageUses(workloads, { taskDefinitionRevisions: 0 }),
  kubernetesImageUses: none,
  batchImageUses: none,
  appRunnerImageUses: none,
  parseExternalImageList: (text, { source, maxAgeHours, now }) => {
    const list = JSON.parse(text) as { generatedAt: string };
    const ageHours = (now - Date.parse(list.generatedAt)) / HOUR_MS;
    if (maxAgeHours !== undefined && ageHours > maxAgeHours) {
      throw Object.assign(
        new Error(
          `external:${source}: the list was generated at ${list.generatedAt}, ${ageHours.toFixed(1)} hours ago, more than its maxAgeHours ${maxAgeHours}`,
        ),
        { name: 'StaleExternalListError' },
      );
    }
    return none();
  },
  inspectorImageUses: none,
};
