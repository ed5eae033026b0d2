// AWS Batch job definitions, App Runner services and Inspector coverage, in the shapes
// DescribeJobDefinitions, DescribeService and ListCoverage return (the SDK's output = the AWS CLI's
// JSON): https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDefinition.html,
// https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html,
// https://docs.aws.amazon.com/inspector/v2/APIReference/API_CoveredResource.html.
import { type AppRunnerService, appRunnerImageUses } from '../../../shared/inuse/app-runner-services';
import { type BatchJobDefinition, batchImageUses } from '../../../shared/inuse/batch-job-definitions';
import { type InspectorCoveredResource, inspectorImageUses } from '../../../shared/inuse/inspector-coverage';

const R = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const ARN = 'arn:aws:batch:us-east-1:222222222222:job-definition';
const named = (uses: { reference: { repositoryName: string; tag?: string; digest?: string } }[]) =>
  uses.map(
    ({ reference }) =>
      `${reference.repositoryName}${reference.digest ? `@${reference.digest}` : `:${reference.tag}`}`,
  );

describe('batchImageUses', () => {
  const definitions = (): BatchJobDefinition[] => [
    {
      jobDefinitionName: 'nightly-report',
      jobDefinitionArn: `${ARN}/nightly-report:3`,
      revision: 3,
      status: 'ACTIVE',
      type: 'container',
      containerProperties: { image: `${R}/reports/nightly:v3` },
    } as BatchJobDefinition,
    {
      jobDefinitionName: 'nightly-report',
      jobDefinitionArn: `${ARN}/nightly-report:2`,
      revision: 2,
      status: 'INACTIVE',
      containerProperties: { image: `${R}/reports/nightly:v2` },
    },
    {
      jobDefinitionName: 'etl',
      jobDefinitionArn: `${ARN}/etl:1`,
      revision: 1,
      status: 'ACTIVE',
      ecsProperties: {
        taskProperties: [
          {
            containers: [
              { name: 'extract', image: `${R}/etl/extract:1` },
              { name: 'proxy', image: 'public.ecr.aws/nginx/nginx:1.27' },
            ],
          },
        ],
      },
    },
    {
      jobDefinitionName: 'train',
      jobDefinitionArn: `${ARN}/train:9`,
      revision: 9,
      status: 'ACTIVE',
      eksProperties: {
        podProperties: {
          containers: [{ image: `${R}/ml/train@${d('a')}` }],
          initContainers: [{ image: `${R}/ml/fetch:2` }],
        },
      },
    },
    {
      jobDefinitionName: 'mpi',
      jobDefinitionArn: `${ARN}/mpi:4`,
      revision: 4,
      status: 'ACTIVE',
      nodeProperties: {
        nodeRangeProperties: [
          { container: { image: `${R}/hpc/main:4` } },
          { ecsProperties: { taskProperties: [{ containers: [{ image: `${R}/hpc/worker:4` }] }] } },
          { eksProperties: { podProperties: { containers: [{ image: `${R}/hpc/eks:4` }] } } },
        ],
      },
    },
  ];

  it('reads every place an ACTIVE job definition names an image, and skips INACTIVE ones', () => {
    const { uses } = batchImageUses(definitions());

    expect(named(uses)).toEqual([
      'reports/nightly:v3',
      'etl/extract:1',
      `ml/train@${d('a')}`,
      'ml/fetch:2',
      'hpc/main:4',
      'hpc/worker:4',
      'hpc/eks:4',
    ]);
    expect(uses[0]?.reason).toEqual({
      kind: 'in-use-batch',
      jobDefinitionArn: `${ARN}/nightly-report:3`,
      jobDefinitionName: 'nightly-report',
      revision: 3,
    });
  });

  it('records the workload account and region', () => {
    const { uses } = batchImageUses(definitions(), { account: '222222222222', region: 'us-east-1' });

    expect(uses[0]?.reason).toMatchObject({ account: '222222222222', region: 'us-east-1' });
  });
});

