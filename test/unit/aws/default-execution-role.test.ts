import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  type CompiledTemplate,
  DEFAULT_EXECUTION_ROLE,
  DefaultRoleInUseError,
  omitDefaultExecutionRole,
  templateReferences,
} from '../../../deploy/iam/default-execution-role';

const PLUGIN = join(__dirname, '..', '..', '..', 'scripts', 'omit-default-role.cjs');

const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** What osls and serverless-iam-roles-per-function leave: the shared role, and a function with its own. */
function compiledTemplate() {
  return {
    Resources: {
      [DEFAULT_EXECUTION_ROLE]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyDocument: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['sqs:ReceiveMessage'],
                    Resource: [getAtt('NotificationQueue')],
                  },
                ],
              },
            },
          ],
        },
      },
      CleanupWorkerIamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: {} },
      CleanupWorkerLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: getAtt('CleanupWorkerIamRoleLambdaExecution') },
        DependsOn: ['CleanupWorkerIamRoleLambdaExecution', 'CleanupWorkerLogGroup'],
      },
      NotificationQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    },
    Outputs: {} as Record<string, unknown>,
  } satisfies CompiledTemplate;
}

describe('omitDefaultExecutionRole', () => {
  it('removes the shared role when every function has its own and nothing refers to it', () => {
    const template = compiledTemplate();

    const removed = omitDefaultExecutionRole(template);

    expect(removed).toBe(true);
    expect(Object.keys(template.Resources)).toEqual([
      'CleanupWorkerIamRoleLambdaExecution',
      'CleanupWorkerLambdaFunction',
      'NotificationQueue',
    ]);
  });

  it('leaves a template without the shared role as it is', () => {
    const template = compiledTemplate();
    const { [DEFAULT_EXECUTION_ROLE]: _shared, ...rest } = template.Resources;
    const without = { Resources: rest };

    expect(omitDefaultExecutionRole(without)).toBe(false);
    expect(without.Resources).toEqual(rest);
  });

  it.each([
    [
      'a function that runs with it',
      (t: ReturnType<typeof compiledTemplate>) => {
        t.Resources.CleanupWorkerLambdaFunction.Properties.Role = getAtt(DEFAULT_EXECUTION_ROLE);
      },
      'CleanupWorkerLambdaFunction.Properties.Role.Fn::GetAtt',
    ],
    [
      'a DependsOn',
      (t: ReturnType<typeof compiledTemplate>) => {
        t.Resources.CleanupWorkerLambdaFunction.DependsOn.push(DEFAULT_EXECUTION_ROLE);
      },
      'CleanupWorkerLambdaFunction.DependsOn',
    ],
    [
      'a Fn::Sub of its ARN',
      (t: ReturnType<typeof compiledTemplate>) => {
        t.Outputs.RoleArn = { Value: { 'Fn::Sub': `\${${DEFAULT_EXECUTION_ROLE}.Arn}` } };
      },
      'Outputs.RoleArn.Value.Fn::Sub',
    ],
  ])('keeps the role and stops the package when %s still refers to it', (_case, breakIt, where) => {
    const template = compiledTemplate();
    breakIt(template);

    expect(() => omitDefaultExecutionRole(template)).toThrow(DefaultRoleInUseError);
    expect(() => omitDefaultExecutionRole(template)).toThrow(where);
    expect(template.Resources[DEFAULT_EXECUTION_ROLE]).toBeDefined();
  });

  it('reads a literal Fn::Sub variable and one of its own map as no reference', () => {
    const template = compiledTemplate();
    template.Outputs.Literal = {
      Value: {
        'Fn::Sub': [
          `\${!${DEFAULT_EXECUTION_ROLE}} \${${DEFAULT_EXECUTION_ROLE}}`,
          { [DEFAULT_EXECUTION_ROLE]: 'x' },
        ],
      },
    };

    expect(omitDefaultExecutionRole(template)).toBe(true);
  });

  it('lists Ref, GetAtt, Fn::Sub and DependsOn references with where they are', () => {
    const template = {
      Resources: {
        A: {
          Type: 'X',
          Properties: {
            P: { Ref: 'B' },
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
            Q: { 'Fn::Sub': ['${C.Arn}-${AWS::Region}', { D: { Ref: 'E' } }] },
          },
          DependsOn: 'F',
        },
      },
    };

    expect(templateReferences(template)).toEqual([
      { logicalId: 'B', at: 'A.Properties.P.Ref' },
      { logicalId: 'C', at: 'A.Properties.Q.Fn::Sub' },
      { logicalId: 'AWS::Region', at: 'A.Properties.Q.Fn::Sub' },
      { logicalId: 'E', at: 'A.Properties.Q.Fn::Sub[1].D.Ref' },
      { logicalId: 'F', at: 'A.DependsOn' },
    ]);
  });
});

/**
 * Loads the plugin in a node process of its own, as osls does (it loads the TypeScript through tsx),
 * hands it the template on a minimal osls object and runs its hook: the template after it, or the
 * error it threw.
 */
function runPluginAsOslsDoes(template: CompiledTemplate): { template?: CompiledTemplate; error?: string } {
  const script = `
    class ServerlessError extends Error {}
    const Plugin = require(${JSON.stringify(PLUGIN)});
    const template = ${JSON.stringify(template)};
    const plugin = new Plugin({
      service: { provider: { compiledCloudFormationTemplate: template } },
      classes: { Error: ServerlessError },
    }, {}, {});
    let result;
    try {
      plugin.hooks['before:aws:package:finalize:saveServiceState']();
      result = { template };
    } catch (error) {
      result = { error: (error instanceof ServerlessError ? 'ServerlessError: ' : '') + error.message };
    }
    process.stdout.write(JSON.stringify(result));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

describe('the omit-default-role osls plugin', () => {
  it('removes the role just before osls writes the template', () => {
    const result = runPluginAsOslsDoes(compiledTemplate());

    expect(result.error).toBeUndefined();
    expect(result.template?.Resources).not.toHaveProperty(DEFAULT_EXECUTION_ROLE);
    expect(result.template?.Resources).toHaveProperty('CleanupWorkerIamRoleLambdaExecution');
  });

  it('fails the package with one osls error line when the role is still used', () => {
    const template = compiledTemplate();
    template.Resources.CleanupWorkerLambdaFunction.Properties.Role = getAtt(DEFAULT_EXECUTION_ROLE);

    const result = runPluginAsOslsDoes(template);

    expect(result.error).toMatch(/^ServerlessError: omit-default-role: IamRoleLambdaExecution is still used/);
  });
});
