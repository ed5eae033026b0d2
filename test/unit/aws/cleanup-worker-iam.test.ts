import { cleanupWorkerIamStatements } from '../../../deploy/iam/cleanup-worker-iam';

const repositoryArn = (pattern: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${pattern}`,
});

const EXPIRE = { rules: [{ action: { type: 'expire' } }] };
const TRANSITION = { rules: [{ action: { type: 'transition' } }] };
/** A live (not dry-run) cleanup section whose rules expire. */
const live = (...globs: string[][]) => ({
  dryRun: false,
  rules: globs.map((repositories) => ({ repositories, policy: EXPIRE })),
});
const ecrWrites = (statements: { Action: string[] }[]) =>
  statements
    .flatMap((statement) => statement.Action)
    .filter((action) => action === 'ecr:BatchDeleteImage' || action === 'ecr:UpdateImageStorageClass');

describe('cleanupWorkerIamStatements', () => {
  it('grants no ECR write in a dry run, whatever the rules', () => {
    const statements = cleanupWorkerIamStatements({
      dryRun: true,
      rules: [
        { repositories: ['team-a/**'], policy: 'native' },
        { repositories: ['team-b/*'], policy: { rules: [...EXPIRE.rules, ...TRANSITION.rules] } },
      ],
    });

    expect(ecrWrites(statements)).toEqual([]);
    expect(statements.flatMap((statement) => statement.Action)).toContain('ecr:DescribeImages');
  });

  it('grants BatchDeleteImage only on the repositories of rules that can expire, UpdateImageStorageClass only where one can transition', () => {
    const statements = cleanupWorkerIamStatements({
      dryRun: false,
      rules: [
        { repositories: ['expiring/*'], policy: EXPIRE },
        { repositories: ['archiving/*'], policy: TRANSITION },
        { repositories: ['cache/*'], policy: 'native' },
      ],
    });

    expect(statements.filter((statement) => statement.Action[0]?.startsWith('ecr:'))).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:BatchDeleteImage'],
        Resource: ['cache/*', 'expiring/*'].map(repositoryArn),
      },
      {
        Effect: 'Allow',
        Action: ['ecr:UpdateImageStorageClass'],
        Resource: ['archiving/*', 'cache/*'].map(repositoryArn),
      },
      {
        Effect: 'Allow',
        Action: ['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy'],
        Resource: ['archiving/*', 'cache/*', 'expiring/*'].map(repositoryArn),
      },
    ]);
  });

  it('allows BatchDeleteImage only on the repositories the cleanup rules cover', () => {
    const statements = cleanupWorkerIamStatements(
      live(['team-a/**', '!team-a/base-images'], ['{web,api}/*']),
    );

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
    const statements = cleanupWorkerIamStatements(live(['team-a/api']));

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
    const statements = cleanupWorkerIamStatements(live());

    expect(statements.length).toBeGreaterThan(0);
    expect(
      statements.flatMap((statement) => statement.Action).filter((action) => action.startsWith('ecr:')),
    ).toEqual([]);
  });

  it('only reads ECS and Lambda', () => {
    const actions = cleanupWorkerIamStatements(live(['**'])).flatMap((statement) => statement.Action);

    const ecsAndLambda = actions.filter((action) => /^(ecs|lambda):/.test(action));
    // every() holds on an empty list: the worker must read ECS and Lambda (the in-use picture) at all.
    expect(ecsAndLambda.length).toBeGreaterThan(0);
    expect(ecsAndLambda.every((action) => /^(ecs|lambda):(List|Describe|Get)/.test(action))).toBe(true);
  });
});
