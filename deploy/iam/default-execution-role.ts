/**
 * osls creates one shared execution role, `IamRoleLambdaExecution`, for functions without a role of
 * their own, and serverless-iam-roles-per-function needs it as the template of each function's own role
 * (it clones it). Once every function has its own role, nothing uses the shared one, yet osls leaves it
 * in the stack with what it merged into it for all functions: their SQS event sources, their on-failure
 * queues, and logs on `/aws/lambda/<service>-<stage>*`, a prefix that also matches other stages
 * (`-ci` covers `-ci2`). Anyone who may pass it to a Lambda function would hold all of that.
 *
 * scripts/omit-default-role.cjs (an osls plugin listed after serverless-iam-roles-per-function) calls
 * omitDefaultExecutionRole just before osls writes the template: it removes the role, and stops the
 * package when a function still runs with it or anything still refers to it (a `Ref`, `Fn::GetAtt`,
 * `Fn::Sub` or `DependsOn`), so that the template never deploys with a dangling reference.
 * Package-time code: no function imports it.
 */

export const DEFAULT_EXECUTION_ROLE = 'IamRoleLambdaExecution';

export class DefaultRoleInUseError extends Error {
  override name = 'DefaultRoleInUseError';
}

interface TemplateResource {
  Type?: unknown;
  Properties?: Record<string, unknown>;
  DependsOn?: unknown;
}

export interface CompiledTemplate {
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, unknown>;
}

export interface TemplateReference {
  /** The logical id (or parameter, `AWS::` pseudo parameter) referred to. */
  logicalId: string;
  /** Where: `<resource or Outputs.<id>>.<path>`. */
  at: string;
}

/**
 * Every reference in the template: `Ref`, `Fn::GetAtt`, the `${Name}` and `${Name.Attribute}` of
 * `Fn::Sub` (not `${!Literal}`), and `DependsOn`.
 */
export function templateReferences(template: CompiledTemplate): TemplateReference[] {
  const found: TemplateReference[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${path}[${index}]`);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      const at = `${path}.${key}`;
      for (const logicalId of referencedNames(key, inner)) found.push({ logicalId, at });
      // A Fn::Sub's own variable map may hold references too.
      visit(inner, at);
    }
  };
  for (const [id, resource] of Object.entries(template.Resources ?? {})) visit(resource, id);
  for (const [id, output] of Object.entries(template.Outputs ?? {})) visit(output, `Outputs.${id}`);
  return found;
}

/** Where in the template, outside the resource itself, `logicalId` is referred to. */
export function referencesTo(template: CompiledTemplate, logicalId: string): string[] {
  return templateReferences(template)
    .filter((reference) => reference.logicalId === logicalId && !reference.at.startsWith(`${logicalId}.`))
    .map((reference) => reference.at);
}

/** The names a `Ref`, `Fn::GetAtt`, `Fn::Sub` or `DependsOn` refers to; none for any other key. */
function referencedNames(key: string, value: unknown): string[] {
  switch (key) {
    case 'Ref':
      return typeof value === 'string' ? [value] : [];
    case 'Fn::GetAtt': {
      const target =
        typeof value === 'string' ? value.split('.')[0] : Array.isArray(value) ? value[0] : undefined;
      return typeof target === 'string' ? [target] : [];
    }
    case 'Fn::Sub': {
      const text = typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
      // Variables defined in the Fn::Sub's own map are not references to the template.
      const local = Array.isArray(value) && typeof value[1] === 'object' && value[1] !== null ? value[1] : {};
      if (typeof text !== 'string') return [];
      return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)]
        .map((match) => (match[1] ?? '').split('.')[0] ?? '')
        .filter((name) => !(name in local));
    }
    case 'DependsOn':
      return [value].flat().filter((name): name is string => typeof name === 'string');
    default:
      return [];
  }
}

/**
 * Removes the shared default role from the compiled template, in place. Returns whether there was one.
 * Throws DefaultRoleInUseError, naming every reference, when something still uses it.
 */
export function omitDefaultExecutionRole(template: CompiledTemplate): boolean {
  const resources = template.Resources ?? {};
  if (resources[DEFAULT_EXECUTION_ROLE] === undefined) return false;
  const references = referencesTo(template, DEFAULT_EXECUTION_ROLE);
  if (references.length > 0) {
    throw new DefaultRoleInUseError(
      `${DEFAULT_EXECUTION_ROLE} is still used (${references.join(', ')}): give every function iamRoleStatements of its own`,
    );
  }
  delete resources[DEFAULT_EXECUTION_ROLE];
  return true;
}
