import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  HUB_ONLY_ACTIONS,
  MEMBER_ACCESS_FUNCTIONS,
  MEMBER_ACCOUNT_ACTIONS,
  MEMBER_ACCOUNT_SERVICES,
  MEMBER_FORWARDED_EVENT_PATTERNS,
  memberPolicyLogicalId,
} from '../../deploy/member-stack';
import { HUB_BUS_ID } from '../../deploy/organization-hub';
import { SERVERLESS_DIR } from '../../deploy/package-stack';
import {
  type CloudFormationTemplate,
  propertiesOf,
  resourcesOfType,
  roleStatements,
  strings,
} from '../../deploy/template-guard/cloudformation';
import { guardMemberTemplate } from '../../deploy/template-guard/guard-member-template';
import { guardTemplate } from '../../deploy/template-guard/guard-template';
import { withEveryInUseSource } from './every-in-use-source';
import {
  LISTED_ACCOUNTS,
  ORGANIZATIONAL_UNITS,
  PACKAGE_REGION,
  withOrganization,
} from './organization-variant';
import { at, normalizedName, packagedStack, same } from './packaged-stack';

/**
 * Issue 15, the Organizations hub: without `organization` (the committed ecr-warden.yml) the packaged
 * template has nothing of it; with it (./organization-variant.ts: the step scripts/organization-hub.cjs
 * runs at package time), the hub template and the member template pass the template guard's
 * least-privilege rules, and the member events reach the same functions as the hub's own.
 */
const { template, service, stage } = packagedStack();
const naming = { service, stage };
const roleOf = (key: string) => `${normalizedName(key)}IamRoleLambdaExecution`;
const actionsOf = (t: CloudFormationTemplate, key: string) =>
  roleStatements(t, roleOf(key)).flatMap((statement) => strings(statement.Action));
const detectorRules = (t: CloudFormationTemplate, onHubBus: boolean) =>
  resourcesOfType(t, 'AWS::Events::Rule').filter(([, rule]) => {
    const props = propertiesOf(rule);
    return (
      props.EventPattern !== undefined && same(props.EventBusName, onHubBus ? { Ref: HUB_BUS_ID } : undefined)
    );
  });

describe('without organization (the committed ecr-warden.yml)', () => {
  it('has no hub bus, no rule on it, no member role permission and no member template', () => {
    expect(resourcesOfType(template, 'AWS::Events::EventBus').map(([id]) => id)).toEqual([
      'GovernanceEventBus',
    ]);
    expect(detectorRules(template, true)).toEqual([]);
    for (const key of MEMBER_ACCESS_FUNCTIONS) {
      expect(actionsOf(template, key).filter((action) => action.startsWith('organizations:'))).toEqual([]);
      // sts:AssumeRole only for cleanup.protect.workloadAccounts, which the committed config does not name.
      expect(actionsOf(template, key)).not.toContain('sts:AssumeRole');
    }
    expect(existsSync(join(SERVERLESS_DIR, 'ecr-warden-member.json'))).toBe(false);
  });
});

