import {
  BatchGetImageCommand,
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  LifecyclePolicyNotFoundException,
  ListImageReferrersCommand,
} from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import type { SampleIndex } from '../../../local/registry-sim/data/sample-format';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;
let planted: SampleIndex;
const east = new ECRClient({ region: 'us-east-1' });
const west = new ECRClient({ region: 'us-west-2' });
const ecs = new ECSClient({ region: 'us-east-1' });
const lambda = new LambdaClient({ region: 'us-east-1' });

// Every situation the sample plants; each is checked through the SDK by a test below.
const PLANTED_SITUATIONS = [
  'archived-images',
  'buildkit-attestation',
  'cosign-signature',
  'docker-manifest-list',
  'drift-aes256-encryption',
  'drift-mutable',
  'drift-no-lifecycle-policy',
  'drift-public-repository-policy',
  'ecs-running-task-untagged-image',
  'ecs-service-deployments',
  'eks-cronjob',
  'eks-deployment-scaled-to-zero',
  'eks-old-replicaset',
  'eks-pod-on-moved-tag',
  'lambda-pinned-untagged-digest',
  'lambda-version-alias',
  'legacy-cosign-signature-tag',
  'multi-arch-index',
  'replication-failed',
  'replication-image-missing',
  'replication-pre-rule-image',
  'replication-settings-drift',
  'replication-tag-different-digest',
  'sbom-referrer',
  'scan-basic',
  'scan-enhanced',
  'scan-untagged-with-findings',
  'semver-and-latest',
  'tag-moved-mutable',
  'untagged-debris',
];

beforeEach(() => {
  sim = createRegistrySimulator();
  planted = sim.loadSample();
  env = sim.install();
});

afterEach(() => env.restore());

/** A planted situation by name (fails the test when the sample lacks it). */
function situation(name: string) {
  const found = planted[name];
  if (found === undefined) throw new Error(`the sample plants no ${name}`);
  return found;
}

const details = <T>(name: string, key: string) => situation(name).details?.[key] as T;

async function describe1(
  client: ECRClient,
  repositoryName: string,
  id: { imageDigest?: string; imageTag?: string },
) {
  const result = await client.send(
    new DescribeImagesCommand({ repositoryName, imageIds: [id], filter: { imageStatus: 'ANY' } }),
  );
  return result.imageDetails?.[0];
}

async function describeOrUndefined(
  client: ECRClient,
  repositoryName: string,
  id: { imageDigest?: string; imageTag?: string },
) {
  return describe1(client, repositoryName, id).catch((error: Error) => {
    if (error.name === 'ImageNotFoundException') return undefined;
    throw error;
  });
}

