import { MEMBER_ACCESS_FUNCTIONS, MEMBER_FORWARDED_EVENT_PATTERNS } from '../member-stack';
import {
  asArray,
  type CloudFormationTemplate,
  isRecord,
  propertiesOf,
  referencedLogicalId,
  resourcesOfType,
  statementsOf,
  strings,
} from './cloudformation';
import {
  arnText,
  checker,
  checkIdentityStatement,
  conditionValue,
  type GuardResult,
  identityStatements,
  isThisAccount,
} from './guard-template';
import { DESTRUCTIVE_ACTIONS } from './iam-rules';
import { functionModels, type Naming } from './service-model';

/**
 * The template guard's rules for the member template (`.serverless/ecr-warden-member.json`), checked
 * against the hub template it was packaged with:
 *
 * - every identity statement as in the hub (no wildcard action, `*` only where IAM has no resource
 *   type, destructive ECR actions on repository ARNs: guard-template.ts checkIdentityStatement);
 * - the member role grants no action that no hub function holds in its own account, and so no
 *   destructive one the hub's config does not use (dryRun, remediate);
 * - its trust names exactly the roles of hub functions (role ARNs in the HubAccountId parameter's
 *   account, never `*` or an account root), with aws:PrincipalOrgID when the member template was built
 *   with an organization id;
 * - each forwarding rule targets the hub bus with a role; that role only events:PutEvents on the hub
 *   bus, assumable only by EventBridge for this account (aws:SourceAccount);
 * - StackSet-ready: no account id literal anywhere (the accounts are parameters and pseudo parameters).
 */
