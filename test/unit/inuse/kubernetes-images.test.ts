// Kubernetes objects as `kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs
// -A -o json` prints them (a v1 List; shapes from the Kubernetes API reference,
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/), turned into image uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RepositoryLocation } from '../../../shared/cleanup/image-reference';
import { resolveImagesInUse } from '../../../shared/cleanup/workload-images';
import { InUseInputError } from '../../../shared/inuse/in-use-errors';
import { kubernetesImageUses } from '../../../shared/inuse/kubernetes-images';

const FIXTURE = join(__dirname, '..', '..', 'events', 'kubernetes', 'kubectl-get-workloads.json');
const R = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const API: RepositoryLocation = {
  registryId: '123456789012',
  region: 'us-east-1',
  repositoryName: 'payments/api',
};

// biome-ignore lint/suspicious/noExplicitAny: a fixture is edited freely to make it wrong in one place
type Json = any;

/** The fixture, parsed anew for every test. */
const fixture = (): Json => JSON.parse(readFileSync(FIXTURE, 'utf8'));

/** payments/api's images: `v2` has moved from d(2) to d(3) since the pod started. */
const apiImages = () => [
  { imageDigest: d('0'), imageTags: ['old-report'] },
  { imageDigest: d('1'), imageTags: ['v1'] },
  { imageDigest: d('2'), imageTags: [] },
  { imageDigest: d('3'), imageTags: ['v2'] },
  { imageDigest: d('4'), imageTags: [] },
  { imageDigest: d('5'), imageTags: [] },
  { imageDigest: d('6'), imageTags: ['backfill'] },
  { imageDigest: d('7'), imageTags: ['nightly'] },
  { imageDigest: d('f'), imageTags: ['not-a-workload'] },
];

