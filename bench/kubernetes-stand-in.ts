/**
 * The Kubernetes API stand-in of the Kubernetes read benchmark, in its own process so that the
 * reader's memory is measured alone: seeds a generated cluster, prints `{ url, caData, objects }`
 * as one JSON line, and serves until its standard input closes.
 */
import { generateClusterObjects } from '../local/kubernetes-api/seed-objects';
import { startKubernetesApiStandIn } from '../local/kubernetes-api/server';

async function main() {
  const [pods, workloads, namespaces, clusterName] = process.argv.slice(2);
  const objects = generateClusterObjects({
    pods: Number(pods),
    workloads: Number(workloads),
    namespaces: Number(namespaces),
  });
  const standIn = await startKubernetesApiStandIn({ clusterName: clusterName ?? 'bench-eks', objects });
  process.stdout.write(
    `${JSON.stringify({ url: standIn.url, caData: standIn.caData, objects: objects.length })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => {
    void standIn.close().then(() => process.exit(0));
  });
}

void main();
