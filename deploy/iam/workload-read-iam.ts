import type { IamStatement } from './iam-statement';

/**
 * The read statements of the in-use picture, per source, shared by the roles that read it: the
 * cleanup worker's own role (in its account and region, deploy/iam/cleanup-worker-iam.ts) and the
 * workload-reader role of each workload account (deploy/workload-reader-role.ts). `arnsOf` turns a
 * service and a resource path into the role's resource ARNs (one per region it reads in).
 *
 * Actions and resource types as the Service Authorization Reference lists them: an action whose row
 * names no resource type takes only `*`.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbatch.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapprunner.html
 */
export type ArnsOf = (service: string, resource: string) => unknown[];

/**
 * ECS: DescribeServices and ListServiceDeployments (resource type `service`) and DescribeTasks
 * (`task`) scoped to those ARNs. DescribeServiceRevisions requires two resource types, `service` and
 * `service-revision` (`arn:${Partition}:ecs:${Region}:${Account}:service-revision/${ClusterName}/${ServiceName}/${ServiceRevisionId}`):
 * both. ListClusters, ListServices, ListTaskDefinitions and DescribeTaskDefinition name no resource
 * type. ListTasks names `container-instance`, which Fargate tasks do not run on and which a
 * cluster-wide listing does not match (awsdocs/amazon-ecs-developer-guide#211): `*` too.
 */
export function ecsReadStatements(arnsOf: ArnsOf): IamStatement[] {
  return [
    {
      Effect: 'Allow',
      Action: ['ecs:DescribeServices', 'ecs:ListServiceDeployments'],
      Resource: arnsOf('ecs', 'service/*'),
    },
    {
      Effect: 'Allow',
      Action: ['ecs:DescribeServiceRevisions'],
      Resource: [...arnsOf('ecs', 'service/*'), ...arnsOf('ecs', 'service-revision/*')],
    },
    { Effect: 'Allow', Action: ['ecs:DescribeTasks'], Resource: arnsOf('ecs', 'task/*') },
    {
      Effect: 'Allow',
      Action: [
        'ecs:ListClusters',
        'ecs:ListServices',
        'ecs:ListTasks',
        'ecs:ListTaskDefinitions',
        'ecs:DescribeTaskDefinition',
      ],
      Resource: ['*'],
    },
  ];
}

/** Lambda: ListFunctions names no resource type; the per-function reads match `function:*` (qualified ARNs too). */
export function lambdaReadStatements(arnsOf: ArnsOf): IamStatement[] {
  return [
    { Effect: 'Allow', Action: ['lambda:ListFunctions'], Resource: ['*'] },
    {
      Effect: 'Allow',
      Action: ['lambda:GetFunction', 'lambda:ListVersionsByFunction', 'lambda:ListAliases'],
      Resource: arnsOf('lambda', 'function:*'),
    },
  ];
}

/**
 * EKS: DescribeCluster (endpoint and certificate authority) is scoped to clusters: a name becomes the
 * role's cluster ARNs, an ARN is taken as it is. ListClusters names no resource type and is needed only
 * for `all`, with DescribeCluster on every cluster. What the Kubernetes API then answers is authorized
 * by the cluster's access entries (AmazonEKSViewPolicy), not by IAM; the token is a presigned
 * sts:GetCallerIdentity request, which needs no permission.
 */
export function eksReadStatements(arnsOf: ArnsOf, clusters: readonly string[] | 'all'): IamStatement[] {
  if (clusters === 'all') {
    return [
      { Effect: 'Allow', Action: ['eks:ListClusters'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: arnsOf('eks', 'cluster/*') },
    ];
  }
  if (clusters.length === 0) return [];
  return [
    {
      Effect: 'Allow',
      Action: ['eks:DescribeCluster'],
      Resource: [...new Set(clusters)]
        .sort()
        .flatMap((cluster) => (cluster.startsWith('arn:') ? [cluster] : arnsOf('eks', `cluster/${cluster}`))),
    },
  ];
}

/** Batch: DescribeJobDefinitions supports no resource-level permission (it is not in Batch's list of those). */
export function batchReadStatements(): IamStatement[] {
  return [{ Effect: 'Allow', Action: ['batch:DescribeJobDefinitions'], Resource: ['*'] }];
}

/** App Runner: ListServices names no resource type; DescribeService is scoped to `service/<name>/<id>`. */
export function appRunnerReadStatements(arnsOf: ArnsOf): IamStatement[] {
  return [
    { Effect: 'Allow', Action: ['apprunner:ListServices'], Resource: ['*'] },
    { Effect: 'Allow', Action: ['apprunner:DescribeService'], Resource: arnsOf('apprunner', 'service/*') },
  ];
}

/** The parts of `cleanup.protect` the cleanup worker's role depends on (issue 14's in-use sources). */
export interface InUseSourcesIamInput {
  /** `cleanup.protect.kubernetes.clusters` of the worker's own account (names or ARNs, or `all`). */
  kubernetesClusters?: readonly string[] | 'all' | undefined;
  workloadAccounts: readonly { account: string }[];
  /** `cleanup.protect.workloadRoleName` (default ecr-warden-workload-reader). */
  workloadRoleName: string;
  batch: boolean;
  appRunner: boolean;
  external: readonly { bucket: string; key: string }[];
  /** `cleanup.protect.inspectorInUseDays` is set. */
  inspector: boolean;
}

/**
 * What the cleanup worker's own role needs beside its ECS and Lambda reads, for the in-use sources
 * the config turns on (for the lead to add to deploy/iam/cleanup-worker-iam.ts):
 *
 * - `sts:AssumeRole` on exactly the workload-reader role of each workload account (resource type
 *   `role`), https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html;
 * - EKS DescribeCluster on the clusters of its own account it reads (ListClusters only for `all`);
 * - Batch and App Runner reads in its own account and region, as in the workload accounts;
 * - `s3:GetObject` on exactly each external list's object (`arn:aws:s3:::<bucket>/<key>`), no
 *   s3:ListBucket: S3 then answers a missing key with AccessDenied, which fails closed the same way
 *   (shared/aws/external-image-list.ts says "missing, or not allowed");
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 *   An IAM resource treats `*` and `?` as wildcards: a key holding them matches more keys than itself.
 * - `inspector2:ListCoverage`, which names no resource type (`*`),
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html
 */
export function inUseSourceStatements(input: InUseSourcesIamInput, arnsOf: ArnsOf): IamStatement[] {
  const statements: IamStatement[] = [];
  if (input.kubernetesClusters !== undefined) {
    statements.push(...eksReadStatements(arnsOf, input.kubernetesClusters));
  }
  const accounts = [...new Set(input.workloadAccounts.map(({ account }) => account))].sort();
  if (accounts.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: accounts.map((account) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/${input.workloadRoleName}`,
      })),
    });
  }
  if (input.batch) statements.push(...batchReadStatements());
  if (input.appRunner) statements.push(...appRunnerReadStatements(arnsOf));
  const objects = [...new Set(input.external.map(({ bucket, key }) => `${bucket}/${key}`))].sort();
  if (objects.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      // `${` in a key would read as a Fn::Sub variable: `${!` is Fn::Sub's literal `${`.
      Resource: objects.map((object) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:s3:::${object.replaceAll('${', '${!')}`,
      })),
    });
  }
  if (input.inspector) {
    statements.push({ Effect: 'Allow', Action: ['inspector2:ListCoverage'], Resource: ['*'] });
  }
  return statements;
}
