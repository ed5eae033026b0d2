import { DescribeJobDefinitionsCommand, type JobDefinition } from '@aws-sdk/client-batch';
import type { BatchJobDefinition } from '../model/batch';
import { type PageLimits, paginate } from '../model/pagination';
import { serviceError } from '../model/simulated-error';
import { defineRoute, type Route } from './route';

// DescribeJobDefinitions: maxResults 1-100 (default: up to 100); `jobDefinitions` (≤100 names or
// ARNs) cannot be combined with the other parameters.
// https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobDefinitions.html
const BATCH_PAGE: PageLimits = { min: 1, max: 100, default: 100, errorCode: 'ClientException' };
const MAX_NAMED_DEFINITIONS = 100;

function jobDefinitionShape(definition: BatchJobDefinition): JobDefinition {
  const container = (image: string) => ({
    image,
    command: ['run'],
    resourceRequirements: [
      { type: 'VCPU' as const, value: '1' },
      { type: 'MEMORY' as const, value: '2048' },
    ],
    environment: [],
    mountPoints: [],
    ulimits: [],
    volumes: [],
    secrets: [],
  });
  return {
    jobDefinitionName: definition.jobDefinitionName,
    jobDefinitionArn: definition.jobDefinitionArn,
    revision: definition.revision,
    status: definition.status,
    type: definition.type,
    parameters: {},
    tags: {},
    propagateTags: false,
    platformCapabilities: [...definition.platformCapabilities],
    containerOrchestrationType: 'ECS',
    ...(definition.type === 'container'
      ? { containerProperties: container(definition.images[0] ?? '') }
      : {
          nodeProperties: {
            numNodes: definition.images.length,
            mainNode: 0,
            nodeRangeProperties: definition.images.map((image, index) => ({
              targetNodes: `${index}:${index}`,
              container: container(image),
            })),
          },
        }),
  };
}

export const batchRoutes: readonly Route[] = [
  defineRoute('batch', DescribeJobDefinitionsCommand, 'DescribeJobDefinitions', (input, context) => {
    const batch = context.world.services.batch(context.accountId, context.region);
    const named = input.jobDefinitions;
    if (named !== undefined && named.length > 0) {
      if (
        input.status !== undefined ||
        input.jobDefinitionName !== undefined ||
        input.maxResults !== undefined
      ) {
        throw serviceError('ClientException', "jobDefinitions can't be used with other parameters");
      }
      if (named.length > MAX_NAMED_DEFINITIONS) {
        throw serviceError(
          'ClientException',
          `jobDefinitions holds at most ${MAX_NAMED_DEFINITIONS} entries`,
        );
      }
      const wanted = new Set(named);
      return {
        jobDefinitions: batch.definitions
          .filter((d) => wanted.has(d.jobDefinitionArn) || wanted.has(`${d.jobDefinitionName}:${d.revision}`))
          .map(jobDefinitionShape),
      };
    }
    const matching = batch.definitions
      .filter((d) => input.status === undefined || d.status === input.status)
      .filter((d) => input.jobDefinitionName === undefined || d.jobDefinitionName === input.jobDefinitionName)
      .sort((a, b) => (a.jobDefinitionArn < b.jobDefinitionArn ? -1 : 1));
    const page = paginate(matching, input, {
      scope: `DescribeJobDefinitions|${batch.accountId}|${batch.region}|${input.status ?? ''}|${input.jobDefinitionName ?? ''}`,
      limits: BATCH_PAGE,
      cursorOf: (d) => d.jobDefinitionArn,
    });
    return {
      jobDefinitions: page.items.map(jobDefinitionShape),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }),
];
