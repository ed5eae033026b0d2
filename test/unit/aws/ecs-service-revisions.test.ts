// The service-revision read: ListServiceDeployments (maxResults 1-100, nextToken until null) and
// DescribeServiceRevisions (at most 20 ARNs, `failures[]` with reason MISSING for revisions created
// before 2024-10-25), https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html
// and https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceRevisions.html.
import {
  AccessDeniedException,
  DescribeServiceRevisionsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { readServiceRevisions, ServiceRevisionReadError } from '../../../shared/aws/ecs-service-revisions';

const ecs = mockClient(ECSClient);
const client = new ECSClient({ region: 'us-east-1', maxAttempts: 1 });
const PREFIX = 'arn:aws:ecs:us-east-1:123456789012';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api:stable';
const serviceArn = (name: string) => `${PREFIX}:service/prod/${name}`;
const revisionArn = (name: string, id: number) => `${PREFIX}:service-revision/prod/${name}/${id}`;

function service(name: string, overrides: Partial<Service> = {}): Service {
  return {
    serviceName: name,
    serviceArn: serviceArn(name),
    clusterArn: `${PREFIX}:cluster/prod`,
    status: 'ACTIVE',
    currentServiceDeployment: `${PREFIX}:service-deployment/prod/${name}/1`,
    currentServiceRevisions: [],
    ...overrides,
  };
}

/** One SUCCESSFUL deployment per service, targeting revision 1; the revisions describe as asked. */
function answerEveryServiceWithOneRevision() {
  ecs.on(ListServiceDeploymentsCommand).callsFake((input: { service: string }) => {
    const name = input.service.split('/').at(-1) as string;
    return {
      serviceDeployments: [
        {
          serviceDeploymentArn: `${PREFIX}:service-deployment/prod/${name}/1`,
          serviceArn: input.service,
          status: 'SUCCESSFUL',
          targetServiceRevisionArn: revisionArn(name, 1),
          startedAt: new Date('2026-11-30T10:00:00Z'),
        },
      ],
    };
  });
  ecs.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => ({
    serviceRevisions: input.serviceRevisionArns.map((arn) => ({
      serviceRevisionArn: arn,
      serviceArn: arn.replace(':service-revision/', ':service/').replace(/\/\d+$/, ''),
      containerImages: [{ containerName: 'app', image: IMAGE, imageDigest: `sha256:${'a'.repeat(64)}` }],
    })),
    failures: [],
  }));
}

beforeEach(() => {
  ecs.reset();
});

describe('readServiceRevisions', () => {
  it('reads every page of the deployments of a service, 100 a page, and describes the revisions it chooses', async () => {
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolvesOnce({
        serviceDeployments: [
          {
            status: 'SUCCESSFUL',
            targetServiceRevisionArn: revisionArn('api', 1),
            startedAt: new Date('2026-11-01'),
          },
        ],
        nextToken: 'page-2',
      })
      .resolvesOnce({
        serviceDeployments: [
          {
            status: 'IN_PROGRESS',
            targetServiceRevisionArn: revisionArn('api', 2),
            startedAt: new Date('2026-11-30'),
          },
        ],
      });
    ecs.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [], failures: [] });

    await readServiceRevisions(client, [service('api')], 2);

    const listed = ecs.commandCalls(ListServiceDeploymentsCommand).map((call) => call.args[0].input);
    expect(listed).toEqual([
      {
        service: serviceArn('api'),
        cluster: `${PREFIX}:cluster/prod`,
        maxResults: 100,
        nextToken: undefined,
      },
      { service: serviceArn('api'), cluster: `${PREFIX}:cluster/prod`, maxResults: 100, nextToken: 'page-2' },
    ]);
    expect(ecs.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input).toEqual({
      serviceRevisionArns: [revisionArn('api', 1), revisionArn('api', 2)],
    });
  });

  it('describes at most 20 revisions a call', async () => {
    answerEveryServiceWithOneRevision();
    const services = Array.from({ length: 45 }, (_, i) => service(`svc-${String(i).padStart(2, '0')}`));

    const read = await readServiceRevisions(client, services, 4);

    const sizes = ecs
      .commandCalls(DescribeServiceRevisionsCommand)
      .map((call) => call.args[0].input.serviceRevisionArns?.length);
    expect(sizes).toEqual([20, 20, 5]);
    expect(read.serviceRevisions).toHaveLength(45);
    expect(read.serviceDeployments).toHaveLength(45);
  });

  it('reads nothing of a service whose description names no current deployment (moto, never redeployed since 2024-10-25)', async () => {
    answerEveryServiceWithOneRevision();

    const read = await readServiceRevisions(
      client,
      [service('legacy', { currentServiceDeployment: undefined, currentServiceRevisions: undefined })],
      2,
    );

    expect(ecs.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(0);
    expect(ecs.commandCalls(DescribeServiceRevisionsCommand)).toHaveLength(0);
    expect(read).toEqual({ serviceDeployments: [], serviceRevisions: [], serviceRevisionFailures: [] });
  });

  it('keeps a MISSING failure (a revision created before 2024-10-25) for the plan to warn of', async () => {
    answerEveryServiceWithOneRevision();
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [],
      failures: [{ arn: revisionArn('api', 1), reason: 'MISSING' }],
    });

    const read = await readServiceRevisions(client, [service('api')], 2);

    expect(read.serviceRevisionFailures).toEqual([{ arn: revisionArn('api', 1), reason: 'MISSING' }]);
  });

  it('fails on any other failure reason: the revision may exist and its digests are not known', async () => {
    answerEveryServiceWithOneRevision();
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [],
      failures: [{ arn: revisionArn('api', 1), reason: 'INTERNAL_ERROR', detail: 'try again' }],
    });

    await expect(readServiceRevisions(client, [service('api')], 2)).rejects.toThrow(ServiceRevisionReadError);
  });

  it('fails on AccessDenied from DescribeServiceRevisions (fail closed: the ECS source fails)', async () => {
    answerEveryServiceWithOneRevision();
    ecs.on(DescribeServiceRevisionsCommand).rejects(
      new AccessDeniedException({
        message: 'not authorized to perform ecs:DescribeServiceRevisions',
        $metadata: {},
      }),
    );

    await expect(readServiceRevisions(client, [service('api')], 2)).rejects.toThrow(AccessDeniedException);
  });

  it('fails on AccessDenied from ListServiceDeployments', async () => {
    ecs.on(ListServiceDeploymentsCommand).rejects(
      new AccessDeniedException({
        message: 'not authorized to perform ecs:ListServiceDeployments',
        $metadata: {},
      }),
    );

    await expect(readServiceRevisions(client, [service('api')], 2)).rejects.toThrow(AccessDeniedException);
  });
});
