import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ImageAlreadyExistsException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  ListImagesCommand,
  PutImageCommand,
  paginateDescribeImages,
  paginateListImages,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { generateImages } from '../../../local/registry-sim/data/generators';
import { imageIndex, imageManifest } from '../../../local/registry-sim/data/manifests';
import type { RegistrySimulator } from '../../../local/registry-sim/simulator';
import { failure, useRegistrySimulator } from '../../support/registry-simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;
const ecr = new ECRClient({ region: 'us-east-1' });

useRegistrySimulator((installed) => ({ sim, env } = installed));

const pushManifest = (repositoryName: string, seed: string, tag?: string) =>
  ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: imageManifest({ seed }).manifest,
      ...(tag === undefined ? {} : { imageTag: tag }),
    }),
  );

describe('DescribeImages through the real ECRClient', () => {
  it('pages 250 images in exactly 3 calls of at most 100 and returns Dates', async () => {
    generateImages(sim, { repositoryName: 'team/app', count: 250 });

    const pages = [];
    for await (const page of paginateDescribeImages(
      { client: ecr, pageSize: 100 },
      { repositoryName: 'team/app' },
    )) {
      pages.push(page.imageDetails ?? []);
    }

    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    expect(new Set(pages.flat().map((d) => d.imageDigest)).size).toBe(250);
    expect(pages[0]?.[0]?.imagePushedAt).toBeInstanceOf(Date);
    expect(env.calls.count('DescribeImages')).toBe(3);
  });

  it.each([0, 1001])('rejects maxResults %i with InvalidParameterException', async (maxResults) => {
    sim.addRepository('team/app');

    const error = await failure(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app', maxResults })),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.name).toBe('InvalidParameterException');
  });

  it('rejects imageIds combined with maxResults or nextToken', async () => {
    sim.addRepository('team/app');
    await pushManifest('team/app', 'a', 'v1');

    const withMax = await failure(
      ecr.send(
        new DescribeImagesCommand({
          repositoryName: 'team/app',
          imageIds: [{ imageTag: 'v1' }],
          maxResults: 10,
        }),
      ),
    );
    const withToken = await failure(
      ecr.send(
        new DescribeImagesCommand({
          repositoryName: 'team/app',
          imageIds: [{ imageTag: 'v1' }],
          nextToken: 'x',
        }),
      ),
    );

    expect(withMax).toBeInstanceOf(InvalidParameterException);
    expect(withToken).toBeInstanceOf(InvalidParameterException);
  });

  it('fails with ImageNotFoundException when an image id names no image', async () => {
    sim.addRepository('team/app');
    await pushManifest('team/app', 'a', 'v1');

    const error = await failure(
      ecr.send(
        new DescribeImagesCommand({
          repositoryName: 'team/app',
          imageIds: [{ imageTag: 'v1' }, { imageTag: 'gone' }],
        }),
      ),
    );

    expect(error).toBeInstanceOf(ImageNotFoundException);
  });

  it('shows only ACTIVE images by default, archived ones with imageStatus ARCHIVED or ANY', async () => {
    sim.addRepository('team/app');
    await pushManifest('team/app', 'active', 'v2');
    await pushManifest('team/app', 'old', 'v1');
    sim.repository('team/app').updateStorageClass({ imageTag: 'v1' }, 'ARCHIVE', sim.clock.nowMs());

    const byDefault = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));
    const archived = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'team/app', filter: { imageStatus: 'ARCHIVED' } }),
    );
    const any = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'team/app', filter: { imageStatus: 'ANY' } }),
    );

    expect(byDefault.imageDetails?.map((d) => d.imageTags)).toEqual([['v2']]);
    expect(archived.imageDetails?.map((d) => [d.imageTags, d.imageStatus])).toEqual([[['v1'], 'ARCHIVED']]);
    expect(any.imageDetails).toHaveLength(2);
  });

  it('filters by tag status and leaves imageTags out for untagged images', async () => {
    sim.addRepository('team/app');
    await pushManifest('team/app', 'tagged', 'v1');
    await pushManifest('team/app', 'untagged');

    const untagged = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'team/app', filter: { tagStatus: 'UNTAGGED' } }),
    );

    expect(untagged.imageDetails).toHaveLength(1);
    expect(untagged.imageDetails?.[0]).not.toHaveProperty('imageTags');
  });

  it('fails with RepositoryNotFoundException for an unknown repository', async () => {
    const error = await failure(ecr.send(new DescribeImagesCommand({ repositoryName: 'nope/nope' })));

    expect(error).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('DescribeRepositories and ListImages', () => {
  it('describes named repositories and fails on an unknown name', async () => {
    sim.addRepository('team/a', { imageTagMutability: 'IMMUTABLE', encryptionType: 'KMS' });

    const found = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/a'] }));
    const error = await failure(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/a', 'team/b'] })),
    );

    expect(found.repositories?.[0]).toMatchObject({
      repositoryName: 'team/a',
      repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/a',
      imageTagMutability: 'IMMUTABLE',
      encryptionConfiguration: {
        encryptionType: 'KMS',
        kmsKey: 'arn:aws:kms:us-east-1:123456789012:alias/aws/ecr',
      },
    });
    expect(found.repositories?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
  });

  it('lists one entry per tag and one per untagged image, paged', async () => {
    sim.addRepository('team/app');
    await pushManifest('team/app', 'a', 'v1');
    await pushManifest('team/app', 'a', 'latest');
    await pushManifest('team/app', 'b');

    const ids = [];
    for await (const page of paginateListImages(
      { client: ecr, pageSize: 2 },
      { repositoryName: 'team/app' },
    )) {
      ids.push(...(page.imageIds ?? []));
    }

    expect(ids.map((id) => id.imageTag ?? '(untagged)')).toEqual(['v1', 'latest', '(untagged)']);
    expect(env.calls.count('ListImages')).toBe(2);
  });
});

describe('PutImage tag moves', () => {
  it('moves a tag in a MUTABLE repository and leaves the previous image untagged', async () => {
    sim.addRepository('team/app');
    const first = await pushManifest('team/app', 'one', 'latest');

    await pushManifest('team/app', 'two', 'latest');
    const previous = await ecr.send(
      new DescribeImagesCommand({
        repositoryName: 'team/app',
        imageIds: [{ imageDigest: first.image?.imageId?.imageDigest }],
      }),
    );

    expect(previous.imageDetails?.[0]?.imageTags).toBeUndefined();
  });

  it('refuses to move a tag in an IMMUTABLE repository', async () => {
    sim.addRepository('team/app', { imageTagMutability: 'IMMUTABLE' });
    await pushManifest('team/app', 'one', 'v1');

    const error = await failure(pushManifest('team/app', 'two', 'v1'));

    expect(error).toBeInstanceOf(ImageTagAlreadyExistsException);
  });

  it('moves only the excluded tags in an IMMUTABLE_WITH_EXCLUSION repository', async () => {
    sim.addRepository('team/app', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
    });
    await pushManifest('team/app', 'one', 'latest');
    await pushManifest('team/app', 'one', 'v1');

    await pushManifest('team/app', 'two', 'latest');
    const error = await failure(pushManifest('team/app', 'two', 'v1'));

    expect(error).toBeInstanceOf(ImageTagAlreadyExistsException);
  });

  it('refuses the same manifest with the same tag (ImageAlreadyExistsException)', async () => {
    sim.addRepository('team/app');
    await pushManifest('team/app', 'one', 'v1');

    const error = await failure(pushManifest('team/app', 'one', 'v1'));

    expect(error).toBeInstanceOf(ImageAlreadyExistsException);
  });
});

describe('BatchGetImage and BatchDeleteImage', () => {
  it('returns manifests, reports unknown ids as failures, and records the pull time', async () => {
    sim.addRepository('team/app');
    const pushed = await pushManifest('team/app', 'a', 'v1');
    sim.clock.advance({ days: 1 });

    const result = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'team/app',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'v9' }],
      }),
    );
    const detail = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));

    expect(result.images?.[0]).toMatchObject({
      imageId: { imageDigest: pushed.image?.imageId?.imageDigest, imageTag: 'v1' },
      imageManifest: pushed.image?.imageManifest,
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(result.failures).toEqual([
      {
        imageId: { imageTag: 'v9' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);
    expect(detail.imageDetails?.[0]?.lastRecordedPullTime).toEqual(sim.clock.now());
  });

  it('fails BatchDeleteImage as a whole for 101 ids', async () => {
    sim.addRepository('team/app');
    const ids = Array.from({ length: 101 }, (_, n) => ({ imageTag: `t${n}` }));

    const error = await failure(
      ecr.send(new BatchDeleteImageCommand({ repositoryName: 'team/app', imageIds: ids })),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(env.calls.count('BatchDeleteImage', { outcome: 'InvalidParameterException' })).toBe(1);
  });

  it('deletes what it can and reports the rest, without throwing', async () => {
    sim.addRepository('team/app');
    const kept = await pushManifest('team/app', 'kept', 'v1');
    await pushManifest('team/app', 'kept', 'latest');
    const gone = await pushManifest('team/app', 'gone', 'v2');

    const result = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'team/app',
        imageIds: [{ imageTag: 'latest' }, { imageTag: 'v2' }, { imageTag: 'never-pushed' }],
      }),
    );
    const left = await ecr.send(new ListImagesCommand({ repositoryName: 'team/app' }));

    expect(result.imageIds).toEqual([
      { imageDigest: kept.image?.imageId?.imageDigest, imageTag: 'latest' },
      { imageDigest: gone.image?.imageId?.imageDigest, imageTag: 'v2' },
    ]);
    expect(result.failures?.map((f) => [f.imageId?.imageTag, f.failureCode])).toEqual([
      ['never-pushed', 'ImageNotFound'],
    ]);
    expect(left.imageIds).toEqual([{ imageDigest: kept.image?.imageId?.imageDigest, imageTag: 'v1' }]);
  });

  it('refuses to delete a child of an index that stays (ImageReferencedByManifestList)', async () => {
    sim.addRepository('team/app');
    const amd64 = imageManifest({ seed: 'amd64' });
    const arm64 = imageManifest({ seed: 'arm64' });
    const index = imageIndex({
      entries: [
        { image: amd64, platform: { architecture: 'amd64', os: 'linux' } },
        { image: arm64, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    sim.pushImage({ repositoryName: 'team/app', manifest: amd64 });
    sim.pushImage({ repositoryName: 'team/app', manifest: arm64 });
    sim.pushImage({ repositoryName: 'team/app', manifest: index, tags: ['v1'] });

    const result = await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'team/app', imageIds: [{ imageDigest: amd64.digest }] }),
    );

    expect(result.imageIds).toEqual([]);
    expect(result.failures).toEqual([
      expect.objectContaining({
        imageId: { imageDigest: amd64.digest },
        failureCode: 'ImageReferencedByManifestList',
      }),
    ]);
  });
});
