import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SeedObject } from '../../local/kubernetes-api/object-store';
import { SAMPLE_CLUSTER_NAME, sampleClusterObjects } from '../../local/kubernetes-api/sample-cluster';
import { generateClusterObjects } from '../../local/kubernetes-api/seed-objects';
import { STAND_IN_CREDENTIALS, startKubernetesApiStandIn } from '../../local/kubernetes-api/server';
import { createEksToken } from '../../shared/aws/eks-token';
import { CheckResults } from './check-results';
import { checkPlanOfKubectlOutput } from './kubectl-plan';
import { runCommand } from './run-command';

/**
 * Debian's real `kubectl` (package kubernetes-client, written independently of ecr-warden) against
 * the Kubernetes API stand-in, over HTTPS with the stand-in's CA in a kubeconfig and an EKS token
 * made by ecr-warden's shared/aws/eks-token.ts: proves that the stand-in speaks the protocol
 * (discovery, chunked lists with continue tokens, Status errors) and that the token has the shape
 * the stand-in's authenticator checks.
 *
 * 1. The sample cluster (local/kubernetes-api/sample-cluster.ts): `kubectl get pods,replicasets,
 *    deployments,statefulsets,daemonsets,jobs,cronjobs -A -o json --chunk-size 2` lists every seeded
 *    object, each with its kind and apiVersion, in a v1 List, and its output is the committed
 *    fixture test/fixtures/kubernetes/kubectl-get-all.json (the in-use converter's test
 *    input; compared as JSON, the file being Biome-formatted). `KUBECTL_CHECK_WRITE_FIXTURE=1`
 *    rewrites the fixture instead.
 * 2. 1,234 generated pods with `--chunk-size 500`: 3 pages, every pod listed once.
 * 3. A token signed for another cluster: kubectl exits non-zero and says Unauthorized.
 * 4. The output of 1., as kubectl printed it, is a snapshot's `kubernetes[0].objects` for the built
 *    CLI's `cleanup plan --snapshot` (kubectl-plan.ts): the images the seeded pods and workloads run
 *    are kept with the Kubernetes reasons, the others deleted.
 */
const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/kubernetes/kubectl-get-all.json');
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const RESOURCES = 'pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs';
const TIMEOUT_MS = 60_000;

const identity = (o: { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } }) =>
  `${String(o.kind)} ${String(o.metadata?.namespace)}/${String(o.metadata?.name)}`;

export async function runKubectlCheck(log: (line: string) => void): Promise<string[]> {
  const results = new CheckResults('kubectl', log);
  const workDir = mkdtempSync(join(tmpdir(), 'ecr-warden-kubectl-'));
  try {
    await checkSampleCluster(results, workDir);
    await checkChunking(results, workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return results.failures;
}

async function kubectlGet(
  workDir: string,
  standIn: { url: string; caData: string },
  clusterName: string,
  tokenCluster: string,
  chunkSize: number,
) {
  const { token } = await createEksToken({
    clusterName: tokenCluster,
    region: 'us-east-1',
    credentials: STAND_IN_CREDENTIALS,
  });
  const kubeconfig = join(workDir, `kubeconfig-${clusterName}-${tokenCluster}`);
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: clusterName, cluster: { server: standIn.url, 'certificate-authority-data': standIn.caData } },
      ],
      users: [{ name: 'ecr-warden', user: { token } }],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user: 'ecr-warden' } }],
      'current-context': clusterName,
    }),
  );
  return runCommand(
    KUBECTL,
    [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      join(workDir, 'cache'),
      'get',
      RESOURCES,
      '-A',
      '-o',
      'json',
      `--chunk-size=${chunkSize}`,
    ],
    // No proxy, no home directory config: nothing but the kubeconfig and loopback.
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir, NO_PROXY: '127.0.0.1' },
      timeoutMs: TIMEOUT_MS,
    },
  );
}

