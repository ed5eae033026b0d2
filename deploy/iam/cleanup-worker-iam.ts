import { getAtt, type IamStatement, regionalArn } from './iam-statement';
import { repositoryArnPatterns } from './repository-guard-iam';
import { stateTableStatement } from './state-table-iam';
import { ecsReadStatements, inUseSourceStatements, lambdaReadStatements } from './workload-read-iam';

/**
 * The IAM statements of cleanupWorker's own role (serverless-iam-roles-per-function), built from
 * `cleanup.rules` of ecr-warden.yml by deploy/resolve-variables.cjs. Actions and resource types
 * follow the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
 *
 * - ECR, on the repositories the cleanup rules cover only: the reads DescribeImages, BatchGetImage
 *   (index manifests) and GetLifecyclePolicy (`native` rules), and the writes, each in a statement of
 *   its own and only where a rule can use it: `ecr:BatchDeleteImage` on the repositories of the rules
 *   that can expire, `ecr:UpdateImageStorageClass` (archive transitions) on those of the rules that
 *   can transition. A `native` rule can do either (its policy is the repository's, read at run time);
 *   a policy written in the config can only do what its rules' actions say. In a dry run
 *   (`cleanup.dryRun`, which applies to every rule) no rule can write, and the role holds no ECR write
 *   at all. Without a rule there is nothing to clean and no ECR statement at all (IAM refuses one
 *   without resources). Globs become IAM ARN patterns with repositoryArnPatterns (shared with the
 *   repository guard), each at least as wide as its glob, since IAM resource ARNs know only `*` and `?`
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html):
 *   `team-a/api` → `repository/team-a/api`; `team-a/*` → `repository/team-a/*`; `team-a/**` →
 *   `repository/team-a` and `repository/team-a/*`; `{web,api}/*` → `repository/api/*`, `repository/web/*`;
 *   a character class → `?`. IAM is broader than the config in two ways: IAM's `*` also crosses `/`
 *   (`team-a/*` allows `team-a/jobs/nightly`, which the glob does not cover), and `!` exclusions cannot
 *   be subtracted from an Allow. The worker itself only cleans what a rule covers (the scheduler selects
 *   with the globs, and the worker checks again); IAM is the second line, bounding a bug to the covered
 *   name space.
 * - ECS and Lambda, read-only, in the function's account and region (deploy/iam/workload-read-iam.ts,
 *   shared with the workload-reader role): DescribeServices and DescribeTasks scoped to the service and
 *   task ARNs, GetFunction, ListVersionsByFunction and ListAliases to the functions; the listings that
 *   name no resource type on `*`.
 * - `events:PutEvents` on ecr-warden's bus only; on the state table, GetItem/PutItem/DeleteItem
 *   (idempotency records, run progress), Query (grace-period marks of a repository) and
 *   BatchWriteItem (marking and unmarking, 25 a call), only on its own partitions (dynamodb:LeadingKeys,
 *   deploy/iam/state-table-iam.ts). Never UpdateItem, Scan or anything on `*`.
 *
 * The SQS event source's statement (ReceiveMessage, DeleteMessage, GetQueueAttributes on CleanupQueue)
 * is added by serverless-iam-roles-per-function from the `sqs` event.
 */
/** `arn:...:repository/<pattern>` for each pattern the cleanup rules' globs become. */
export function cleanupRepositoryArns(rules: readonly { repositories: readonly string[] }[]): object[] {
  // Repository names cannot hold `$`, so no pattern reads as a Fn::Sub variable.
  return repositoryArnPatterns(rules.flatMap((rule) => rule.repositories)).map((pattern) =>
    regionalArn('ecr', `repository/${pattern}`),
  );
}

/** The parts of the `cleanup` section the role depends on. */
export interface CleanupIamInput {
  dryRun: boolean;
  rules: readonly CleanupIamRule[];
  /** The in-use sources beyond this account's ECS and Lambda (`cleanup.protect`); none when absent. */
  protect?: CleanupProtectIamInput;
}

/** The parts of `cleanup.protect` the worker's role depends on (its in-use sources). */
export interface CleanupProtectIamInput {
  kubernetes?: { clusters: 'all' | readonly string[] } | undefined;
  workloadAccounts: readonly { account: string }[];
  workloadRoleName: string;
  batch: boolean;
  appRunner: boolean;
  external: readonly { bucket: string; key: string }[];
  inspectorInUseDays?: number | undefined;
}

export interface CleanupIamRule {
  repositories: readonly string[];
  policy: 'native' | { rules: readonly { action: { type: string } }[] };
}

/** Whether a rule's policy can ever take `action`: a `native` policy is only known at run time. */
export function ruleCanTake(rule: CleanupIamRule, action: 'expire' | 'transition'): boolean {
  return (
    rule.policy === 'native' || rule.policy.rules.some((policyRule) => policyRule.action.type === action)
  );
}

export function cleanupWorkerIamStatements(
  cleanup: CleanupIamInput,
  logicalIds: { stateTable?: string; eventBus?: string } = {},
): IamStatement[] {
  const repositories = cleanupRepositoryArns(cleanup.rules);
  // The repositories where a rule can write: none in a dry run.
  const writableBy = (action: 'expire' | 'transition') =>
    cleanup.dryRun ? [] : cleanupRepositoryArns(cleanup.rules.filter((rule) => ruleCanTake(rule, action)));
  const deletable = writableBy('expire');
  const archivable = writableBy('transition');
  const statements: IamStatement[] = [];
  if (deletable.length > 0) {
    statements.push({ Effect: 'Allow', Action: ['ecr:BatchDeleteImage'], Resource: deletable });
  }
  if (archivable.length > 0) {
    statements.push({ Effect: 'Allow', Action: ['ecr:UpdateImageStorageClass'], Resource: archivable });
  }
  if (repositories.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy'],
      Resource: repositories,
    });
  }
  const inRegion = (service: string, resource: string) => [regionalArn(service, resource)];
  statements.push(
    ...ecsReadStatements(inRegion),
    ...lambdaReadStatements(inRegion),
    ...(cleanup.protect === undefined
      ? []
      : inUseSourceStatements(
          {
            kubernetesClusters: cleanup.protect.kubernetes?.clusters,
            workloadAccounts: cleanup.protect.workloadAccounts,
            workloadRoleName: cleanup.protect.workloadRoleName,
            batch: cleanup.protect.batch,
            appRunner: cleanup.protect.appRunner,
            external: cleanup.protect.external,
            inspector: cleanup.protect.inspectorInUseDays !== undefined,
          },
          inRegion,
        )),
    {
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [getAtt(logicalIds.eventBus ?? 'GovernanceEventBus')],
    },
    stateTableStatement(
      'cleanupWorker',
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'dynamodb:BatchWriteItem',
      ],
      logicalIds.stateTable,
    ),
  );
  return statements;
}
