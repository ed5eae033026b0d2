import {
  cleanupWorkerRoleName,
  workloadReaderRoleInput,
  workloadReaderRoleTemplate,
  workloadReaderStatements,
} from '../../../deploy/workload-reader-role';

const BASE = {
  roleName: 'ecr-warden-workload-reader',
  workerRoleName: 'ecr-warden-prod-cleanupWorker-us-east-1-lambdaRole',
};

function actionsOf(statements: { Action: string[] }[]): string[] {
  return statements.flatMap((statement) => statement.Action).sort();
}

describe('workloadReaderRoleTemplate', () => {
  it('trusts only the worker role, through a parameterised principal, and requires the external id when one is set', () => {
    const template = workloadReaderRoleTemplate({ ...BASE, batch: false, appRunner: false });
    const role = template.Resources.WorkloadReaderRole;
    const document = role?.Properties.AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] };
    const trust = document.Statement;

    expect(Object.keys(template.Parameters).sort()).toEqual([
      'ExternalId',
      'HubAccountId',
      'WorkerRoleArn',
      'WorkerRoleName',
    ]);
    expect(template.Parameters.WorkerRoleName?.Default).toBe(BASE.workerRoleName);
    expect(template.Parameters.ExternalId).toMatchObject({ Default: '', NoEcho: true });
    expect(trust).toEqual([
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
    ]);
    expect(role?.Properties).toMatchObject({
      RoleName: 'ecr-warden-workload-reader',
      MaxSessionDuration: 3600,
    });
  });

  it('grants only the ECS and Lambda reads when no other source is on, none of them a write', () => {
    const statements = workloadReaderStatements({ ...BASE, batch: false, appRunner: false });

    expect(actionsOf(statements)).toEqual([
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListClusters',
      'ecs:ListServiceDeployments',
      'ecs:ListServices',
      'ecs:ListTaskDefinitions',
      'ecs:ListTasks',
      'lambda:GetFunction',
      'lambda:ListAliases',
      'lambda:ListFunctions',
      'lambda:ListVersionsByFunction',
    ]);
  });

  it('scopes the service-revision reads to the services and revisions of the account in each configured region', () => {
    const statements = workloadReaderStatements({
      ...BASE,
      regions: ['us-west-2', 'us-east-1'],
      batch: false,
      appRunner: false,
    });
    const resourcesOf = (action: string) =>
      statements.find((statement) => statement.Action.includes(action))?.Resource;
    const arn = (region: string, resource: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ecs:${region}:\${AWS::AccountId}:${resource}`,
    });

    expect(resourcesOf('ecs:ListServiceDeployments')).toEqual(
      expect.arrayContaining([arn('us-east-1', 'service/*'), arn('us-west-2', 'service/*')]),
    );
    // The Service Authorization Reference requires both resource types for DescribeServiceRevisions.
    expect(resourcesOf('ecs:DescribeServiceRevisions')).toEqual(
      expect.arrayContaining([
        arn('us-east-1', 'service/*'),
        arn('us-west-2', 'service/*'),
        arn('us-east-1', 'service-revision/*'),
        arn('us-west-2', 'service-revision/*'),
      ]),
    );
    expect(resourcesOf('ecs:DescribeServiceRevisions')).toHaveLength(4);
  });

  it('adds EKS, Batch and App Runner reads only when the config reads them, scoped to the account and configured regions', () => {
    const statements = workloadReaderStatements({
      ...BASE,
      regions: ['us-west-2', 'us-east-1'],
      kubernetesClusters: ['prod-eks'],
      batch: true,
      appRunner: true,
    });
    const resourcesOf = (action: string) =>
      statements.find((statement) => statement.Action.includes(action))?.Resource;

    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'eks:DescribeCluster',
        'batch:DescribeJobDefinitions',
        'apprunner:ListServices',
        'apprunner:DescribeService',
      ]),
    );
    expect(resourcesOf('eks:DescribeCluster')).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:eks:us-east-1:\${AWS::AccountId}:cluster/prod-eks` },
      { 'Fn::Sub': `arn:\${AWS::Partition}:eks:us-west-2:\${AWS::AccountId}:cluster/prod-eks` },
    ]);
    expect(resourcesOf('ecs:DescribeTasks')).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:ecs:us-east-1:\${AWS::AccountId}:task/*` },
      { 'Fn::Sub': `arn:\${AWS::Partition}:ecs:us-west-2:\${AWS::AccountId}:task/*` },
    ]);
    expect(resourcesOf('apprunner:DescribeService')).toHaveLength(2);
    expect(resourcesOf('batch:DescribeJobDefinitions')).toEqual(['*']);
    // A wildcard resource only where the action names no resource type.
    const starred = statements
      .filter((statement) => statement.Resource.includes('*'))
      .flatMap((s) => s.Action);
    expect(starred.sort()).toEqual([
      'apprunner:ListServices',
      'batch:DescribeJobDefinitions',
      'ecs:DescribeTaskDefinition',
      'ecs:ListClusters',
      'ecs:ListServices',
      'ecs:ListTaskDefinitions',
      'ecs:ListTasks',
      'lambda:ListFunctions',
    ]);
    // Named clusters need no listing: ListClusters is for `all` only.
    expect(actionsOf(statements)).not.toContain('eks:ListClusters');
  });

  it('refuses a role name IAM would refuse', () => {
    expect(() =>
      workloadReaderRoleTemplate({ ...BASE, roleName: 'bad name', batch: false, appRunner: false }),
    ).toThrow(/not an IAM role name/);
  });

  it("names the worker's role as serverless-iam-roles-per-function does, within IAM's 64 characters", () => {
    expect(cleanupWorkerRoleName('ecr-warden', 'prod', 'us-east-1')).toBe(
      'ecr-warden-prod-cleanupWorker-us-east-1-lambdaRole',
    );
    expect(cleanupWorkerRoleName('ecr-warden', 'a-very-long-stage-name', 'ap-southeast-2')).toBe(
      'ecr-warden-a-very-long-stage-name-cleanupWorker-ap-southeast-2',
    );
  });
});

describe('workloadReaderRoleInput', () => {
  const hub = { service: 'ecr-warden', stage: 'prod', region: 'us-east-1' };

  it('is undefined without workload accounts: no role to deploy', () => {
    expect(workloadReaderRoleInput({}, hub)).toBeUndefined();
    expect(workloadReaderRoleInput({ workloadAccounts: [] }, hub)).toBeUndefined();
  });

  it("covers the union of the accounts' regions and clusters, with the default role name", () => {
    const input = workloadReaderRoleInput(
      {
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1'], kubernetesClusters: ['prod-eks'] },
          {
            account: '333333333333',
            regions: ['eu-west-1', 'us-east-1'],
            kubernetesClusters: ['ops', 'prod-eks'],
          },
        ],
        batch: true,
      },
      hub,
    );

    expect(input).toEqual({
      roleName: 'ecr-warden-workload-reader',
      regions: ['eu-west-1', 'us-east-1'],
      workerRoleName: 'ecr-warden-prod-cleanupWorker-us-east-1-lambdaRole',
      kubernetesClusters: ['ops', 'prod-eks'],
      batch: true,
      appRunner: false,
    });
  });

  it('reads every cluster when any account does', () => {
    const input = workloadReaderRoleInput(
      {
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1'], kubernetesClusters: 'all' },
          { account: '333333333333', regions: ['us-east-1'], kubernetesClusters: ['ops'] },
        ],
      },
      hub,
    );

    expect(input?.kubernetesClusters).toBe('all');
  });
});
