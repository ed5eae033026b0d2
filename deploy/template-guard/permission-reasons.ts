/**
 * Why each function may call each action: the "why" column of the permissions summary (README.md and
 * `npm run package:check`). The template guard fails for an action granted without a reason here, so a
 * new permission is explained before it ships. Entries cover every action a function's role can hold
 * with some ecr-warden.yml (writes granted only with dryRun: false included).
 */

type Reasons = Readonly<Record<string, string>>;

/** The same reason whichever function holds the action. */
const COMMON: Reasons = {
  'logs:CreateLogGroup': 'write its own log group, nothing else',
  'logs:CreateLogStream': 'write its own log group, nothing else',
  'logs:PutLogEvents': 'write its own log group, nothing else',
  'events:PutEvents': 'publish governance events on the ecr-warden bus only',
  // organization (deploy/organization-hub.ts): every function that acts in member accounts.
  'sts:AssumeRole':
    'act in a governed member account through its member role; list the OUs through organization.organizationsRoleArn when set',
  'organizations:ListAccountsForParent': "list the governed OUs' accounts (organization.organizationalUnits)",
  'organizations:ListOrganizationalUnitsForParent':
    "list the governed OUs' child OUs (organization.organizationalUnits)",
  'organizations:ListParents': "an account's OUs, for rules scoped by OU (organization.organizationalUnits)",
  'organizations:DescribeOrganization': 'check the organization id (organization.organizationalUnits)',
};

