import { applyDeletions, type DeletionRequest } from '../../../shared/cleanup/apply-deletions';
import type { ImageDeleteResult } from '../../../shared/cleanup/cleanup-ports';

/** A BatchDeleteImage stand-in: refuses what `refuse` says for a digest (in a given call), deletes the rest. */
function fakeEcr(refuse: (digest: string, call: number) => string | undefined = () => undefined) {
  const calls: string[][] = [];
  const deleteBatch = async (digests: string[]): Promise<ImageDeleteResult> => {
    calls.push([...digests]);
    const result: ImageDeleteResult = { deleted: [], failures: [] };
    for (const digest of digests) {
      const code = refuse(digest, calls.length);
      if (code === undefined) result.deleted.push(digest);
      else
        result.failures.push({ imageDigest: digest, failureCode: code, failureReason: `refused: ${code}` });
    }
    return result;
  };
  return { calls, deleteBatch };
}

const request = (imageDigest: string, dependsOn: string[] = [], bytes = 10): DeletionRequest => ({
  imageDigest,
  bytes,
  dependsOn,
});

describe('applyDeletions', () => {
  it('sends n deletions in ceil(n/100) calls, in the order given', async () => {
    const ecr = fakeEcr();
    const requests = Array.from({ length: 250 }, (_, n) => request(`d${n}`));

    const outcome = await applyDeletions(requests, ecr.deleteBatch);

    expect(ecr.calls.map((call) => call.length)).toEqual([100, 100, 50]);
    expect(ecr.calls.flat()).toEqual(requests.map((r) => r.imageDigest));
    expect(outcome).toMatchObject({ calls: 3, bytesDeleted: 2500, failures: [], skipped: [] });
  });

  it('records each call before sending it, and sends nothing past a record that fails', async () => {
    const ecr = fakeEcr();
    const requests = Array.from({ length: 250 }, (_, n) => request(`d${n}`));
    const recorded: { sending: number; deletedBefore: number }[] = [];

    const run = applyDeletions(requests, ecr.deleteBatch, {
      beforeCall: async (batch, sofar) => {
        if (recorded.length === 2) throw new Error('ThrottlingException');
        recorded.push({ sending: batch.length, deletedBefore: sofar.deleted.length });
      },
    });

    await expect(run).rejects.toThrow('ThrottlingException');
    expect(recorded).toEqual([
      { sending: 100, deletedBefore: 0 },
      { sending: 100, deletedBefore: 100 },
    ]);
    expect(ecr.calls.map((call) => call.length)).toEqual([100, 100]);
  });

  it('counts ImageNotFound as done and never sends that image again', async () => {
    const ecr = fakeEcr((digest) => (digest === 'gone' ? 'ImageNotFound' : undefined));

    const outcome = await applyDeletions([request('gone'), request('here')], ecr.deleteBatch);

    expect(outcome.alreadyGone).toEqual(['gone']);
    expect(outcome.deleted).toEqual(['here']);
    expect(ecr.calls).toEqual([['gone', 'here']]);
  });

  it('retries a child refused because its index was still there, once the index is gone', async () => {
    // ECR checked the child before it removed the index of the same call.
    const ecr = fakeEcr((digest, call) =>
      digest === 'child' && call === 1 ? 'ImageReferencedByManifestList' : undefined,
    );

    const outcome = await applyDeletions([request('index'), request('child', ['index'])], ecr.deleteBatch);

    expect(ecr.calls).toEqual([['index', 'child'], ['child']]);
    expect(outcome.deleted).toEqual(['index', 'child']);
    expect(outcome.failures).toEqual([]);
  });

  it('reports a child that an index outside the plan keeps listing, after the retries', async () => {
    const ecr = fakeEcr((digest) => (digest === 'child' ? 'ImageReferencedByManifestList' : undefined));

    const outcome = await applyDeletions([request('other'), request('child')], ecr.deleteBatch);

    expect(outcome.deleted).toEqual(['other']);
    expect(outcome.failures).toEqual([
      {
        imageDigest: 'child',
        failureCode: 'ImageReferencedByManifestList',
        failureReason: expect.any(String),
      },
    ]);
    expect(ecr.calls).toEqual([['other', 'child'], ['child']]);
  });

  it('does not send the children and referrers of an image whose deletion failed', async () => {
    const ecr = fakeEcr((digest) => (digest === 'index' ? 'KmsError' : undefined));
    const requests = [
      request('index'),
      ...Array.from({ length: 99 }, (_, n) => request(`filler-${n}`)),
      request('child', ['index']),
      request('signature', ['index']),
    ];

    const outcome = await applyDeletions(requests, ecr.deleteBatch);

    expect(outcome.failures.map((failure) => failure.imageDigest)).toEqual(['index']);
    expect(outcome.skipped).toEqual([
      { imageDigest: 'child', dependsOn: 'index' },
      { imageDigest: 'signature', dependsOn: 'index' },
    ]);
    expect(ecr.calls.flat()).not.toContain('child');
    expect(outcome.calls).toBe(1);
  });

  it('records the progress after every call', async () => {
    const ecr = fakeEcr();
    const progress: number[] = [];

    await applyDeletions(
      Array.from({ length: 150 }, (_, n) => request(`d${n}`)),
      ecr.deleteBatch,
      { afterCall: async (sofar) => void progress.push(sofar.deleted.length) },
    );

    expect(progress).toEqual([100, 150]);
  });

  it('reports an image ECR said nothing about', async () => {
    const outcome = await applyDeletions([request('silent')], async () => ({ deleted: [], failures: [] }));

    expect(outcome.failures).toEqual([
      { imageDigest: 'silent', failureCode: 'NoResult', failureReason: expect.any(String) },
    ]);
  });
});
