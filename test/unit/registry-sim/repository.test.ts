import { imageIndex, imageManifest } from '../../../local/registry-sim/data/manifests';
import { manifestDigest } from '../../../local/registry-sim/model/manifest';
import { RepositoryState } from '../../../local/registry-sim/model/repository';
import { SimulatedServiceError } from '../../../local/registry-sim/model/simulated-error';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const QUOTA = 100_000;

function newRepository(settings: ConstructorParameters<typeof RepositoryState>[4] = {}) {
  return new RepositoryState('123456789012', 'us-east-1', 'team/app', NOW, settings);
}

/** A repository holding an image and an index tagged v1 that lists it as its only child. */
function repositoryWithIndexedChild() {
  const repository = newRepository();
  const child = imageManifest({ seed: 'child' });
  const index = imageIndex({
    entries: [{ image: child, platform: { architecture: 'amd64', os: 'linux' } }],
  });
  repository.putImage({ manifest: child.manifest, now: NOW, maxImages: QUOTA });
  repository.putImage({ manifest: index.manifest, tag: 'v1', now: NOW, maxImages: QUOTA });
  return { repository, child };
}

function put(repository: RepositoryState, seed: string, tag?: string) {
  const built = imageManifest({ seed });
  return repository.putImage({ manifest: built.manifest, tag, now: NOW, maxImages: QUOTA });
}

function errorCode(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedServiceError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('RepositoryState.putImage', () => {
  it('stores a manifest under the sha256 of its exact text, sized by its layers', () => {
    const repository = newRepository();
    const built = imageManifest({ seed: 'a', layers: [100, 20, 3] });

    const result = repository.putImage({ manifest: built.manifest, tag: 'v1', now: NOW, maxImages: QUOTA });

    expect(result.image.digest).toBe(manifestDigest(built.manifest));
    expect(result.image.sizeBytes).toBe(123);
    expect(result.image.tags).toEqual(['v1']);
    expect(result.created).toBe(true);
  });

  it('moves a tag to the new image in a MUTABLE repository; the old image keeps its other tags', () => {
    const repository = newRepository();
    const old = put(repository, 'old', 'latest').image;
    repository.putImage({ manifest: old.manifest, tag: 'v1', now: NOW, maxImages: QUOTA });

    const moved = put(repository, 'new', 'latest');

    expect(moved.tagMovedFrom).toBe(old.digest);
    expect(repository.digestForTag('latest')).toBe(moved.image.digest);
    expect(repository.images.get(old.digest)?.tags).toEqual(['v1']);
  });

  it('leaves the old image untagged when its only tag moves', () => {
    const repository = newRepository();
    const old = put(repository, 'old', 'latest').image;

    put(repository, 'new', 'latest');

    expect(repository.images.get(old.digest)?.tags).toEqual([]);
  });

  it.each([
    ['IMMUTABLE', undefined, 'v1', 'ImageTagAlreadyExistsException'],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest'], 'v1', 'ImageTagAlreadyExistsException'],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest'], 'latest', 'no error'],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'v1', 'ImageTagAlreadyExistsException'],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'latest', 'no error'],
  ])('in a %s repository (exclusions %p), moving tag %s gives %s', (mutability, filters, tag, expected) => {
    const repository = newRepository({
      imageTagMutability: mutability,
      imageTagMutabilityExclusionFilters: filters?.map((filter) => ({ filterType: 'WILDCARD', filter })),
    });
    put(repository, 'first', tag);

    expect(errorCode(() => put(repository, 'second', tag))).toBe(expected);
  });

  it('refuses to push the same manifest with the same tag again (ImageAlreadyExistsException)', () => {
    const repository = newRepository();
    put(repository, 'a', 'v1');

    expect(errorCode(() => put(repository, 'a', 'v1'))).toBe('ImageAlreadyExistsException');
    expect(errorCode(() => put(repository, 'a'))).toBe('ImageAlreadyExistsException');
  });

  it('adds a new tag to an existing manifest without creating an image', () => {
    const repository = newRepository({ imageTagMutability: 'IMMUTABLE' });
    const first = put(repository, 'a', 'v1');

    const retag = put(repository, 'a', 'stable');

    expect(retag.created).toBe(false);
    expect(repository.images.size).toBe(1);
    expect(first.image.tags).toEqual(['v1', 'stable']);
  });

  it('refuses a digest that is not the manifest digest, and a manifest that is not JSON', () => {
    const repository = newRepository();
    const built = imageManifest({ seed: 'a' });
    const wrongDigest = `sha256:${'0'.repeat(64)}`;

    expect(
      errorCode(() =>
        repository.putImage({ manifest: built.manifest, digest: wrongDigest, now: NOW, maxImages: QUOTA }),
      ),
    ).toBe('ImageDigestDoesNotMatchException');
    expect(errorCode(() => repository.putImage({ manifest: '{nope', now: NOW, maxImages: QUOTA }))).toBe(
      'InvalidParameterException',
    );
  });

  it('refuses an index whose children are not in the repository, and sizes an index by its largest child', () => {
    const repository = newRepository();
    const small = imageManifest({ seed: 'small', layers: [10] });
    const large = imageManifest({ seed: 'large', layers: [99] });
    const index = imageIndex({
      entries: [
        { image: small, platform: { architecture: 'amd64', os: 'linux' } },
        { image: large, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });

    expect(
      errorCode(() => repository.putImage({ manifest: index.manifest, now: NOW, maxImages: QUOTA })),
    ).toBe('ReferencedImagesNotFoundException');
    repository.putImage({ manifest: small.manifest, now: NOW, maxImages: QUOTA });
    repository.putImage({ manifest: large.manifest, now: NOW, maxImages: QUOTA });
    const pushed = repository.putImage({ manifest: index.manifest, tag: 'v1', now: NOW, maxImages: QUOTA });

    expect(pushed.image.sizeBytes).toBe(99);
    expect(repository.indexesReferencing(small.digest)).toEqual([index.digest]);
  });

  it('refuses a new image beyond the repository quota (LimitExceededException)', () => {
    const repository = newRepository();
    repository.putImage({ manifest: imageManifest({ seed: 'a' }).manifest, now: NOW, maxImages: 1 });

    expect(
      errorCode(() =>
        repository.putImage({ manifest: imageManifest({ seed: 'b' }).manifest, now: NOW, maxImages: 1 }),
      ),
    ).toBe('LimitExceededException');
  });
});