function issuesOf(list: unknown): string[] {
  try {
    kubernetesImageUses('prod-eks', list);
  } catch (error) {
    if (error instanceof InUseInputError)
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the list to be refused');
}

describe('kubernetesImageUses', () => {
  it('protects what pods run and what workload templates name, and nothing of finished pods or other kinds', () => {
    const { uses } = kubernetesImageUses('prod-eks', fixture());
    const inUse = resolveImagesInUse(uses, API, apiImages());

    expect([...inUse.keys()].sort()).toEqual([d('1'), d('2'), d('3'), d('4'), d('5'), d('6'), d('7')]);
    // The pod runs d(2) (its imageID) though `v2` now names d(3): both are kept, the one running and
    // the one a restart would pull.
    const pod = {
      kind: 'in-use-kubernetes-pod',
      cluster: 'prod-eks',
      namespace: 'payments',
      pod: 'payments-api-7d9f8c6b5-x2k4q',
      container: 'api',
    };
    expect(inUse.get(d('2'))).toEqual([pod]);
    expect(inUse.get(d('3'))).toEqual([pod]);
    expect(inUse.get(d('4'))).toEqual([
      {
        kind: 'in-use-kubernetes-pod',
        cluster: 'prod-eks',
        namespace: 'payments',
        pod: 'payments-worker-0',
        container: 'worker',
      },
    ]);
    // A Deployment scaled to zero, an old ReplicaSet, a Job and a suspended CronJob.
    expect(inUse.get(d('1'))).toEqual([
      {
        kind: 'in-use-kubernetes-workload',
        cluster: 'prod-eks',
        namespace: 'payments',
        workloadKind: 'Deployment',
        name: 'payments-canary',
        container: 'api',
      },
    ]);
    expect(inUse.get(d('5'))?.[0]).toMatchObject({
      workloadKind: 'ReplicaSet',
      name: 'payments-api-5b8d7f9c4',
    });
    expect(inUse.get(d('6'))?.[0]).toMatchObject({ workloadKind: 'Job', name: 'payments-backfill' });
    expect(inUse.get(d('7'))?.[0]).toMatchObject({
      workloadKind: 'CronJob',
      name: 'payments-nightly',
      container: 'nightly',
    });
  });

  it('reads init and ephemeral containers and their statuses, StatefulSets, and skips other registries', () => {
    const { uses } = kubernetesImageUses('prod-eks', fixture());
    const named = uses.map(
      (use) => `${use.reference.repositoryName}@${use.reference.digest ?? use.reference.tag}`,
    );

    expect(named).toEqual(
      expect.arrayContaining([
        `payments/migrate@v7`,
        `payments/migrate@${d('7')}`,
        `tools/debug@${d('8')}`,
        'data/ledger@15.4',
      ]),
    );
    // public.ecr.aws images and the eu-west-1 registry are other registries (the eu-west-1 one is
    // parsed, but names another region: resolveImagesInUse gives it nothing in us-east-1).
    expect(uses.every((use) => use.reference.registryId === '123456789012')).toBe(true);
    expect(uses.filter((use) => use.reference.region === 'eu-west-1')).toHaveLength(2);
  });

  it('warns when a running image is known only by an id that names no registry', () => {
    const { warnings } = kubernetesImageUses('prod-eks', fixture());

    expect(warnings).toEqual([
      expect.stringContaining(`pod legacy/legacy-app-5c9d7-pq8zn container app reports imageID ${d('e')}`),
    ]);
  });

  it('records the workload account and region when the cluster is in one', () => {
    const { uses } = kubernetesImageUses('ops', fixture(), { account: '222222222222', region: 'us-east-1' });

    expect(uses.every((use) => 'account' in use.reason && use.reason.account === '222222222222')).toBe(true);
    expect(uses[0]?.reason).toMatchObject({ cluster: 'ops', region: 'us-east-1' });
  });

  it('reads a single-kind list as the API returns it, whose items carry no kind', () => {
    const podList = {
      apiVersion: 'v1',
      kind: 'PodList',
      metadata: { resourceVersion: '1', continue: '' },
      items: [
        {
          metadata: { name: 'p', namespace: 'n' },
          spec: { containers: [{ name: 'c', image: `${R}/payments/api:v1` }] },
          status: { phase: 'Running' },
        },
      ],
    };

    expect(kubernetesImageUses('prod-eks', podList).uses).toEqual([
      {
        reference: {
          registryId: '123456789012',
          region: 'us-east-1',
          repositoryName: 'payments/api',
          tag: 'v1',
        },
        reason: {
          kind: 'in-use-kubernetes-pod',
          cluster: 'prod-eks',
          namespace: 'n',
          pod: 'p',
          container: 'c',
        },
      },
    ]);
  });

  it('refuses what is not a List, naming what it got', () => {
    expect(issuesOf({ apiVersion: 'v1', kind: 'Pod', metadata: {} })).toEqual([
      ': expected a Kubernetes List (what kubectl get ... -o json prints), got a Pod',
    ]);
    expect(issuesOf([])).toEqual([
      ': expected a Kubernetes List (what kubectl get ... -o json prints), got an array',
    ]);
    expect(issuesOf({ kind: 'List', items: 'none' })).toEqual([
      'items: expected an array, got the string "none"',
    ]);
  });

  it('names the path of every malformed object instead of skipping it', () => {
    const list = fixture();
    delete list.items[5].spec;
    list.items[6].spec.template.spec.containers[0].image = 42;
    delete list.items[9].spec.template.spec.containers;
    list.items[10].spec.jobTemplate.spec.template.spec.initContainers = {};
    delete list.items[11].kind;
    list.items[12] = 'not an object';

    expect(issuesOf(list)).toEqual([
      'items[5].spec: is required',
      'items[6].spec.template.spec.containers[0].image: expected a string, got number 42',
      'items[9].spec.template.spec.containers: is required: a PodSpec lists its containers',
      'items[10].spec.jobTemplate.spec.template.spec.initContainers: expected an array, got an object',
      'items[11].kind: is required in a List: without it the object cannot be read',
      'items[12]: expected an object, got the string "not an object"',
    ]);
  });

  it('accepts a pod template container without an image (a controller may fill it in)', () => {
    const list = fixture();
    delete list.items[7].spec.template.spec.containers[0].image;

    expect(() => kubernetesImageUses('prod-eks', list)).not.toThrow();
  });

  it('never crashes on arbitrary JSON in a List: it reads it or names what is wrong', () => {
    const item = fc.record(
      {
        kind: fc.constantFrom('Pod', 'Deployment', 'CronJob', 'Job', 'Service', 7),
        metadata: fc.anything(),
        spec: fc.oneof(fc.anything(), fc.record({ containers: fc.anything(), template: fc.anything() })),
        status: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(item), fc.anything()), (items) => {
        try {
          const { uses } = kubernetesImageUses('prod-eks', { apiVersion: 'v1', kind: 'List', items });
          expect(Array.isArray(uses)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(InUseInputError);
          expect((error as InUseInputError).issues.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
