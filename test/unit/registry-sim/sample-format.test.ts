import { imageManifest } from '../../../local/registry-sim/data/manifests';
import {
  relativeSampleTime,
  resolveSampleTime,
  type SampleDocument,
  SampleFormatError,
} from '../../../local/registry-sim/data/sample-format';
import { createRegistrySimulator } from '../../../local/registry-sim/simulator';

const AS_OF = Date.parse('2026-11-01T00:00:00Z');

describe('sample times', () => {
  it.each([
    ['asOf', AS_OF],
    ['asOf-30d', AS_OF - 30 * 86_400_000],
    ['asOf-2d6h30m', AS_OF - (2 * 86_400 + 6 * 3600 + 30 * 60) * 1000],
    ['asOf+1h', AS_OF + 3_600_000],
    ['2026-10-01T12:00:00Z', Date.parse('2026-10-01T12:00:00Z')],
  ])('reads %s', (text, expected) => {
    expect(resolveSampleTime(text, AS_OF)).toBe(expected);
  });

  it('writes a time relative to asOf that reads back to the same second', () => {
    const time = AS_OF - 93_784_000;

    const text = relativeSampleTime(time, AS_OF);

    expect(text).toBe('asOf-1d2h3m4s');
    expect(resolveSampleTime(text, AS_OF)).toBe(time);
  });

  it('refuses a time that is neither ISO 8601 nor relative', () => {
    expect(() => resolveSampleTime('last tuesday', AS_OF)).toThrow(/not a sample time/);
  });
});

describe('sample documents', () => {
  it('round-trips a world through snapshot and load', () => {
    const source = createRegistrySimulator({ asOf: '2026-11-01T00:00:00Z' });
    source.addRepository('team/app', { imageTagMutability: 'IMMUTABLE' });
    source.pushImage({
      repositoryName: 'team/app',
      manifest: imageManifest({ seed: 'x' }),
      tags: ['v1'],
      pushedAt: '2026-10-01T00:00:00Z',
    });

    const copy = createRegistrySimulator();
    copy.loadSample(source.snapshot());

    expect(copy.snapshot()).toEqual(source.snapshot());
    expect(copy.image('team/app', { imageTag: 'v1' }).pushedAt).toBe(Date.parse('2026-10-01T00:00:00Z'));
  });

  it('moves every relative time when loaded at another asOf', () => {
    const simulator = createRegistrySimulator();

    simulator.loadSample(undefined, { asOf: '2027-11-01T00:00:00Z' });

    expect(simulator.clock.now().toISOString()).toBe('2027-11-01T00:00:00.000Z');
    expect(simulator.image('web/frontend', { imageTag: 'v3.0.0' }).pushedAt).toBe(
      Date.parse('2027-07-24T00:00:00Z'),
    );
  });

  it('refuses an image whose digest is not the digest of its manifest', () => {
    const built = imageManifest({ seed: 'x' });
    const document: SampleDocument = {
      schemaVersion: 1,
      asOf: '2026-11-01T00:00:00Z',
      seed: 1,
      registries: [
        {
          accountId: '123456789012',
          region: 'us-east-1',
          repositories: [
            {
              repositoryName: 'team/app',
              createdAt: 'asOf-1d',
              imageTagMutability: 'MUTABLE',
              encryptionConfiguration: { encryptionType: 'AES256' },
              images: [
                {
                  imageDigest: `sha256:${'1'.repeat(64)}`,
                  imageManifestMediaType: built.mediaType,
                  imageManifest: built.manifest,
                  imagePushedAt: 'asOf-1d',
                },
              ],
            },
          ],
        },
      ],
    };

    expect(() => createRegistrySimulator().loadSample(document)).toThrow(SampleFormatError);
  });
});
