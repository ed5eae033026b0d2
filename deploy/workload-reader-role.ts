import type { IamStatement } from './iam/iam-statement';
import {
  appRunnerReadStatements,
  batchReadStatements,
  ecsReadStatements,
  eksReadStatements,
  lambdaReadStatements,
} from './iam/workload-read-iam';

/**
 * The CloudFormation template of the workload-reader role (`cleanup.protect.workloadRoleName`), the
 * read-only role ecr-warden's cleanup worker assumes in each workload account to read the in-use
 * picture there. One template for every account, fit for a service-managed StackSet: what differs
 * between hub deployments is a parameter, what the config decides (which sources are read, in which
 * regions) is built in at package time.
 *
 * - Trust: only the worker's role (`WorkerRoleArn`, or the role `WorkerRoleName` in `HubAccountId`),
 *   with `sts:ExternalId` required when `ExternalId` is set. IAM resolves a role principal when the
 *   policy is saved, so the hub stack (and its worker role) must exist before the StackSet deploys.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 * - Permissions: the ECS and Lambda reads always (they are what workloadAccounts is for), EKS when
 *   Kubernetes clusters are read there, Batch and App Runner when the config turns them on; each
 *   scoped to the account (`${AWS::AccountId}`: the account the stack instance is in) and the regions
 *   the config reads, as far as each action allows (deploy/iam/workload-read-iam.ts).
 * - MaxSessionDuration is IAM's default, one hour: role chaining (a Lambda role assuming this one)
 *   caps the session at one hour anyway.
 * - RoleName is fixed (the worker assumes it by name), and IAM is global: deploy the StackSet to ONE
 *   region per account, or the second stack instance in an account fails on the existing role.
 *
 * Deployed from the Organizations management (or a delegated administrator) account:
 *   aws cloudformation create-stack-set --stack-set-name ecr-warden-workload-reader  *     --template-body file://workload-reader-role.json --capabilities CAPABILITY_NAMED_IAM  *     --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false  *     --parameters ParameterKey=HubAccountId,ParameterValue=<hub account> [ParameterKey=ExternalId,ParameterValue=<id>]
 *   aws cloudformation create-stack-instances --stack-set-name ecr-warden-workload-reader  *     --deployment-targets OrganizationalUnitIds=<ou-…> --regions <one region>
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html
 */
export interface WorkloadReaderRoleInput {
  /** The role's name (`cleanup.protect.workloadRoleName`). */
  roleName: string;
  /** The regions the worker reads in the workload accounts; none given: every region (`*`). */
  regions?: readonly string[];
  /** The default of WorkerRoleName: the cleanup worker's role name in the hub stack. */
  workerRoleName: string;
  /** The default of HubAccountId, when the package knows it. */
  hubAccountId?: string;
  /** Kubernetes clusters read in workload accounts: names, `all`, or none (no EKS statements). */
  kubernetesClusters?: readonly string[] | 'all';
  batch: boolean;
  appRunner: boolean;
}

type Template = {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters: Record<string, Record<string, unknown>>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
};

