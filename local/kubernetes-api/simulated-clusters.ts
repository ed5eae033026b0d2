import type { RegistrySimulator } from '../registry-sim/simulator';
import { type KubernetesApiStandIn, startKubernetesApiStandIn } from './server';

/**
 * The Kubernetes APIs of a registry simulator's EKS clusters: one Kubernetes API stand-in on loopback
 * for every cluster that holds objects (the sample registry's `eks` clusters, say), serving them, its
 * endpoint and CA set on the simulated cluster so that DescribeCluster leads to it. Authorization is
 * the simulated cluster's own: its access entries (a cluster-scoped access policy lets the principal
 * list, else 403), for the one principal given, whose keys sign the EKS token. A cluster without
 * objects is left as it is (a caller may serve it otherwise).
 */
export interface SimulatedClusterApis {
  /** The stand-ins by `<account>/<region>/<cluster>`. */
  standIns: ReadonlyMap<string, KubernetesApiStandIn>;
  close(): Promise<void>;
}

export async function serveSimulatedClusters(
  sim: RegistrySimulator,
  principal: { accessKeyId: string; secretAccessKey: string; arn: string },
): Promise<SimulatedClusterApis> {
  const standIns = new Map<string, KubernetesApiStandIn>();
  const close = async () => {
    await Promise.all([...standIns.values()].map((standIn) => standIn.close()));
  };
  try {
    for (const eks of sim.world.eksStates()) {
      for (const cluster of eks.clusters()) {
        if (cluster.objects.length === 0) continue;
        const standIn = await startKubernetesApiStandIn({
          clusterName: cluster.name,
          objects: cluster.objects,
          credentials: [principal],
          authorize: (caller) => eks.allowsClusterWideRead(cluster.name, caller.arn ?? ''),
        });
        standIns.set(`${eks.accountId}/${eks.region}/${cluster.name}`, standIn);
        cluster.endpoint = standIn.url;
        cluster.caData = standIn.caData;
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { standIns, close };
}
