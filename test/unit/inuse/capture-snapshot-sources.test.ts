import { parseConfig } from '../../../shared/config/load-config';
import { captureSnapshotSources, SnapshotSourceError } from '../../../shared/inuse/capture-snapshot-sources';
import { createInUseConverters } from '../../../shared/inuse/in-use-converters';
import type { InUseReaders } from '../../../shared/inuse/in-use-ports';

const LOCAL = { account: '111111111111', region: 'us-east-1' };
const NOW = Date.parse('2026-12-01T06:00:00Z');
const REGISTRY = '111111111111.dkr.ecr.us-east-1.amazonaws.com';

const podList = (image: string) => ({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n' },
      spec: { containers: [{ name: 'c', image }] },
    },
  ],
});

// DescribeJobDefinitions `jobDefinitions[]`, DescribeService `Service`, ListCoverage `coveredResources[]`.
const batchDefinition = (place: { account: string; region: string }) => ({
  jobDefinitionName: 'nightly',
  jobDefinitionArn: `arn:aws:batch:${place.region}:${place.account}:job-definition/nightly:4`,
  revision: 4,
  status: 'ACTIVE',
  type: 'container',
  containerProperties: { image: `${REGISTRY}/app:batch` },
});
const appRunnerService = (place: { account: string; region: string }) => ({
  ServiceName: 'web',
  ServiceArn: `arn:aws:apprunner:${place.region}:${place.account}:service/web/0123456789abcdef`,
  Status: 'RUNNING',
  SourceConfiguration: {
    ImageRepository: { ImageIdentifier: `${REGISTRY}/app:web`, ImageRepositoryType: 'ECR' },
  },
});
const COVERED_IMAGE = {
  resourceType: 'AWS_ECR_CONTAINER_IMAGE',
  resourceId: `arn:aws:ecr:us-east-1:111111111111:repository/app/sha256:${'a'.repeat(64)}`,
  accountId: '111111111111',
  resourceMetadata: { ecrImage: { tags: [], lastInUseAt: new Date('2026-11-20T00:00:00Z'), inUseCount: 2 } },
};

/** Readers answering from memory; every call recorded as `<read> <where>`. */
function readers(overrides: Partial<InUseReaders> = {}) {
  const calls: string[] = [];
  const at = (place: { account: string; region: string }) => `${place.account}/${place.region}`;
  const fakes: InUseReaders = {
    assumeRole: async (account) => {
      calls.push(`assumeRole ${account}`);
      return { accessKeyId: `ASIA${account}`, secretAccessKey: 's', sessionToken: 't' };
    },
    readEcsWorkloads: async (place) => {
      calls.push(`ecs ${at(place)}`);
      return {
        tasks: [],
        services: [],
        taskDefinitions: [
          {
            taskDefinitionArn: `arn:aws:ecs:${place.region}:${place.account}:task-definition/app:1`,
            family: 'app',
            revision: 1,
            status: 'ACTIVE',
            containerDefinitions: [{ name: 'app', image: `${REGISTRY}/app:ecs` }],
          },
        ],
      };
    },
    readLambdaWorkloads: async (place) => {
      calls.push(`lambda ${at(place)}`);
      return { functions: [] };
    },
    listClusters: async (place) => {
      calls.push(`listClusters ${at(place)}`);
      return ['zeta', 'alpha'];
    },
    readClusterObjects: async (cluster) => {
      calls.push(`cluster ${cluster.label} ${at(cluster.place)}`);
      return podList(`${REGISTRY}/app:${cluster.name}`);
    },
    readBatchJobDefinitions: async (place) => {
      calls.push(`batch ${at(place)}`);
      return [batchDefinition(place)];
    },
    readAppRunnerServices: async (place) => {
      calls.push(`appRunner ${at(place)}`);
      return [appRunnerService(place)];
    },
    readExternalList: async (list) => {
      calls.push(`external ${list.key}`);
      return {
        text: JSON.stringify({ source: 'other-name', generatedAt: '2026-12-01T05:00:00Z', images: [] }),
      };
    },
    readInspectorCoverage: async (place) => {
      calls.push(`inspector ${at(place)}`);
      return [COVERED_IMAGE];
    },
    ...overrides,
  };
  return { fakes, calls };
}

function capture(protect: Record<string, unknown>, fakes: InUseReaders) {
  return captureSnapshotSources({
    protect: parseConfig({ cleanup: { protect } }).cleanup.protect,
    local: LOCAL,
    readers: fakes,
    converters: createInUseConverters({ taskDefinitionRevisions: 3 }),
    now: () => NOW,
  });
}