describe.each([
  ['accounts listed', LISTED_ACCOUNTS],
  ['organizational units', ORGANIZATIONAL_UNITS],
])('with organization (%s)', (_form, organization) => {
  const { hub, member } = withOrganization(organization);

  it('the hub template passes the template guard', () => {
    const guard = guardTemplate(hub, naming);
    expect(guard.failures).toEqual([]);
  });

  it('the member template passes the template guard for member templates', () => {
    const guard = guardMemberTemplate(member, hub, naming, { organizationId: organization.organizationId });
    expect(guard.checks).toBeGreaterThan(20);
    expect(guard.failures).toEqual([]);
  });

  it('repeats every detector rule of the default bus on the hub bus: same pattern, same targets, invoke permission', () => {
    const own = detectorRules(hub, false);
    const onHub = detectorRules(hub, true);
    expect(own.length).toBeGreaterThan(0);
    expect(onHub.map(([id]) => id)).toEqual(own.map(([id]) => `${id}Members`));
    for (const [id, rule] of own) {
      const twin = propertiesOf(hub.Resources?.[`${id}Members`]);
      expect(twin.EventPattern).toEqual(propertiesOf(rule).EventPattern);
      expect(twin.Targets).toEqual(propertiesOf(rule).Targets);
      const permission = propertiesOf(hub.Resources?.[`${id}MembersLambdaPermission1`]);
      expect(permission.SourceArn).toEqual({ 'Fn::GetAtt': [`${id}Members`, 'Arn'] });
      expect(permission.FunctionName).toEqual(at(propertiesOf(rule).Targets, 0, 'Arn'));
    }
  });

  it('gives sts:AssumeRole on the member role to the functions that act in member accounts, and not to the notifier', () => {
    for (const key of MEMBER_ACCESS_FUNCTIONS) expect(actionsOf(hub, key)).toContain('sts:AssumeRole');
    expect(actionsOf(hub, 'slackNotifier')).not.toContain('sts:AssumeRole');
    // The notifier matches routes' OUs through the directory: the Organizations reads, with OUs only.
    expect(actionsOf(hub, 'slackNotifier').some((action) => action.startsWith('organizations:'))).toBe(
      'organizationalUnits' in organization,
    );
  });

  it('the hub bus admits PutEvents only from the forwarding roles of the organization', () => {
    const policy = at(propertiesOf(hub.Resources?.[HUB_BUS_ID]), 'Policy', 'Statement') as Record<
      string,
      unknown
    >[];
    const allows = policy.filter((statement) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const statement of allows) {
      expect(statement.Action).toBe('events:PutEvents');
      expect(at(statement, 'Condition', 'StringEquals', 'aws:PrincipalOrgID')).toBe('o-a1b2c3d4e5');
      expect(at(statement, 'Condition', 'ArnLike', 'aws:PrincipalArn')).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
        'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/ecr-warden-member-events-*',
      });
    }
  });
});

