import { getAtt, type IamStatement, regionalArn } from './iam-statement';
import { stateTableStatement } from './state-table-iam';

/**
 * The IAM statements of replicationAudit's own role (serverless-iam-roles-per-function), built from the
 * `replication` section of ecr-warden.yml by deploy/resolve-variables.cjs, because the regions
 * and repositories it may read come from the config.
 *
 * Read-only unless remediation is on (`replication.remediate` present with `dryRun: false`):
 * - DescribeRepositories on every repository of this region and of each destination region (the audit
 *   lists them to learn which replicas exist; names and settings only);
 * - DescribeImages, GetLifecyclePolicy, GetRepositoryPolicy and BatchGetRepositoryScanningConfiguration on
 *   the repositories `repositoryPrefixes` covers, in this region and each destination region;
 * - DescribeImageReplicationStatus on those repositories in this region (the source);
 * - DescribeRegistry and GetRegistryScanningConfiguration: registry-level actions without a resource
 *   type, so `Resource: "*"` is the only form IAM accepts
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html);
 * - events:PutEvents on the ecr-warden bus, sqs:SendMessage on its on-failure queue, and GetItem,
 *   PutItem, DeleteItem on the state table (the idempotency record that keeps a failure alert single).
 * With remediation on: ecr:StartReplicationBackfill (registry-level, `*`) when `backfill` is true, and
 * PutImageTagMutability / PutLifecyclePolicy / SetRepositoryPolicy, as `alignSettings` lists them, on the
 * covered repositories of the destination regions only.
 */

export interface ReplicationIamSettings {
  destinationRegions: readonly string[];
  repositoryPrefixes: readonly string[];
  remediate?: { dryRun: boolean; backfill: boolean; alignSettings: readonly string[] } | undefined;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable, not JavaScript
const SOURCE_REGION = '${AWS::Region}';

const ALIGN_ACTIONS: Record<string, string> = {
  'tag-mutability': 'ecr:PutImageTagMutability',
  'lifecycle-policy': 'ecr:PutLifecyclePolicy',
  'repository-policy': 'ecr:SetRepositoryPolicy',
};

/** `arn:<partition>:ecr:<region>:<account>:repository/<prefix>*`; the region may be `${AWS::Region}`. */
export function repositoryArn(region: string, prefix: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:ecr:${region}:\${AWS::AccountId}:repository/${prefix}*` };
}

export function replicationAuditIamStatements(
  settings: ReplicationIamSettings,
  resources: { eventBusName: string; failureQueueLogicalId?: string; stateTableLogicalId?: string },
): IamStatement[] {
  const destinations = [...new Set(settings.destinationRegions)].sort();
  const regions = [SOURCE_REGION, ...destinations];
  const prefixes =
    settings.repositoryPrefixes.length === 0 ? [''] : [...new Set(settings.repositoryPrefixes)].sort();
  const covered = (inRegions: readonly string[]) =>
    inRegions.flatMap((region) => prefixes.map((prefix) => repositoryArn(region, prefix)));

  const statements: IamStatement[] = [
    {
      Effect: 'Allow',
      Action: ['ecr:DescribeRepositories'],
      Resource: regions.map((region) => repositoryArn(region, '')),
    },
    {
      Effect: 'Allow',
      Action: [
        'ecr:BatchGetRepositoryScanningConfiguration',
        'ecr:DescribeImages',
        'ecr:GetLifecyclePolicy',
        'ecr:GetRepositoryPolicy',
      ],
      Resource: covered(regions),
    },
    {
      Effect: 'Allow',
      Action: ['ecr:DescribeImageReplicationStatus'],
      Resource: covered([SOURCE_REGION]),
    },
    {
      Effect: 'Allow',
      Action: ['ecr:DescribeRegistry', 'ecr:GetRegistryScanningConfiguration'],
      Resource: ['*'],
    },
    {
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [regionalArn('events', `event-bus/${resources.eventBusName}`)],
    },
    {
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [getAtt(resources.failureQueueLogicalId ?? 'ReplicationAuditFailureQueue')],
    },
    stateTableStatement(
      'replicationAudit',
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      resources.stateTableLogicalId,
    ),
  ];

  const remediate = settings.remediate;
  if (remediate !== undefined && !remediate.dryRun) {
    if (remediate.backfill) {
      statements.push({ Effect: 'Allow', Action: ['ecr:StartReplicationBackfill'], Resource: ['*'] });
    }
    const actions = [...new Set(remediate.alignSettings.map((setting) => ALIGN_ACTIONS[setting]))]
      .filter((action): action is string => action !== undefined)
      .sort();
    if (actions.length > 0 && destinations.length > 0) {
      statements.push({ Effect: 'Allow', Action: actions, Resource: covered(destinations) });
    }
  }
  return statements;
}
