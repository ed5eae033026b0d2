import { AccessDeniedException } from '@aws-sdk/client-ecs';
import type { ImageUse } from '../../../shared/cleanup/workload-images';
import {
  describeSourceFailure,
  type InUseSource,
  InUseSourceError,
  readInUsePicture,
} from '../../../shared/inuse/in-use-picture';

function use(repositoryName: string, tag: string): ImageUse {
  return {
    reference: { registryId: '123456789012', region: 'us-east-1', repositoryName, tag },
    reason: { kind: 'in-use-lambda', functionName: `${repositoryName}-fn`, qualifier: '$LATEST' },
  };
}

function source(name: string, read: InUseSource['read']): InUseSource {
  return { name, read };
}

function accessDenied(): AccessDeniedException {
  return new AccessDeniedException({
    message:
      'User: arn:aws:sts::123456789012:assumed-role/worker/x is not authorized to perform: ecs:ListClusters',
    $metadata: { httpStatusCode: 400 },
  });
}

describe('readInUsePicture', () => {
  it('unions the uses of every source and prefixes each warning with its source', async () => {
    const picture = await readInUsePicture(
      [
        source('ecs:123456789012/us-east-1', async () => ({ uses: [use('a', 'v1')], warnings: ['one'] })),
        source('lambda:123456789012/us-east-1', async () => ({ uses: [use('b', 'v2')], warnings: [] })),
      ],
      { concurrency: 2 },
    );

    expect(picture.uses.map((u) => u.reference.repositoryName)).toEqual(['a', 'b']);
    expect(picture.warnings).toEqual(['ecs:123456789012/us-east-1: one']);
    expect(picture.failures).toEqual([]);
  });

  it('records a source that throws as a failure with the SDK error name and HTTP status, and keeps the others', async () => {
    const picture = await readInUsePicture(
      [
        source('ecs:123456789012/us-east-1', async () => {
          throw accessDenied();
        }),
        source('lambda:123456789012/us-east-1', async () => ({ uses: [use('b', 'v2')], warnings: [] })),
      ],
      { concurrency: 4 },
    );

    expect(picture.uses).toHaveLength(1);
    expect(picture.failures).toEqual([
      {
        source: 'ecs:123456789012/us-east-1',
        reason: expect.stringMatching(
          /^AccessDeniedException \(HTTP 400\): User: .* is not authorized to perform: ecs:ListClusters$/,
        ),
        errorName: 'AccessDeniedException',
      },
    ]);
  });

  it('fails a source that does not answer within timeoutMs, without waiting for it', async () => {
    const picture = await readInUsePicture([source('kubernetes:prod-eks', () => new Promise(() => {}))], {
      concurrency: 1,
      timeoutMs: 20,
    });

    expect(picture.failures).toEqual([
      {
        source: 'kubernetes:prod-eks',
        reason: 'InUseSourceTimeoutError: no answer after 20 ms',
        errorName: 'InUseSourceTimeoutError',
      },
    ]);
  });

  it('reads every source once, never more than `concurrency` at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const reads = new Map<string, number>();
    const sources = Array.from({ length: 9 }, (_, i) =>
      source(`external:list-${i}`, async () => {
        reads.set(`list-${i}`, (reads.get(`list-${i}`) ?? 0) + 1);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return { uses: [use(`r${i}`, 'v1')], warnings: [] };
      }),
    );

    const picture = await readInUsePicture(sources, { concurrency: 3 });

    expect(picture.uses).toHaveLength(9);
    expect([...reads.values()]).toEqual(Array(9).fill(1));
    expect(most).toBe(3);
  });

  it('names a workload account whose role cannot be assumed once, however many of its sources failed for it', async () => {
    const roleFailure = () => {
      throw new InUseSourceError('account:222222222222/us-east-1', 'the workload role could not be assumed', {
        cause: accessDenied(),
      });
    };
    const picture = await readInUsePicture(
      [
        source('ecs:222222222222/us-east-1', async () => roleFailure()),
        source('lambda:222222222222/us-east-1', async () => roleFailure()),
      ],
      { concurrency: 2 },
    );

    expect(picture.failures).toEqual([
      {
        source: 'account:222222222222/us-east-1',
        reason: expect.stringMatching(
          /^the workload role could not be assumed: AccessDeniedException \(HTTP 400\)/,
        ),
        errorName: 'AccessDeniedException',
      },
    ]);
  });
});

describe('describeSourceFailure', () => {
  it('never repeats a bearer token, a presigned signature or an access key id that an error message carries', () => {
    const token = `k8s-aws-v1.${Buffer.from('https://sts.amazonaws.com/?Action=GetCallerIdentity').toString('base64url')}`;
    const error = new Error(
      `401 Unauthorized for Bearer ${token} at https://sts.amazonaws.com/?X-Amz-Credential=ASIAABCDEFGHIJKLMNOP%2F20261204&X-Amz-Signature=abc123&X-Amz-Security-Token=FwoGZX`,
    );

    const { reason } = describeSourceFailure('kubernetes:prod-eks', error);

    expect(reason).not.toContain(token);
    expect(reason).not.toContain('ASIAABCDEFGHIJKLMNOP');
    expect(reason).not.toContain('abc123');
    expect(reason).not.toContain('FwoGZX');
    expect(reason).toMatch(/^Error: 401 Unauthorized for Bearer <redacted>/);
  });

  it('keeps the reason to one line of at most 300 characters', () => {
    const { reason } = describeSourceFailure('external:argocd', new Error(`line one\n${'x'.repeat(500)}`));

    expect(reason).not.toContain('\n');
    expect(reason).toHaveLength(300);
    expect(reason.endsWith('...')).toBe(true);
  });

  it('describes a thrown value that is not an Error', () => {
    expect(describeSourceFailure('batch:123456789012/us-east-1', 'socket hang up')).toEqual({
      source: 'batch:123456789012/us-east-1',
      reason: 'read failed: socket hang up',
    });
  });
});
