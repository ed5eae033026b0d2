import { applyTransitions, type TransitionRequest } from '../../../shared/cleanup/apply-transitions';
import type { ImageArchiveResult } from '../../../shared/cleanup/cleanup-ports';

/** An UpdateImageStorageClass stand-in: refuses a child while an index listing it is active, as ECR does. */
function fakeEcr(lists: Record<string, string[]>, archived = new Set<string>()) {
  const calls: string[] = [];
  const archiveImage = async (digest: string): Promise<ImageArchiveResult> => {
    calls.push(digest);
    const activeIndex = Object.entries(lists).find(
      ([index, children]) => children.includes(digest) && !archived.has(index),
    );
    if (activeIndex !== undefined) {
      return {
        archived: false,
        failureCode: 'ImageStorageClassUpdateNotSupportedException',
        failureReason: 'referenced by an active manifest list',
      };
    }
    archived.add(digest);
    return { archived: true, imageStatus: 'ARCHIVED' };
  };
  return { calls, archiveImage };
}

const request = (imageDigest: string, listedBy: string[] = [], bytes = 10): TransitionRequest => ({
  imageDigest,
  bytes,
  listedBy,
});

describe('applyTransitions', () => {
  it('archives an index before the images it lists, whatever the order given', async () => {
    const ecr = fakeEcr({ index: ['amd64', 'arm64'] });

    const outcome = await applyTransitions(
      [request('amd64', ['index']), request('arm64', ['index']), request('index', [], 0)],
      ecr.archiveImage,
      { archivedBefore: new Set() },
    );

    expect(ecr.calls).toEqual(['index', 'amd64', 'arm64']);
    expect(outcome).toMatchObject({ archived: ['index', 'amd64', 'arm64'], bytesArchived: 20, failures: [] });
  });

  it('does not send an image whose index stays in standard storage, and names that index', async () => {
    const ecr = fakeEcr({ kept: ['child'] });

    const outcome = await applyTransitions([request('child', ['kept']), request('plain')], ecr.archiveImage, {
      archivedBefore: new Set(),
    });

    expect(ecr.calls).toEqual(['plain']);
    expect(outcome.skipped).toEqual([{ imageDigest: 'child', dependsOn: 'kept' }]);
  });

  it('sends a listed image whose index was archived before the run', async () => {
    const ecr = fakeEcr({ old: ['child'] }, new Set(['old']));

    const outcome = await applyTransitions([request('child', ['old'])], ecr.archiveImage, {
      archivedBefore: new Set(['old']),
    });

    expect(outcome.archived).toEqual(['child']);
  });

  it('reports what ECR refuses and goes on with the rest', async () => {
    const ecr = fakeEcr({});
    const refusing = async (digest: string): Promise<ImageArchiveResult> =>
      digest === 'gone'
        ? { archived: false, failureCode: 'ImageNotFoundException', failureReason: 'gone' }
        : ecr.archiveImage(digest);

    const outcome = await applyTransitions([request('gone'), request('kept')], refusing, {
      archivedBefore: new Set(),
    });

    expect(outcome.failures).toEqual([
      { imageDigest: 'gone', failureCode: 'ImageNotFoundException', failureReason: 'gone' },
    ]);
    expect(outcome.archived).toEqual(['kept']);
  });

  it('sends nothing in a dry run and counts what a real run would archive', async () => {
    const outcome = await applyTransitions([request('a'), request('b', ['active-index'])], undefined, {
      archivedBefore: new Set(),
    });

    expect(outcome).toMatchObject({ archived: ['a'], calls: 0, skipped: [{ imageDigest: 'b' }] });
  });
});
