import { listWorkloadImageUses } from '../cleanup/workload-images';
import { type AppRunnerService, appRunnerImageUses } from './app-runner-services';
import { type BatchJobDefinition, batchImageUses } from './batch-job-definitions';
import { parseExternalImageList } from './external-image-list';
import type { InUseConverters } from './in-use-ports';
import { type InspectorCoveredResource, inspectorImageUses } from './inspector-coverage';
import { kubernetesImageUses } from './kubernetes-images';

/**
 * The in-use model's converters as the source composition takes them (shared/inuse/in-use-sources.ts):
 * the readers hand over the SDK's and kubectl's shapes as they came (`unknown[]`), and each converter
 * reads them defensively, as it reads a snapshot's.
 */
export function createInUseConverters(options: { taskDefinitionRevisions: number }): InUseConverters {
  return {
    workloadImageUses: (workloads, where) => listWorkloadImageUses(workloads, options, where),
    kubernetesImageUses: (cluster, list, where) => kubernetesImageUses(cluster, list, where),
    batchImageUses: (items, where) => batchImageUses(items as BatchJobDefinition[], where),
    appRunnerImageUses: (items, where) => appRunnerImageUses(items as AppRunnerService[], where),
    parseExternalImageList: (text, listOptions) => parseExternalImageList(text, listOptions),
    inspectorImageUses: (items, inspectorOptions) =>
      inspectorImageUses(items as InspectorCoveredResource[], inspectorOptions),
  };
}