describe('captureSnapshotSources', () => {
  it('records each source’s input where the snapshot contract puts it, in a stable order', async () => {
    const { fakes, calls } = readers();

    const captured = await capture(
      {
        kubernetes: { clusters: 'all' },
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1', 'eu-west-1'], kubernetesClusters: ['payments'] },
        ],
        external: [{ source: 'argocd-prod', bucket: 'lists', key: 'prod.json' }],
        batch: true,
        appRunner: true,
        inspectorInUseDays: 30,
      },
      fakes,
    );

    // Every cluster of `all`, sorted by name; this account's ECS and Lambda are the snapshot's own.
    expect(captured.kubernetes.map((entry) => entry.cluster)).toEqual(['alpha', 'zeta']);
    expect(captured.kubernetes[0]?.objects).toEqual(podList(`${REGISTRY}/app:alpha`));
    expect(captured.workloadAccounts.map((entry) => [entry.account, entry.region])).toEqual([
      ['222222222222', 'us-east-1'],
      ['222222222222', 'eu-west-1'],
    ]);
    for (const entry of captured.workloadAccounts) {
      expect(entry.ecs.taskDefinitions).toHaveLength(1);
      expect(entry.lambda).toEqual({ functions: [] });
      expect(entry.kubernetes).toEqual([
        { cluster: 'payments', objects: podList(`${REGISTRY}/app:payments`) },
      ]);
    }
    // Under the config's name for it, whatever the file calls itself.
    expect(captured.external).toEqual([
      { source: 'argocd-prod', generatedAt: '2026-12-01T05:00:00Z', images: [] },
    ]);
    // Batch and App Runner where each was read, as the readers answered; Inspector's coverage whole.
    expect(captured.batch).toEqual({ jobDefinitions: [batchDefinition(LOCAL)] });
    expect(captured.appRunner).toEqual({ services: [appRunnerService(LOCAL)] });
    for (const entry of captured.workloadAccounts) {
      expect(entry.batch).toEqual({ jobDefinitions: [batchDefinition(entry)] });
      expect(entry.appRunner).toEqual({ services: [appRunnerService(entry)] });
    }
    expect(captured.inspector).toEqual({ coveredResources: [COVERED_IMAGE] });
    expect(calls.filter((call) => /^(batch|appRunner|inspector)/.test(call)).sort()).toEqual([
      'appRunner 111111111111/us-east-1',
      'appRunner 222222222222/eu-west-1',
      'appRunner 222222222222/us-east-1',
      'batch 111111111111/us-east-1',
      'batch 222222222222/eu-west-1',
      'batch 222222222222/us-east-1',
      'inspector 111111111111/us-east-1',
    ]);
    // The account is assumed once for both regions.
    expect(calls.filter((call) => call.startsWith('assumeRole'))).toEqual(['assumeRole 222222222222']);
    expect(calls).not.toContain('ecs 111111111111/us-east-1');
  });

  it('records no Batch, App Runner or Inspector field for a source the config does not read', async () => {
    const { fakes, calls } = readers();

    const captured = await capture(
      { workloadAccounts: [{ account: '222222222222', regions: ['us-east-1'] }] },
      fakes,
    );

    expect(Object.keys(captured).sort()).toEqual(['external', 'kubernetes', 'workloadAccounts']);
    expect(Object.keys(captured.workloadAccounts[0] ?? {}).sort()).toEqual([
      'account',
      'ecs',
      'kubernetes',
      'lambda',
      'region',
    ]);
    expect(calls.filter((call) => /^(batch|appRunner|inspector)/.test(call))).toEqual([]);
  });

  it.each([
    ['readBatchJobDefinitions', { batch: true }, 'batch:111111111111/us-east-1'],
    ['readAppRunnerServices', { appRunner: true }, 'app-runner:111111111111/us-east-1'],
    ['readInspectorCoverage', { inspectorInUseDays: 30 }, 'inspector:111111111111/us-east-1'],
  ] as const)(
    'fails naming the source when %s is refused, recording nothing',
    async (reader, protect, source) => {
      const { fakes } = readers({
        [reader]: async () => {
          throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
        },
      });

      const failure = capture(protect, fakes);

      await expect(failure).rejects.toBeInstanceOf(SnapshotSourceError);
      await expect(failure).rejects.toThrow(`in-use source ${source} could not be read: `);
    },
  );

  it('fails naming the source when a cluster’s objects are not what kubectl prints, recording nothing', async () => {
    const { fakes } = readers({
      readClusterObjects: async () => ({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ kind: 'Pod', metadata: {} }],
      }),
    });

    const failure = capture({ kubernetes: { clusters: ['prod-eks'] } }, fakes);

    await expect(failure).rejects.toBeInstanceOf(SnapshotSourceError);
    await expect(failure).rejects.toThrow(/^in-use source kubernetes:prod-eks could not be read: /);
  });

  it('fails when an external list is older than its maxAgeHours, as a live run would', async () => {
    const { fakes } = readers({
      readExternalList: async () => ({
        text: JSON.stringify({ generatedAt: '2026-11-01T00:00:00Z', images: [] }),
      }),
    });

    await expect(
      capture(
        { external: [{ source: 'argocd-prod', bucket: 'lists', key: 'prod.json', maxAgeHours: 24 }] },
        fakes,
      ),
    ).rejects.toThrow(/^in-use source external:argocd-prod could not be read: StaleExternalListError/);
  });
});
