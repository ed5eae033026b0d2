import {
  ClusterNotFoundException,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  ListTaskDefinitionsCommand,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
  ServiceNotFoundException,
} from '@aws-sdk/client-ecs';
import {
  GetFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  paginateListFunctions,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import type { RegistrySimulator } from '../../../local/registry-sim/simulator';
import { failure, useRegistrySimulator } from '../../support/registry-simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;
const ecs = new ECSClient({ region: 'us-east-1' });
const lambda = new LambdaClient({ region: 'us-east-1' });
const URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

useRegistrySimulator((installed) => ({ sim, env } = installed));
beforeEach(() => {
  sim.addRepository('team/app');
});

function pushRelease(tag: string) {
  return sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: tag }), tags: [tag] })
    .image.digest;
}

describe('ECS in-use picture', () => {
  it('lists 25 services in pages of 10 by default: exactly 3 ListServices calls', async () => {
    pushRelease('v1');
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    for (let n = 0; n < 25; n++) {
      sim.createService({
        cluster: 'prod',
        serviceName: `svc-${String(n).padStart(2, '0')}`,
        taskDefinition: 'app',
        runningTasks: 0,
      });
    }

    const arns = [];
    for await (const page of paginateListServices({ client: ecs }, { cluster: 'prod' }))
      arns.push(...(page.serviceArns ?? []));

    expect(arns).toHaveLength(25);
    expect(arns[0]).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/svc-00');
    expect(env.calls.count('ListServices')).toBe(3);
  });

  it('describes at most 10 services and reports unknown ones as MISSING failures', async () => {
    pushRelease('v1');
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.createService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'app:1', runningTasks: 1 });

    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['api', 'ghost'] }),
    );
    const tooMany = await failure(
      ecs.send(
        new DescribeServicesCommand({
          cluster: 'prod',
          services: Array.from({ length: 11 }, (_, n) => `s${n}`),
        }),
      ),
    );
    const noCluster = await failure(
      ecs.send(new DescribeServicesCommand({ cluster: 'staging', services: ['api'] })),
    );

    expect(described.services?.map((s) => s.serviceName)).toEqual(['api']);
    expect(described.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/ghost', reason: 'MISSING' },
    ]);
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
    expect(noCluster).toBeInstanceOf(ClusterNotFoundException);
  });

  it('shows a rollout: the new PRIMARY deployment and the old ACTIVE one, each with its running tasks', async () => {
    const v1 = pushRelease('v1');
    const v2 = pushRelease('v2');
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v2` }] });
    sim.createService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'app:1', runningTasks: 2 });
    sim.deployService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'app:2', runningTasks: 1 });

    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
    const taskArns = [];
    for await (const page of paginateListTasks({ client: ecs }, { cluster: 'prod', serviceName: 'api' })) {
      taskArns.push(...(page.taskArns ?? []));
    }
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns }));

    expect(
      described.services?.[0]?.deployments?.map((d) => [
        d.status,
        d.taskDefinition?.split('/')[1],
        d.runningCount,
      ]),
    ).toEqual([
      ['PRIMARY', 'app:2', 1],
      ['ACTIVE', 'app:1', 2],
    ]);
    expect(tasks.tasks?.map((t) => t.containers?.[0]?.imageDigest).sort()).toEqual([v1, v1, v2].sort());
  });

  it('records the digest each image resolved to at deployment in a service revision, which a later tag move leaves as it was', async () => {
    const deployed = pushRelease('stable');
    sim.registerTaskDefinition({
      family: 'app',
      containers: [{ name: 'app', image: `${URI}/team/app:stable` }],
    });
    sim.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'app:1',
      desiredCount: 0,
      runningTasks: 0,
    });
    const moved = sim.pushImage({
      repositoryName: 'team/app',
      manifest: imageManifest({ seed: 'stable, rebuilt' }),
      tags: ['stable'],
    }).image.digest;

    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
    const current = described.services?.[0]?.currentServiceRevisions?.map((revision) => revision.arn) ?? [];
    const revisions = await ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: current as string[] }),
    );

    expect(moved).not.toBe(deployed);
    expect(described.services?.[0]?.currentServiceDeployment).toMatch(
      /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/prod\/api\/\d+$/,
    );
    expect(current).toHaveLength(1);
    expect(revisions.failures).toEqual([]);
    expect(revisions.serviceRevisions?.[0]?.containerImages).toEqual([
      { containerName: 'app', image: `${URI}/team/app:stable`, imageDigest: deployed },
    ]);
  });

  it("lists a service's deployments newest first, 20 a page by default, with their target revisions and status filter", async () => {
    pushRelease('v1');
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'app:1',
      runningTasks: 0,
      createdAt: '2026-11-01T00:00:00Z',
    });
    for (let n = 1; n <= 24; n++) {
      sim.deployService({
        cluster: 'prod',
        serviceName: 'api',
        taskDefinition: 'app:1',
        runningTasks: 0,
        at: new Date(Date.UTC(2026, 10, 1, n)).toISOString(),
      });
      if (n < 24) sim.ecs().completeDeployment('prod', 'api', Date.UTC(2026, 10, 1, n, 30));
    }

    const first = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'api' }));
    const second = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'api', nextToken: first.nextToken }),
    );
    const ongoing = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'api', status: ['IN_PROGRESS'] }),
    );

    expect(first.serviceDeployments).toHaveLength(20);
    expect(second.serviceDeployments).toHaveLength(5);
    expect(second.nextToken).toBeUndefined();
    expect(first.serviceDeployments?.[0]).toMatchObject({
      status: 'IN_PROGRESS',
      startedAt: new Date(Date.UTC(2026, 10, 1, 24)),
    });
    expect(first.serviceDeployments?.[0]?.targetServiceRevisionArn).toMatch(
      /:service-revision\/prod\/api\/\d+$/,
    );
    expect(ongoing.serviceDeployments?.map((d) => d.status)).toEqual(['IN_PROGRESS']);
  });

  it('answers the documented errors: an unknown service, maxResults out of 1-100, more than 20 revision ARNs, revisions it cannot describe', async () => {
    pushRelease('v1');
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'app:1',
      runningTasks: 0,
      createdAt: '2024-10-01T00:00:00Z',
    });
    const [old] =
      (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }))).services?.[0]
        ?.currentServiceRevisions ?? [];

    const unknownService = await failure(
      ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'ghost' })),
    );
    const pageTooLarge = await failure(
      ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'api', maxResults: 101 })),
    );
    const tooMany = await failure(
      ecs.send(
        new DescribeServiceRevisionsCommand({
          serviceRevisionArns: Array.from(
            { length: 21 },
            (_, n) => `arn:aws:ecs:us-east-1:123456789012:service-revision/prod/api/${n}`,
          ),
        }),
      ),
    );
    const undescribable = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [
          old?.arn as string,
          'arn:aws:ecs:us-east-1:123456789012:service-revision/prod/api/1',
        ],
      }),
    );

    expect(unknownService).toBeInstanceOf(ServiceNotFoundException);
    expect(pageTooLarge).toBeInstanceOf(InvalidParameterException);
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
    // Created before 2024-10-25, or never created: both MISSING, as ECS answers.
    expect(undescribable.serviceRevisions).toEqual([]);
    expect(undescribable.failures?.map((f) => f.reason)).toEqual(['MISSING', 'MISSING']);
  });

  it('pages 150 running tasks in 2 ListTasks calls and describes at most 100 tasks a call', async () => {
    pushRelease('v1');
    sim.registerTaskDefinition({ family: 'app', containers: [{ name: 'app', image: `${URI}/team/app:v1` }] });
    sim.createService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'app:1', runningTasks: 150 });

    const taskArns: string[] = [];
    for await (const page of paginateListTasks({ client: ecs }, { cluster: 'prod' }))
      taskArns.push(...(page.taskArns ?? []));
    const tooMany = await failure(
      ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns.slice(0, 101) })),
    );

    expect(taskArns).toHaveLength(150);
    expect(env.calls.count('ListTasks')).toBe(2);
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
  });

  it('lists task definitions of one family by status and order, and describes the latest ACTIVE revision', async () => {
    pushRelease('v1');
    for (let n = 0; n < 4; n++) {
      sim.registerTaskDefinition({
        family: 'app',
        containers: [{ name: 'app', image: `${URI}/team/app:v${n}` }],
      });
    }
    sim.registerTaskDefinition({
      family: 'other',
      containers: [{ name: 'x', image: 'public.ecr.aws/x/y:1' }],
    });
    sim.ecs().deregisterTaskDefinition('app:4', sim.clock.nowMs());

    const newestFirst = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'app', sort: 'DESC' }));
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'app' }));
    const pages = [];
    for await (const page of paginateListTaskDefinitions({ client: ecs, pageSize: 2 }, {}))
      pages.push(page.taskDefinitionArns);

    expect(newestFirst.taskDefinitionArns?.map((arn) => arn.split('/')[1])).toEqual([
      'app:3',
      'app:2',
      'app:1',
    ]);
    expect(inactive.taskDefinitionArns?.map((arn) => arn.split('/')[1])).toEqual(['app:4']);
    expect(latest.taskDefinition?.revision).toBe(3);
    expect(latest.taskDefinition?.containerDefinitions?.[0]?.image).toBe(`${URI}/team/app:v2`);
    expect(pages.map((arns) => arns?.map((arn) => arn.split('/')[1]))).toEqual([
      ['app:1', 'app:2'],
      ['app:3', 'other:1'],
    ]);
  });
});

describe('Lambda in-use picture', () => {
  it('lists 120 functions at most 50 a page even when MaxItems asks for more: 3 calls', async () => {
    const digest = pushRelease('v1');
    for (let n = 0; n < 120; n++) {
      sim.createFunction({
        functionName: `fn-${String(n).padStart(3, '0')}`,
        imageUri: `${URI}/team/app:v1`,
      });
    }

    const functions = [];
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 1000 }, {})) {
      functions.push(...(page.Functions ?? []));
    }

    expect(functions).toHaveLength(120);
    expect(env.calls.count('ListFunctions')).toBe(3);
    expect(functions[0]).toMatchObject({
      FunctionName: 'fn-000',
      PackageType: 'Image',
      CodeSha256: digest.slice(7),
    });
  });

  it('resolves versions and aliases to the image digest Lambda deployed (ResolvedImageUri)', async () => {
    const v1 = pushRelease('v1');
    const v2 = pushRelease('v2');
    sim.createFunction({ functionName: 'etl', imageUri: `${URI}/team/app:v1` });
    sim.publishVersion({ functionName: 'etl' });
    sim.updateFunctionCode({ functionName: 'etl', imageUri: `${URI}/team/app:v2` });
    sim.publishVersion({ functionName: 'etl' });
    sim.lambda().setAlias({ functionName: 'etl', name: 'live', functionVersion: '1' });

    const byAlias = await lambda.send(new GetFunctionCommand({ FunctionName: 'etl', Qualifier: 'live' }));
    const byVersion = await lambda.send(new GetFunctionCommand({ FunctionName: 'etl:2' }));
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'etl' }));
    const aliases = await lambda.send(new ListAliasesCommand({ FunctionName: 'etl' }));
    const missing = await failure(
      lambda.send(new GetFunctionCommand({ FunctionName: 'etl', Qualifier: '9' })),
    );

    expect(byAlias.Code).toEqual({
      RepositoryType: 'ECR',
      ImageUri: `${URI}/team/app:v1`,
      ResolvedImageUri: `${URI}/team/app@${v1}`,
    });
    expect(byAlias.Configuration?.Version).toBe('1');
    expect(byVersion.Code?.ResolvedImageUri).toBe(`${URI}/team/app@${v2}`);
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    expect(aliases.Aliases?.map((a) => [a.Name, a.FunctionVersion])).toEqual([['live', '1']]);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});
