import { deepCopy } from './deep-copy';
import type { RandomSource } from './seeded-random';
import { serviceError } from './simulated-error';

/**
 * EKS of one account and region, as far as ecr-warden reads and writes it: clusters (where each
 * one's Kubernetes API answers: an endpoint, usually a Kubernetes API stand-in's, and its CA) and
 * their access entries with associated access policies.
 * https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
 */
export type AuthenticationMode = 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP';
export type EksClusterStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';

export interface EksAccessPolicyAssociation {
  policyArn: string;
  accessScope: { type: 'cluster' | 'namespace'; namespaces: string[] };
  associatedAt: number;
  modifiedAt: number;
}

export interface EksAccessEntry {
  principalArn: string;
  username: string;
  kubernetesGroups: string[];
  type: string;
  accessEntryArn: string;
  createdAt: number;
  modifiedAt: number;
  policies: Map<string, EksAccessPolicyAssociation>;
}

export interface EksCluster {
  name: string;
  arn: string;
  version: string;
  status: EksClusterStatus;
  /** `https://…`; empty while CREATING. */
  endpoint: string;
  /** Base64 PEM of the cluster CA; empty while CREATING. */
  caData: string;
  authenticationMode: AuthenticationMode;
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  subnetIds: string[];
  securityGroupIds: string[];
  createdAt: number;
  accessEntries: Map<string, EksAccessEntry>;
  /**
   * The Kubernetes objects its API holds (pods and workloads, as the API server returns them), for a
   * Kubernetes API stand-in started for the cluster to serve (local/kubernetes-api/simulated-clusters.ts).
   */
  objects: KubernetesObject[];
}

/** A Kubernetes object as the API server returns it (the shape of local/kubernetes-api's SeedObject). */
export interface KubernetesObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface AddEksClusterInput {
  name: string;
  endpoint?: string;
  caData?: string;
  status?: EksClusterStatus;
  version?: string;
  authenticationMode?: AuthenticationMode;
  endpointPublicAccess?: boolean;
  endpointPrivateAccess?: boolean;
  subnetIds?: string[];
  securityGroupIds?: string[];
  createdAt: number;
  objects?: readonly KubernetesObject[];
}

// The AWS managed access policies. https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
export const EKS_ACCESS_POLICY_PREFIX = 'arn:aws:eks::aws:cluster-access-policy/';
export const EKS_VIEW_POLICY_ARN = `${EKS_ACCESS_POLICY_PREFIX}AmazonEKSViewPolicy`;
const KNOWN_POLICIES = new Set(
  ['AmazonEKSViewPolicy', 'AmazonEKSEditPolicy', 'AmazonEKSAdminPolicy', 'AmazonEKSClusterAdminPolicy'].map(
    (name) => `${EKS_ACCESS_POLICY_PREFIX}${name}`,
  ),
);
// Cluster names: 1-100 characters, [0-9A-Za-z][A-Za-z0-9-_]*. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

