import { inUseSourcesIamStatements } from '../../../deploy/iam/in-use-sources-iam';

const NONE = {
  workloadAccounts: [],
  workloadRoleName: 'ecr-warden-workload-reader',
  batch: false,
  appRunner: false,
  external: [],
};
const actionsOf = (statements: { Action: string[] }[]) => statements.flatMap((statement) => statement.Action);

describe('inUseSourcesIamStatements', () => {
  it('grants nothing when the config reads no source beyond ECS and Lambda', () => {
    expect(inUseSourcesIamStatements(NONE)).toEqual([]);
    expect(inUseSourcesIamStatements({ ...NONE, kubernetes: { clusters: [] } })).toEqual([]);
  });

  it('scopes DescribeCluster to the named clusters, by name in the stack account or by ARN as given, without ListClusters', () => {
    const statements = inUseSourcesIamStatements({
      ...NONE,
      kubernetes: { clusters: ['prod-eks', 'arn:aws:eks:eu-west-1:111111111111:cluster/ops', 'prod-eks'] },
    });

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['eks:DescribeCluster'],
        Resource: [
          'arn:aws:eks:eu-west-1:111111111111:cluster/ops',
          { 'Fn::Sub': `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:cluster/prod-eks` },
        ],
      },
    ]);
  });

  it('adds ListClusters, and DescribeCluster on the region’s clusters, only for `all`', () => {
    const statements = inUseSourcesIamStatements({ ...NONE, kubernetes: { clusters: 'all' } });

    expect(actionsOf(statements)).toEqual(['eks:ListClusters', 'eks:DescribeCluster']);
    expect(statements[1]?.Resource).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:cluster/*` },
    ]);
  });

  it('allows AssumeRole on exactly the reader role of each workload account, once per account', () => {
    const statements = inUseSourcesIamStatements({
      ...NONE,
      workloadRoleName: 'reader',
      workloadAccounts: [
        { account: '333333333333' },
        { account: '222222222222' },
        { account: '333333333333' },
      ],
    });

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [
          { 'Fn::Sub': `arn:\${AWS::Partition}:iam::222222222222:role/reader` },
          { 'Fn::Sub': `arn:\${AWS::Partition}:iam::333333333333:role/reader` },
        ],
      },
    ]);
  });

  it('reads exactly the external lists’ objects, a key holding `${` taken literally', () => {
    const statements = inUseSourcesIamStatements({
      ...NONE,
      external: [
        { bucket: 'gitops', key: `lists/\${prod}.json` },
        { bucket: 'gitops', key: 'lists/argocd.json' },
      ],
    });

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::gitops/lists/\${prod}.json`]] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::gitops/lists/argocd.json']] },
        ],
      },
    ]);
  });

  it('adds Batch, App Runner and Inspector reads only when each is turned on', () => {
    expect(actionsOf(inUseSourcesIamStatements({ ...NONE, batch: true }))).toEqual([
      'batch:DescribeJobDefinitions',
    ]);
    expect(actionsOf(inUseSourcesIamStatements({ ...NONE, appRunner: true }))).toEqual([
      'apprunner:ListServices',
      'apprunner:DescribeService',
    ]);
    expect(actionsOf(inUseSourcesIamStatements({ ...NONE, inspectorInUseDays: 30 }))).toEqual([
      'inspector2:ListCoverage',
    ]);
  });
});
