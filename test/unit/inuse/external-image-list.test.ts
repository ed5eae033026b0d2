// The external in-use list format (examples/snapshot/README.md, "External in-use lists"): what other
// systems say runs, read fail-closed, and the picture ecr-warden sees written in the same format.

import {
  parseExternalImageList,
  serializeExternalImageList,
} from '../../../shared/inuse/external-image-list';
import { InUseInputError, StaleExternalListError } from '../../../shared/inuse/in-use-errors';

const R = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const options = { source: 'argocd-prod', maxAgeHours: 24, now: NOW };

const list = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    source: 'argocd',
    generatedAt: '2026-12-01T06:00:00Z',
    images: [
      `${R}/payments/api:v1.4.2`,
      `${R}/payments/api@${d('a')}`,
      'ghcr.io/org/tool:3',
      `${R}/other/repo:v1@${d('b')}`,
    ],
    ...fields,
  });

function errorOf(text: string, opts = options): Error {
  try {
    parseExternalImageList(text, opts);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the list to be refused');
}

describe('parseExternalImageList', () => {
  it('reads the references of this registry, by tag or digest, under the configured source name', () => {
    const { uses } = parseExternalImageList(list(), options);

    expect(uses).toEqual([
      {
        reference: {
          registryId: '123456789012',
          region: 'us-east-1',
          repositoryName: 'payments/api',
          tag: 'v1.4.2',
        },
        reason: { kind: 'in-use-external', source: 'argocd-prod' },
      },
      {
        reference: {
          registryId: '123456789012',
          region: 'us-east-1',
          repositoryName: 'payments/api',
          digest: d('a'),
        },
        reason: { kind: 'in-use-external', source: 'argocd-prod' },
      },
      {
        reference: {
          registryId: '123456789012',
          region: 'us-east-1',
          repositoryName: 'other/repo',
          digest: d('b'),
        },
        reason: { kind: 'in-use-external', source: 'argocd-prod' },
      },
    ]);
  });

  it('fails closed on a list older than maxAgeHours', () => {
    const error = errorOf(list({ generatedAt: '2026-11-30T06:00:00+00:00' }));

    expect(error).toBeInstanceOf(StaleExternalListError);
    expect(error.message).toBe(
      'external:argocd-prod: the list was generated at 2026-11-30T06:00:00+00:00, 30.0 hours ago, more than its maxAgeHours 24: it may no longer say what runs',
    );
  });

  it('accepts a list exactly maxAgeHours old', () => {
    expect(() =>
      parseExternalImageList(list({ generatedAt: '2026-11-30T12:00:00Z' }), options),
    ).not.toThrow();
  });

  it('refuses what is not the format, naming each problem', () => {
    expect(errorOf('{"generatedAt": ').message).toMatch(/^external:argocd-prod: not JSON: /);
    expect(errorOf('[]').message).toBe(
      'external:argocd-prod: expected an object {"generatedAt": ..., "images": [...]}',
    );
    const malformed = errorOf(
      JSON.stringify({
        source: 7,
        generatedAt: '2026-02-30T00:00:00Z',
        images: ['nginx:1', 'not a reference', 42],
      }),
    );
    expect(malformed).toBeInstanceOf(InUseInputError);
    expect((malformed as InUseInputError).issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'source: expected a string',
      'generatedAt: expected an ISO 8601 timestamp: day 30 does not exist: February 2026 has 28 days',
      'images[1]: not an image reference: "not a reference"',
      'images[2]: not an image reference: 42',
    ]);
    expect(errorOf(JSON.stringify({ images: [] })).message).toBe(
      'external:argocd-prod: generatedAt: is required',
    );
    expect(errorOf(JSON.stringify({ generatedAt: '2026-12-01T00:00:00Z' })).message).toBe(
      'external:argocd-prod: images: is required',
    );
  });
});

describe('serializeExternalImageList', () => {
  it('writes a picture that parseExternalImageList reads back to the same images', () => {
    const { uses } = parseExternalImageList(list(), options);

    const text = serializeExternalImageList(uses, { source: 'ecr-warden:prod', generatedAt: NOW });
    expect(JSON.parse(text)).toEqual({
      source: 'ecr-warden:prod',
      generatedAt: '2026-12-01T12:00:00.000Z',
      images: [`${R}/other/repo@${d('b')}`, `${R}/payments/api:v1.4.2`, `${R}/payments/api@${d('a')}`],
    });
    expect(parseExternalImageList(text, options).uses.map((use) => use.reference)).toEqual(
      expect.arrayContaining(uses.map((use) => use.reference)),
    );
  });
});