export class EksState {
  private readonly clusterMap = new Map<string, EksCluster>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    private readonly random: RandomSource,
  ) {}

  addCluster(input: AddEksClusterInput): EksCluster {
    if (!CLUSTER_NAME.test(input.name)) throw new Error(`invalid EKS cluster name ${input.name}`);
    const cluster: EksCluster = {
      name: input.name,
      arn: `arn:aws:eks:${this.region}:${this.accountId}:cluster/${input.name}`,
      version: input.version ?? '1.32',
      status: input.status ?? 'ACTIVE',
      endpoint: input.endpoint ?? '',
      caData: input.caData ?? '',
      authenticationMode: input.authenticationMode ?? 'API_AND_CONFIG_MAP',
      endpointPublicAccess: input.endpointPublicAccess ?? true,
      endpointPrivateAccess: input.endpointPrivateAccess ?? false,
      subnetIds: [...(input.subnetIds ?? [])],
      securityGroupIds: [...(input.securityGroupIds ?? [])],
      createdAt: input.createdAt,
      accessEntries: new Map(),
      objects: (input.objects ?? []).map((object) => deepCopy(object)),
    };
    this.clusterMap.set(cluster.name, cluster);
    return cluster;
  }

  /** The clusters in name order. */
  clusters(): EksCluster[] {
    return this.clusterNames().map((name) => this.cluster(name));
  }

  /** Cluster names in name order (ListClusters documents no order; one fixed order keeps paging stable). */
  clusterNames(): string[] {
    return [...this.clusterMap.keys()].sort();
  }

  cluster(name: string): EksCluster {
    const cluster = this.clusterMap.get(name);
    if (cluster === undefined) {
      throw serviceError('ResourceNotFoundException', `No cluster found for name: ${name}.`, {
        clusterName: name,
      });
    }
    return cluster;
  }

  /** CreateAccessEntry. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html */
  createAccessEntry(
    clusterName: string,
    input: { principalArn: string; username?: string; kubernetesGroups?: string[]; type?: string },
    now: number,
  ): EksAccessEntry {
    const cluster = this.cluster(clusterName);
    if (cluster.authenticationMode === 'CONFIG_MAP') {
      throw serviceError(
        'InvalidRequestException',
        "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
      );
    }
    const role = ROLE_ARN.exec(input.principalArn);
    if (role === null) {
      throw serviceError(
        'InvalidParameterException',
        `The principalArn parameter format is not valid: ${input.principalArn}`,
      );
    }
    if (cluster.accessEntries.has(input.principalArn)) {
      throw serviceError(
        'ResourceInUseException',
        `The specified access entry resource is already in use on this cluster.`,
        { clusterName },
      );
    }
    const id = Array.from({ length: 4 }, () =>
      Math.floor(this.random() * 65_536)
        .toString(16)
        .padStart(4, '0'),
    ).join('');
    const entry: EksAccessEntry = {
      principalArn: input.principalArn,
      username: input.username ?? `arn:aws:sts::${role[1]}:assumed-role/${role[2]}/{{SessionName}}`,
      kubernetesGroups: [...(input.kubernetesGroups ?? [])],
      type: input.type ?? 'STANDARD',
      accessEntryArn: `arn:aws:eks:${this.region}:${this.accountId}:access-entry/${clusterName}/role/${role[1]}/${role[2]}/${id}`,
      createdAt: now,
      modifiedAt: now,
      policies: new Map(),
    };
    cluster.accessEntries.set(entry.principalArn, entry);
    return entry;
  }

  accessEntry(clusterName: string, principalArn: string): EksAccessEntry {
    const entry = this.cluster(clusterName).accessEntries.get(principalArn);
    if (entry === undefined) {
      throw serviceError(
        'ResourceNotFoundException',
        `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`,
        { clusterName },
      );
    }
    return entry;
  }

  /** AssociateAccessPolicy. https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html */
  associateAccessPolicy(
    clusterName: string,
    principalArn: string,
    policyArn: string,
    accessScope: { type?: string; namespaces?: string[] },
    now: number,
  ): EksAccessPolicyAssociation {
    const entry = this.accessEntry(clusterName, principalArn);
    if (!KNOWN_POLICIES.has(policyArn)) {
      throw serviceError(
        'ResourceNotFoundException',
        `The specified policyArn could not be found: ${policyArn}`,
      );
    }
    if (accessScope.type !== 'cluster' && accessScope.type !== 'namespace') {
      throw serviceError('InvalidParameterException', 'accessScope.type must be cluster or namespace');
    }
    const namespaces = accessScope.namespaces ?? [];
    if (accessScope.type === 'namespace' && namespaces.length === 0) {
      throw serviceError(
        'InvalidParameterException',
        'namespaces must be provided when the access scope type is namespace',
      );
    }
    const existing = entry.policies.get(policyArn);
    const association: EksAccessPolicyAssociation = {
      policyArn,
      accessScope: {
        type: accessScope.type,
        namespaces: accessScope.type === 'cluster' ? [] : [...namespaces],
      },
      associatedAt: existing?.associatedAt ?? now,
      modifiedAt: now,
    };
    entry.policies.set(policyArn, association);
    entry.modifiedAt = now;
    return association;
  }

  /**
   * Whether a role may list a collection cluster-wide: an access entry with a cluster-scoped
   * access policy that includes `list` (all four managed policies do). For the Kubernetes API
   * stand-in's authorizer (403 otherwise).
   */
  allowsClusterWideRead(clusterName: string, principalArn: string): boolean {
    const entry = this.clusterMap.get(clusterName)?.accessEntries.get(principalArn);
    if (entry === undefined) return false;
    return [...entry.policies.values()].some((p) => p.accessScope.type === 'cluster');
  }
}
