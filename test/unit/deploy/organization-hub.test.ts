import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupWorkerIamStatements } from '../../../deploy/iam/cleanup-worker-iam';
import {
  MEMBER_ACCESS_FUNCTIONS,
  MemberStackError,
  memberStackTemplate,
  memberStatementsOf,
  type RoleStatement,
} from '../../../deploy/member-stack';
import {
  applyOrganizationHub,
  OrganizationHubError,
  organizationHubSettings,
} from '../../../deploy/organization-hub';
import { organizationSection } from '../../../shared/config/schema-organization';

/**
 * The hub side of issue 15 (deploy/organization-hub.ts), the member template (deploy/member-stack.ts) and
 * the two osls plugins that apply and write them, on a small template in the shape osls compiles. The
 * packaged template is checked in test/package/organization.test.ts.
 */
const ROOT = join(__dirname, '..', '..', '..');
const NAMING = { service: 'ecr-warden', stage: 'ci', region: 'us-east-1' };
const organization = (section: unknown) => organizationSection.parse(section);
const LISTED = organization({ accounts: ['222222222222'], regions: ['us-east-1', 'eu-west-1'] });
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
const REPOSITORIES = { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*' };

const capitalized = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1)}`;

/** Every function of the stack, each with its own role, and one detector rule and one schedule. */
function compiledTemplate() {
  const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  for (const key of [...MEMBER_ACCESS_FUNCTIONS, 'slackNotifier']) {
    resources[`${capitalized(key)}IamRoleLambdaExecution`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyName: 'x',
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: ['ecr:DescribeRepositories'], Resource: [REPOSITORIES] },
              ],
            },
          },
        ],
      },
    };
    resources[`${capitalized(key)}LambdaFunction`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: `ecr-warden-ci-${key}`,
        Role: { 'Fn::GetAtt': [`${capitalized(key)}IamRoleLambdaExecution`, 'Arn'] },
      },
    };
  }
  resources.ScanRule = {
    Type: 'AWS::Events::Rule',
    Properties: {
      Name: 'ecr-warden-ci-scanFindings-rule-1',
      EventPattern: { source: ['aws.ecr'], 'detail-type': ['ECR Image Scan'] },
      Targets: [{ Id: 't', Arn: { 'Fn::GetAtt': ['ScanFindingsLambdaFunction', 'Arn'] } }],
    },
  };
  resources.ScanSchedule = {
    Type: 'AWS::Events::Rule',
    Properties: {
      ScheduleExpression: 'rate(1 day)',
      Targets: [{ Id: 's', Arn: { 'Fn::GetAtt': ['ScanFindingsLambdaFunction', 'Arn'] } }],
    },
  };
  return { Resources: resources, Outputs: {} };
}

describe('organizationHubSettings', () => {
  it('is null without organization: the plugin then leaves the template alone', () => {
    expect(organizationHubSettings(undefined)).toBeNull();
  });

  it('drops the excluded accounts from the listed ones', () => {
    const settings = organizationHubSettings(
      organization({
        accounts: ['222222222222', '333333333333'],
        excludeAccounts: ['333333333333'],
        regions: ['us-east-1'],
      }),
    );
    expect(settings?.accounts).toEqual(['222222222222']);
    expect(settings?.memberRoleName).toBe('ecr-warden-member');
  });

  it('refuses OUs without the organization id, which is all that would keep the bus and AssumeRole to the organization', () => {
    expect(() =>
      organizationHubSettings(
        organization({ organizationalUnits: ['ou-ab12-11111111'], regions: ['us-east-1'] }),
      ),
    ).toThrow(OrganizationHubError);
  });
});

describe('applyOrganizationHub', () => {
  it('repeats the detector rule (not the schedule) on the hub bus, and gives AssumeRole to the member-access functions only', () => {
    const template = compiledTemplate();
    const settings = organizationHubSettings(LISTED);
    if (settings === null) throw new Error('settings');
    applyOrganizationHub(template, settings, NAMING);
    expect(template.Resources.ScanRuleMembers?.Properties).toMatchObject({
      Name: 'ecr-warden-ci-scanFindings-rule-1-members',
      EventBusName: { Ref: 'HubEventBus' },
    });
    expect(template.Resources.ScanScheduleMembers).toBeUndefined();
    const assumes = (key: string) =>
      JSON.stringify(template.Resources[`${capitalized(key)}IamRoleLambdaExecution`]).includes(
        'sts:AssumeRole',
      );
    expect(MEMBER_ACCESS_FUNCTIONS.filter(assumes)).toEqual([...MEMBER_ACCESS_FUNCTIONS]);
    expect(assumes('slackNotifier')).toBe(false);
  });

  it('names the function that is missing', () => {
    const template = compiledTemplate();
    delete template.Resources.CleanupWorkerLambdaFunction;
    const settings = organizationHubSettings(LISTED);
    if (settings === null) throw new Error('settings');
    expect(() => applyOrganizationHub(template, settings, NAMING)).toThrow(
      'cleanupWorker: no function CleanupWorkerLambdaFunction',
    );
  });
});

describe('the member role statements', () => {
  it("are the function's own, kept to its member-account actions, in each governed region; `*` and other accounts' ARNs as they must be", () => {
    const own: RoleStatement[] = [
      { Effect: 'Allow', Action: ['ecr:DescribeRepositories'], Resource: [REPOSITORIES] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['CleanupQueue', 'Arn'] }] },
    ];
    expect(memberStatementsOf('cleanupScheduler', own, ['us-east-1', 'eu-west-1'])).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:DescribeRepositories'],
        Resource: [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
          { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:us-east-1:${AWS::AccountId}:repository/*' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
          { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:eu-west-1:${AWS::AccountId}:repository/*' },
        ],
      },
    ]);
    const cluster: RoleStatement = {
      Effect: 'Allow',
      Action: ['eks:DescribeCluster'],
      Resource: ['arn:aws:eks:us-west-2:123456789012:cluster/ops'],
    };
    expect(memberStatementsOf('cleanupWorker', [cluster], ['us-east-1'])).toEqual([]);
  });

  it('hold BatchDeleteImage exactly when the hub worker does: cleanup.dryRun false', () => {
    const rules = [{ repositories: ['team-a/*'], policy: { rules: [{ action: { type: 'expire' } }] } }];
    const worker = (dryRun: boolean) =>
      cleanupWorkerIamStatements({ dryRun, rules } as unknown as Parameters<
        typeof cleanupWorkerIamStatements
      >[0]);
    const actions = (dryRun: boolean) =>
      memberStatementsOf('cleanupWorker', worker(dryRun), ['us-east-1']).flatMap((s) => s.Action);
    expect(actions(true)).not.toContain('ecr:BatchDeleteImage');
    expect(actions(false)).toContain('ecr:BatchDeleteImage');
    expect(actions(false)).not.toContain('events:PutEvents');
  });
});

describe('memberStackTemplate', () => {
  const functions = Object.fromEntries(
    MEMBER_ACCESS_FUNCTIONS.map((key) => [
      key,
      { roleName: `ecr-warden-ci-${key}-us-east-1-lambdaRole`, statements: [] },
    ]),
  ) as unknown as Parameters<typeof memberStackTemplate>[0]['functions'];
  const input = {
    memberRoleName: 'ecr-warden-member',
    regions: ['eu-west-1'],
    hubRegion: 'us-east-1',
    hubBusName: 'b',
    functions,
  };

  it('creates the member role in one region (a governed one) and has no organization condition without an id', () => {
    const template = memberStackTemplate(input) as {
      Parameters: Record<string, { Default?: string }>;
      Resources: Record<string, unknown>;
    };
    expect(template.Parameters.RoleRegion?.Default).toBe('eu-west-1');
    expect(JSON.stringify(template.Resources.MemberRole)).not.toContain('aws:PrincipalOrgID');
  });

  it('refuses a member role name too long for the forwarding role name', () => {
    expect(() => memberStackTemplate({ ...input, memberRoleName: 'x'.repeat(50) })).toThrow(MemberStackError);
  });

  it("refuses a policy longer than IAM's limit for one managed policy", () => {
    const many = Array.from({ length: 400 }, (_, index) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/team-${index}/*`,
    }));
    const big = {
      ...functions,
      cleanupScheduler: {
        roleName: 'r',
        statements: [{ Effect: 'Allow', Action: ['ecr:DescribeRepositories'], Resource: many }],
      },
    };
    expect(() => memberStackTemplate({ ...input, functions: big })).toThrow(
      /cleanupScheduler policy would have \d+ characters, more than IAM's 6144/,
    );
  });
});

