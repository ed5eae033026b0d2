// The in-use picture: ECS and Lambda outputs (as the AWS CLI prints them) turned into the digests of
// one repository that workloads use. Image references follow ContainerDefinition.image
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html) and
// FunctionCodeLocation (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCodeLocation.html).
import {
  locateRepository,
  parseEcrImageReference,
  type RepositoryLocation,
} from '../../../shared/cleanup/image-reference';
import {
  type EcsService,
  type EcsTask,
  type EcsTaskDefinition,
  type LambdaFunction,
  listWorkloadImageUses,
  resolveImagesInUse,
  type Workloads,
} from '../../../shared/cleanup/workload-images';
import { digestOf } from './repository-builder';

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const LOCATION: RepositoryLocation = {
  registryId: '123456789012',
  region: 'us-east-1',
  repositoryName: 'payments/api',
};
const V1 = digestOf('v1');
const V2 = digestOf('v2');
const V3 = digestOf('v3');

/** The repository's images: v1, v2 (tagged latest too) and v3, as a new array on every call. */
const images = () => [
  { imageDigest: V1, imageTags: ['v1'] },
  { imageDigest: V2, imageTags: ['v2', 'latest'] },
  { imageDigest: V3, imageTags: ['v3'] },
];

function workloads(parts: {
  tasks?: EcsTask[];
  services?: EcsService[];
  taskDefinitions?: EcsTaskDefinition[];
  functions?: LambdaFunction[];
}): Workloads {
  return {
    ecs: {
      tasks: parts.tasks ?? [],
      services: parts.services ?? [],
      taskDefinitions: parts.taskDefinitions ?? [],
    },
    lambda: { functions: parts.functions ?? [] },
  };
}

