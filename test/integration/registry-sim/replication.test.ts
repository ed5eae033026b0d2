import {
  DescribeImageReplicationStatusCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
  PutReplicationConfigurationCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;
const east = new ECRClient({ region: 'us-east-1' });
const west = new ECRClient({ region: 'us-west-2' });
const ACCOUNT = '123456789012';

beforeEach(async () => {
  sim = createRegistrySimulator();
  env = sim.install();
  sim.addRepository('payments/api', { imageTagMutability: 'IMMUTABLE', encryptionType: 'KMS' });
  sim.addRepository('web/site');
  await east.send(
    new PutReplicationConfigurationCommand({
      replicationConfiguration: {
        rules: [
          {
            destinations: [{ region: 'us-west-2', registryId: ACCOUNT }],
            repositoryFilters: [{ filter: 'payments/', filterType: 'PREFIX_MATCH' }],
          },
        ],
      },
    }),
  );
});

afterEach(() => env.restore());

const push = (repositoryName: string, seed: string, imageTag: string) =>
  east.send(
    new PutImageCommand({ repositoryName, imageManifest: imageManifest({ seed }).manifest, imageTag }),
  );

describe('replication between simulated regions', () => {
  it('copies a push to a repository a PREFIX_MATCH filter matches, with its tag, and reports COMPLETE', async () => {
    const pushed = await push('payments/api', 'a', 'v1');

    const replica = await west.send(new DescribeImagesCommand({ repositoryName: 'payments/api' }));
    const status = await east.send(
      new DescribeImageReplicationStatusCommand({
        repositoryName: 'payments/api',
        imageId: { imageTag: 'v1' },
      }),
    );

    expect(replica.imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([
      [pushed.image?.imageId?.imageDigest, ['v1']],
    ]);
    expect(status.replicationStatuses).toEqual([
      { region: 'us-west-2', registryId: ACCOUNT, status: 'COMPLETE' },
    ]);
  });

  it('creates the destination repository with default settings: settings are not replicated', async () => {
    await push('payments/api', 'a', 'v1');

    const replica = await west.send(new DescribeRepositoriesCommand({ repositoryNames: ['payments/api'] }));

    expect(replica.repositories?.[0]).toMatchObject({
      imageTagMutability: 'MUTABLE',
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
  });

  it('leaves repositories no filter matches, and images pushed before the rule, where they are', async () => {
    await push('web/site', 'a', 'v1');
    sim.setReplicationRules([]);
    await push('payments/api', 'before', 'v0');

    const error = await west.send(new DescribeImagesCommand({ repositoryName: 'web/site' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    const status = await east.send(
      new DescribeImageReplicationStatusCommand({
        repositoryName: 'payments/api',
        imageId: { imageTag: 'v0' },
      }),
    );

    expect(error).toBeInstanceOf(RepositoryNotFoundException);
    expect(status.replicationStatuses).toEqual([]);
  });

  it('marks a replication FAILED when the test injects a failure, and the image stays out of the destination', async () => {
    env.faults.failReplication({ destinationRegion: 'us-west-2', failureCode: 'KMS_KEY_NOT_FOUND' });

    await push('payments/api', 'a', 'v1');
    const status = await east.send(
      new DescribeImageReplicationStatusCommand({
        repositoryName: 'payments/api',
        imageId: { imageTag: 'v1' },
      }),
    );
    const regions = sim.world.registries().map((r) => r.region);

    expect(status.replicationStatuses).toEqual([
      { region: 'us-west-2', registryId: ACCOUNT, status: 'FAILED', failureCode: 'KMS_KEY_NOT_FOUND' },
    ]);
    expect(regions).not.toContain('us-west-2');
  });

  it('replicates a tag move, and reports the registry configuration', async () => {
    await push('payments/api', 'a', 'v1');
    sim.repository('payments/api').imageTagMutability = 'MUTABLE';
    const moved = await push('payments/api', 'b', 'v1');

    const replica = await west.send(
      new DescribeImagesCommand({ repositoryName: 'payments/api', imageIds: [{ imageTag: 'v1' }] }),
    );
    const registry = await east.send(new DescribeRegistryCommand({}));

    expect(replica.imageDetails?.[0]?.imageDigest).toBe(moved.image?.imageId?.imageDigest);
    expect(registry.replicationConfiguration?.rules?.[0]?.repositoryFilters).toEqual([
      { filter: 'payments/', filterType: 'PREFIX_MATCH' },
    ]);
  });
});

describe('routing by region and account', () => {
  it('answers concurrent calls from clients of different regions from their own registries', async () => {
    await push('payments/api', 'a', 'v1');
    sim.addRepository('west/only', { region: 'us-west-2' });

    const [eastRepositories, westRepositories] = await Promise.all([
      east.send(new DescribeRepositoriesCommand({})),
      west.send(new DescribeRepositoriesCommand({})),
    ]);

    expect(eastRepositories.repositories?.map((r) => r.repositoryName)).toEqual(['payments/api', 'web/site']);
    expect(westRepositories.repositories?.map((r) => r.repositoryName)).toEqual([
      'payments/api',
      'west/only',
    ]);
  });

  it('serves a second account to the clients resolveAccount assigns to it', async () => {
    env.restore();
    const accounts: Record<string, string> = { AKIDPARTNER: '210987654321' };
    env = sim.install({
      // Clients without credentials (the other clients of this file) act for the default account.
      resolveAccount: async (client) => {
        const credentials = await (client as ECRClient).config.credentials().catch(() => undefined);
        return accounts[credentials?.accessKeyId ?? ''] ?? ACCOUNT;
      },
    });
    sim.addRepository('partner/tool', { accountId: '210987654321' });
    const partner = new ECRClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDPARTNER', secretAccessKey: 'simulated' },
    });

    const seen = await partner.send(new DescribeRepositoriesCommand({}));
    const crossAccount = await east.send(new DescribeRepositoriesCommand({ registryId: '210987654321' }));

    expect(seen.repositories?.map((r) => [r.repositoryName, r.registryId])).toEqual([
      ['partner/tool', '210987654321'],
    ]);
    expect(crossAccount.repositories?.map((r) => r.repositoryName)).toEqual(['partner/tool']);
    expect(env.calls.count('DescribeRepositories', { accountId: '210987654321' })).toBe(1);
  });
});
