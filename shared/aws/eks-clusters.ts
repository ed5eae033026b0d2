import { DescribeClusterCommand, EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import { EcrWardenError } from '../errors';

/**
 * The EKS control-plane reads of the Kubernetes in-use source: which clusters exist (for
 * `clusters: all`) and where each one's API server is. The SDK's types are used as they are; the
 * caller passes the client of the account and region it reads (the local one, or one made with an
 * assumed workload-reader role).
 */

/** One EKS client per execution environment and region; adaptive retry, as the other in-use readers. */
export function createEksClient(region: string, options: ConstructorParameters<typeof EKSClient>[0] = {}) {
  return new EKSClient({ region, retryMode: 'adaptive', maxAttempts: 8, ...options });
}

// ListClusters: maxResults 1-100, default 100; nextToken null at the end.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_ListClusters.html
const LIST_CLUSTERS_PAGE_SIZE = 100;

/** Every EKS cluster name of the client's account and region (`all` in the config), in API order. */
export async function listEksClusterNames(client: EKSClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListClusters({ client, pageSize: LIST_CLUSTERS_PAGE_SIZE }, {})) {
    names.push(...(page.clusters ?? []));
  }
  return names;
}

/** What the Kubernetes reader needs to reach a cluster's API server. */
export interface EksClusterEndpoint {
  name: string;
  arn: string | undefined;
  /** `https://…`, as DescribeCluster returns it. */
  endpoint: string;
  /** The cluster CA bundle, base64 of its PEM (`certificateAuthority.data`). */
  caData: string;
  /** CREATING | ACTIVE | DELETING | FAILED | UPDATING | PENDING. */
  status: string;
}

export class EksClusterNotReadableError extends EcrWardenError {
  override name = 'EksClusterNotReadableError';
}

/**
 * DescribeCluster for one cluster. A cluster with no endpoint or CA yet (CREATING) cannot be read,
 * so it is an error (the source fails closed), never an empty cluster.
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html
 */
export async function describeEksClusterEndpoint(
  client: EKSClient,
  clusterNameOrArn: string,
): Promise<EksClusterEndpoint> {
  const name = eksClusterName(clusterNameOrArn);
  const { cluster } = await client.send(new DescribeClusterCommand({ name }));
  const endpoint = cluster?.endpoint;
  const caData = cluster?.certificateAuthority?.data;
  const status = cluster?.status ?? 'UNKNOWN';
  if (endpoint === undefined || endpoint === '' || caData === undefined || caData === '') {
    throw new EksClusterNotReadableError(
      `EKS cluster ${name} has no API endpoint or certificate authority yet (status ${status})`,
    );
  }
  return { name, arn: cluster?.arn, endpoint, caData, status };
}

// arn:aws:eks:<region>:<account>:cluster/<name>; cluster names are 1-100 of [0-9A-Za-z_-], starting
// alphanumeric. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
const CLUSTER_ARN = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):cluster\/([0-9A-Za-z][0-9A-Za-z_-]{0,99})$/;

/** The cluster name of a name or an ARN (DescribeCluster and `x-k8s-aws-id` take the name). */
export function eksClusterName(clusterNameOrArn: string): string {
  return CLUSTER_ARN.exec(clusterNameOrArn)?.[3] ?? clusterNameOrArn;
}

/** The account and region an ARN names, or undefined for a bare name. */
export function eksClusterArnLocation(clusterArn: string): { account: string; region: string } | undefined {
  const match = CLUSTER_ARN.exec(clusterArn);
  return match === null ? undefined : { region: match[1] as string, account: match[2] as string };
}
