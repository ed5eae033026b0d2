import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createWorkloadInventory } from '../../../shared/aws/workload-inventory';

const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

beforeEach(() => {
  ecs.reset();
  lambda.reset();
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const [family, revision] = (input.taskDefinition.split('/')[1] ?? '').split(':');
    return {
      taskDefinition: {
        taskDefinitionArn: input.taskDefinition,
        family,
        revision: Number(revision),
        status: 'ACTIVE',
        containerDefinitions: [
          { name: 'app', image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:r${revision}` },
        ],
      },
    };
  });
});

describe('createWorkloadInventory: the newest task definition revisions', () => {
  it('protects the highest revisions of each family even when the listing ignores sort=DESC and comes oldest first', async () => {
    // moto answers ListTaskDefinitions in registration order whatever `sort` asks.
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [`${ARN}/api:1`, `${ARN}/api:2`, `${ARN}/api:3`, `${ARN}/jobs:1`, `${ARN}/jobs:2`],
    });
    const inventory = createWorkloadInventory({
      ecs: new ECSClient({ region: 'us-east-1' }),
      lambda: new LambdaClient({ region: 'us-east-1' }),
      taskDefinitionRevisions: 2,
    });

    const workloads = await inventory.readWorkloads();

    expect(
      workloads.ecs.taskDefinitions.map((definition) => `${definition.family}:${definition.revision}`).sort(),
    ).toEqual(['api:2', 'api:3', 'jobs:1', 'jobs:2']);
    expect(ecs.commandCalls(ListTaskDefinitionsCommand)[0]?.args[0].input).toMatchObject({
      status: 'ACTIVE',
      sort: 'DESC',
    });
  });

  it('reads the same revisions from a listing that is newest first, as ECS documents', async () => {
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [`${ARN}/api:3`, `${ARN}/api:2`, `${ARN}/api:1`],
    });
    const inventory = createWorkloadInventory({
      ecs: new ECSClient({ region: 'us-east-1' }),
      lambda: new LambdaClient({ region: 'us-east-1' }),
      taskDefinitionRevisions: 1,
    });

    const workloads = await inventory.readWorkloads();

    expect(
      workloads.ecs.taskDefinitions.map((definition) => `${definition.family}:${definition.revision}`),
    ).toEqual(['api:3']);
  });
});