describe('RepositoryState.deleteImages', () => {
  it('removes only the tag when the image has others, and the image with its last tag', () => {
    const repository = newRepository();
    const image = put(repository, 'a', 'v1').image;
    put(repository, 'a', 'latest');

    const first = repository.deleteImages([{ imageTag: 'latest' }]);
    const second = repository.deleteImages([{ imageTag: 'v1' }]);

    expect(first.deleted).toEqual([{ imageDigest: image.digest, imageTag: 'latest' }]);
    expect(repository.images.has(image.digest)).toBe(false);
    expect(second.deleted).toEqual([{ imageDigest: image.digest, imageTag: 'v1' }]);
  });

  it('deletes an image by digest with all its tags', () => {
    const repository = newRepository();
    const image = put(repository, 'a', 'v1').image;
    put(repository, 'a', 'latest');

    const result = repository.deleteImages([{ imageDigest: image.digest }]);

    expect(result.deleted).toEqual([
      { imageDigest: image.digest, imageTag: 'v1' },
      { imageDigest: image.digest, imageTag: 'latest' },
    ]);
    expect(repository.digestForTag('latest')).toBeUndefined();
  });

  it('reports unknown, malformed and incomplete ids as failures without failing the others', () => {
    const repository = newRepository();
    const image = put(repository, 'a', 'v1').image;

    const result = repository.deleteImages([
      { imageTag: 'nope' },
      { imageDigest: 'sha256:xyz' },
      {},
      { imageDigest: image.digest, imageTag: 'other' },
      { imageDigest: image.digest },
    ]);

    expect(result.failures.map((f) => f.failureCode)).toEqual([
      'ImageNotFound',
      'InvalidImageDigest',
      'MissingDigestAndTag',
      'ImageTagDoesNotMatchDigest',
    ]);
    expect(result.deleted).toEqual([{ imageDigest: image.digest, imageTag: 'v1' }]);
  });

  it('keeps a child an index still lists (ImageReferencedByManifestList) unless the same call deletes the index', () => {
    const { repository, child } = repositoryWithIndexedChild();

    const alone = repository.deleteImages([{ imageDigest: child.digest }]);
    const together = repository.deleteImages([{ imageDigest: child.digest }, { imageTag: 'v1' }]);

    expect(alone.failures).toEqual([
      expect.objectContaining({
        imageId: { imageDigest: child.digest },
        failureCode: 'ImageReferencedByManifestList',
      }),
    ]);
    expect(together.failures).toEqual([]);
    expect(repository.images.size).toBe(0);
  });

  it.each([0, 101])('fails the whole call for %i ids', (count) => {
    const repository = newRepository();
    const ids = Array.from({ length: count }, (_, n) => ({ imageTag: `t${n}` }));

    expect(errorCode(() => repository.deleteImages(ids))).toBe('InvalidParameterException');
  });
});

describe('RepositoryState.updateStorageClass', () => {
  it('archives an active image, restores it through ACTIVATING, and completes the restore later', () => {
    const repository = newRepository();
    const image = put(repository, 'a', 'v1').image;

    repository.updateStorageClass({ imageTag: 'v1' }, 'ARCHIVE', NOW + 1);
    const archived = image.status;
    repository.updateStorageClass({ imageTag: 'v1' }, 'STANDARD', NOW + 2);
    const restoring = image.status;
    repository.completeRestores(NOW + 3);

    expect([archived, restoring, image.status]).toEqual(['ARCHIVED', 'ACTIVATING', 'ACTIVE']);
    expect([image.lastArchivedAt, image.lastActivatedAt]).toEqual([NOW + 1, NOW + 3]);
  });

  it('will not archive an image that an active index lists', () => {
    const { repository, child } = repositoryWithIndexedChild();

    expect(
      errorCode(() => repository.updateStorageClass({ imageDigest: child.digest }, 'ARCHIVE', NOW)),
    ).toBe('ImageStorageClassUpdateNotSupportedException');
  });
});
