import type { InUseReason, WorkloadPlace } from '../cleanup/cleanup-reasons';
import { parseEcrImageReference } from '../cleanup/image-reference';
import { type ImageUse, placeReason, type WorkloadImageUses } from '../cleanup/workload-images';

/**
 * The images AWS Batch job definitions name, from DescribeJobDefinitions `jobDefinitions[]` as the
 * SDK and the AWS CLI return them (https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDefinition.html).
 * A job submitted with an ACTIVE definition pulls its image then, so every ACTIVE revision counts;
 * an INACTIVE (deregistered) one can no longer be submitted. A definition without a status is taken
 * as ACTIVE (fail closed). Images are read from every place a definition may hold one:
 * `containerProperties.image` (EC2/Fargate), `ecsProperties.taskProperties[].containers[].image`,
 * `eksProperties.podProperties.{containers,initContainers}[].image`, and the same three under each
 * `nodeProperties.nodeRangeProperties[]` (multi-node parallel jobs: `container`, `ecsProperties`,
 * `eksProperties`).
 */

interface BatchContainer {
  name?: string;
  image?: string;
}

interface BatchEcsProperties {
  taskProperties?: readonly { containers?: readonly BatchContainer[] }[];
}

interface BatchEksProperties {
  podProperties?: { containers?: readonly BatchContainer[]; initContainers?: readonly BatchContainer[] };
}

export interface BatchJobDefinition {
  jobDefinitionName?: string;
  jobDefinitionArn?: string;
  revision?: number;
  status?: string;
  containerProperties?: { image?: string };
  ecsProperties?: BatchEcsProperties;
  eksProperties?: BatchEksProperties;
  nodeProperties?: {
    nodeRangeProperties?: readonly {
      container?: { image?: string };
      ecsProperties?: BatchEcsProperties;
      eksProperties?: BatchEksProperties;
    }[];
  };
}

export function batchImageUses(
  jobDefinitions: readonly BatchJobDefinition[],
  where?: WorkloadPlace,
): WorkloadImageUses {
  const uses: ImageUse[] = [];
  for (const definition of jobDefinitions) {
    if (definition.status !== undefined && definition.status !== 'ACTIVE') continue;
    const images = [
      definition.containerProperties?.image,
      ...ecsImages(definition.ecsProperties),
      ...eksImages(definition.eksProperties),
      ...(definition.nodeProperties?.nodeRangeProperties ?? []).flatMap((range) => [
        range.container?.image,
        ...ecsImages(range.ecsProperties),
        ...eksImages(range.eksProperties),
      ]),
    ];
    for (const image of new Set(images)) {
      const reference = image === undefined ? undefined : parseEcrImageReference(image);
      if (reference === undefined) continue;
      const reason: InUseReason = {
        kind: 'in-use-batch',
        jobDefinitionArn:
          definition.jobDefinitionArn ??
          `${definition.jobDefinitionName ?? '(unknown)'}:${definition.revision ?? '?'}`,
      };
      if (definition.jobDefinitionName !== undefined) reason.jobDefinitionName = definition.jobDefinitionName;
      if (definition.revision !== undefined) reason.revision = definition.revision;
      if (where !== undefined) placeReason(reason, where);
      uses.push({ reference, reason });
    }
  }
  return { uses, warnings: [] };
}

function ecsImages(properties: BatchEcsProperties | undefined): (string | undefined)[] {
  return (properties?.taskProperties ?? []).flatMap((task) => (task.containers ?? []).map((c) => c.image));
}

function eksImages(properties: BatchEksProperties | undefined): (string | undefined)[] {
  const pod = properties?.podProperties;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].map((c) => c.image);
}