export function guardMemberTemplate(
  member: CloudFormationTemplate,
  hub: CloudFormationTemplate,
  naming: Naming,
  expected: { organizationId?: string | undefined } = {},
): GuardResult {
  const { check, result } = checker();
  const resources = member.Resources ?? {};

  for (const [id, statement] of identityStatements(member)) checkIdentityStatement(id, statement, check);

  // What the hub's member-access functions hold, and their role names.
  const hubFunctions = functionModels(hub, naming).filter((fn) =>
    (MEMBER_ACCESS_FUNCTIONS as readonly string[]).includes(fn.key),
  );
  const hubActions = new Set(
    hubFunctions.flatMap((fn) =>
      fn.statements.filter((s) => s.Effect === 'Allow').flatMap((s) => strings(s.Action)),
    ),
  );
  const hubRegion = member.Parameters?.HubRegion;
  const region = isRecord(hubRegion) && typeof hubRegion.Default === 'string' ? hubRegion.Default : '';
  const hubRoleNames = hubFunctions.map((fn) => roleNameOf(hub, fn.roleId, region));

  const roles = resourcesOfType(member, 'AWS::IAM::Role');
  const forwardingRoles = new Set<string>();
  for (const [, rule] of resourcesOfType(member, 'AWS::Events::Rule')) {
    for (const target of asArray(propertiesOf(rule).Targets).filter(isRecord)) {
      const roleId = referencedLogicalId(target.RoleArn);
      if (roleId !== undefined) forwardingRoles.add(roleId);
    }
  }

  for (const [roleId, role] of roles) {
    const props = propertiesOf(role);
    const trust = statementsOf(props.AssumeRolePolicyDocument).filter((s) => s.Effect === 'Allow');
    // Its inline policies and the managed policies the template attaches to it.
    const statements = [
      ...asArray(props.Policies).flatMap((policy) =>
        isRecord(policy) ? statementsOf(policy.PolicyDocument) : [],
      ),
      ...resourcesOfType(member, 'AWS::IAM::ManagedPolicy')
        .filter(([, policy]) =>
          asArray(propertiesOf(policy).Roles).some((role) => referencedLogicalId(role) === roleId),
        )
        .flatMap(([, policy]) => statementsOf(propertiesOf(policy).PolicyDocument)),
    ];
    if (forwardingRoles.has(roleId)) {
      check(
        trust.every(
          (s) =>
            isRecord(s.Principal) &&
            s.Principal.Service === 'events.amazonaws.com' &&
            isRecord(s.Condition) &&
            isThisAccount(conditionValue(s.Condition, 'StringEquals', 'aws:SourceAccount')),
        ),
        `${roleId}: a forwarding role may be assumed only by events.amazonaws.com for this account (StringEquals aws:SourceAccount: !Ref AWS::AccountId)`,
      );
      for (const statement of statements) {
        check(
          strings(statement.Action).every((action) => action === 'events:PutEvents') &&
            asArray(statement.Resource).every((resource) => isHubBusArn(resource)),
          `${roleId}: a forwarding role may only events:PutEvents on the hub bus (got ${JSON.stringify(statement)})`,
        );
      }
      continue;
    }
    // The member role.
    for (const statement of trust) {
      const principals = isRecord(statement.Principal)
        ? asArray(statement.Principal.AWS)
        : [statement.Principal];
      for (const principal of principals) {
        const text = arnText(principal);
        const name = /^arn:x:iam::x:role\/(.+)$/.exec(text)?.[1];
        check(
          isRecord(principal) &&
            typeof principal['Fn::Sub'] === 'string' &&
            /:iam::\$\{HubAccountId\}:role\//.test(principal['Fn::Sub']) &&
            name !== undefined &&
            hubRoleNames.includes(name),
          `${roleId}: trusts ${JSON.stringify(principal)}, which is not the role of a hub function that acts in member accounts (${hubRoleNames.join(', ')})`,
        );
      }
      if (expected.organizationId !== undefined) {
        check(
          isRecord(statement.Condition) &&
            conditionValue(statement.Condition, 'StringEquals', 'aws:PrincipalOrgID') ===
              expected.organizationId,
          `${roleId}: its trust must require aws:PrincipalOrgID ${expected.organizationId}`,
        );
      }
    }
    for (const statement of statements) {
      for (const action of strings(statement.Action)) {
        check(
          hubActions.has(action),
          `${roleId}: grants "${action}", which no hub function holds in its own account${DESTRUCTIVE_ACTIONS.has(action) ? ' (a write the hub config does not use)' : ''}`,
        );
      }
    }
  }

  const forwardingRules = resourcesOfType(member, 'AWS::Events::Rule');
  check(
    forwardingRules.length === Object.keys(MEMBER_FORWARDED_EVENT_PATTERNS).length,
    `the member template has ${forwardingRules.length} forwarding rules; MEMBER_FORWARDED_EVENT_PATTERNS has ${Object.keys(MEMBER_FORWARDED_EVENT_PATTERNS).length}`,
  );
  for (const [ruleId, rule] of forwardingRules) {
    const targets = asArray(propertiesOf(rule).Targets).filter(isRecord);
    check(
      targets.length > 0 &&
        targets.every(
          (target) =>
            isHubBusArn(target.Arn) && forwardingRoles.has(referencedLogicalId(target.RoleArn) ?? ''),
        ),
      `${ruleId}: each target must be the hub bus, with the forwarding role (RoleArn)`,
    );
  }

  check(
    !/\b\d{12}\b/.test(JSON.stringify(resources)),
    'the member template names an account id: a StackSet template takes accounts as parameters only',
  );
  return result();
}

function roleNameOf(template: CloudFormationTemplate, roleId: string | undefined, region: string): string {
  const name = roleId === undefined ? undefined : propertiesOf(template.Resources?.[roleId]).RoleName;
  // serverless-iam-roles-per-function: Fn::Join ["-", [service, stage, key, {Ref: AWS::Region}, lambdaRole]].
  if (isRecord(name) && Array.isArray(name['Fn::Join'])) {
    const [separator, parts] = name['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => (typeof part === 'string' ? part : region)).join(separator);
  }
  return typeof name === 'string' ? name : '';
}

const isHubBusArn = (value: unknown): boolean =>
  isRecord(value) &&
  typeof value['Fn::Sub'] === 'string' &&
  /^arn:\$\{AWS::Partition\}:events:\$\{HubRegion\}:\$\{HubAccountId\}:event-bus\/[\w.-]+$/.test(
    value['Fn::Sub'],
  );
