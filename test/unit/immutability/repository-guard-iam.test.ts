import {
  repositoryArnPatterns,
  repositoryGuardIamStatements,
} from '../../../deploy/iam/repository-guard-iam';
import { parseConfig } from '../../../shared/config/load-config';
import { STANDARD_POLICY } from '../../support/lifecycle-policies';

const repositoryArn = (pattern: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${pattern}`,
});

function statements(immutability: Record<string, unknown>) {
  return repositoryGuardIamStatements(parseConfig({ immutability }).immutability);
}

const actionsOf = (all: ReturnType<typeof statements>) => all.flatMap((statement) => statement.Action);

describe('repositoryGuardIamStatements', () => {
  it('grants no write at all in dry run, whatever the rules ask', () => {
    const all = statements({
      dryRun: true,
      lifecyclePolicies: { standard: STANDARD_POLICY },
      rules: [
        {
          repositories: ['**'],
          remediate: true,
          scanning: { remediate: true },
          lifecyclePolicy: { defaultPolicy: 'standard', remediate: true },
        },
      ],
    });

    // No Put among no actions would pass too: the dry run still holds its reads.
    expect(actionsOf(all).length).toBeGreaterThan(0);
    expect(actionsOf(all).filter((action) => /^ecr:Put/.test(action))).toEqual([]);
  });

  it('grants each write only on the repositories of the rules that turn it on', () => {
    const all = statements({
      dryRun: false,
      lifecyclePolicies: { standard: STANDARD_POLICY },
      rules: [
        { repositories: ['payments/**'], remediate: true },
        { repositories: ['web/*'], lifecyclePolicy: { defaultPolicy: 'standard', remediate: true } },
        { repositories: ['sandbox/**'], remediate: false },
      ],
    });

    expect(all.find((statement) => statement.Action.includes('ecr:PutImageTagMutability'))).toEqual({
      Effect: 'Allow',
      Action: ['ecr:PutImageTagMutability'],
      Resource: [repositoryArn('payments'), repositoryArn('payments/*')],
    });
    expect(all.find((statement) => statement.Action.includes('ecr:PutLifecyclePolicy'))).toEqual({
      Effect: 'Allow',
      Action: ['ecr:GetLifecyclePolicy', 'ecr:PutLifecyclePolicy'],
      Resource: [repositoryArn('web/*')],
    });
  });

  it('reads only what the rules check, on the repositories they cover', () => {
    const all = statements({ rules: [{ repositories: ['team-a/api'] }] });

    expect(all.slice(0, 2)).toEqual([
      { Effect: 'Allow', Action: ['ecr:DescribeRepositories'], Resource: [repositoryArn('*')] },
      { Effect: 'Allow', Action: ['ecr:DescribeImages'], Resource: [repositoryArn('team-a/api')] },
    ]);
    expect(actionsOf(all)).not.toContain('ecs:ListTasks');
  });

  it('grants the registry-level scanning writes (only "*" exists for them) only for scanning remediation', () => {
    const all = statements({
      dryRun: false,
      rules: [{ repositories: ['**'], scanning: { remediate: true } }],
    });

    expect(all).toContainEqual({
      Effect: 'Allow',
      Action: ['ecr:GetRegistryScanningConfiguration', 'ecr:PutRegistryScanningConfiguration'],
      Resource: ['*'],
    });
  });

  it('adds the ECS and Lambda reads of the in-use lookup only with protected tags', () => {
    const all = statements({ rules: [{ repositories: ['**'], protectedTags: ['v*.*.*'] }] });

    expect(actionsOf(all)).toEqual(
      expect.arrayContaining([
        'ecs:ListClusters',
        'ecs:ListTasks',
        'ecs:DescribeTasks',
        'lambda:ListFunctions',
        'lambda:GetFunction',
      ]),
    );
  });

  it("reads the cleanup worker's in-use index (GetItem only, its partitions only) only with protected tags", () => {
    const indexRead = {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem'],
      Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INUSE#*'] } },
    };

    expect(statements({ rules: [{ repositories: ['**'], protectedTags: ['v*.*.*'] }] })).toContainEqual(
      indexRead,
    );
    expect(statements({ rules: [{ repositories: ['**'] }] })).not.toContainEqual(indexRead);
  });

  it('always holds the state table (its own partitions only), the ecr-warden bus and its failure queue', () => {
    expect(statements({}).slice(-3)).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['TAGS#*', 'DRIFT#*', 'IDEMPOTENCY#repository-guard%23*'],
          },
        },
      },
      {
        Effect: 'Allow',
        Action: ['events:PutEvents'],
        Resource: [{ 'Fn::GetAtt': ['GovernanceEventBus', 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [{ 'Fn::GetAtt': ['TagImmutabilityFailureQueue', 'Arn'] }],
      },
    ]);
  });
});

describe('repositoryArnPatterns (IAM patterns at least as wide as the globs)', () => {
  it.each([
    [['team-a/api'], ['team-a/api']],
    [['team-a/*'], ['team-a/*']],
    [['team-a/**'], ['team-a', 'team-a/*']],
    [['**/*-cache'], ['*-cache', '*/*-cache']],
    [['a/**/b'], ['a/*/b', 'a/b']],
    [['{web,api}/*'], ['api/*', 'web/*']],
    [['v[0-9]'], ['v?']],
    [['**'], ['*']],
    [
      ['team-a/**', '!team-a/base-images'],
      ['team-a', 'team-a/*'],
    ],
    [['svc-{1..3}'], ['svc-*']],
  ])('%j → %j', (globs, patterns) => {
    expect(repositoryArnPatterns(globs)).toEqual(patterns);
  });
});
