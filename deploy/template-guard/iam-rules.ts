/**
 * The IAM rules the template guard enforces on every function's role, whatever the function.
 *
 * `Resource: "*"` is accepted only for the actions below, for which the Service Authorization Reference
 * lists no resource type (its "Resource types" column is empty, so "*" is the only form IAM accepts).
 * Every entry names its page; add an action here only after reading its row there.
 */

const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference';

export const RESOURCE_STAR_ACTIONS: Readonly<Record<string, { kind: 'read' | 'write'; source: string }>> = {
  // Amazon ECR: registry-level actions (the registry has no ARN of its own in IAM).
  'ecr:DescribeRegistry': { kind: 'read', source: `${SAR}/list_amazonelasticcontainerregistry.html` },
  'ecr:GetRegistryScanningConfiguration': {
    kind: 'read',
    source: `${SAR}/list_amazonelasticcontainerregistry.html`,
  },
  // Writes that act on the whole registry: granted only when ecr-warden.yml turns remediation on with
  // dryRun: false (repository guard scanning remediation; replication remediation's backfill).
  'ecr:PutRegistryScanningConfiguration': {
    kind: 'write',
    source: `${SAR}/list_amazonelasticcontainerregistry.html`,
  },
  'ecr:PutReplicationConfiguration': {
    kind: 'write',
    source: `${SAR}/list_amazonelasticcontainerregistry.html`,
  },
  'ecr:StartReplicationBackfill': {
    kind: 'write',
    source: `${SAR}/list_amazonelasticcontainerregistry.html`,
  },
  // Amazon ECS list actions and DescribeTaskDefinition: no resource type (ListTasks and ListServices take
  // the cluster as a condition key, not as a resource).
  'ecs:ListClusters': { kind: 'read', source: `${SAR}/list_amazonelasticcontainerservice.html` },
  'ecs:ListServices': { kind: 'read', source: `${SAR}/list_amazonelasticcontainerservice.html` },
  'ecs:ListTasks': { kind: 'read', source: `${SAR}/list_amazonelasticcontainerservice.html` },
  'ecs:ListTaskDefinitions': { kind: 'read', source: `${SAR}/list_amazonelasticcontainerservice.html` },
  'ecs:DescribeTaskDefinition': { kind: 'read', source: `${SAR}/list_amazonelasticcontainerservice.html` },
  // AWS Lambda: ListFunctions has no resource type.
  'lambda:ListFunctions': { kind: 'read', source: `${SAR}/list_awslambda.html` },
  // The in-use sources of cleanup.protect (deploy/iam/in-use-sources-iam.ts): list and describe actions
  // without a resource type.
  'eks:ListClusters': { kind: 'read', source: `${SAR}/list_amazonelastickubernetesservice.html` },
  'batch:DescribeJobDefinitions': { kind: 'read', source: `${SAR}/list_awsbatch.html` },
  'apprunner:ListServices': { kind: 'read', source: `${SAR}/list_awsapprunner.html` },
  'inspector2:ListCoverage': { kind: 'read', source: `${SAR}/list_amazoninspector2.html` },
  // Organizations (an organization hub listing OUs, deploy/organization-hub.ts): the organization itself.
  'organizations:DescribeOrganization': { kind: 'read', source: `${SAR}/list_awsorganizations.html` },
};

/**
 * Actions that delete images or change how repositories and the registry behave. Each must be scoped to
 * ECR repository ARNs (`...:repository/<pattern>`) unless it is a registry-level write listed above.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
 */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<string> = new Set([
  'ecr:BatchDeleteImage',
  'ecr:DeleteRepository',
  'ecr:PutImageTagMutability',
  'ecr:PutLifecyclePolicy',
  'ecr:DeleteLifecyclePolicy',
  'ecr:SetRepositoryPolicy',
  'ecr:DeleteRepositoryPolicy',
  'ecr:PutImageScanningConfiguration',
  'ecr:UpdateImageStorageClass',
  'ecr:PutRegistryScanningConfiguration',
  'ecr:PutReplicationConfiguration',
  'ecr:StartReplicationBackfill',
  'ecr:PutRegistryPolicy',
  'ecr:DeleteRegistryPolicy',
]);

/** A wildcard anywhere in an action (`*`, `ecr:*`, `ecr:Put*`) grants more than was reviewed. */
export const hasActionWildcard = (action: string): boolean => action.includes('*') || action.includes('?');

/** An ECR repository ARN or pattern, as text with `${AWS::...}` variables or already rendered. */
export const isRepositoryArn = (text: string): boolean =>
  /^arn:[^:]+:ecr:[^:]+:[^:]+:repository\/.+/.test(text);

/**
 * IAM's StringLike: `*` matches any run of characters (none included), `?` exactly one, everything else
 * itself, case-sensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
export function matchesStringLike(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Whether two StringLike patterns may match one same value. Exact when either has no wildcard; otherwise
 * conservative: two patterns whose literal beginnings (before the first wildcard) are not prefixes of
 * one another can never match the same value, and any other pair is taken to overlap.
 */
export function stringLikePatternsOverlap(a: string, b: string): boolean {
  const literal = (pattern: string) => pattern.split(/[*?]/)[0] ?? '';
  const hasWildcard = (pattern: string) => /[*?]/.test(pattern);
  if (!hasWildcard(a)) return matchesStringLike(b, a);
  if (!hasWildcard(b)) return matchesStringLike(a, b);
  return literal(a).startsWith(literal(b)) || literal(b).startsWith(literal(a));
}
