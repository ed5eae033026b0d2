import { regionalArn } from '../../../deploy/iam/iam-statement';
import { inUseSourceStatements } from '../../../deploy/iam/workload-read-iam';
import { NO_OPTIONAL_IN_USE_SOURCES } from '../../support/no-in-use-sources';

const inRegion = (service: string, resource: string) => [regionalArn(service, resource)];
const NONE = NO_OPTIONAL_IN_USE_SOURCES;

describe('inUseSourceStatements (the cleanup worker role, issue 14 sources)', () => {
  it('grants nothing when no source is configured', () => {
    expect(inUseSourceStatements(NONE, inRegion)).toEqual([]);
  });

  it('allows sts:AssumeRole on exactly the workload-reader role of each workload account, once each', () => {
    const statements = inUseSourceStatements(
      {
        ...NONE,
        workloadAccounts: [
          { account: '333333333333' },
          { account: '222222222222' },
          { account: '222222222222' },
        ],
      },
      inRegion,
    );

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [
          { 'Fn::Sub': `arn:\${AWS::Partition}:iam::222222222222:role/ecr-warden-workload-reader` },
          { 'Fn::Sub': `arn:\${AWS::Partition}:iam::333333333333:role/ecr-warden-workload-reader` },
        ],
      },
    ]);
  });

  it(`allows s3:GetObject on exactly each external object, with a literal \${ escaped for Fn::Sub`, () => {
    const statements = inUseSourceStatements(
      {
        ...NONE,
        external: [
          { bucket: 'lists', key: 'argocd/prod.json' },
          { bucket: 'lists', key: `odd/\${x}.json` },
        ],
      },
      inRegion,
    );

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [
          { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::lists/argocd/prod.json` },
          { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::lists/odd/\${!x}.json` },
        ],
      },
    ]);
  });

  it('adds the Batch, App Runner and Inspector reads only when turned on', () => {
    const statements = inUseSourceStatements(
      { ...NONE, batch: true, appRunner: true, inspector: true },
      inRegion,
    );

    expect(statements.map((statement) => [statement.Action, statement.Resource])).toEqual([
      [['batch:DescribeJobDefinitions'], ['*']],
      [['apprunner:ListServices'], ['*']],
      [['apprunner:DescribeService'], [regionalArn('apprunner', 'service/*')]],
      [['inspector2:ListCoverage'], ['*']],
    ]);
  });
  it('scopes DescribeCluster to the local clusters named, by name in the stack account or by ARN as given, without ListClusters', () => {
    const statements = inUseSourceStatements(
      {
        ...NONE,
        kubernetesClusters: ['prod-eks', 'arn:aws:eks:eu-west-1:111111111111:cluster/ops', 'prod-eks'],
      },
      inRegion,
    );

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

  it('adds ListClusters, and DescribeCluster on every cluster of the region, only for `all`; nothing for no cluster', () => {
    const statements = inUseSourceStatements({ ...NONE, kubernetesClusters: 'all' }, inRegion);

    expect(statements.flatMap((statement) => statement.Action)).toEqual([
      'eks:ListClusters',
      'eks:DescribeCluster',
    ]);
    expect(statements[1]?.Resource).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:cluster/*` },
    ]);
    expect(inUseSourceStatements({ ...NONE, kubernetesClusters: [] }, inRegion)).toEqual([]);
  });
});