describe('with organization, accounts listed', () => {
  const { hub, member } = withOrganization(LISTED_ACCOUNTS);

  it('assumes exactly the member role of each governed account (the excluded one left out), no Organizations call', () => {
    const assume = roleStatements(hub, roleOf('cleanupScheduler')).filter((s) =>
      strings(s.Action).includes('sts:AssumeRole'),
    );
    expect(assume).toEqual([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: ['222222222222', '333333333333'].map((account) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/ecr-warden-member`,
        })),
      },
    ]);
    expect(actionsOf(hub, 'cleanupWorker').filter((action) => action.startsWith('organizations:'))).toEqual(
      [],
    );
  });

  it('the bus admits the listed accounts by account, not anyone', () => {
    const policy = at(propertiesOf(hub.Resources?.[HUB_BUS_ID]), 'Policy', 'Statement') as Record<
      string,
      unknown
    >[];
    expect(policy.map((statement) => statement.Principal)).toEqual([
      {
        AWS: ['222222222222', '333333333333'].map((account) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:root`,
        })),
      },
    ]);
  });

  it("the member role holds the hub functions' reads in each governed region, and no write of a dry-run config", () => {
    // One managed policy per function, attached to the member role.
    const policies = resourcesOfType(member, 'AWS::IAM::ManagedPolicy').map(([id, policy]) => ({
      id,
      roles: propertiesOf(policy).Roles,
      PolicyDocument: propertiesOf(policy).PolicyDocument as { Statement: unknown[] },
    }));
    expect(policies.map((policy) => policy.id)).toEqual(MEMBER_ACCESS_FUNCTIONS.map(memberPolicyLogicalId));
    for (const policy of policies) expect(policy.roles).toEqual([{ Ref: 'MemberRole' }]);
    const scheduler = policies[0]?.PolicyDocument.Statement;
    expect(scheduler).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:DescribeRepositories'],
        Resource: ['us-east-1', 'eu-west-1'].map((region) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:ecr:${region}:\${AWS::AccountId}:repository/*`,
        })),
      },
    ]);
    // cleanup.dryRun and immutability remediation of the committed config: the hub holds no such write.
    const granted = policies.flatMap((policy) =>
      policy.PolicyDocument.Statement.flatMap((s) => strings(at(s, 'Action'))),
    );
    expect(granted).not.toContain('ecr:BatchDeleteImage');
    expect(granted).toContain('ecr:DescribeImages');
  });

  it('forwards exactly MEMBER_FORWARDED_EVENT_PATTERNS, which are the patterns of the detector rules of the default bus', () => {
    const forwarded = resourcesOfType(member, 'AWS::Events::Rule').map(
      ([, rule]) => propertiesOf(rule).EventPattern,
    );
    expect(forwarded).toEqual(Object.values(MEMBER_FORWARDED_EVENT_PATTERNS));
    const own = detectorRules(template, false).map(([, rule]) =>
      JSON.stringify(propertiesOf(rule).EventPattern),
    );
    expect([...own].sort()).toEqual(
      Object.values(MEMBER_FORWARDED_EVENT_PATTERNS)
        .map((p) => JSON.stringify(p))
        .sort(),
    );
  });

  it("trusts the hub functions' roles by name in the HubAccountId parameter's account", () => {
    const trust = at(propertiesOf(member.Resources?.MemberRole), 'AssumeRolePolicyDocument', 'Statement', 0);
    expect(at(trust, 'Principal', 'AWS')).toEqual(
      MEMBER_ACCESS_FUNCTIONS.map((key) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/${service}-${stage}-${key}-${PACKAGE_REGION}-lambdaRole`,
      })),
    );
  });

  it('with every in-use source turned on, the member template still passes, and holds no EKS action (clusters are read from the hub)', () => {
    const variant = withOrganization(LISTED_ACCOUNTS, withEveryInUseSource(template));
    const guard = guardMemberTemplate(variant.member, variant.hub, naming, {
      organizationId: 'o-a1b2c3d4e5',
    });
    expect(guard.failures).toEqual([]);
    expect(JSON.stringify(variant.member)).toContain('batch:DescribeJobDefinitions');
    expect(JSON.stringify(variant.member)).not.toContain('eks:');
    expect(JSON.stringify(variant.member)).not.toContain('123456789012');
  });
});

// A read or write a function adds in its own account (ECR, ECS, Lambda, EKS, Batch, App Runner,
// Inspector) is one it needs in member accounts too: it must be on its MEMBER_ACCOUNT_ACTIONS line, or the
// member role would lack it and the function fail there; or on its HUB_ONLY_ACTIONS line, which says
// why it is never called there (and the member role must then not hold it).
test.each([
  ['the committed config', template],
  ['every in-use source', withEveryInUseSource(template)],
])(
  "each member-access function's own-account actions are on its MEMBER_ACCOUNT_ACTIONS list (%s)",
  (_name, t) => {
    for (const key of MEMBER_ACCESS_FUNCTIONS) {
      const own = actionsOf(t, key).filter((action) =>
        (MEMBER_ACCOUNT_SERVICES as readonly string[]).includes(action.split(':')[0] ?? ''),
      );
      const hubOnly = HUB_ONLY_ACTIONS[key] ?? [];
      expect(hubOnly.filter((action) => MEMBER_ACCOUNT_ACTIONS[key].includes(action))).toEqual([]);
      expect({
        key,
        missing: own.filter(
          (action) => !MEMBER_ACCOUNT_ACTIONS[key].includes(action) && !hubOnly.includes(action),
        ),
      }).toEqual({
        key,
        missing: [],
      });
    }
  },
);

describe('with organization, OUs', () => {
  const { hub } = withOrganization(ORGANIZATIONAL_UNITS);

  it('assumes the member role name in any account of the organization only (aws:ResourceOrgID), and lists the OUs', () => {
    const statements = roleStatements(hub, roleOf('tagImmutability'));
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/ecr-warden-member' }],
          Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
        },
      ]),
    );
    expect(actionsOf(hub, 'tagImmutability')).toEqual(
      expect.arrayContaining([
        'organizations:ListAccountsForParent',
        'organizations:ListOrganizationalUnitsForParent',
        'organizations:ListParents',
        'organizations:DescribeOrganization',
      ]),
    );
  });

  it('the bus admits the OUs by organization path and denies the excluded accounts', () => {
    const policy = at(propertiesOf(hub.Resources?.[HUB_BUS_ID]), 'Policy', 'Statement') as Record<
      string,
      unknown
    >[];
    expect(at(policy[0], 'Condition', 'ForAnyValue:StringLike', 'aws:PrincipalOrgPaths')).toEqual([
      'o-a1b2c3d4e5/*/ou-ab12-11111111/*',
      'o-a1b2c3d4e5/r-ab12/*',
    ]);
    expect(policy[1]).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::555555555555:root` }] },
    });
  });
});

// The guard's least-privilege rules fail on what they are for: each case breaks one thing of a variant.
describe('the template guard on an organization variant that breaks one rule', () => {
  const memberGuard = (change: (member: CloudFormationTemplate, hub: CloudFormationTemplate) => void) => {
    const { hub, member } = withOrganization(LISTED_ACCOUNTS);
    change(member, hub);
    return guardMemberTemplate(member, hub, naming, { organizationId: 'o-a1b2c3d4e5' }).failures;
  };
  const memberRole = (member: CloudFormationTemplate) => propertiesOf(member.Resources?.MemberRole);
  const trustOf = (member: CloudFormationTemplate) =>
    at(memberRole(member), 'AssumeRolePolicyDocument', 'Statement', 0) as Record<string, unknown>;

  it('a member role that trusts anyone', () => {
    expect(
      memberGuard((member) => {
        trustOf(member).Principal = { AWS: '*' };
      }),
    ).toEqual([expect.stringContaining('MemberRole: trusts "*"')]);
  });

  it('a member role that trusts the wrong principal (the hub account root, a role of no hub function)', () => {
    expect(
      memberGuard((member) => {
        trustOf(member).Principal = {
          AWS: [
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
            { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' },
            {
              'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/ecr-warden-ci-slackNotifier-us-east-1-lambdaRole`,
            },
          ],
        };
      }),
    ).toHaveLength(2);
  });

  it('a member role trust without aws:PrincipalOrgID when the organization id is known', () => {
    expect(
      memberGuard((member) => {
        delete trustOf(member).Condition;
      }),
    ).toEqual(['MemberRole: its trust must require aws:PrincipalOrgID o-a1b2c3d4e5']);
  });

  it('a member role granting a destructive write the hub config does not use (dry run)', () => {
    expect(
      memberGuard((member) => {
        const policy = propertiesOf(member.Resources?.MemberPolicyCleanupWorker).PolicyDocument as {
          Statement: unknown[];
        };
        policy.Statement.push({
          Effect: 'Allow',
          Action: ['ecr:BatchDeleteImage'],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:us-east-1:${AWS::AccountId}:repository/*' }],
        });
      }),
    ).toEqual([expect.stringContaining('grants "ecr:BatchDeleteImage", which no hub function holds')]);
  });

  it('a forwarding role that may do more than PutEvents on the hub bus, or a rule to another bus', () => {
    expect(
      memberGuard((member) => {
        const policy = at(
          propertiesOf(member.Resources?.ForwardingRole),
          'Policies',
          0,
          'PolicyDocument',
        ) as {
          Statement: Record<string, unknown>[];
        };
        policy.Statement[0] = { Effect: 'Allow', Action: ['events:PutEvents'], Resource: ['*'] };
        const rule = propertiesOf(member.Resources?.ForwardImagePushesRule);
        (rule.Targets as Record<string, unknown>[])[0] = {
          Id: 'elsewhere',
          Arn: 'arn:aws:events:us-east-1:999999999999:event-bus/default',
        };
      }),
    ).toEqual([
      expect.stringContaining('ForwardingRole: "events:PutEvents" is allowed on Resource "*"'),
      expect.stringContaining('ForwardingRole: a forwarding role may only events:PutEvents on the hub bus'),
      expect.stringContaining('ForwardImagePushesRule: each target must be the hub bus'),
      expect.stringContaining('names an account id'),
    ]);
  });

  it('a hub bus open to anyone, or the OU wildcard AssumeRole without aws:ResourceOrgID', () => {
    const { hub } = withOrganization(ORGANIZATIONAL_UNITS);
    const statement = at(propertiesOf(hub.Resources?.[HUB_BUS_ID]), 'Policy', 'Statement', 0) as Record<
      string,
      unknown
    >;
    statement.Condition = {};
    const assume = roleStatements(hub, roleOf('scanFindings')).find(
      (s) => strings(s.Action).includes('sts:AssumeRole') && s.Condition !== undefined,
    );
    if (assume !== undefined) delete assume.Condition;
    expect(guardTemplate(hub, naming).failures).toEqual([
      expect.stringContaining('ScanFindingsIamRoleLambdaExecution: sts:AssumeRole on a role ARN pattern'),
      expect.stringContaining(
        'HubEventBus: its policy admits Principal "*" without StringEquals aws:PrincipalOrgID',
      ),
      expect.stringContaining(
        'HubEventBus: its policy admits PutEvents without an aws:PrincipalArn condition',
      ),
    ]);
  });
});
