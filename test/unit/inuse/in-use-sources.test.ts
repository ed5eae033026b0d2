import type { Workloads } from '../../../shared/cleanup/workload-images';
import { parseConfig } from '../../../shared/config/load-config';
import { readInUsePicture } from '../../../shared/inuse/in-use-picture';
import type { InUseReaders, ReadPlace } from '../../../shared/inuse/in-use-ports';
import {
  composeInUseSources,
  governedPlaceSources,
  localWorkloadSources,
} from '../../../shared/inuse/in-use-sources';
import { fakeConverters } from '../../support/in-use-fakes';

const LOCAL = { account: '111111111111', region: 'us-east-1' };
const NOW = Date.parse('2026-12-04T12:00:00Z');
const EMPTY_ECS: Workloads['ecs'] = { tasks: [], services: [], taskDefinitions: [] };

function protectOf(protect: Record<string, unknown>) {
  return parseConfig({ cleanup: { protect } }).cleanup.protect;
}

/** In-memory readers: every call recorded as `<read> <account>/<region>[ with role]`. */
function fakeReaders(overrides: Partial<InUseReaders> = {}) {
  const calls: string[] = [];
  const at = <Value>(read: string, place: ReadPlace, value: Value): Value => {
    calls.push(
      `${read} ${place.account}/${place.region}${place.credentials === undefined ? '' : ' with role'}`,
    );
    return value;
  };
  const readers: InUseReaders = {
    assumeRole: async (account) => {
      calls.push(`assumeRole ${account}`);
      return { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' };
    },
    readEcsWorkloads: async (place) => at('ecs', place, EMPTY_ECS),
    readLambdaWorkloads: async (place) => at('lambda', place, { functions: [] }),
    listClusters: async (place) => at('listClusters', place, ['alpha', 'beta']),
    readClusterObjects: async (cluster) =>
      at(`cluster ${cluster.name}`, cluster.place, { apiVersion: 'v1', kind: 'List', items: [] }),
    readBatchJobDefinitions: async (place) => at('batch', place, []),
    readAppRunnerServices: async (place) => at('appRunner', place, []),
    readExternalList: async (list) => {
      calls.push(`s3 ${list.bucket}/${list.key}`);
      return {
        text: JSON.stringify({ source: 'argocd-prod', generatedAt: '2026-12-04T06:00:00Z', images: [] }),
      };
    },
    readInspectorCoverage: async (place) => at('inspector', place, []),
    ...overrides,
  };
  return { readers, calls };
}

const converters = fakeConverters;

function compose(protect: Record<string, unknown>, readers: InUseReaders) {
  return composeInUseSources({
    protect: protectOf(protect),
    local: LOCAL,
    readers,
    converters,
    now: () => NOW,
  });
}

describe('composeInUseSources', () => {
  it("reads only this account's ECS and Lambda under a config without issue 14's keys, as before", () => {
    const { readers } = fakeReaders();

    expect(compose({}, readers).map((source) => source.name)).toEqual([
      'ecs:111111111111/us-east-1',
      'lambda:111111111111/us-east-1',
    ]);
  });

  it('adds each cluster, each workload account × region, Batch, App Runner, external lists and Inspector where configured', () => {
    const { readers } = fakeReaders();

    const names = compose(
      {
        kubernetes: { clusters: ['prod-eks', 'arn:aws:eks:us-west-2:111111111111:cluster/ops'] },
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1', 'eu-west-1'], kubernetesClusters: ['payments'] },
        ],
        batch: true,
        appRunner: true,
        external: [{ source: 'argocd-prod', bucket: 'gitops-lists', key: 'prod.json' }],
        inspectorInUseDays: 30,
      },
      readers,
    ).map((source) => source.name);

    expect(names).toEqual([
      'ecs:111111111111/us-east-1',
      'lambda:111111111111/us-east-1',
      'kubernetes:prod-eks',
      'kubernetes:arn:aws:eks:us-west-2:111111111111:cluster/ops',
      'batch:111111111111/us-east-1',
      'app-runner:111111111111/us-east-1',
      'ecs:222222222222/us-east-1',
      'lambda:222222222222/us-east-1',
      'kubernetes:payments@222222222222/us-east-1',
      'batch:222222222222/us-east-1',
      'app-runner:222222222222/us-east-1',
      'ecs:222222222222/eu-west-1',
      'lambda:222222222222/eu-west-1',
      'kubernetes:payments@222222222222/eu-west-1',
      'batch:222222222222/eu-west-1',
      'app-runner:222222222222/eu-west-1',
      'external:argocd-prod',
      'inspector:111111111111/us-east-1',
    ]);
  });

  it('assumes each workload role once for all of its regions and sources, and reads a cluster ARN in its own region', async () => {
    const { readers, calls } = fakeReaders();
    const sources = compose(
      {
        kubernetes: { clusters: ['arn:aws:eks:us-west-2:111111111111:cluster/ops'] },
        workloadAccounts: [{ account: '222222222222', regions: ['us-east-1', 'eu-west-1'] }],
      },
      readers,
    );

    const picture = await readInUsePicture(sources, { concurrency: 4 });

    expect(picture.failures).toEqual([]);
    expect(calls.filter((call) => call.startsWith('assumeRole'))).toEqual(['assumeRole 222222222222']);
    expect(calls).toEqual(
      expect.arrayContaining([
        'ecs 111111111111/us-east-1',
        'cluster ops 111111111111/us-west-2',
        'ecs 222222222222/eu-west-1 with role',
        'lambda 222222222222/us-east-1 with role',
      ]),
    );
  });

  it('fails a role that cannot be assumed once, as account:<account>/<region>, and still reads the other accounts', async () => {
    const { readers } = fakeReaders({
      assumeRole: async (account) => {
        if (account === '333333333333') {
          throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
            name: 'AccessDenied',
            $metadata: { httpStatusCode: 403 },
          });
        }
        return { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' };
      },
    });
    const sources = compose(
      {
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1'] },
          { account: '333333333333', regions: ['us-east-1'] },
        ],
      },
      readers,
    );

    const picture = await readInUsePicture(sources, { concurrency: 4 });

    expect(picture.failures).toEqual([
      {
        source: 'account:333333333333/us-east-1',
        reason:
          'the workload role could not be assumed: AccessDenied (HTTP 403): User is not authorized to perform: sts:AssumeRole',
        errorName: 'AccessDenied',
      },
    ]);
  });

  it('passes the configured role name and external id to AssumeRole', async () => {
    const roles: unknown[] = [];
    const { readers } = fakeReaders({
      assumeRole: async (account, role) => {
        roles.push({ account, ...role });
        return { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' };
      },
    });
    const sources = compose(
      {
        workloadAccounts: [{ account: '222222222222', regions: ['us-east-1'] }],
        workloadRoleName: 'governance-reader',
        workloadRoleExternalId: 'ecr-warden-prod',
      },
      readers,
    );

    await readInUsePicture(sources, { concurrency: 1 });

    expect(roles).toEqual([
      { account: '222222222222', roleName: 'governance-reader', externalId: 'ecr-warden-prod' },
    ]);
  });

  it('hands the converter the list, its source, maxAgeHours and the evaluation time, and fails a stale list as external:<source>', async () => {
    const seen: unknown[] = [];
    const { readers } = fakeReaders({
      readExternalList: async (list) => ({
        text: JSON.stringify({
          source: 'argocd-prod',
          generatedAt: '2026-12-03T11:00:00Z',
          images: [],
          from: list,
        }),
      }),
    });
    const sources = composeInUseSources({
      protect: protectOf({ external: [{ source: 'argocd-prod', bucket: 'gitops-lists', key: 'prod.json' }] }),
      local: LOCAL,
      readers,
      converters: {
        ...converters,
        parseExternalImageList: (text, options) => {
          seen.push({ text: JSON.parse(text).from, ...options });
          return converters.parseExternalImageList(text, options);
        },
      },
      now: () => NOW,
    }).filter((source) => source.name.startsWith('external:'));

    const picture = await readInUsePicture(sources, { concurrency: 1 });

    expect(seen).toEqual([
      {
        text: { bucket: 'gitops-lists', key: 'prod.json', source: 'argocd-prod', maxAgeHours: 24 },
        source: 'argocd-prod',
        maxAgeHours: 24,
        now: NOW,
      },
    ]);
    expect(picture.failures).toEqual([
      {
        source: 'external:argocd-prod',
        reason: expect.stringMatching(
          /^StaleExternalListError: external:argocd-prod: the list was generated at 2026-12-03T11:00:00Z, 25\.0 hours ago/,
        ),
        errorName: 'StaleExternalListError',
      },
    ]);
  });

  it('fails an external list that cannot be read from S3 as external:<source>', async () => {
    const { readers } = fakeReaders({
      readExternalList: async () => {
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      },
    });
    const sources = compose({ external: [{ source: 'helm', bucket: 'lists', key: 'helm.json' }] }, readers);

    const picture = await readInUsePicture(sources, { concurrency: 4 });

    expect(picture.failures).toEqual([
      {
        source: 'external:helm',
        reason: 'AccessDenied (HTTP 403): Access Denied',
        errorName: 'AccessDenied',
      },
    ]);
  });

  it('reads every cluster of `all`, and names the cluster that failed', async () => {
    const { readers, calls } = fakeReaders({
      readClusterObjects: async (cluster) => {
        calls.push(`cluster ${cluster.name}`);
        if (cluster.name === 'beta')
          throw Object.assign(new Error('connect ETIMEDOUT 10.0.3.7:443'), { name: 'TimeoutError' });
        return { apiVersion: 'v1', kind: 'List', items: [] };
      },
    });
    const sources = compose({ kubernetes: { clusters: 'all' } }, readers);

    const picture = await readInUsePicture(sources, { concurrency: 4 });

    expect(sources.map((source) => source.name)).toContain('kubernetes:all');
    expect(calls).toEqual(
      expect.arrayContaining(['listClusters 111111111111/us-east-1', 'cluster alpha', 'cluster beta']),
    );
    expect(picture.failures).toEqual([
      {
        source: 'kubernetes:beta',
        reason: 'the cluster could not be read: TimeoutError: connect ETIMEDOUT 10.0.3.7:443',
        errorName: 'TimeoutError',
      },
    ]);
  });
});

