// Issue 14's "Done when": the plan of a snapshot with Kubernetes pods and workload templates,
// another account's ECS tasks and an external list keeps every image they run, with the reasons
// that say where, and deletes the rest as before. Malformed parts are SnapshotErrors with paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCleanupPlanTable } from '../../../cli/cleanup-plan-table';
import { planSnapshotCleanup } from '../../../shared/cleanup/plan-snapshot-cleanup';
import { readSnapshot } from '../../../shared/cleanup/snapshot';
import { parseConfig } from '../../../shared/config/load-config';
import { expireAnyPushedRule } from '../../support/lifecycle-policies';
import { snapshotIssues } from '../../support/snapshot-issues';

const R = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const TAKEN_AT = '2026-12-01T06:00:00Z';
const KUBECTL = join(__dirname, '..', '..', 'events', 'kubernetes', 'kubectl-get-workloads.json');

// biome-ignore lint/suspicious/noExplicitAny: a snapshot is edited freely to make it wrong in one place
type Json = any;

/** payments/api: ten images, all pushed two months ago; the digits name them. */
const TAGS: Record<string, string[]> = {
  '0': ['old-report'],
  '1': ['v1'],
  '3': ['v2'],
  '6': ['backfill'],
  '7': ['nightly'],
  '9': ['v0.9'],
};

function snapshot(): Json {
  return {
    snapshotVersion: 1,
    account: '123456789012',
    region: 'us-east-1',
    takenAt: TAKEN_AT,
    repositories: [
      {
        repository: {
          repositoryName: 'payments/api',
          repositoryUri: `${R}/payments/api`,
          registryId: '123456789012',
        },
        images: [...'0123456789ab'].map((c) => ({
          imageDigest: d(c),
          imageTags: TAGS[c] ?? [],
          imagePushedAt: '2026-10-01T00:00:00Z',
          imageSizeInBytes: 1_000_000,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        })),
      },
    ],
    kubernetes: [{ cluster: 'prod-eks', objects: JSON.parse(readFileSync(KUBECTL, 'utf8')) }],
    workloadAccounts: [
      {
        account: '222222222222',
        region: 'us-east-1',
        ecs: {
          tasks: [
            {
              taskArn: 'arn:aws:ecs:us-east-1:222222222222:task/batch/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
              clusterArn: 'arn:aws:ecs:us-east-1:222222222222:cluster/batch',
              group: 'family:payments-sync',
              lastStatus: 'RUNNING',
              containers: [{ name: 'sync', image: `${R}/payments/api:sync`, imageDigest: d('8') }],
            },
          ],
        },
        kubernetes: [
          {
            cluster: 'arn:aws:eks:us-east-1:222222222222:cluster/ops',
            // kubectl's output as text, as a shell pipeline would put it in
            objects: JSON.stringify({
              apiVersion: 'v1',
              kind: 'List',
              items: [
                {
                  apiVersion: 'v1',
                  kind: 'Pod',
                  metadata: { name: 'ops-console-0', namespace: 'ops' },
                  spec: { containers: [{ name: 'console', image: `${R}/payments/api@${d('a')}` }] },
                  status: { phase: 'Running' },
                },
              ],
            }),
          },
        ],
      },
    ],
    external: [
      { source: 'argocd-prod', generatedAt: '2026-01-01T00:00:00Z', images: [`${R}/payments/api:v0.9`] },
    ],
  };
}

const cleanup = () =>
  parseConfig({
    cleanup: {
      maxDeletionShare: 1,
      // Every rule-selected image older than a week goes, unless something protects it.
      rules: [
        {
          repositories: ['**'],
          policy: {
            rules: [expireAnyPushedRule(1, 7)],
          },
        },
      ],
    },
  }).cleanup;

