import {
  BatchGetRepositoryScanningConfigurationCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  ListImageReferrersCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  paginateDescribeImageScanFindings,
  RepositoryAlreadyExistsException,
  RepositoryNotEmptyException,
  RepositoryPolicyNotFoundException,
  ScanNotFoundException,
  SetRepositoryPolicyCommand,
  UpdateImageStorageClassCommand,
} from '@aws-sdk/client-ecr';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { cosignSignature, imageManifest, sbomReferrer } from '../../../local/registry-sim/data/manifests';
import type { BasicFinding } from '../../../local/registry-sim/model/scan';
import type { RegistrySimulator } from '../../../local/registry-sim/simulator';
import { failure, useRegistrySimulator } from '../../support/registry-simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;
const ecr = new ECRClient({ region: 'us-east-1' });

useRegistrySimulator((installed) => ({ sim, env } = installed));

const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'Expire untagged images after 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
});

describe('repositories', () => {
  it('creates a repository once and deletes a non-empty one only with force', async () => {
    await ecr.send(
      new CreateRepositoryCommand({ repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE' }),
    );
    sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: 'a' }), tags: ['v1'] });

    const again = await failure(ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/app' })));
    const notEmpty = await failure(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/app' })));
    const forced = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/app', force: true }));

    expect(again).toBeInstanceOf(RepositoryAlreadyExistsException);
    expect(notEmpty).toBeInstanceOf(RepositoryNotEmptyException);
    expect(forced.repository?.imageTagMutability).toBe('IMMUTABLE');
  });

  it('sets tag mutability with exclusion filters and refuses filters ECR refuses', async () => {
    sim.addRepository('team/app');

    const set = await ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: 'team/app',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
      }),
    );
    const threeWildcards = await failure(
      ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'team/app',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: '*a*b*' }],
        }),
      ),
    );

    expect(set.imageTagMutabilityExclusionFilters).toEqual([{ filterType: 'WILDCARD', filter: 'dev-*' }]);
    expect(threeWildcards).toBeInstanceOf(InvalidParameterException);
    expect(sim.repository('team/app').imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
  });
});

describe('lifecycle and repository policies', () => {
  it('round-trips a lifecycle policy and reports a missing one with LifecyclePolicyNotFoundException', async () => {
    sim.addRepository('team/app');

    await ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: 'team/app', lifecyclePolicyText: POLICY }),
    );
    const read = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/app' }));
    const deleted = await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'team/app' }));
    const missing = await failure(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/app' })));
    const deleteMissing = await failure(
      ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'team/app' })),
    );

    expect(read.lifecyclePolicyText).toBe(POLICY);
    expect(deleted.lifecyclePolicyText).toBe(POLICY);
    expect(missing).toBeInstanceOf(LifecyclePolicyNotFoundException);
    expect(deleteMissing).toBeInstanceOf(LifecyclePolicyNotFoundException);
  });

  it('refuses a lifecycle policy ECR would refuse', async () => {
    sim.addRepository('team/app');
    const tooShort = '{"rules":[]}';

    const error = await failure(
      ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'team/app', lifecyclePolicyText: tooShort })),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('round-trips a repository policy and reports a missing one with RepositoryPolicyNotFoundException', async () => {
    sim.addRepository('team/app');
    const policyText = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }],
    });

    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'team/app', policyText }));
    const read = await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'team/app' }));
    await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'team/app' }));
    const missing = await failure(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'team/app' })));
    const invalid = await failure(
      ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'team/app', policyText: 'not json' })),
    );

    expect(read.policyText).toBe(policyText);
    expect(missing).toBeInstanceOf(RepositoryPolicyNotFoundException);
    expect(invalid).toBeInstanceOf(InvalidParameterException);
  });
});

