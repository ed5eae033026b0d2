// The replication audit's readers over a snapshot: what the snapshot recorded, answered as the live
// readers answer; what it did not record, a failed read (never an answer).
import { readSnapshot } from '../../../shared/cleanup/snapshot';
import {
  createSnapshotRegistryReaders,
  NotInSnapshotError,
} from '../../../shared/replication/snapshot-registry-reader';

const ACCOUNT = '123456789012';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A two-region snapshot: payments/api in us-east-1 replicates to us-west-2, where one image is missing. */
function snapshotDocument() {
  const image = (c: string, pushedAt: string | number, tags: string[] = []) => ({
    imageDigest: digest(c),
    imageTags: tags,
    imagePushedAt: pushedAt,
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  });
  const repository = (images: unknown[], extra: Record<string, unknown> = {}) => ({
    repository: {
      repositoryName: 'payments/api',
      createdAt: '2026-01-01T00:00:00Z',
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filter: 'latest' }, { filter: 'dev-*' }],
      encryptionConfiguration: { encryptionType: 'KMS' },
    },
    images,
    ...extra,
  });
  return {
    snapshotVersion: 1,
    account: ACCOUNT,
    region: 'us-east-1',
    takenAt: '2026-11-01T00:00:00Z',
    replicationConfiguration: {
      rules: [
        {
          destinations: [{ region: 'us-west-2', registryId: ACCOUNT }],
          repositoryFilters: [{ filter: 'payments/', filterType: 'PREFIX_MATCH' }],
        },
      ],
    },
    registryScanningConfiguration: { scanType: 'ENHANCED', rules: [] },
    repositories: [
      repository([image('a', '2026-10-01T00:00:00Z', ['v1']), image('b', 1_790_000_000)], {
        lifecyclePolicyText: '{"rules":[]}',
        repositoryPolicyText: null,
        scanningConfiguration: { scanFrequency: 'CONTINUOUS_SCAN' },
        replicationStatuses: {
          [digest('b')]: [{ region: 'us-west-2', registryId: ACCOUNT, status: 'FAILED', failureCode: 'KMS' }],
        },
      }),
    ],
    regions: [
      { region: 'us-west-2', repositories: [repository([image('a', '2026-10-01T00:00:00Z', ['v1'])])] },
    ],
  };
}

const readersOf = (document: unknown) => createSnapshotRegistryReaders(readSnapshot(document));

describe('the replication audit’s readers over a snapshot', () => {
  it('answers the registry, its repositories and images as DescribeRegistry and DescribeRepositories do', async () => {
    const east = readersOf(snapshotDocument())('us-east-1');

    expect(await east.describeRegistry()).toEqual({
      registryId: ACCOUNT,
      rules: [{ destinations: [{ region: 'us-west-2', registryId: ACCOUNT }], prefixes: ['payments/'] }],
    });
    expect(await east.listRepositories()).toEqual([
      {
        repositoryName: 'payments/api',
        createdAt: Date.parse('2026-01-01T00:00:00Z'),
        tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        exclusionFilters: ['dev-*', 'latest'],
        encryptionType: 'KMS',
      },
    ]);
    expect(await east.listImages('payments/api')).toEqual([
      { digest: digest('a'), tags: ['v1'], pushedAt: Date.parse('2026-10-01T00:00:00Z') },
      { digest: digest('b'), tags: [], pushedAt: 1_790_000_000_000 },
    ]);
    expect(await east.listImages('payments/gone')).toBeUndefined();
    expect(await east.imagePushedAt('payments/api', digest('b'))).toEqual(new Date(1_790_000_000_000));
    expect(await east.registryScanType()).toBe('ENHANCED');
    expect(await east.scanFrequencies(['payments/api', 'payments/gone'])).toEqual(
      new Map([['payments/api', 'CONTINUOUS_SCAN']]),
    );
    expect(await east.lifecyclePolicyText('payments/api')).toBe('{"rules":[]}');
    expect(await east.repositoryPolicyText('payments/api')).toBeUndefined();
  });

  it('answers a recorded replication status, and an image that is not there as gone', async () => {
    const east = readersOf(snapshotDocument())('us-east-1');

    expect(await east.imageReplicationStatuses('payments/api', digest('b'))).toEqual([
      { region: 'us-west-2', registryId: ACCOUNT, status: 'FAILED', failureCode: 'KMS' },
    ]);
    expect(await east.imageReplicationStatuses('payments/api', digest('f'))).toBeUndefined();
  });

  it('fails the reads the snapshot cannot answer instead of guessing', async () => {
    const readers = readersOf(snapshotDocument());
    const west = readers('us-west-2');

    await expect(readers('us-east-1').imageReplicationStatuses('payments/api', digest('a'))).rejects.toThrow(
      NotInSnapshotError,
    );
    await expect(west.describeRegistry()).rejects.toThrow(/no replication configuration of us-west-2/);
    await expect(west.repositoryPolicyText('payments/api')).rejects.toThrow(/no repository policy/);
    await expect(readers('eu-west-1').listRepositories()).rejects.toThrow(/no registry in eu-west-1/);
  });

  it('knows no effective scanning in a region whose registry scanning configuration is not recorded', async () => {
    const document = snapshotDocument();
    const [replica] = document.regions[0]?.repositories ?? [];
    Object.assign(replica ?? {}, { scanningConfiguration: { scanFrequency: 'MANUAL' } });

    const west = readersOf(document)('us-west-2');

    expect(await west.registryScanType()).toBe('BASIC');
    expect(await west.scanFrequencies(['payments/api'])).toEqual(new Map());
  });
});
