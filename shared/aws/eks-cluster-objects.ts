import type { EKSClient } from '@aws-sdk/client-eks';
import type { KubernetesList } from '../kubernetes/kubernetes-list';
import { type ReadClusterObjectsInput, readClusterObjects } from '../kubernetes/read-cluster-objects';
import {
  describeEksClusterEndpoint,
  EksClusterNotReadableError,
  eksClusterArnLocation,
  listEksClusterNames,
} from './eks-clusters';
import { createEksToken } from './eks-token';

// The client, for shared/aws/in-use-readers.ts: loading this module alone (a dynamic import) then
// bundles just the client and the commands used here, not the whole SDK package.
export { EKSClient } from '@aws-sdk/client-eks';

/**
 * One EKS cluster's Pods and workloads, read the way EKS documents for an IAM principal:
 * DescribeCluster for the endpoint and CA, a token presigned with the same credentials the EKS
 * client uses (the worker's role, or a workload-reader role it assumed), then the Kubernetes API.
 * The principal needs an access entry with AmazonEKSViewPolicy on the cluster; without one the API
 * answers 403 and this rejects with a KubernetesApiError (the source fails closed).
 * https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
 */
export type EksReadOptions = Omit<ReadClusterObjectsInput, 'cluster' | 'endpoint' | 'caData' | 'token'>;

export async function readEksClusterObjects(
  client: EKSClient,
  clusterNameOrArn: string,
  options: EksReadOptions = {},
): Promise<KubernetesList> {
  const region = await client.config.region();
  const where = eksClusterArnLocation(clusterNameOrArn);
  if (where !== undefined && where.region !== region) {
    throw new EksClusterNotReadableError(
      `EKS cluster ${clusterNameOrArn} is in ${where.region}; it was to be read with an EKS client of ${region}`,
    );
  }
  const cluster = await describeEksClusterEndpoint(client, clusterNameOrArn);
  const credentials = await client.config.credentials();
  const { token } = await createEksToken({ clusterName: cluster.name, region, credentials });
  return readClusterObjects({
    ...options,
    cluster: clusterNameOrArn,
    endpoint: cluster.endpoint,
    caData: cluster.caData,
    token,
  });
}

/** The clusters a configuration names, or (`all`) every cluster ListClusters returns. */
export async function eksClustersToRead(
  client: EKSClient,
  clusters: readonly string[] | 'all',
): Promise<string[]> {
  return clusters === 'all' ? listEksClusterNames(client) : [...clusters];
}