/** The role's permission statements, in the workload account the stack instance is deployed to. */
export function workloadReaderStatements(input: WorkloadReaderRoleInput): IamStatement[] {
  const regions =
    input.regions === undefined || input.regions.length === 0 ? ['*'] : [...new Set(input.regions)].sort();
  // The escaped `${AWS::...}` are CloudFormation's Fn::Sub variables.
  const arnsOf = (service: string, resource: string) =>
    regions.map((region) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`,
    }));
  const statements = [...ecsReadStatements(arnsOf), ...lambdaReadStatements(arnsOf)];
  const clusters = input.kubernetesClusters;
  if (clusters === 'all' || (clusters !== undefined && clusters.length > 0)) {
    statements.push(...eksReadStatements(arnsOf, clusters));
  }
  if (input.batch) statements.push(...batchReadStatements());
  if (input.appRunner) statements.push(...appRunnerReadStatements(arnsOf));
  return statements;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function workloadReaderRoleTemplate(input: WorkloadReaderRoleInput): Template {
  if (!ROLE_NAME.test(input.roleName)) {
    throw new Error(`workload reader role name ${JSON.stringify(input.roleName)} is not an IAM role name`);
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'ecr-warden workload-reader role: read-only access to the ECS, Lambda, EKS, Batch and App Runner workloads of this account, for the in-use picture of ecr-warden cleanup (trusts only the hub cleanup worker role)',
    Parameters: {
      HubAccountId: {
        Type: 'String',
        Description: 'The account ecr-warden (its cleanup worker) runs in',
        AllowedPattern: '^\\d{12}$',
        ConstraintDescription: 'a 12-digit AWS account id',
        ...(input.hubAccountId === undefined ? {} : { Default: input.hubAccountId }),
      },
      WorkerRoleName: {
        Type: 'String',
        Description: "The cleanup worker's role name in the hub account (used when WorkerRoleArn is empty)",
        Default: input.workerRoleName,
        AllowedPattern: '^[\\w+=,.@-]{1,64}$',
      },
      WorkerRoleArn: {
        Type: 'String',
        Description:
          "The cleanup worker's role ARN (overrides HubAccountId and WorkerRoleName; e.g. a role with a path)",
        Default: '',
        AllowedPattern: '^(arn:[a-z-]+:iam::\\d{12}:role/.+)?$',
      },
      ExternalId: {
        Type: 'String',
        Description: 'cleanup.protect.workloadRoleExternalId: required of the worker when set',
        Default: '',
        NoEcho: true,
        // AssumeRole's ExternalId: 2-1224 characters of [\w+=,.@:/-].
        AllowedPattern: '^([\\w+=,.@:/-]{2,1224})?$',
      },
    },
    Conditions: {
      HasExternalId: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }] },
      HasWorkerRoleArn: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'WorkerRoleArn' }, ''] }] },
    },
    Resources: {
      WorkloadReaderRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: input.roleName,
          Description:
            'Read-only: the workloads ecr-warden must not break when it cleans the central registry',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: {
                  AWS: {
                    'Fn::If': [
                      'HasWorkerRoleArn',
                      { Ref: 'WorkerRoleArn' },
                      { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/\${WorkerRoleName}` },
                    ],
                  },
                },
                Action: 'sts:AssumeRole',
                Condition: {
                  'Fn::If': [
                    'HasExternalId',
                    { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
                    { Ref: 'AWS::NoValue' },
                  ],
                },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'ecr-warden-workload-reads',
              PolicyDocument: { Version: '2012-10-17', Statement: workloadReaderStatements(input) },
            },
          ],
        },
      },
    },
    Outputs: {
      WorkloadReaderRoleArn: {
        Description: 'The role the ecr-warden cleanup worker assumes in this account',
        Value: { 'Fn::GetAtt': ['WorkloadReaderRole', 'Arn'] },
      },
    },
  };
}

/**
 * A function's role name as serverless-iam-roles-per-function names it:
 * `<service>-<stage>-<function key>-<region>-lambdaRole`, without `-lambdaRole` when that would pass
 * IAM's 64 characters.
 */
export function functionRoleName(
  service: string,
  stage: string,
  functionKey: string,
  region: string,
): string {
  const full = [service, stage, functionKey, region, 'lambdaRole'].join('-');
  return full.length <= 64 ? full : [service, stage, functionKey, region].join('-');
}

/** The cleanup worker's role name (functionRoleName of `cleanupWorker`). */
export function cleanupWorkerRoleName(service: string, stage: string, region: string): string {
  return functionRoleName(service, stage, 'cleanupWorker', region);
}

/** The parts of `cleanup.protect` (issue 14's config, shared/config) the role template depends on. */
export interface WorkloadProtectSettings {
  workloadAccounts?: readonly {
    account: string;
    regions: readonly string[];
    kubernetesClusters?: readonly string[] | 'all' | undefined;
  }[];
  workloadRoleName?: string | undefined;
  batch?: boolean | undefined;
  appRunner?: boolean | undefined;
}

export const DEFAULT_WORKLOAD_ROLE_NAME = 'ecr-warden-workload-reader';

/**
 * The template input for a hub deployment (`osls package --stage <stage>` in `region`): one role for
 * every workload account, so its permissions cover the union of what the accounts are read for (the
 * regions of all of them; `all` clusters when any account reads every cluster). Undefined when the
 * config names no workload account: there is no role to deploy.
 */
export function workloadReaderRoleInput(
  protect: WorkloadProtectSettings,
  hub: { service: string; stage: string; region: string; accountId?: string },
): WorkloadReaderRoleInput | undefined {
  const accounts = protect.workloadAccounts ?? [];
  if (accounts.length === 0) return undefined;
  const clusters = accounts.map((entry) => entry.kubernetesClusters ?? []);
  const kubernetesClusters = clusters.includes('all')
    ? 'all'
    : [...new Set(clusters.flatMap((names) => (names === 'all' ? [] : names)))].sort();
  return {
    roleName: protect.workloadRoleName ?? DEFAULT_WORKLOAD_ROLE_NAME,
    regions: [...new Set(accounts.flatMap((entry) => entry.regions))].sort(),
    workerRoleName: cleanupWorkerRoleName(hub.service, hub.stage, hub.region),
    ...(hub.accountId === undefined ? {} : { hubAccountId: hub.accountId }),
    kubernetesClusters,
    batch: protect.batch ?? false,
    appRunner: protect.appRunner ?? false,
  };
}