const BY_FUNCTION: Readonly<Record<string, Reasons>> = {
  cleanupScheduler: {
    'ecr:DescribeRepositories': 'list the registry to find the repositories a cleanup rule covers',
    'sqs:SendMessage': 'queue one cleanup request per repository',
    // An Organizations hub only (deploy/organization-hub.ts): Account Unreachable, once per run.
    'events:PutEvents':
      'publish Account Unreachable for a governed account it cannot reach (Organizations hub)',
    'dynamodb:GetItem':
      'report an unreachable account once per run: read its run-once record (Organizations hub)',
    'dynamodb:PutItem':
      'report an unreachable account once per run: write its run-once record (Organizations hub)',
    'dynamodb:DeleteItem': 'release a run-once record whose event could not be published (Organizations hub)',
  },
  cleanupWorker: {
    'ecr:DescribeImages': 'inventory of a covered repository (every storage class)',
    'ecr:BatchGetImage': 'read index manifests, to keep the children of kept multi-arch images',
    'ecr:GetLifecyclePolicy': "a `native` rule evaluates the repository's own lifecycle policy",
    'ecr:BatchDeleteImage': 'delete what the plan expires (only when cleanup.dryRun is false)',
    'ecr:UpdateImageStorageClass':
      'archive what the plan transitions (only when cleanup.dryRun is false and a rule can transition)',
    'ecs:ListClusters': 'find running tasks and services, whose images are never deleted',
    'ecs:ListServices': 'find running tasks and services, whose images are never deleted',
    'ecs:ListTasks': 'find running tasks and services, whose images are never deleted',
    'ecs:DescribeServices': 'find running tasks and services, whose images are never deleted',
    'ecs:ListServiceDeployments': "find the service revisions ECS may start a service's tasks from",
    'ecs:DescribeServiceRevisions':
      'the image digests ECS resolved at a service deployment, kept after a tag moves',
    'ecs:DescribeTasks': 'the image digests running tasks use',
    'ecs:ListTaskDefinitions': 'keep the images of the newest task definition revisions',
    'ecs:DescribeTaskDefinition': 'keep the images of the newest task definition revisions',
    'lambda:ListFunctions': 'find container-image functions, whose images are never deleted',
    'lambda:GetFunction': 'the image a function version or alias resolves to',
    'lambda:ListVersionsByFunction': 'the image a function version or alias resolves to',
    'lambda:ListAliases': 'the image a function version or alias resolves to',
    'dynamodb:GetItem': 'idempotency of (run, repository), run progress, grace-period marks',
    'dynamodb:PutItem': 'idempotency of (run, repository), run progress, grace-period marks',
    'dynamodb:DeleteItem': 'idempotency of (run, repository), run progress, grace-period marks',
    'dynamodb:Query': 'read the grace-period marks and the in-use index records of a repository',
    'dynamodb:BatchWriteItem':
      'write grace-period marks and the in-use index (where each in-use image runs) in batches',
    'eks:ListClusters': 'cleanup.protect.kubernetes.clusters: all: find the clusters whose pods are read',
    'eks:DescribeCluster': 'the endpoint and CA of a protected cluster, to read its pods and workloads',
    'sts:AssumeRole':
      'read the workloads of cleanup.protect.workloadAccounts through their reader role; act in governed member accounts through the member role (organization)',
    'batch:DescribeJobDefinitions': 'keep the images of ACTIVE Batch job definitions (cleanup.protect.batch)',
    'apprunner:ListServices': 'keep the images of App Runner services (cleanup.protect.appRunner)',
    'apprunner:DescribeService': 'keep the images of App Runner services (cleanup.protect.appRunner)',
    's3:GetObject': 'read the external in-use lists of cleanup.protect.external, and no other object',
    'inspector2:ListCoverage': "Inspector's lastInUseAt (cleanup.protect.inspectorInUseDays)",
  },
  tagImmutability: {
    'ecr:DescribeRepositories': 'read tag mutability and encryption of covered repositories',
    'ecr:DescribeImages': 'tag ledger: where protected tags point',
    'ecr:BatchGetRepositoryScanningConfiguration': 'the effective scanning of covered repositories',
    'ecr:GetLifecyclePolicy': 'baseline: a lifecycle policy exists',
    'ecr:GetRepositoryPolicy': 'baseline: no public or foreign-account access',
    'ecr:PutImageTagMutability': 'fix tag-mutability drift (only with remediate and dryRun: false)',
    'ecr:PutLifecyclePolicy': 'put the default lifecycle policy (only with remediate and dryRun: false)',
    'ecr:GetRegistryScanningConfiguration': 'read the registry scanning rules before changing them',
    'ecr:PutRegistryScanningConfiguration':
      'add a repository to a scanning rule (only with scanning.remediate and dryRun: false)',
    'ecs:ListClusters': 'Tag Moved: is the previous image still running?',
    'ecs:ListTasks': 'Tag Moved: is the previous image still running?',
    'ecs:DescribeTasks': 'Tag Moved: is the previous image still running?',
    'lambda:ListFunctions': 'Tag Moved: is the previous image still used by a function?',
    'lambda:GetFunction': 'Tag Moved: is the previous image still used by a function?',
    'dynamodb:GetItem':
      "tag ledger, drift ledger, idempotency of CloudTrail events and sweeps; Tag Moved: where the previous image runs (cleanup worker's in-use index, read only)",
    'dynamodb:PutItem': 'tag ledger, drift ledger, idempotency of CloudTrail events and sweeps',
    'dynamodb:DeleteItem': 'tag ledger, drift ledger, idempotency of CloudTrail events and sweeps',
    'dynamodb:Query': "read a repository's tag and drift ledgers",
  },
  scanFindings: {
    'ecr:DescribeImageScanFindings': 'read the findings of a scanned image',
    'dynamodb:GetItem':
      "findings ledger (alert on change only), idempotency of alerts; where an alerted image runs (cleanup worker's in-use index, read only)",
    'dynamodb:PutItem': 'findings ledger (alert on change only), idempotency of alerts',
    'dynamodb:DeleteItem': 'release the claim of an alert that failed to publish',
    'dynamodb:Query':
      "read an image's or a repository's findings, for alerts and the digest; the digest's in-use index records of a repository (read only)",
  },
  replicationAudit: {
    'ecr:DescribeRegistry': "read the registry's replication rules",
    'ecr:GetRegistryScanningConfiguration': 'compare scanning settings across regions',
    'ecr:DescribeRepositories': 'list replicated repositories in this and the destination regions',
    'ecr:DescribeImages': 'compare images across regions (missing, other digests, lag)',
    'ecr:GetLifecyclePolicy': 'compare settings across regions',
    'ecr:GetRepositoryPolicy': 'compare settings across regions',
    'ecr:BatchGetRepositoryScanningConfiguration': 'compare settings across regions',
    'ecr:DescribeImageReplicationStatus': 'why an image is missing from a destination',
    'ecr:StartReplicationBackfill':
      'replicate images pushed before the rule (only with replication.remediate, dryRun: false)',
    'ecr:PutImageTagMutability':
      "align a replica's settings (only with replication.remediate, dryRun: false)",
    'ecr:PutLifecyclePolicy': "align a replica's settings (only with replication.remediate, dryRun: false)",
    'ecr:SetRepositoryPolicy': "align a replica's settings (only with replication.remediate, dryRun: false)",
    'dynamodb:GetItem': 'alert once per failed replication event',
    'dynamodb:PutItem': 'alert once per failed replication event',
    'dynamodb:DeleteItem': 'alert once per failed replication event',
  },
  slackNotifier: {
    'sts:AssumeRole':
      "list the governed OUs through organization.organizationsRoleArn, for routes' OU scopes",
    'ssm:GetParameter': 'read the Slack webhook URLs that notifications.routes name, and no other',
    'dynamodb:GetItem': 'post each event to each channel once',
    'dynamodb:PutItem': 'post each event to each channel once',
    'dynamodb:DeleteItem': 'post each event to each channel once',
    'sqs:SendMessage':
      'park a message still failing at its 2nd receive in the notifications DLQ, so the queue moves on',
  },
};

export interface ReasonContext {
  /** The statement grants the function's SQS event source (added by serverless-iam-roles-per-function). */
  eventSource: boolean;
  /** The statement's resource is the function's on-failure destination. */
  failureDestination: boolean;
}

export function reasonFor(functionKey: string, action: string, context: ReasonContext): string | undefined {
  if (context.failureDestination && action === 'sqs:SendMessage') {
    return "on-failure destination: Lambda sends a failed event there with the function's role";
  }
  if (context.eventSource && action.startsWith('sqs:')) return 'read its own SQS event source';
  return BY_FUNCTION[functionKey]?.[action] ?? COMMON[action];
}
