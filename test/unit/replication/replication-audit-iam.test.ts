import { replicationAuditIamStatements } from '../../../deploy/iam/replication-audit-iam';

const BUS = { eventBusName: 'ecr-warden-prod' };
const arn = (region: string, prefix: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecr:${region}:\${AWS::AccountId}:repository/${prefix}*`,
});
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable, not JavaScript
const HERE = '${AWS::Region}';
const actionsOf = (statements: ReturnType<typeof replicationAuditIamStatements>) =>
  statements.flatMap((statement) => statement.Action).sort();

describe('replicationAuditIamStatements', () => {
  it('reads ECR in this region and the destination regions only, on the configured prefixes', () => {
    const statements = replicationAuditIamStatements(
      { destinationRegions: ['us-west-2'], repositoryPrefixes: ['web/', 'payments/'] },
      BUS,
    );

    expect(statements[1]).toEqual({
      Effect: 'Allow',
      Action: [
        'ecr:BatchGetRepositoryScanningConfiguration',
        'ecr:DescribeImages',
        'ecr:GetLifecyclePolicy',
        'ecr:GetRepositoryPolicy',
      ],
      Resource: [
        arn(HERE, 'payments/'),
        arn(HERE, 'web/'),
        arn('us-west-2', 'payments/'),
        arn('us-west-2', 'web/'),
      ],
    });
    expect(statements[2]).toEqual({
      Effect: 'Allow',
      Action: ['ecr:DescribeImageReplicationStatus'],
      Resource: [arn(HERE, 'payments/'), arn(HERE, 'web/')],
    });
  });

  it('holds no write action without remediation, nor in a remediation dry run', () => {
    const readOnly = [
      'ecr:BatchGetRepositoryScanningConfiguration',
      'ecr:DescribeImageReplicationStatus',
      'ecr:DescribeImages',
      'ecr:DescribeRegistry',
      'ecr:DescribeRepositories',
      'ecr:GetLifecyclePolicy',
      'ecr:GetRegistryScanningConfiguration',
      'ecr:GetRepositoryPolicy',
      'events:PutEvents',
      'sqs:SendMessage',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ].sort();
    const dryRun = { dryRun: true, backfill: true, alignSettings: ['tag-mutability'] };

    expect(
      actionsOf(
        replicationAuditIamStatements({ destinationRegions: ['us-west-2'], repositoryPrefixes: [] }, BUS),
      ),
    ).toEqual(readOnly);
    expect(
      actionsOf(
        replicationAuditIamStatements(
          { destinationRegions: ['us-west-2'], repositoryPrefixes: [], remediate: dryRun },
          BUS,
        ),
      ),
    ).toEqual(readOnly);
  });

  it('adds the backfill and the listed settings writes, in destination regions only, when remediation acts', () => {
    const statements = replicationAuditIamStatements(
      {
        destinationRegions: ['us-west-2'],
        repositoryPrefixes: [],
        remediate: { dryRun: false, backfill: true, alignSettings: ['lifecycle-policy', 'tag-mutability'] },
      },
      BUS,
    );

    expect(statements.slice(-2)).toEqual([
      { Effect: 'Allow', Action: ['ecr:StartReplicationBackfill'], Resource: ['*'] },
      {
        Effect: 'Allow',
        Action: ['ecr:PutImageTagMutability', 'ecr:PutLifecyclePolicy'],
        Resource: [arn('us-west-2', '')],
      },
    ]);
  });

  it('publishes only on the ecr-warden bus of its stage', () => {
    const statements = replicationAuditIamStatements({ destinationRegions: [], repositoryPrefixes: [] }, BUS);

    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [
        {
          'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/ecr-warden-prod`,
        },
      ],
    });
  });
});
