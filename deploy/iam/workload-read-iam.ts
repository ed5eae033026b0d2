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
 * ECS: DescribeServices (resource type `service`) and DescribeTasks (`task`) scoped to those ARNs.
 * ListClusters, ListServices, ListTaskDefinitions and DescribeTaskDefinition name no resource type.
 * ListTasks names `container-instance`, which Fargate tasks do not run on and which a cluster-wide
 * listing does not match (awsdocs/amazon-ecs-developer-guide#211): `*` too.
 */
export function ecsReadStatements(arnsOf: ArnsOf): IamStatement[] {
  return [
    { Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: arnsOf('ecs', 'service/*') },
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
 * EKS: ListClusters names no resource type; DescribeCluster (endpoint and certificate authority) is
 * scoped to clusters. What the Kubernetes API then answers is authorized by the cluster's access
 * entries (AmazonEKSViewPolicy), not by IAM.
 */
export function eksReadStatements(arnsOf: ArnsOf, clusterNames: readonly string[] | 'all'): IamStatement[] {
  const clusters = clusterNames === 'all' ? ['*'] : [...new Set(clusterNames)].sort();
  return [
    { Effect: 'Allow', Action: ['eks:ListClusters'], Resource: ['*'] },
    {
      Effect: 'Allow',
      Action: ['eks:DescribeCluster'],
      Resource: clusters.flatMap((name) => arnsOf('eks', `cluster/${name}`)),
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