function taskDefinition(
  family: string,
  revision: number,
  image: string,
  status = 'ACTIVE',
): EcsTaskDefinition {
  return {
    taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`,
    family,
    revision,
    status,
    containerDefinitions: [{ name: 'app', image }],
  };
}

function inUse(parts: Parameters<typeof workloads>[0], taskDefinitionRevisions = 0) {
  const { uses, warnings } = listWorkloadImageUses(workloads(parts), { taskDefinitionRevisions });
  return { inUse: resolveImagesInUse(uses, LOCATION, images()), warnings };
}

describe('parseEcrImageReference', () => {
  it('reads a reference by tag', () => {
    expect(parseEcrImageReference(`${REGISTRY}/payments/api:v1.2.0`)).toEqual({
      registryId: '123456789012',
      region: 'us-east-1',
      repositoryName: 'payments/api',
      tag: 'v1.2.0',
    });
  });

  it('reads a reference by digest, and prefers the digest when both are given', () => {
    const digest = digestOf('x');

    expect(parseEcrImageReference(`${REGISTRY}/payments/api@${digest}`)).toMatchObject({ digest });
    expect(parseEcrImageReference(`${REGISTRY}/payments/api:v1@${digest}`)).toEqual({
      registryId: '123456789012',
      region: 'us-east-1',
      repositoryName: 'payments/api',
      digest,
    });
  });

  it('reads a reference without tag or digest as the tag latest', () => {
    expect(parseEcrImageReference(`${REGISTRY}/payments/api`)).toMatchObject({ tag: 'latest' });
  });

  it('reads FIPS, China and dual-stack registry hosts', () => {
    expect(parseEcrImageReference('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/a:b')).toMatchObject(
      {
        region: 'us-gov-west-1',
      },
    );
    expect(parseEcrImageReference('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a:b')).toMatchObject({
      region: 'cn-north-1',
    });
    expect(parseEcrImageReference('123456789012.dkr-ecr.eu-west-1.on.aws/a:b')).toMatchObject({
      region: 'eu-west-1',
      repositoryName: 'a',
    });
  });

  it('returns undefined for images outside ECR private registries', () => {
    expect(
      parseEcrImageReference('public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0'),
    ).toBeUndefined();
    expect(parseEcrImageReference('datadog/agent:7')).toBeUndefined();
    expect(parseEcrImageReference('nginx')).toBeUndefined();
  });
});

describe('locateRepository', () => {
  it('takes account and region from the repositoryUri', () => {
    const location = locateRepository(
      {
        repositoryName: 'payments/api',
        repositoryUri: '999999999999.dkr.ecr.eu-west-1.amazonaws.com/payments/api',
      },
      { account: '123456789012', region: 'us-east-1' },
    );

    expect(location).toEqual({
      registryId: '999999999999',
      region: 'eu-west-1',
      repositoryName: 'payments/api',
    });
  });

  it("falls back to registryId and the snapshot's region", () => {
    expect(
      locateRepository({ repositoryName: 'payments/api' }, { account: '123456789012', region: 'us-east-1' }),
    ).toEqual(LOCATION);
  });
});

describe('the in-use picture', () => {
  it("keeps the digest a running task's container reports, even when its tag has moved since", () => {
    const { inUse: used } = inUse({
      tasks: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc',
          clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
          group: 'service:payments-api',
          lastStatus: 'RUNNING',
          containers: [{ name: 'app', image: `${REGISTRY}/payments/api:v2`, imageDigest: V1 }],
        },
      ],
    });

    expect([...used.keys()]).toEqual([V1]);
    expect(used.get(V1)).toEqual([
      {
        kind: 'in-use-ecs-task',
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
        group: 'service:payments-api',
        containerName: 'app',
      },
    ]);
  });

  it('resolves a pending task by its tag, and ignores stopped tasks', () => {
    const { inUse: used } = inUse({
      tasks: [
        {
          taskArn: 'pending',
          lastStatus: 'PENDING',
          containers: [{ name: 'app', image: `${REGISTRY}/payments/api:v2` }],
        },
        {
          taskArn: 'stopped',
          lastStatus: 'STOPPED',
          containers: [{ name: 'app', image: `${REGISTRY}/payments/api:v3`, imageDigest: V3 }],
        },
      ],
    });

    expect([...used.keys()]).toEqual([V2]);
  });

  it("keeps the images of every live deployment of a service, through the deployments' task definitions", () => {
    const { inUse: used, warnings } = inUse({
      services: [
        {
          serviceName: 'payments-api',
          clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
          status: 'ACTIVE',
          deployments: [
            {
              id: 'ecs-svc/1',
              status: 'PRIMARY',
              taskDefinition: taskDefinition('payments-api', 3, '').taskDefinitionArn,
            },
            {
              id: 'ecs-svc/2',
              status: 'ACTIVE',
              taskDefinition: taskDefinition('payments-api', 2, '').taskDefinitionArn,
            },
            {
              id: 'ecs-svc/3',
              status: 'INACTIVE',
              taskDefinition: taskDefinition('payments-api', 1, '').taskDefinitionArn,
            },
          ],
        },
      ],
      taskDefinitions: [
        taskDefinition('payments-api', 1, `${REGISTRY}/payments/api:v1`),
        taskDefinition('payments-api', 2, `${REGISTRY}/payments/api:v2`),
        taskDefinition('payments-api', 3, `${REGISTRY}/payments/api@${V3}`),
      ],
    });

    expect(warnings).toEqual([]);
    expect([...used.keys()].sort()).toEqual([V2, V3].sort());
    expect(used.get(V3)).toEqual([
      {
        kind: 'in-use-ecs-service',
        serviceName: 'payments-api',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
        deploymentId: 'ecs-svc/1',
        deploymentStatus: 'PRIMARY',
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/payments-api:3',
        containerName: 'app',
      },
    ]);
  });

  it('warns when a service deploys a task definition that the snapshot does not include', () => {
    const { inUse: used, warnings } = inUse({
      services: [
        {
          serviceName: 'payments-api',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/x:9',
        },
      ],
    });

    expect(used.size).toBe(0);
    expect(warnings).toEqual([
      expect.stringMatching(/service payments-api deploys task definition .*x:9.* not include/),
    ]);
  });

  it('keeps the images of the newest N ACTIVE revisions of each family, and no others', () => {
    const { inUse: used } = inUse(
      {
        taskDefinitions: [
          taskDefinition('payments-api', 1, `${REGISTRY}/payments/api:v1`),
          taskDefinition('payments-api', 2, `${REGISTRY}/payments/api:v2`),
          taskDefinition('payments-api', 3, `${REGISTRY}/payments/api:v3`, 'INACTIVE'),
          taskDefinition('payments-api', 4, `${REGISTRY}/payments/api:v3`),
        ],
      },
      2,
    );

    expect([...used.keys()].sort()).toEqual([V2, V3].sort());
    expect(used.get(V3)).toEqual([
      {
        kind: 'task-definition-revision',
        family: 'payments-api',
        revision: 4,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/payments-api:4',
        containerName: 'app',
      },
    ]);
  });

  it("keeps a Lambda alias's resolved image and names the alias", () => {
    const { inUse: used } = inUse({
      functions: [
        {
          Configuration: {
            FunctionName: 'payments-worker',
            FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:payments-worker:live',
            Version: '17',
            PackageType: 'Image',
          },
          Code: {
            ImageUri: `${REGISTRY}/payments/api:v3`,
            ResolvedImageUri: `${REGISTRY}/payments/api@${V1}`,
          },
        },
        {
          Configuration: {
            FunctionName: 'payments-worker',
            FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:payments-worker',
            Version: '$LATEST',
          },
          Code: { ImageUri: `${REGISTRY}/payments/api:latest` },
        },
      ],
    });

    expect(used.get(V1)).toEqual([
      {
        kind: 'in-use-lambda',
        functionName: 'payments-worker',
        qualifier: 'live',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:payments-worker:live',
      },
    ]);
    expect(used.get(V2)).toEqual([expect.objectContaining({ qualifier: '$LATEST' })]);
    expect(used.has(V3)).toBe(false);
  });

  it('ignores images of other repositories, accounts and regions, and tags the repository does not hold', () => {
    const { inUse: used } = inUse({
      tasks: [
        {
          taskArn: 't',
          containers: [
            { image: `${REGISTRY}/payments/worker:v1` },
            { image: `999999999999.dkr.ecr.us-east-1.amazonaws.com/payments/api:v1` },
            { image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments/api:v1` },
            { image: `${REGISTRY}/payments/api:v9` },
            { image: 'public.ecr.aws/nginx/nginx:1.27' },
          ],
        },
      ],
    });

    expect(used.size).toBe(0);
  });

  it('records the same use once when the snapshot lists it twice (two pages of describe-tasks overlapping)', () => {
    const task = (): EcsTask => ({
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc',
      lastStatus: 'RUNNING',
      containers: [{ name: 'app', image: `${REGISTRY}/payments/api:v1`, imageDigest: V1 }],
    });

    const { inUse: used } = inUse({ tasks: [task(), task()] });

    expect(used.get(V1)).toHaveLength(1);
  });
});