describe('scanning', () => {
  const finding = (n: number): BasicFinding => ({
    name: `CVE-2026-${1000 + n}`,
    severity: n % 2 === 0 ? 'HIGH' : 'LOW',
    attributes: [{ key: 'package_name', value: 'openssl' }],
  });

  it('pages scan findings with maxResults and counts them by severity', async () => {
    sim.addRepository('team/app');
    sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: 'a' }), tags: ['v1'] });
    sim.setScan(
      'team/app',
      { imageTag: 'v1' },
      {
        status: 'COMPLETE',
        completedAt: '2026-10-31T00:00:00Z',
        findings: Array.from({ length: 25 }, (_, n) => finding(n)),
      },
    );

    const pages = [];
    for await (const page of paginateDescribeImageScanFindings(
      { client: ecr, pageSize: 10 },
      { repositoryName: 'team/app', imageId: { imageTag: 'v1' } },
    )) {
      pages.push(page);
    }

    expect(pages.map((page) => page.imageScanFindings?.findings?.length)).toEqual([10, 10, 5]);
    expect(pages[0]?.imageScanFindings?.findingSeverityCounts).toEqual({ HIGH: 13, LOW: 12 });
    expect(pages[0]?.imageScanStatus?.status).toBe('COMPLETE');
    expect(pages[0]?.imageScanFindings?.imageScanCompletedAt).toEqual(new Date('2026-10-31T00:00:00Z'));
  });

  it('fails with ScanNotFoundException for an image never scanned', async () => {
    sim.addRepository('team/app');
    sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: 'a' }), tags: ['v1'] });

    const error = await failure(
      ecr.send(
        new DescribeImageScanFindingsCommand({ repositoryName: 'team/app', imageId: { imageTag: 'v1' } }),
      ),
    );

    expect(error).toBeInstanceOf(ScanNotFoundException);
  });

  it('rejects DescribeImageScanFindings maxResults above 1000', async () => {
    sim.addRepository('team/app');
    sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: 'a' }), tags: ['v1'] });
    sim.setScan(
      'team/app',
      { imageTag: 'v1' },
      { status: 'COMPLETE', completedAt: '2026-10-31T00:00:00Z', findings: [] },
    );

    const error = await failure(
      ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName: 'team/app',
          imageId: { imageTag: 'v1' },
          maxResults: 1001,
        }),
      ),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('reports the scanning each repository gets from the registry rules', async () => {
    sim.addRepository('prod/api');
    sim.addRepository('dev/api');

    await ecr.send(
      new PutRegistryScanningConfigurationCommand({
        scanType: 'ENHANCED',
        rules: [
          {
            scanFrequency: 'CONTINUOUS_SCAN',
            repositoryFilters: [{ filter: 'prod/*', filterType: 'WILDCARD' }],
          },
        ],
      }),
    );
    const registry = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
    const repositories = await ecr.send(
      new BatchGetRepositoryScanningConfigurationCommand({
        repositoryNames: ['prod/api', 'dev/api', 'ghost/api'],
      }),
    );

    expect(registry.scanningConfiguration?.scanType).toBe('ENHANCED');
    expect(repositories.scanningConfigurations?.map((c) => [c.repositoryName, c.scanFrequency])).toEqual([
      ['prod/api', 'CONTINUOUS_SCAN'],
      ['dev/api', 'MANUAL'],
    ]);
    expect(repositories.failures).toEqual([
      {
        repositoryName: 'ghost/api',
        failureCode: 'REPOSITORY_NOT_FOUND',
        failureReason: 'REPOSITORY_NOT_FOUND',
      },
    ]);
  });
});

describe('archive and referrers', () => {
  it('archives an image and starts its restore with UpdateImageStorageClass', async () => {
    sim.addRepository('team/app');
    sim.pushImage({ repositoryName: 'team/app', manifest: imageManifest({ seed: 'a' }), tags: ['v1'] });

    const archived = await ecr.send(
      new UpdateImageStorageClassCommand({
        repositoryName: 'team/app',
        imageId: { imageTag: 'v1' },
        targetStorageClass: 'ARCHIVE',
      }),
    );
    const restoring = await ecr.send(
      new UpdateImageStorageClassCommand({
        repositoryName: 'team/app',
        imageId: { imageTag: 'v1' },
        targetStorageClass: 'STANDARD',
      }),
    );
    const active = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));

    expect([archived.imageStatus, restoring.imageStatus]).toEqual(['ARCHIVED', 'ACTIVATING']);
    expect(active.imageDetails).toEqual([]);
  });

  it('lists the signature and the SBOM that refer to an image, and reports their subject in DescribeImages', async () => {
    sim.addRepository('team/app');
    const subject = imageManifest({ seed: 'a' });
    sim.pushImage({ repositoryName: 'team/app', manifest: subject, tags: ['v1'] });
    const signature = cosignSignature(subject, '2026-10-01T00:00:00Z');
    const sbom = sbomReferrer(subject, '2026-10-01T00:00:00Z');
    sim.pushImage({ repositoryName: 'team/app', manifest: signature });
    sim.pushImage({ repositoryName: 'team/app', manifest: sbom });

    const referrers = await ecr.send(
      new ListImageReferrersCommand({
        repositoryName: 'team/app',
        subjectId: { imageDigest: subject.digest },
      }),
    );
    const detail = await ecr.send(
      new DescribeImagesCommand({
        repositoryName: 'team/app',
        imageIds: [{ imageDigest: signature.digest }],
      }),
    );

    expect(referrers.referrers?.map((r) => r.artifactType)).toEqual([
      'application/vnd.dev.cosign.artifact.sig.v1+json',
      'application/spdx+json',
    ]);
    expect(detail.imageDetails?.[0]).toMatchObject({
      subjectManifestDigest: subject.digest,
      artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    });
  });
});
