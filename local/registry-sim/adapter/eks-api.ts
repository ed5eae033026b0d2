import {
  type AccessEntry,
  AssociateAccessPolicyCommand,
  type Cluster,
  CreateAccessEntryCommand,
  DescribeClusterCommand,
  ListAccessEntriesCommand,
  ListClustersCommand,
} from '@aws-sdk/client-eks';
import type { EksAccessEntry, EksCluster, EksState } from '../model/eks';
import { type PageLimits, paginate } from '../model/pagination';
import { type CallContext, defineRoute, type Route } from './route';

// ListClusters and ListAccessEntries: maxResults 1-100, default 100.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_ListClusters.html
// https://docs.aws.amazon.com/eks/latest/APIReference/API_ListAccessEntries.html
const EKS_PAGE: PageLimits = { min: 1, max: 100, default: 100, errorCode: 'InvalidParameterException' };

const eksOf = (context: CallContext): EksState => context.world.eks(context.accountId, context.region);

function clusterShape(cluster: EksCluster): Cluster {
  return {
    name: cluster.name,
    arn: cluster.arn,
    createdAt: new Date(cluster.createdAt),
    version: cluster.version,
    status: cluster.status,
    ...(cluster.endpoint === '' ? {} : { endpoint: cluster.endpoint }),
    ...(cluster.caData === '' ? {} : { certificateAuthority: { data: cluster.caData } }),
    accessConfig: { authenticationMode: cluster.authenticationMode },
    resourcesVpcConfig: {
      subnetIds: [...cluster.subnetIds],
      securityGroupIds: [...cluster.securityGroupIds],
      endpointPublicAccess: cluster.endpointPublicAccess,
      endpointPrivateAccess: cluster.endpointPrivateAccess,
    },
  };
}

function accessEntryShape(clusterName: string, entry: EksAccessEntry): AccessEntry {
  return {
    clusterName,
    principalArn: entry.principalArn,
    kubernetesGroups: [...entry.kubernetesGroups],
    accessEntryArn: entry.accessEntryArn,
    createdAt: new Date(entry.createdAt),
    modifiedAt: new Date(entry.modifiedAt),
    tags: {},
    username: entry.username,
    type: entry.type,
  };
}

export const eksRoutes: readonly Route[] = [
  defineRoute('eks', ListClustersCommand, 'ListClusters', (input, context) => {
    const page = paginate(eksOf(context).clusterNames(), input, {
      scope: `ListClusters|${context.accountId}|${context.region}`,
      limits: EKS_PAGE,
      cursorOf: (name) => name,
    });
    return { clusters: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }),

  defineRoute('eks', DescribeClusterCommand, 'DescribeCluster', (input, context) => ({
    cluster: clusterShape(eksOf(context).cluster(input.name ?? '')),
  })),

  defineRoute('eks', CreateAccessEntryCommand, 'CreateAccessEntry', (input, context) => {
    const clusterName = input.clusterName ?? '';
    const entry = eksOf(context).createAccessEntry(
      clusterName,
      {
        principalArn: input.principalArn ?? '',
        ...(input.username === undefined ? {} : { username: input.username }),
        ...(input.kubernetesGroups === undefined ? {} : { kubernetesGroups: input.kubernetesGroups }),
        ...(input.type === undefined ? {} : { type: input.type }),
      },
      context.now,
    );
    return { accessEntry: accessEntryShape(clusterName, entry) };
  }),

  defineRoute('eks', ListAccessEntriesCommand, 'ListAccessEntries', (input, context) => {
    const clusterName = input.clusterName ?? '';
    const entries = [...eksOf(context).cluster(clusterName).accessEntries.values()]
      .filter(
        (entry) => input.associatedPolicyArn === undefined || entry.policies.has(input.associatedPolicyArn),
      )
      .map((entry) => entry.principalArn)
      .sort();
    const page = paginate(entries, input, {
      scope: `ListAccessEntries|${context.accountId}|${context.region}|${clusterName}|${input.associatedPolicyArn ?? ''}`,
      limits: EKS_PAGE,
      cursorOf: (arn) => arn,
    });
    return {
      accessEntries: page.items,
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }),

  defineRoute('eks', AssociateAccessPolicyCommand, 'AssociateAccessPolicy', (input, context) => {
    const clusterName = input.clusterName ?? '';
    const principalArn = input.principalArn ?? '';
    const association = eksOf(context).associateAccessPolicy(
      clusterName,
      principalArn,
      input.policyArn ?? '',
      {
        ...(input.accessScope?.type === undefined ? {} : { type: input.accessScope.type }),
        ...(input.accessScope?.namespaces === undefined ? {} : { namespaces: input.accessScope.namespaces }),
      },
      context.now,
    );
    return {
      clusterName,
      principalArn,
      associatedAccessPolicy: {
        policyArn: association.policyArn,
        accessScope: {
          type: association.accessScope.type,
          namespaces: [...association.accessScope.namespaces],
        },
        associatedAt: new Date(association.associatedAt),
        modifiedAt: new Date(association.modifiedAt),
      },
    };
  }),
];