describe('appRunnerImageUses', () => {
  const service = (name: string, status: string, image: string, type = 'ECR'): AppRunnerService => ({
    ServiceName: name,
    ServiceArn: `arn:aws:apprunner:us-east-1:123456789012:service/${name}/0123456789abcdef0123456789abcdef`,
    Status: status,
    SourceConfiguration: { ImageRepository: { ImageIdentifier: image, ImageRepositoryType: type } },
  });

  it('protects the images of services that run or may run again, not of failed or deleted ones', () => {
    const { uses } = appRunnerImageUses([
      service('web', 'RUNNING', `${R}/web/app:live`),
      service('paused', 'PAUSED', `${R}/web/app:paused`),
      service('changing', 'OPERATION_IN_PROGRESS', `${R}/web/app:next`),
      service('stuck', 'DELETE_FAILED', `${R}/web/app:stuck`),
      service('broken', 'CREATE_FAILED', `${R}/web/app:broken`),
      service('gone', 'DELETED', `${R}/web/app:gone`),
      service('public', 'RUNNING', 'public.ecr.aws/nginx/nginx:1.27', 'ECR_PUBLIC'),
      { ServiceName: 'from-code', Status: 'RUNNING', SourceConfiguration: {} },
    ]);

    expect(named(uses)).toEqual(['web/app:live', 'web/app:paused', 'web/app:next', 'web/app:stuck']);
    expect(uses[0]?.reason).toEqual({
      kind: 'in-use-app-runner',
      serviceName: 'web',
      serviceArn: 'arn:aws:apprunner:us-east-1:123456789012:service/web/0123456789abcdef0123456789abcdef',
    });
  });
});

describe('inspectorImageUses', () => {
  const NOW = Date.parse('2026-12-01T00:00:00Z');
  const covered = (
    hex: string,
    lastInUseAt: Date | string | number | undefined,
    inUseCount?: number,
  ): InspectorCoveredResource => ({
    accountId: '123456789012',
    resourceId: `arn:aws:ecr:us-east-1:123456789012:repository/payments/api/${d(hex)}`,
    resourceType: 'AWS_ECR_CONTAINER_IMAGE',
    resourceMetadata: {
      ecrImage: {
        tags: ['v1'],
        ...(lastInUseAt === undefined ? {} : { lastInUseAt }),
        ...(inUseCount === undefined ? {} : { inUseCount }),
      },
      ecrRepository: { name: 'payments/api', scanFrequency: 'CONTINUOUS_SCAN' },
    } as InspectorCoveredResource['resourceMetadata'],
  });

  it('keeps images Inspector saw in use within inspectorInUseDays, read from the resource ARN', () => {
    const { uses, warnings } = inspectorImageUses(
      [
        covered('1', new Date('2026-11-30T12:00:00Z'), 3),
        covered('2', '2026-11-02T00:00:00Z'),
        covered('3', Date.parse('2026-10-01T00:00:00Z') / 1000),
        covered('4', undefined),
        {
          resourceType: 'AWS_ECR_REPOSITORY',
          resourceId: 'arn:aws:ecr:us-east-1:123456789012:repository/payments/api',
        },
      ],
      { inUseDays: 30, now: NOW },
    );

    expect(warnings).toEqual([]);
    expect(uses).toEqual([
      {
        reference: {
          registryId: '123456789012',
          region: 'us-east-1',
          repositoryName: 'payments/api',
          digest: d('1'),
        },
        reason: { kind: 'in-use-inspector', lastInUseAt: '2026-11-30T12:00:00.000Z', inUseCount: 3 },
      },
      {
        reference: {
          registryId: '123456789012',
          region: 'us-east-1',
          repositoryName: 'payments/api',
          digest: d('2'),
        },
        reason: { kind: 'in-use-inspector', lastInUseAt: '2026-11-02T00:00:00.000Z' },
      },
    ]);
  });

  it('warns about a coverage entry it cannot read instead of dropping it silently', () => {
    const odd = covered('5', 'yesterday');
    const noDigest = {
      ...covered('6', '2026-11-30T00:00:00Z'),
      resourceId: 'arn:aws:ecr:us-east-1:123456789012:repository/payments/api',
    };

    expect(inspectorImageUses([odd, noDigest], { inUseDays: 30, now: NOW }).warnings).toEqual([
      expect.stringContaining('has lastInUseAt "yesterday", which is no timestamp'),
      expect.stringContaining('is not an ECR image ARN with a digest'),
    ]);
  });
});