async function checkSampleCluster(results: CheckResults, workDir: string): Promise<void> {
  const seeded = sampleClusterObjects();
  const standIn = await startKubernetesApiStandIn({ clusterName: SAMPLE_CLUSTER_NAME, objects: seeded });
  try {
    const run = await kubectlGet(workDir, standIn, SAMPLE_CLUSTER_NAME, SAMPLE_CLUSTER_NAME, 2);
    results.expect(run.status === 0, 'kubectl get … -A -o json exits 0', run.stderr.trim().split('\n')[0]);
    if (run.status !== 0) return;
    const output = JSON.parse(run.stdout) as { apiVersion: string; kind: string; items: SeedObject[] };
    results.expectEqual([output.apiVersion, output.kind], ['v1', 'List'], 'prints one v1 List');
    results.expectEqual(
      output.items.map(identity).sort(),
      seeded.map(identity).sort(),
      'lists every seeded object exactly once, with its kind',
    );
    const apiVersions = new Set(output.items.map((item) => `${item.kind}=${item.apiVersion}`));
    results.expectEqual(
      [...apiVersions].sort(),
      [
        'CronJob=batch/v1',
        'DaemonSet=apps/v1',
        'Deployment=apps/v1',
        'Job=batch/v1',
        'Pod=v1',
        'ReplicaSet=apps/v1',
        'StatefulSet=apps/v1',
      ],
      'each item carries its apiVersion',
    );
    // 6 pods at --chunk-size 2: 3 pages, the 2nd and 3rd asked for with the previous page's token.
    const podPages = standIn.requests.filter((r) => r.url.startsWith('/api/v1/pods') && r.status === 200);
    results.expectEqual(
      podPages.map((r) => new URL(r.url, standIn.url).searchParams.has('continue')),
      [false, true, true],
      'pages pods with --chunk-size 2 (limit and continue)',
    );
    if (process.env.KUBECTL_CHECK_WRITE_FIXTURE === '1') {
      // Written as Biome formats JSON (the repository's formatter), so that `npm run lint` stays green.
      writeFileSync(FIXTURE, run.stdout);
      const format = await runCommand(join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', FIXTURE], {
        timeoutMs: TIMEOUT_MS,
      });
      results.expect(format.status === 0, `wrote ${FIXTURE}`, format.stderr.trim());
    } else {
      results.expectEqual(
        JSON.parse(readFileSync(FIXTURE, 'utf8')),
        output,
        'prints what the committed fixture kubectl-get-all.json holds (rerun with KUBECTL_CHECK_WRITE_FIXTURE=1 when the sample cluster changed on purpose)',
      );
    }

    await checkPlanOfKubectlOutput(results, workDir, run.stdout, join(ROOT, 'bin/ecr-warden.js'));

    const refused = await kubectlGet(workDir, standIn, SAMPLE_CLUSTER_NAME, 'another-cluster', 500);
    results.expect(
      refused.status !== 0 && /Unauthorized|must be logged in/.test(refused.stderr),
      'a token signed for another cluster is refused (401)',
      `status ${refused.status}: ${refused.stderr.trim().split('\n').pop()}`,
    );
  } finally {
    await standIn.close();
  }
}

async function checkChunking(results: CheckResults, workDir: string): Promise<void> {
  const seeded = generateClusterObjects({ pods: 1234, workloads: 0, namespaces: 20 });
  const standIn = await startKubernetesApiStandIn({ clusterName: 'big-eks', objects: seeded });
  try {
    const run = await kubectlGet(workDir, standIn, 'big-eks', 'big-eks', 500);
    results.expect(run.status === 0, 'kubectl lists 1,234 pods', run.stderr.trim().split('\n')[0]);
    if (run.status !== 0) return;
    const output = JSON.parse(run.stdout) as { items: SeedObject[] };
    const names = new Set(output.items.filter((i) => i.kind === 'Pod').map(identity));
    results.expectEqual([output.items.length, names.size], [1234, 1234], 'every pod once');
    const podPages = standIn.requests.filter((r) => r.url.startsWith('/api/v1/pods') && r.status === 200);
    results.expectEqual(podPages.length, 3, 'in 3 pages of at most 500 (limit=500, continue)');
  } finally {
    await standIn.close();
  }
}
