// ECS service revisions: which revisions of a service stay protected, and the digests they recorded.
// Shapes from ServiceDeploymentBrief, ServiceRevision and Failure
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeploymentBrief.html,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRevision.html) and the CLI's
// describe-service-revisions example (aws-cli awscli/examples/ecs/describe-service-revisions.rst).
import {
  type EcsServiceDeployment,
  type EcsServiceRevision,
  keepsServiceRevisions,
  selectServiceRevisions,
} from '../../../shared/cleanup/ecs-service-revisions';
import type { RepositoryLocation } from '../../../shared/cleanup/image-reference';
import {
  type EcsService,
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
const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/api';
const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
const revisionArn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:service-revision/prod/api/${id}`;
const deploymentArn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/api/${id}`;
const V1 = digestOf('v1');
const V2 = digestOf('v2');

function deployment(id: string, status: string, startedAt: string, target = id): EcsServiceDeployment {
  return {
    serviceDeploymentArn: deploymentArn(id),
    serviceArn: SERVICE_ARN,
    clusterArn: CLUSTER_ARN,
    status,
    targetServiceRevisionArn: revisionArn(target),
    createdAt: startedAt,
    startedAt,
  };
}

function revision(
  id: string,
  digest: string | undefined,
  image = `${REGISTRY}/payments/api:stable`,
): EcsServiceRevision {
  return {
    serviceRevisionArn: revisionArn(id),
    serviceArn: SERVICE_ARN,
    clusterArn: CLUSTER_ARN,
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7',
    createdAt: '2026-11-30T10:00:00Z',
    containerImages: [
      { containerName: 'app', image, ...(digest === undefined ? {} : { imageDigest: digest }) },
    ],
  };
}

/** A service scaled to zero: no task runs, its deployment's task definition names the tag `stable`. */
function scaledToZeroService(overrides: Partial<EcsService> = {}): EcsService {
  return {
    serviceName: 'api',
    serviceArn: SERVICE_ARN,
    clusterArn: CLUSTER_ARN,
    status: 'ACTIVE',
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7',
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: 'api:7' }],
    currentServiceDeployment: deploymentArn('d1'),
    currentServiceRevisions: [{ arn: revisionArn('d1') }],
    ...overrides,
  };
}

/** The repository now: the tag `stable` has moved from V1 (deployed) to V2. */
const imagesAfterTheTagMoved = () => [
  { imageDigest: V1, imageTags: [] },
  { imageDigest: V2, imageTags: ['stable'] },
];

function ecsWorkloads(ecs: Partial<Workloads['ecs']>): Workloads {
  return {
    ecs: {
      tasks: [],
      services: [],
      taskDefinitions: [
        {
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7',
          family: 'api',
          revision: 7,
          containerDefinitions: [{ name: 'app', image: `${REGISTRY}/payments/api:stable` }],
        },
      ],
      ...ecs,
    },
    lambda: { functions: [] },
  };
}

describe('selectServiceRevisions', () => {
  it('chooses the current revisions, every unfinished deployment target, the newest and the newest successful one', () => {
    const deployments = [
      deployment('d1', 'SUCCESSFUL', '2026-11-01T00:00:00Z'),
      deployment('d2', 'SUCCESSFUL', '2026-11-10T00:00:00Z'),
      deployment('d3', 'ROLLBACK_SUCCESSFUL', '2026-11-20T00:00:00Z'),
      deployment('d4', 'IN_PROGRESS', '2026-11-30T00:00:00Z'),
      deployment('d5', 'STOPPED', '2026-11-05T00:00:00Z'),
    ];
    const service = scaledToZeroService({
      currentServiceRevisions: [{ arn: revisionArn('d2') }, { arn: revisionArn('d4') }],
    });

    const selected = selectServiceRevisions(service, deployments);

    // d1 (an older success) and d5 (stopped long ago) are no longer anything ECS would start.
    expect(selected.revisionArns).toEqual([revisionArn('d2'), revisionArn('d4')]);
    expect(selected.deployments.map((d) => d.serviceDeploymentArn).sort()).toEqual([
      deploymentArn('d2'),
      deploymentArn('d4'),
    ]);
  });

  it('picks the newest by startedAt, whatever order the listing answers in', () => {
    const deployments = [
      deployment('new', 'SUCCESSFUL', '2026-11-30T00:00:00Z'),
      deployment('old', 'SUCCESSFUL', '2026-10-01T00:00:00Z'),
    ];

    expect(
      selectServiceRevisions(scaledToZeroService({ currentServiceRevisions: [] }), deployments).revisionArns,
    ).toEqual([revisionArn('new')]);
    expect(
      selectServiceRevisions(scaledToZeroService({ currentServiceRevisions: [] }), [...deployments].reverse())
        .revisionArns,
    ).toEqual([revisionArn('new')]);
  });

  it('keeps the target of a failed rollback, the newest deployment, beside the last successful one', () => {
    const deployments = [
      deployment('good', 'SUCCESSFUL', '2026-11-01T00:00:00Z'),
      deployment('bad', 'ROLLBACK_FAILED', '2026-11-02T00:00:00Z'),
    ];

    expect(
      selectServiceRevisions(scaledToZeroService({ currentServiceRevisions: [] }), deployments).revisionArns,
    ).toEqual([revisionArn('bad'), revisionArn('good')]);
  });
});