describe('the sample registry', () => {
  it('loads at its asOf with at least 8 repositories in 123456789012 us-east-1 and a us-west-2 replica', async () => {
    const eastRepositories = await east.send(new DescribeRepositoriesCommand({}));
    const westRepositories = await west.send(new DescribeRepositoriesCommand({}));

    expect(sim.clock.now().toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(eastRepositories.repositories?.length).toBeGreaterThanOrEqual(8);
    expect(eastRepositories.repositories?.every((r) => r.registryId === '123456789012')).toBe(true);
    expect(westRepositories.repositories?.length).toBeGreaterThan(0);
    expect(Object.keys(planted).sort()).toEqual(PLANTED_SITUATIONS);
  });

  it('holds a multi-arch index whose children are untagged images of the same repository, with BuildKit attestations', async () => {
    const index = situation('multi-arch-index');
    const attestations = details<string[]>('buildkit-attestation', 'attestations');

    const manifest = await east.send(
      new BatchGetImageCommand({ repositoryName: 'payments/api', imageIds: [{ imageTag: index.imageTag }] }),
    );
    const listed = JSON.parse(manifest.images?.[0]?.imageManifest ?? '{}') as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    const child = await describe1(east, 'payments/api', {
      imageDigest: details<string[]>('multi-arch-index', 'children')[0],
    });

    expect(manifest.images?.[0]?.imageManifestMediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(listed.manifests.map((m) => m.digest)).toEqual(
      expect.arrayContaining([...details<string[]>('multi-arch-index', 'children'), ...attestations]),
    );
    expect(
      listed.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'),
    ).toHaveLength(2);
    expect(child?.imageTags).toBeUndefined();
  });

  it('holds a cosign signature and an SBOM as referrers of the newest release', async () => {
    const subject = details<string>('cosign-signature', 'subject');

    const referrers = await east.send(
      new ListImageReferrersCommand({ repositoryName: 'payments/api', subjectId: { imageDigest: subject } }),
    );
    const signature = await describe1(east, 'payments/api', {
      imageDigest: situation('cosign-signature').imageDigest,
    });

    expect(referrers.referrers?.map((r) => r.digest)).toEqual([
      situation('cosign-signature').imageDigest,
      situation('sbom-referrer').imageDigest,
    ]);
    expect(signature?.subjectManifestDigest).toBe(subject);
  });

  it('holds semver, latest and dev tags, a legacy signature tag and a Docker manifest list with a floating tag', async () => {
    const latest = await describe1(east, 'payments/api', { imageTag: 'latest' });
    const legacy = await describe1(east, 'tools/ci-runner', {
      imageTag: situation('legacy-cosign-signature-tag').imageTag,
    });
    const base = await describe1(east, 'platform/base-images', { imageTag: 'debian-12' });

    expect(latest?.imageTags).toEqual(['v1.4.0', 'latest']);
    expect(legacy?.imageDigest).toBe(situation('legacy-cosign-signature-tag').imageDigest);
    expect(base?.imageManifestMediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(base?.imageDigest).toBe(situation('docker-manifest-list').imageDigest);
  });

  it('holds untagged debris and a tag moved to a new digest in a mutable repository', async () => {
    const untagged = await east.send(
      new DescribeImagesCommand({ repositoryName: 'web/frontend', filter: { tagStatus: 'UNTAGGED' } }),
    );
    const moved = situation('tag-moved-mutable');
    const now = await describe1(east, 'payments/worker', { imageTag: 'latest' });
    const before = await describe1(east, 'payments/worker', {
      imageDigest: details<string>('tag-moved-mutable', 'previousDigest'),
    });
    const repository = await east.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['payments/worker'] }),
    );

    expect(untagged.imageDetails?.map((d) => d.imageDigest)).toEqual(
      details<string[]>('untagged-debris', 'digests'),
    );
    expect(now?.imageDigest).toBe(moved.imageDigest);
    expect(before?.imageTags).toEqual(['v2.1.0']);
    expect(repository.repositories?.[0]?.imageTagMutability).toBe('MUTABLE');
  });

  it('has an ECS service mid-rollout whose running tasks report the digests they run', async () => {
    const service = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['payments-api'] }),
    );
    const taskArns =
      (await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'payments-api' }))).taskArns ?? [];
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns }));
    const appDigests = tasks.tasks
      ?.map((t) => t.containers?.find((c) => c.name === 'app')?.imageDigest)
      .sort();

    expect(
      service.services?.[0]?.deployments?.map((d) => [
        d.status,
        d.taskDefinition?.split('/')[1],
        d.runningCount,
      ]),
    ).toEqual([
      ['PRIMARY', 'payments-api:4', 2],
      ['ACTIVE', 'payments-api:3', 1],
    ]);
    expect(appDigests).toEqual(
      [
        details<string>('ecs-service-deployments', 'primaryImageDigest'),
        details<string>('ecs-service-deployments', 'primaryImageDigest'),
        details<string>('ecs-service-deployments', 'drainingImageDigest'),
      ].sort(),
    );
  });

  it('has a running task on an image that is now untagged', async () => {
    const task = await ecs.send(
      new DescribeTasksCommand({
        cluster: 'prod',
        tasks: [details<string>('ecs-running-task-untagged-image', 'taskArn')],
      }),
    );
    const digest = task.tasks?.[0]?.containers?.[0]?.imageDigest;
    const image = await describe1(east, 'payments/worker', { imageDigest: digest ?? '' });

    expect(digest).toBe(situation('ecs-running-task-untagged-image').imageDigest);
    expect(image?.imageTags).toBeUndefined();
  });

  it('has a Lambda version behind an alias and a function pinned to an untagged digest', async () => {
    const live = await lambda.send(
      new GetFunctionCommand({ FunctionName: 'etl-nightly', Qualifier: 'live' }),
    );
    const pinned = await lambda.send(
      new GetFunctionCommand({ FunctionName: 'report-builder', Qualifier: 'prod' }),
    );
    const pinnedImage = await describe1(east, 'data/etl-jobs', {
      imageDigest: situation('lambda-pinned-untagged-digest').imageDigest,
    });

    expect(live.Configuration?.Version).toBe('2');
    expect(live.Code?.ResolvedImageUri).toMatch(/data\/etl-jobs@sha256:[a-f0-9]{64}$/);
    expect(
      pinned.Code?.ResolvedImageUri?.endsWith(situation('lambda-pinned-untagged-digest').imageDigest ?? '-'),
    ).toBe(true);
    expect(pinnedImage?.imageTags).toBeUndefined();
  });

  it('has basic findings on one repository and enhanced, fixable CRITICAL/HIGH findings on another', async () => {
    const basic = await east.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: 'web/frontend',
        imageId: { imageTag: 'v3.0.0' },
        maxResults: 10,
      }),
    );
    const enhanced = await east.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: 'payments/api',
        imageId: { imageDigest: situation('scan-enhanced').imageDigest },
      }),
    );
    const untagged = await east.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: 'web/frontend',
        imageId: { imageDigest: situation('scan-untagged-with-findings').imageDigest },
      }),
    );
    const severe = enhanced.imageScanFindings?.enhancedFindings?.filter(
      (f) => f.severity === 'CRITICAL' || f.severity === 'HIGH',
    );

    expect(basic.imageScanStatus?.status).toBe('COMPLETE');
    expect(basic.imageScanFindings?.findings).toHaveLength(10);
    expect(basic.nextToken).toBeDefined();
    expect(enhanced.imageScanStatus?.status).toBe('ACTIVE');
    expect(severe?.length).toBeGreaterThanOrEqual(2);
    expect(severe?.every((f) => f.fixAvailable === 'YES')).toBe(true);
    expect(severe?.[0]?.resources?.[0]?.details?.awsEcrContainerImage?.imageHash).toBe(
      situation('scan-enhanced').imageDigest,
    );
    expect(untagged.imageScanFindings?.findingSeverityCounts?.HIGH).toBeGreaterThan(0);
  });

  it('has repositories whose settings drift from the baseline', async () => {
    const repositories = (await east.send(new DescribeRepositoriesCommand({}))).repositories ?? [];
    const byName = new Map(repositories.map((r) => [r.repositoryName, r]));
    const noPolicy = await east
      .send(
        new GetLifecyclePolicyCommand({
          repositoryName: situation('drift-no-lifecycle-policy').repositoryName,
        }),
      )
      .catch((e: unknown) => e);
    const publicPolicy = await east.send(
      new GetRepositoryPolicyCommand({
        repositoryName: situation('drift-public-repository-policy').repositoryName,
      }),
    );

    expect(byName.get(situation('drift-mutable').repositoryName)?.imageTagMutability).toBe('MUTABLE');
    expect(
      byName.get(situation('drift-aes256-encryption').repositoryName)?.encryptionConfiguration
        ?.encryptionType,
    ).toBe('AES256');
    expect(noPolicy).toBeInstanceOf(LifecyclePolicyNotFoundException);
    expect(JSON.parse(publicPolicy.policyText ?? '{}').Statement[0].Principal).toBe('*');
  });

  it('shows only ACTIVE images by default in the repository with archived ones', async () => {
    const active = await east.send(new DescribeImagesCommand({ repositoryName: 'ml/inference' }));
    const all = await east.send(
      new DescribeImagesCommand({ repositoryName: 'ml/inference', filter: { imageStatus: 'ANY' } }),
    );

    expect(active.imageDetails?.map((d) => d.imageTags)).toEqual([['v1.0.0']]);
    expect(all.imageDetails?.map((d) => d.imageStatus).sort()).toEqual([
      'ACTIVATING',
      'ACTIVE',
      'ARCHIVED',
      'ARCHIVED',
    ]);
  });

  it('replicates to us-west-2 only partially, as planted', async () => {
    const preRule = situation('replication-pre-rule-image');
    const missing = situation('replication-image-missing');
    const failed = situation('replication-failed');
    const diverged = situation('replication-tag-different-digest');
    const status = (repositoryName: string, imageDigest: string) =>
      east.send(new DescribeImageReplicationStatusCommand({ repositoryName, imageId: { imageDigest } }));

    expect(
      await describeOrUndefined(west, 'payments/api', { imageDigest: preRule.imageDigest }),
    ).toBeUndefined();
    expect((await status('payments/api', preRule.imageDigest ?? '')).replicationStatuses).toEqual([]);
    expect(
      await describeOrUndefined(west, 'web/frontend', { imageDigest: missing.imageDigest }),
    ).toBeUndefined();
    expect((await status('web/frontend', missing.imageDigest ?? '')).replicationStatuses?.[0]?.status).toBe(
      'COMPLETE',
    );
    expect((await status('web/frontend', failed.imageDigest ?? '')).replicationStatuses?.[0]?.status).toBe(
      'FAILED',
    );
    expect((await describe1(west, 'payments/worker', { imageTag: 'latest' }))?.imageDigest).toBe(
      diverged.imageDigest,
    );
    expect((await describe1(east, 'payments/worker', { imageTag: 'latest' }))?.imageDigest).toBe(
      details('replication-tag-different-digest', 'sourceDigest'),
    );
  });

  it('shows settings drift between the source repository and its replica', async () => {
    const source = (await east.send(new DescribeRepositoriesCommand({ repositoryNames: ['payments/api'] })))
      .repositories?.[0];
    const replica = (await west.send(new DescribeRepositoriesCommand({ repositoryNames: ['payments/api'] })))
      .repositories?.[0];

    expect([source?.imageTagMutability, source?.encryptionConfiguration?.encryptionType]).toEqual([
      'IMMUTABLE_WITH_EXCLUSION',
      'KMS',
    ]);
    expect([replica?.imageTagMutability, replica?.encryptionConfiguration?.encryptionType]).toEqual([
      'MUTABLE',
      'AES256',
    ]);
  });

  it('holds the EKS cluster demo-eks: the worker may list it, and its objects run planted sample images', () => {
    const cluster = sim.eks().cluster('demo-eks');

    expect(sim.eks().allowsClusterWideRead('demo-eks', sim.services.identity.defaultCallerRoleArn)).toBe(
      true,
    );
    expect(
      cluster.objects.map((object) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`),
    ).toEqual([
      'Pod payments/checkout-legacy-0',
      'Deployment payments/checkout',
      'Deployment web/frontend-canary',
      'ReplicaSet web/frontend-canary-6b7f9c8d5',
      'CronJob payments/settlement-nightly',
    ]);
    // No endpoint until a Kubernetes API stand-in serves it.
    expect(cluster.endpoint).toBe('');
    const text = JSON.stringify(cluster.objects);
    for (const name of [
      'eks-pod-on-moved-tag',
      'eks-deployment-scaled-to-zero',
      'eks-old-replicaset',
      'eks-cronjob',
    ]) {
      const { repositoryName, imageDigest } = situation(name);
      expect(sim.repository(repositoryName ?? '').images.has(imageDigest ?? '')).toBe(true);
      expect(text).toContain(`/${repositoryName}@${imageDigest}`);
    }
  });
});