describe('governedPlaceSources (an Organizations hub, issue 15)', () => {
  const MEMBER = { account: '333333333333', region: 'eu-west-1' };
  const session = async () => ({ accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' });

  it("reads the member place's own ECS, Lambda and the sources turned on there, with the member session", async () => {
    const { readers, calls } = fakeReaders();
    const sources = governedPlaceSources({
      protect: protectOf({ batch: true, appRunner: true, inspectorInUseDays: 30 }),
      place: MEMBER,
      credentials: session,
      readers,
      converters,
      now: () => NOW,
    });

    const picture = await readInUsePicture(sources, { concurrency: 1 });

    expect(sources.map((source) => source.name)).toEqual([
      'ecs:333333333333/eu-west-1',
      'lambda:333333333333/eu-west-1',
      'batch:333333333333/eu-west-1',
      'app-runner:333333333333/eu-west-1',
      'inspector:333333333333/eu-west-1',
    ]);
    expect(picture.failures).toEqual([]);
    expect(calls).toEqual([
      'ecs 333333333333/eu-west-1 with role',
      'lambda 333333333333/eu-west-1 with role',
      'batch 333333333333/eu-west-1 with role',
      'appRunner 333333333333/eu-west-1 with role',
      'inspector 333333333333/eu-west-1 with role',
    ]);
  });

  it("reads another region of the hub's own account with the function's own credentials", async () => {
    const { readers, calls } = fakeReaders();
    const sources = governedPlaceSources({
      protect: protectOf({}),
      place: { account: LOCAL.account, region: 'eu-west-1' },
      credentials: undefined,
      readers,
      converters,
      now: () => NOW,
    });

    await readInUsePicture(sources, { concurrency: 1 });

    expect(calls).toEqual(['ecs 111111111111/eu-west-1', 'lambda 111111111111/eu-west-1']);
  });

  it('fails every source of the place as account:<account>/<region> when the member session cannot be had', async () => {
    const { readers, calls } = fakeReaders();
    const sources = governedPlaceSources({
      protect: protectOf({}),
      place: MEMBER,
      credentials: async () => {
        throw Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
      },
      readers,
      converters,
      now: () => NOW,
    });

    const picture = await readInUsePicture(sources, { concurrency: 2 });

    expect(picture.failures).toEqual([
      {
        source: 'account:333333333333/eu-west-1',
        reason:
          'the member role could not be assumed: AccessDenied: not authorized to perform: sts:AssumeRole',
        errorName: 'AccessDenied',
      },
    ]);
    expect(calls).toEqual([]);
  });
});

describe('localWorkloadSources', () => {
  it("splits today's one ECS and Lambda read into two sources that share it", async () => {
    let reads = 0;
    const sources = localWorkloadSources(
      {
        readWorkloads: async () => {
          reads++;
          return { ecs: EMPTY_ECS, lambda: { functions: [] } };
        },
      },
      LOCAL,
      { taskDefinitionRevisions: 3 },
    );

    const picture = await readInUsePicture(sources, { concurrency: 2 });

    expect(sources.map((source) => source.name)).toEqual([
      'ecs:111111111111/us-east-1',
      'lambda:111111111111/us-east-1',
    ]);
    expect(picture.failures).toEqual([]);
    expect(reads).toBe(1);
  });
});
