import { cleanupWorkerIamStatements } from '../../../shared/aws/cleanup-worker-iam';

const repositoryArn = (pattern: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${pattern}`,
});

describe('cleanupWorkerIamStatements', () => {
  it('allows BatchDeleteImage only on the repositories the cleanup rules cover', () => {
    const statements = cleanupWorkerIamStatements([
      { repositories: ['team-a/**', '!team-a/base-images'] },
      { repositories: ['{web,api}/*'] },
    ]);

    const deletes = statements.filter((statement) => statement.Action.includes('ecr:BatchDeleteImage'));
    expect(deletes).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:BatchDeleteImage'],
        Resource: ['api/*', 'team-a', 'team-a/*', 'web/*'].map(repositoryArn),
      },
    ]);
  });

  it('grants the ECR reads on the same repositories, and nothing of ECR on "*"', () => {
    const statements = cleanupWorkerIamStatements([{ repositories: ['team-a/api'] }]);

    const ecr = statements.filter((statement) =>
      statement.Action.some((action) => action.startsWith('ecr:')),
    );
    expect(ecr.map((statement) => statement.Action)).toEqual([
      ['ecr:BatchDeleteImage'],
      ['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy'],
    ]);
    for (const statement of ecr) expect(statement.Resource).toEqual([repositoryArn('team-a/api')]);
  });

  it('has no ECR statement at all without a cleanup rule', () => {
    const statements = cleanupWorkerIamStatements([]);

    expect(
      statements.flatMap((statement) => statement.Action).filter((action) => action.startsWith('ecr:')),
    ).toEqual([]);
  });

  it('only reads ECS and Lambda', () => {
    const actions = cleanupWorkerIamStatements([{ repositories: ['**'] }]).flatMap(
      (statement) => statement.Action,
    );

    const ecsAndLambda = actions.filter((action) => /^(ecs|lambda):/.test(action));
    expect(ecsAndLambda.every((action) => /^(ecs|lambda):(List|Describe|Get)/.test(action))).toBe(true);
  });
});