describe('keepsServiceRevisions', () => {
  it('reads revisions of a service whose description names its current deployment', () => {
    expect(keepsServiceRevisions(scaledToZeroService())).toBe(true);
  });

  it('reads none where describe-services names no current deployment or revision (moto, services not deployed since 2024-10-25)', () => {
    expect(
      keepsServiceRevisions(
        scaledToZeroService({ currentServiceDeployment: undefined, currentServiceRevisions: [] }),
      ),
    ).toBe(false);
  });

  it('reads none of a deleted (INACTIVE) service: ECS deleted its revisions with it', () => {
    expect(keepsServiceRevisions(scaledToZeroService({ status: 'INACTIVE' }))).toBe(false);
  });
});

describe('service revisions in the in-use picture', () => {
  it('keeps the digest a service scaled to zero was deployed with after its tag moved, and says which revision recorded it', () => {
    const workloads = ecsWorkloads({
      services: [scaledToZeroService()],
      serviceDeployments: [deployment('d1', 'SUCCESSFUL', '2026-11-30T10:00:00Z')],
      serviceRevisions: [revision('d1', V1)],
    });

    const { uses, warnings } = listWorkloadImageUses(workloads, { taskDefinitionRevisions: 0 });
    const inUse = resolveImagesInUse(uses, LOCATION, imagesAfterTheTagMoved());

    expect(warnings).toEqual([]);
    expect(inUse.get(V1)).toEqual([
      {
        kind: 'in-use-ecs-service',
        serviceName: 'api',
        serviceArn: SERVICE_ARN,
        clusterArn: CLUSTER_ARN,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7',
        containerName: 'app',
        serviceRevisionArn: revisionArn('d1'),
        serviceDeploymentArn: deploymentArn('d1'),
        serviceDeploymentStatus: 'SUCCESSFUL',
      },
    ]);
    // The task definition's tag still protects what it names now.
    expect(inUse.get(V2)?.map((reason) => reason.kind)).toEqual(['in-use-ecs-service']);
  });

  it('without the revision, the digest the service was deployed with is not protected (the gap this closes)', () => {
    const { uses } = listWorkloadImageUses(ecsWorkloads({ services: [scaledToZeroService()] }), {
      taskDefinitionRevisions: 0,
    });

    expect(resolveImagesInUse(uses, LOCATION, imagesAfterTheTagMoved()).has(V1)).toBe(false);
  });

  it('falls back to the reference when ECS recorded no digest for a container', () => {
    const workloads = ecsWorkloads({
      services: [scaledToZeroService()],
      serviceRevisions: [revision('d1', undefined)],
    });

    const { uses } = listWorkloadImageUses(workloads, { taskDefinitionRevisions: 0 });
    const inUse = resolveImagesInUse(uses, LOCATION, imagesAfterTheTagMoved());

    expect(inUse.has(V1)).toBe(false);
    expect(inUse.get(V2)?.some((reason) => 'serviceRevisionArn' in reason)).toBe(true);
  });

  it('warns of a revision ECS cannot describe (MISSING: created before 2024-10-25) and keeps nothing for it', () => {
    const workloads = ecsWorkloads({
      services: [scaledToZeroService()],
      serviceRevisionFailures: [{ arn: revisionArn('old'), reason: 'MISSING' }],
    });

    const { uses, warnings } = listWorkloadImageUses(workloads, { taskDefinitionRevisions: 0 });

    expect(warnings).toEqual([
      `service revision ${revisionArn('old')} cannot be described (ECS describes revisions created on or after 2024-10-25): the digest ECS resolved for it is not known; what its task definition names now is still protected`,
    ]);
    expect(uses.filter(({ reason }) => 'serviceRevisionArn' in reason)).toEqual([]);
  });

  it('ignores the revisions of a service the same read lists as INACTIVE', () => {
    const workloads = ecsWorkloads({
      services: [scaledToZeroService({ status: 'INACTIVE' })],
      serviceRevisions: [revision('d1', V1)],
    });

    const { uses } = listWorkloadImageUses(workloads, { taskDefinitionRevisions: 0 });

    expect(resolveImagesInUse(uses, LOCATION, imagesAfterTheTagMoved()).has(V1)).toBe(false);
  });

  it("records a workload account's place on a revision's reason", () => {
    const workloads = ecsWorkloads({
      services: [scaledToZeroService()],
      serviceRevisions: [revision('d1', V1)],
    });

    const { uses } = listWorkloadImageUses(
      workloads,
      { taskDefinitionRevisions: 0 },
      {
        account: '222222222222',
        region: 'eu-west-1',
      },
    );

    expect(uses.find(({ reason }) => 'serviceRevisionArn' in reason)?.reason).toMatchObject({
      account: '222222222222',
      region: 'eu-west-1',
      serviceRevisionArn: revisionArn('d1'),
    });
  });
});
