import { listWorkloadImageUses } from '../cleanup/workload-images';
import type { AppRunnerService } from './app-runner-services';
import type { BatchJobDefinition } from './batch-job-definitions';
import { InUseReaderNotBundledError } from './in-use-errors';
import type { InUseConverters } from './in-use-ports';
import type { InspectorCoveredResource } from './inspector-coverage';

/**
 * The in-use model's converters as the source composition takes them (shared/inuse/in-use-sources.ts):
 * the readers hand over the SDK's and kubectl's shapes as they came (`unknown[]`), and each converter
 * reads them defensively, as it reads a snapshot's. Each optional one is loaded when its source is
 * first read, inside `if (typeof FLAG === 'undefined' || FLAG)`, so that a Lambda bundle packaged
 * without that source (deploy/bundle-defines.ts) holds none of its code.
 */
export function createInUseConverters(options: { taskDefinitionRevisions: number }): InUseConverters {
  return {
    workloadImageUses: (workloads, where) => listWorkloadImageUses(workloads, options, where),
    async kubernetesImageUses(cluster, list, where) {
      if (typeof ECR_WARDEN_BUNDLE_KUBERNETES === 'undefined' || ECR_WARDEN_BUNDLE_KUBERNETES) {
        return (await import('./kubernetes-images')).kubernetesImageUses(cluster, list, where);
      }
      throw new InUseReaderNotBundledError('Kubernetes');
    },
    async batchImageUses(items, where) {
      if (typeof ECR_WARDEN_BUNDLE_BATCH === 'undefined' || ECR_WARDEN_BUNDLE_BATCH) {
        return (await import('./batch-job-definitions')).batchImageUses(items as BatchJobDefinition[], where);
      }
      throw new InUseReaderNotBundledError('Batch');
    },
    async appRunnerImageUses(items, where) {
      if (typeof ECR_WARDEN_BUNDLE_APP_RUNNER === 'undefined' || ECR_WARDEN_BUNDLE_APP_RUNNER) {
        return (await import('./app-runner-services')).appRunnerImageUses(items as AppRunnerService[], where);
      }
      throw new InUseReaderNotBundledError('App Runner');
    },
    async parseExternalImageList(text, listOptions) {
      if (typeof ECR_WARDEN_BUNDLE_EXTERNAL === 'undefined' || ECR_WARDEN_BUNDLE_EXTERNAL) {
        return (await import('./external-image-list')).parseExternalImageList(text, listOptions);
      }
      throw new InUseReaderNotBundledError('external list');
    },
    async inspectorImageUses(items, inspectorOptions) {
      if (typeof ECR_WARDEN_BUNDLE_INSPECTOR === 'undefined' || ECR_WARDEN_BUNDLE_INSPECTOR) {
        return (await import('./inspector-coverage')).inspectorImageUses(
          items as InspectorCoveredResource[],
          inspectorOptions,
        );
      }
      throw new InUseReaderNotBundledError('Inspector');
    },
  };
}
