import { generateImages, imageManifest, type RepositoryInput } from '../../../local/registry-sim';
import { createRegionalEcrClients } from '../../../shared/aws/regional-ecr-clients';
import { createReplicationRegistryReaders } from '../../../shared/aws/replication-registry';
import { auditReplication } from '../../../shared/replication/audit-replication';
import {
  ACCOUNT,
  AS_OF,
  AUDIT_SETTINGS,
  createReplicationWorld,
  EU,
  type ReplicationWorld,
  SOURCE,
  WEST,
} from './replication-world';

let world: ReplicationWorld;

beforeEach(() => {
  world = createReplicationWorld();
  // The SDK's retry backoff is random × base × 2^attempt: no waiting in tests.
  jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  world.env.restore();
  jest.restoreAllMocks();
});

const audit = (
  settings: Partial<typeof AUDIT_SETTINGS> = {},
  timeLeft?: () => number,
  readerFor = world.readers(),
) =>
  auditReplication(
    {
      sourceRegion: SOURCE,
      settings: { ...AUDIT_SETTINGS, ...settings },
      now: AS_OF,
      ...(timeLeft ? { timeLeft } : {}),
    },
    { readerFor },
  );

const comparisonFor = (result: Awaited<ReturnType<typeof audit>>, repositoryName: string, region: string) =>
  result.comparisons.find((c) => c.repositoryName === repositoryName && c.destination.region === region);