describe('a snapshot plan with every in-use source', () => {
  it('keeps every image the pods, templates, the workload account and the external list run, and deletes the rest', () => {
    const plan = planSnapshotCleanup(readSnapshot(snapshot()), cleanup(), { now: Date.parse(TAKEN_AT) });
    const [api] = plan.repositories;
    const primary = Object.fromEntries(
      (api?.keep ?? []).map((kept) => [
        kept.imageDigest.slice(7, 8),
        kept.reasons.map((reason) => reason.kind),
      ]),
    );

    expect(primary).toEqual({
      '1': ['in-use-kubernetes-workload'], // the Deployment scaled to zero
      '2': ['in-use-kubernetes-pod'], // what the pod runs, though its tag v2 moved
      '3': ['in-use-kubernetes-pod'], // what v2 names now
      '4': ['in-use-kubernetes-pod'], // the pending pod, by digest
      '5': ['in-use-kubernetes-workload'], // the old ReplicaSet
      '6': ['in-use-kubernetes-workload'], // the Job
      '7': ['in-use-kubernetes-workload'], // the CronJob
      '8': ['in-use-ecs-task'], // the workload account's ECS task
      '9': ['in-use-external'], // the external list
      a: ['in-use-kubernetes-pod'], // the workload account's cluster
    });
    // The finished Job pod's image and the image nothing names go, as before.
    expect(api?.delete.map((deletion) => deletion.imageDigest).sort()).toEqual([d('0'), d('b')]);
    expect(api?.keep.find((kept) => kept.imageDigest === d('8'))?.reasons).toEqual([
      {
        kind: 'in-use-ecs-task',
        taskArn: 'arn:aws:ecs:us-east-1:222222222222:task/batch/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
        clusterArn: 'arn:aws:ecs:us-east-1:222222222222:cluster/batch',
        group: 'family:payments-sync',
        containerName: 'sync',
        account: '222222222222',
        region: 'us-east-1',
      },
    ]);
    expect(api?.keep.find((kept) => kept.imageDigest === d('a'))?.reasons).toEqual([
      {
        kind: 'in-use-kubernetes-pod',
        cluster: 'arn:aws:eks:us-east-1:222222222222:cluster/ops',
        namespace: 'ops',
        pod: 'ops-console-0',
        container: 'console',
        account: '222222222222',
        region: 'us-east-1',
      },
    ]);
    expect(plan.summary.keptByReason).toMatchObject({
      'in-use-kubernetes-pod': 4,
      'in-use-kubernetes-workload': 4,
      'in-use-ecs-task': 1,
      'in-use-external': 1,
    });
    expect(plan.warnings).toEqual([expect.stringContaining('legacy/legacy-app-5c9d7-pq8zn')]);
  });

  it('says in the plan table where each kept image runs', () => {
    const plan = planSnapshotCleanup(readSnapshot(snapshot()), cleanup(), { now: Date.parse(TAKEN_AT) });

    const table = renderCleanupPlanTable(plan);
    expect(table).toContain('in use by a running Kubernetes pod');
    expect(table).toContain('named by a Kubernetes workload (pod template)');
    expect(table).toContain(
      `${'2'.repeat(12)} <untagged> [rule 1 selects it]: pod prod-eks/payments/payments-api-7d9f8c6b5-x2k4q (container api)`,
    );
    expect(table).toContain('Deployment prod-eks/payments/payments-canary (container api)');
    expect(table).toContain(
      'running ECS task 0f1e2d3c4b5a69788796a5b4c3d2e1f0 (family:payments-sync) in 222222222222/us-east-1',
    );
    expect(table).toContain('external list argocd-prod');
    expect(table).toContain('pod ops/ops/ops-console-0 (container console) in 222222222222/us-east-1');
  });

  it('plans a snapshot without the new fields exactly as before', () => {
    const document = snapshot();
    delete document.kubernetes;
    delete document.workloadAccounts;
    delete document.external;

    const plan = planSnapshotCleanup(readSnapshot(document), cleanup(), { now: Date.parse(TAKEN_AT) });
    expect(plan.repositories[0]?.delete).toHaveLength(12);
    expect(plan.warnings).toEqual([]);
  });

  it('names the path of every malformed in-use part', () => {
    const document = snapshot();
    delete document.kubernetes[0].objects.items[5].spec;
    document.kubernetes.push({ cluster: 'staging', objects: '{"kind": "List", "items": [' });
    document.kubernetes.push({ cluster: '', objects: 7 });
    document.workloadAccounts[0].account = '2222';
    document.workloadAccounts[0].kubernetes[0].objects = JSON.stringify({ kind: 'Pod' });
    document.external.push({ source: 'helm', images: ['not a reference'] });

    expect(snapshotIssues(document)).toEqual([
      'kubernetes[2].cluster: must not be empty',
      'kubernetes[2].objects: expected the JSON of kubectl get ... -o json (a List), as an object or a string',
      'workloadAccounts[0].account: must be a 12-digit AWS account id',
    ]);
    document.kubernetes.pop();
    document.workloadAccounts[0].account = '222222222222';
    expect(snapshotIssues(document)).toEqual([
      'kubernetes[0].objects.items[5].spec: is required',
      expect.stringMatching(/^kubernetes\[1\]\.objects: not JSON: /),
      'workloadAccounts[0].kubernetes[0].objects: expected a Kubernetes List (what kubectl get ... -o json prints), got a Pod',
      'external[1].generatedAt: is required',
      'external[1].images[0]: not an image reference: "not a reference"',
    ]);
  });
});