/**
 * The two plugins as osls runs them (CommonJS loading TypeScript through tsx, which jest's module
 * system cannot host): in a child process, on a fake `serverless` holding the template above.
 */
function runPlugins(organization: unknown, options: { dropFunction?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-member-'));
  try {
    mkdirSync(join(dir, '.serverless'));
    const template = compiledTemplate() as { Resources: Record<string, unknown> };
    if (options.dropFunction !== undefined) delete template.Resources[options.dropFunction];
    const script = `
      const Hub = require(${JSON.stringify(join(ROOT, 'scripts', 'organization-hub.cjs'))});
      const Writer = require(${JSON.stringify(join(ROOT, 'scripts', 'write-account-templates.cjs'))});
      class FrameworkError extends Error {}
      const before = ${JSON.stringify(JSON.stringify(template))};
      const serverless = {
        serviceDir: ${JSON.stringify(dir)},
        classes: { Error: FrameworkError },
        getProvider: () => ({ getStage: () => 'ci', getRegion: () => 'us-east-1' }),
        service: {
          service: 'ecr-warden',
          custom: { warden: { organizationHub: ${JSON.stringify(organization)}, workloadReaderTemplate: null } },
          provider: { compiledCloudFormationTemplate: JSON.parse(before) },
        },
      };
      let error;
      try {
        new Hub(serverless, {}, {}).hooks['before:aws:package:finalize:saveServiceState']();
        new Writer(serverless, {}, {}).hooks['after:package:finalize']();
      } catch (caught) {
        error = { framework: caught instanceof FrameworkError, message: caught.message };
      }
      process.stdout.write(JSON.stringify({
        unchanged: JSON.stringify(serverless.service.provider.compiledCloudFormationTemplate) === before,
        resources: Object.keys(serverless.service.provider.compiledCloudFormationTemplate.Resources),
        error,
      }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
      unchanged: boolean;
      resources: string[];
      error?: { framework: boolean; message: string };
    };
    const file = join(dir, '.serverless', 'ecr-warden-member.json');
    return { ...result, member: existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the osls plugins (scripts/organization-hub.cjs, scripts/write-account-templates.cjs)', () => {
  it('without organization, leave the compiled template exactly as it was and write no member template', () => {
    const result = runPlugins(null);
    expect(result.error).toBeUndefined();
    expect(result.unchanged).toBe(true);
    expect(result.member).toBeUndefined();
  });

  it('with organization, add the hub bus and write .serverless/ecr-warden-member.json', () => {
    const result = runPlugins(organizationHubSettings(LISTED));
    expect(result.error).toBeUndefined();
    expect(result.resources).toEqual(expect.arrayContaining(['HubEventBus', 'ScanRuleMembers']));
    expect(Object.keys(result.member?.Resources ?? {})).toEqual(
      expect.arrayContaining(['MemberRole', 'ForwardingRole', 'ForwardImagePushesRule']),
    );
  });

  it('turn a template it cannot extend into a one-line framework error', () => {
    const result = runPlugins(organizationHubSettings(LISTED), {
      dropFunction: 'ScanFindingsLambdaFunction',
    });
    expect(result.error).toEqual({
      framework: true,
      message:
        'organization-hub: scanFindings: no function ScanFindingsLambdaFunction with an inline policy on ScanFindingsIamRoleLambdaExecution in the compiled template',
    });
    expect(result.member).toBeUndefined();
  });
});

describe('deploy/resolve-variables.cjs', () => {
  it('stops an OU config without organizationId before anything is built, with the reason as its whole stack', () => {
    const script = [
      `const { require: load } = require('tsx/cjs/api');`,
      `const resolver = ${JSON.stringify(join(ROOT, 'deploy', 'resolve-variables.cjs'))};`,
      `const { parseConfigText } = load(${JSON.stringify(join(ROOT, 'shared', 'config', 'load-config.ts'))}, resolver);`,
      `const config = parseConfigText('organization:\\n  organizationalUnits: [ou-ab12-11111111]\\n  regions: [us-east-1]\\n', 'test.yml');`,
      `try { require(resolver).resolveVariables({ service: 'ecr-warden', stage: 'ci', region: 'us-east-1', alarmDefaults: { lambda: {}, queueDepth: {} } }, config); }`,
      `catch (error) { process.stdout.write(JSON.stringify({ name: error.name, stack: error.stack })); }`,
    ].join('\n');
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(result.name).toBe('OrganizationHubError');
    expect(result.stack).toMatch(
      /^organization\.organizationId is needed with organization\.organizationalUnits: [^\n]+\n$/,
    );
  });
});