describe('auditReplication against simulated regions', () => {
  it('finds nothing wrong where every replica matches, with the pagination minimum of calls', async () => {
    world.repository('payments/api');
    world.repository('payments/worker');
    world.replicate();
    world.push('payments/api', 'api-1', ['v1'], 20);
    world.push('payments/worker', 'worker-1', ['v1'], 10);

    const result = await audit();

    expect(result.comparisons).toEqual([]);
    expect(result).toMatchObject({
      account: ACCOUNT,
      repositoriesAudited: 2,
      pairsAudited: 4,
      notAudited: [],
    });
    // Per region: DescribeRepositories, GetRegistryScanningConfiguration, one BatchGet for up to 25
    // repositories; per repository and region: one DescribeImages page, GetLifecyclePolicy,
    // GetRepositoryPolicy; DescribeRegistry once; no replication status (nothing is missing).
    expect(world.env.calls.byApi()).toEqual({
      DescribeRegistry: 1,
      DescribeRepositories: 3,
      GetRegistryScanningConfiguration: 3,
      BatchGetRepositoryScanningConfiguration: 3,
      DescribeImages: 6,
      GetLifecyclePolicy: 6,
      GetRepositoryPolicy: 6,
    });
  });

  it('finds an image replicated and then deleted in one destination only', async () => {
    world.repository('payments/api');
    world.replicate();
    const digest = world.push('payments/api', 'api-1', ['v1.0.0'], 30);
    const replica = world.sim.repository('payments/api', { region: WEST });
    replica.removeImage(world.sim.image('payments/api', { imageDigest: digest }, { region: WEST }));

    const result = await audit();

    expect(comparisonFor(result, 'payments/api', WEST)?.missing).toEqual([
      expect.objectContaining({
        digest,
        tags: ['v1.0.0'],
        preRule: false,
        reason: 'deleted-from-destination',
      }),
    ]);
    expect(comparisonFor(result, 'payments/api', EU)).toBeUndefined();
  });

  it('finds an image pushed before the rule, in every destination, with one status call for both', async () => {
    world.repository('payments/api');
    const old = world.push('payments/api', 'api-old', ['v0.9.0'], 300);
    world.replicate();
    world.push('payments/api', 'api-new', ['v1.0.0'], 100);

    const result = await audit();

    for (const region of [WEST, EU]) {
      expect(comparisonFor(result, 'payments/api', region)?.missing).toEqual([
        expect.objectContaining({ digest: old, preRule: true, reason: 'never-replicated' }),
      ]);
    }
    expect(world.env.calls.count('DescribeImageReplicationStatus')).toBe(1);
  });

  it('finds a tag that names another digest in a destination, pushed there directly', async () => {
    world.repository('payments/worker', {
      imageTagMutability: 'MUTABLE',
      imageTagMutabilityExclusionFilters: [],
    });
    world.sim.repository('payments/worker').setTagMutability('MUTABLE', undefined);
    world.replicate();
    const source = world.push('payments/worker', 'worker-1', ['latest'], 3);
    const hotfix = world.sim.pushImage({
      region: WEST,
      repositoryName: 'payments/worker',
      manifest: imageManifest({ seed: 'hotfix' }),
      tags: ['latest'],
    }).image.digest;

    const result = await audit();

    expect(comparisonFor(result, 'payments/worker', WEST)?.tagMismatches).toEqual([
      { tag: 'latest', sourceDigest: source, replicaDigest: hotfix },
    ]);
  });

  it('finds a FAILED replication with its failure code', async () => {
    world.repository('payments/api');
    world.replicate();
    world.env.faults.failReplication({ destinationRegion: EU, failureCode: 'KMS_KEY_NOT_FOUND' });
    const digest = world.push('payments/api', 'api-1', ['v3.2.0'], 6);

    const result = await audit();

    expect(comparisonFor(result, 'payments/api', EU)?.failed).toEqual([
      expect.objectContaining({ digest, tags: ['v3.2.0'], failureCode: 'KMS_KEY_NOT_FOUND' }),
    ]);
    expect(comparisonFor(result, 'payments/api', WEST)).toBeUndefined();
  });

  const drifts: [string, Partial<RepositoryInput>, string, string][] = [
    [
      'tag-mutability',
      { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
      'IMMUTABLE_WITH_EXCLUSION (latest)',
      'MUTABLE',
    ],
    ['lifecycle-policy', { lifecyclePolicyText: undefined }, '1 rule', 'none'],
    ['repository-policy', { repositoryPolicyText: undefined }, '1 statement', 'none'],
    ['encryption', { encryptionType: 'AES256' }, 'KMS', 'AES256'],
  ];
  it.each(drifts)(
    'finds %s drift between the source and a destination',
    async (setting, replica, source, there) => {
      world.repository('payments/api');
      world.sim.addRepository('payments/web', {}); // unrelated, not replicated
      world.replicate();
      world.push('payments/api', 'api-1', ['v1'], 10);
      const west = world.sim.repository('payments/api', { region: WEST });
      if ('imageTagMutability' in replica) west.setTagMutability('MUTABLE', undefined);
      if ('lifecyclePolicyText' in replica) west.lifecyclePolicy = undefined;
      if ('repositoryPolicyText' in replica) west.repositoryPolicy = undefined;
      if ('encryptionType' in replica) west.encryptionType = 'AES256';

      const result = await audit();

      expect(comparisonFor(result, 'payments/api', WEST)?.drift).toEqual([
        { setting, source, replica: there },
      ]);
      expect(comparisonFor(result, 'payments/api', EU)).toBeUndefined();
    },
  );

  it('finds scanning drift: continuous enhanced scanning in the source, none in a destination', async () => {
    world.repository('payments/api');
    world.replicate();
    world.push('payments/api', 'api-1', ['v1'], 10);
    for (const region of [SOURCE, EU]) {
      world.sim.setScanningConfiguration(
        'ENHANCED',
        [
          {
            scanFrequency: 'CONTINUOUS_SCAN',
            repositoryFilters: [{ filter: 'payments/*', filterType: 'WILDCARD' }],
          },
        ],
        { region },
      );
    }

    const result = await audit();

    expect(comparisonFor(result, 'payments/api', WEST)?.drift).toEqual([
      { setting: 'scanning', source: 'ENHANCED CONTINUOUS_SCAN', replica: 'MANUAL (no automatic scans)' },
    ]);
    expect(comparisonFor(result, 'payments/api', EU)).toBeUndefined();
  });

  it('completes with the same findings when a destination region throttles, retrying the throttled calls', async () => {
    world.repository('payments/api');
    world.repository('payments/worker');
    world.push('payments/api', 'api-0', ['v0'], 400);
    world.replicate();
    world.push('payments/api', 'api-1', ['v1'], 10);
    world.push('payments/worker', 'worker-1', ['v1'], 10);
    const calm = await audit();
    world.env.calls.reset();
    world.env.faults.throttle({ service: 'ecr', region: WEST, share: 0.5 });

    // Standard retry: the SDK retries throttling the same way, but adaptive mode's client-side rate
    // limiter would make the test wait real seconds (local/registry-sim/README.md, Retries).
    const throttled = await audit(
      {},
      undefined,
      createReplicationRegistryReaders(createRegionalEcrClients({ retryMode: 'standard' })),
    );

    expect(calm.comparisons).toHaveLength(2);
    expect(throttled.comparisons).toEqual(calm.comparisons);
    expect(throttled.notAudited).toEqual([]);
    expect(
      world.env.calls.count(undefined, { region: WEST, outcome: 'ThrottlingException' }),
    ).toBeGreaterThan(0);
  });

  it('reports a region that is unreachable, and audits the other destination completely', async () => {
    world.repository('payments/api');
    world.replicate();
    const digest = world.push('payments/api', 'api-1', ['v1.0.0'], 30);
    world.sim
      .repository('payments/api', { region: WEST })
      .removeImage(world.sim.image('payments/api', { imageDigest: digest }, { region: WEST }));
    world.env.faults.unreachable(EU);

    const result = await audit();

    expect(result.unreachableRegions).toEqual([EU]);
    expect(result.destinationRegions).toEqual([WEST]);
    expect(result.notAudited).toEqual([
      expect.objectContaining({
        kind: 'unreachable',
        destinationRegion: EU,
        repositories: 1,
        reason: expect.stringMatching(/ECONNREFUSED/),
      }),
    ]);
    expect(comparisonFor(result, 'payments/api', WEST)?.missing).toHaveLength(1);
    expect(result.repositoriesAudited).toBe(1);
  });

  it('stops reading a destination that keeps failing mid-run, and reports the repositories it left', async () => {
    for (const n of [1, 2, 3, 4, 5]) world.repository(`payments/service-${n}`);
    world.replicate();
    for (const n of [1, 2, 3, 4, 5]) world.push(`payments/service-${n}`, `s${n}`, ['v1'], 10);
    world.env.faults.serverError({ service: 'ecr', region: EU, api: 'DescribeImages' });

    const result = await audit();

    expect(result.unreachableRegions).toEqual([EU]);
    expect(result.notAudited).toEqual([
      expect.objectContaining({ kind: 'unreachable', destinationRegion: EU, repositories: 5 }),
    ]);
    expect(result.pairsAudited).toBe(5);
  });

  it('reads a repository of 2,500 images in three DescribeImages pages per region', async () => {
    world.repository('payments/big');
    world.replicate();
    const { repository } = generateImages(world.sim, {
      repositoryName: 'payments/big',
      count: 2_500,
      region: SOURCE,
    });
    for (const region of [WEST, EU]) {
      const replica = world.sim.repository('payments/big', { region });
      for (const image of repository.listImages()) {
        replica.insertImage({ ...image, tags: [...image.tags] });
      }
    }

    const result = await audit();

    expect(result.comparisons).toEqual([]);
    expect(world.env.calls.count('DescribeImages', { region: SOURCE })).toBe(3);
    expect(world.env.calls.count('DescribeImages', { region: WEST })).toBe(3);
  });

  it('reads at most statusChecksPerRepository replication statuses, and dates the rest', async () => {
    world.repository('payments/api');
    for (let n = 0; n < 12; n++) world.push('payments/api', `old-${n}`, [], 300 - n);
    world.replicate();
    world.push('payments/api', 'new', ['v1'], 100);

    const result = await audit({ statusChecksPerRepository: 5 });

    const missing = comparisonFor(result, 'payments/api', WEST)?.missing ?? [];
    expect(world.env.calls.count('DescribeImageReplicationStatus')).toBe(5);
    expect(missing.filter((m) => m.reason === 'never-replicated')).toHaveLength(5);
    expect(missing.filter((m) => m.reason === 'estimated-before-rule')).toHaveLength(7);
  });

  it('stops before the time limit and reports the repositories it did not reach', async () => {
    for (const n of [1, 2, 3]) world.repository(`payments/service-${n}`);
    world.replicate();
    let budget = 1;

    const result = await audit({}, () => budget--);

    expect(result.stoppedEarly).toBe(true);
    expect(result.repositoriesAudited).toBe(1);
    expect(result.notAudited).toEqual([expect.objectContaining({ kind: 'time-limit', repositories: 2 })]);
  });

  it('does not read a destination of another account, and says so', async () => {
    world.repository('payments/api');
    world.sim.setReplicationRules([
      {
        destinations: [{ region: WEST, registryId: '210987654321' }],
        repositoryFilters: [{ filter: 'payments/', filterType: 'PREFIX_MATCH' }],
      },
    ]);

    const result = await audit();

    expect(result.notAudited).toEqual([
      expect.objectContaining({ kind: 'other-account', registryId: '210987654321', repositories: 1 }),
    ]);
    expect(world.env.calls.count(undefined, { region: WEST })).toBe(0);
  });
});
