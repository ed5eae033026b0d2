import type { IamStatement } from './iam-statement';
import { regionalArn } from './iam-statement';

/**
 * cleanupWorker's statements for the in-use sources beyond the local ECS and Lambda ones
 * (`cleanup.protect` in ecr-warden.yml): each only when the config reads that source, each scoped to
 * the resources the config names where the action has a resource type. Actions and resource types
 * from the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerserviceforkubernetes.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbatch.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapprunner.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html
 *
 * - EKS: `eks:DescribeCluster` (resource type `cluster`) on the named clusters only; `all` adds
 *   `eks:ListClusters`, which has no resource type, and DescribeCluster on the account's and region's
 *   clusters. Reading the Kubernetes API itself is no IAM action: the token is a presigned
 *   `sts:GetCallerIdentity` request (which needs no permission), and what the role may read in the
 *   cluster is its access entry's (AmazonEKSViewPolicy).
 * - `sts:AssumeRole` on exactly the workload-reader role of each workload account; what the worker
 *   reads there is that role's (deploy/workload-reader-template.ts).
 * - Batch `DescribeJobDefinitions`, App Runner `ListServices` and Inspector `ListCoverage` name no
 *   resource type: `*`. App Runner `DescribeService` is scoped to the account's and region's services.
 * - `s3:GetObject` on exactly the external lists' objects (bucket/key).
 */
export interface InUseSourcesIamInput {
  kubernetes?: { clusters: 'all' | readonly string[] } | undefined;
  workloadAccounts: readonly { account: string }[];
  workloadRoleName: string;
  batch: boolean;
  appRunner: boolean;
  external: readonly { bucket: string; key: string }[];
  inspectorInUseDays?: number | undefined;
}

const CLUSTER_ARN = /^arn:[^:]+:eks:[^:]+:\d{12}:cluster\/.+$/;

export function inUseSourcesIamStatements(protect: InUseSourcesIamInput): IamStatement[] {
  const statements: IamStatement[] = [];
  const clusters = protect.kubernetes?.clusters;
  if (clusters === 'all') {
    statements.push(
      { Effect: 'Allow', Action: ['eks:ListClusters'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: [regionalArn('eks', 'cluster/*')] },
    );
  } else if (clusters !== undefined && clusters.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['eks:DescribeCluster'],
      Resource: [...new Set(clusters)]
        .sort()
        .map((cluster) => (CLUSTER_ARN.test(cluster) ? cluster : regionalArn('eks', `cluster/${cluster}`))),
    });
  }
  const accounts = [...new Set(protect.workloadAccounts.map((entry) => entry.account))].sort();
  if (accounts.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: accounts.map((account) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/${protect.workloadRoleName}`,
      })),
    });
  }
  if (protect.batch) {
    statements.push({ Effect: 'Allow', Action: ['batch:DescribeJobDefinitions'], Resource: ['*'] });
  }
  if (protect.appRunner) {
    statements.push(
      { Effect: 'Allow', Action: ['apprunner:ListServices'], Resource: ['*'] },
      {
        Effect: 'Allow',
        Action: ['apprunner:DescribeService'],
        Resource: [regionalArn('apprunner', 'service/*')],
      },
    );
  }
  const objects = [...new Set(protect.external.map(({ bucket, key }) => `${bucket}/${key}`))].sort();
  if (objects.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      // Fn::Join, not Fn::Sub: a key may hold `${`. IAM reads `*` and `?` in a resource as wildcards,
      // so the config refuses keys that hold them (the grant would be wider than the object).
      Resource: objects.map((object) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${object}`]],
      })),
    });
  }
  if (protect.inspectorInUseDays !== undefined) {
    statements.push({ Effect: 'Allow', Action: ['inspector2:ListCoverage'], Resource: ['*'] });
  }
  return statements;
}
