import { roleStatements } from '../../deploy/template-guard/cloudformation';
import { guardTemplate } from '../../deploy/template-guard/guard-template';
import { withEveryInUseSource } from './every-in-use-source';
import { EXPECTED_STATEMENTS, type ExpectedStatement } from './expected-statements';
import {
  asArray,
  at,
  byType,
  isRecord,
  lambdaLogicalId,
  packagedFunctionKeys,
  packagedStack,
  propertiesOfResource,
} from './packaged-stack';

const { template, resources, functions, service, stage } = packagedStack();

const roleIdOf = (key: string): unknown =>
  at(propertiesOfResource(lambdaLogicalId(key)), 'Role', 'Fn::GetAtt', 0);

function statementsOfRole(roleId: unknown): Record<string, unknown>[] {
  const policies = asArray(typeof roleId === 'string' ? propertiesOfResource(roleId).Policies : undefined);
  return policies.flatMap((policy) => asArray(at(policy, 'PolicyDocument', 'Statement'))).filter(isRecord);
}

/** A condition is part of what is granted: a statement matches only with exactly the expected one. */
const describeStatement = (statement: Record<string, unknown> | ExpectedStatement): string =>
  JSON.stringify({
    Action: asArray(statement.Action).slice().sort(),
    Resource: asArray(statement.Resource),
    ...(statement.Condition === undefined ? {} : { Condition: statement.Condition }),
  });

test('there are functions whose roles to check', () => {
  expect(packagedFunctionKeys()).not.toHaveLength(0);
});

describe.each(packagedFunctionKeys())('the role of %s', (key) => {
  const roleId = roleIdOf(key);
  const [logs, ...statements] = statementsOfRole(roleId);

  it("is not osls's shared role IamRoleLambdaExecution (the function lists iamRoleStatements)", () => {
    expect(roleId).not.toBe('IamRoleLambdaExecution');
  });

  it('is an AWS::IAM::Role of the template', () => {
    expect(typeof roleId === 'string' ? resources[roleId]?.Type : undefined).toBe('AWS::IAM::Role');
  });

  it('allows, first, logs on its own log group only', () => {
    const logGroup = `:log-group:/aws/lambda/${functions[key]?.name}:`;
    expect(logs).toBeDefined();
    const actions = asArray(logs?.Action);
    const logResources = asArray(logs?.Resource);
    expect(actions).not.toHaveLength(0);
    expect(actions.filter((action) => !String(action).startsWith('logs:'))).toEqual([]);
    expect(logResources).not.toHaveLength(0);
    expect(logResources.filter((resource) => !JSON.stringify(resource).includes(logGroup))).toEqual([]);
  });

  it('has its expected statements listed in test/package/expected-statements.ts', () => {
    expect(EXPECTED_STATEMENTS[key]).toBeDefined();
  });

  it('allows and never denies', () => {
    expect(statements).not.toHaveLength(0);
    expect(statements.filter((statement) => statement.Effect !== 'Allow')).toEqual([]);
  });

  it('holds exactly the expected statements: no statement missing, none more', () => {
    const expected = (EXPECTED_STATEMENTS[key] ?? []).map(describeStatement).sort();
    expect(expected).not.toHaveLength(0);
    expect(statements.map(describeStatement).sort()).toEqual(expected);
  });
});

describe('roles', () => {
  const users = new Map<string, string[]>();
  for (const key of packagedFunctionKeys()) {
    const roleId = roleIdOf(key);
    if (typeof roleId === 'string') users.set(roleId, [...(users.get(roleId) ?? []), key]);
  }

  it('are each used by one function only', () => {
    expect(users.size).toBeGreaterThan(0);
    expect([...users].filter(([, keys]) => keys.length > 1)).toEqual([]);
  });

  // scripts/omit-default-role.cjs: no role is left that no function runs with, such as one holding every
  // function's event sources, failure queues and a log prefix of all stages.
  it("leave out osls's shared default role IamRoleLambdaExecution", () => {
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('are all run with by some function', () => {
    const roles = byType('AWS::IAM::Role').map(([roleId]) => roleId);
    expect(roles).not.toHaveLength(0);
    expect(roles.filter((roleId) => !users.has(roleId))).toEqual([]);
  });
});

// Across the template, for every function and queue alike: no wildcard actions, "*" only where IAM has
// no resource type, destructive actions on repository ARNs, a reason for every permission, a failure path
// and an alarm for every asynchronous path, an encrypted alarm topic, log retention.
test('the template passes the template guard (deploy/template-guard/)', () => {
  const guard = guardTemplate(template, { service, stage });
  expect(guard.checks).toBeGreaterThan(0);
  expect(guard.failures).toEqual([]);
});

// The statements every cleanup.protect source adds to the worker's role (issue 14), through the same
// guard: read-only, scoped to the named clusters, reader roles and list objects, "*" only where IAM has
// no resource type, and a reason for each.
test('the template with every in-use source turned on passes the template guard too', () => {
  const variant = withEveryInUseSource(template);
  const added = roleStatements(variant, 'CleanupWorkerIamRoleLambdaExecution').flatMap((statement) =>
    asArray(statement.Action),
  );
  expect(added).toEqual(
    expect.arrayContaining([
      'eks:DescribeCluster',
      'sts:AssumeRole',
      'batch:DescribeJobDefinitions',
      'apprunner:DescribeService',
      's3:GetObject',
      'inspector2:ListCoverage',
    ]),
  );
  const guard = guardTemplate(variant, { service, stage });
  expect(guard.failures).toEqual([]);
});
