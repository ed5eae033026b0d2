import { createHash } from 'node:crypto';

/**
 * CloudFormation the in-use sources of `cleanup.protect` need beyond IAM, generated from the config by
 * deploy/resolve-variables.cjs (`custom.warden.inUseResources`).
 *
 * An EKS access entry per cluster the config names by name (a cluster of the stack's own account and
 * region, where this stack can create it): the worker's role as principal, with the AmazonEKSViewPolicy
 * access policy over the whole cluster, which lets it list pods and workloads and nothing that writes or
 * reads Secrets. The cluster's authentication mode must include `API` (`API` or `API_AND_CONFIG_MAP`).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-accessentry.html
 * https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html#access-policy-permissions-amazoneksviewpolicy
 *
 * Clusters named by ARN (another region) and `all` get no entry: the README says how to create one
 * (`aws eks create-access-entry` + `associate-access-policy`); clusters of workload accounts get theirs
 * from the workload-reader stack in that account.
 */
export const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

export function eksAccessEntryResources(
  clusters: 'all' | readonly string[] | undefined,
  principalRoleLogicalId: string,
): Record<string, object> {
  if (clusters === undefined || clusters === 'all') return {};
  const resources: Record<string, object> = {};
  for (const cluster of [...new Set(clusters)].sort()) {
    if (cluster.startsWith('arn:')) continue;
    resources[accessEntryLogicalId(cluster)] = {
      Type: 'AWS::EKS::AccessEntry',
      Properties: {
        ClusterName: cluster,
        PrincipalArn: { 'Fn::GetAtt': [principalRoleLogicalId, 'Arn'] },
        Type: 'STANDARD',
        AccessPolicies: [
          {
            PolicyArn: {
              'Fn::Sub': `arn:\${AWS::Partition}:eks::aws:cluster-access-policy/${EKS_VIEW_POLICY}`,
            },
            AccessScope: { Type: 'cluster' },
          },
        ],
      },
    };
  }
  return resources;
}

/**
 * `CleanupWorkerAccessEntryProdEks1a2b3c4d`: logical ids are alphanumeric, so the name loses its `-` and
 * `_`; a hash of the name keeps `prod-eks` and `prod_eks` apart.
 */
function accessEntryLogicalId(cluster: string): string {
  const readable = cluster
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  const hash = createHash('sha256').update(cluster).digest('hex').slice(0, 8);
  return `CleanupWorkerAccessEntry${readable}${hash}`;
}
