// local/sample-data/sample-snapshot.json is the sample registry as `ecr-warden snapshot` writes it: the
// CLI's --snapshot commands read it where they once replayed the simulator's sample format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SAMPLE_PATH } from '../../../local/registry-sim/data/sample-format';
import { buildSampleSnapshot, SAMPLE_SNAPSHOT_PATH } from '../../../local/registry-sim/data/sample-snapshot';
import { readSnapshot } from '../../../shared/cleanup/snapshot';
import { buildCli, ROOT, runCli } from '../../support/cli';

describe('the sample snapshot', () => {
  it('is what `ecr-warden snapshot` writes of the sample registry today (rebuild: npm run sample:build)', async () => {
    const rebuilt = await buildSampleSnapshot();

    expect(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')).toBe(rebuilt);
  });

  it('holds both regions of the sample, taken at its asOf', () => {
    const snapshot = readSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));

    expect(snapshot.takenAt).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(snapshot.registries.map((registry) => [registry.region, registry.repositories.length])).toEqual([
      ['us-east-1', 8],
      ['us-west-2', 4],
    ]);
  });

  it('holds the sample’s EKS cluster as kubectl’s List, read through its Kubernetes API', () => {
    const document = JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8'));

    expect(document.kubernetes.map((entry: { cluster: string }) => entry.cluster)).toEqual(['demo-eks']);
    expect(document.kubernetes[0].objects).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(document.kubernetes[0].objects.items).toHaveLength(5);
    expect([document.workloadAccounts, document.external]).toEqual([[], []]);
  });
});

describe('ecr-warden cleanup plan --snapshot local/sample-data/sample-snapshot.json', () => {
  beforeAll(buildCli);

  it('keeps what the sample’s EKS cluster runs, with the Kubernetes reasons', () => {
    const planted = JSON.parse(readFileSync(DEFAULT_SAMPLE_PATH, 'utf8')).planted;
    const run = runCli(
      'cleanup',
      'plan',
      '--snapshot',
      SAMPLE_SNAPSHOT_PATH,
      '--config',
      join(ROOT, 'local', 'demo', 'ecr-warden.demo.yml'),
      '--output',
      'json',
    );

    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout);
    const reasonsOf = (repositoryName: string, digest: string) =>
      plan.repositories
        .find((repository: { repositoryName: string }) => repository.repositoryName === repositoryName)
        .keep.find((image: { imageDigest: string }) => image.imageDigest === digest)
        ?.reasons.filter((reason: { kind: string }) => reason.kind.startsWith('in-use-kubernetes'));
    const at = (name: string) => [planted[name].repositoryName, planted[name].imageDigest] as const;

    expect(reasonsOf(...at('eks-pod-on-moved-tag'))).toEqual([
      {
        kind: 'in-use-kubernetes-pod',
        cluster: 'demo-eks',
        namespace: 'payments',
        pod: 'checkout-legacy-0',
        container: 'c0',
      },
    ]);
    expect(reasonsOf(...at('eks-deployment-scaled-to-zero'))).toEqual([
      expect.objectContaining({
        kind: 'in-use-kubernetes-workload',
        workloadKind: 'Deployment',
        name: 'frontend-canary',
      }),
    ]);
    expect(reasonsOf(...at('eks-old-replicaset'))).toEqual([
      expect.objectContaining({
        kind: 'in-use-kubernetes-workload',
        workloadKind: 'ReplicaSet',
        name: 'frontend-canary-6b7f9c8d5',
      }),
    ]);
    expect(reasonsOf(...at('eks-cronjob'))).toEqual([
      expect.objectContaining({
        kind: 'in-use-kubernetes-workload',
        workloadKind: 'CronJob',
        name: 'settlement-nightly',
      }),
    ]);
    expect(plan.warnings).toEqual([]);
  });
});
