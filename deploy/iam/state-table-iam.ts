import {
  leadingKeyPatterns,
  readOnlyLeadingKeyPatterns,
  type StateTableFunction,
} from '../../shared/state/state-access';
import { getAtt, type IamStatement } from './iam-statement';

/**
 * DynamoDB actions that name the items they touch, so that `dynamodb:LeadingKeys` holds the partition
 * key of each. Scan and PartiQL statements carry no leading key, and `ForAllValues` is true of an empty
 * set of values: granted with this condition, they would reach every item. Never grant them here.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
export const ITEM_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
]);

/**
 * A function's statement on the state table: `actions` on the table, and only on the partitions of the
 * key families the function owns (shared/state/state-access.ts), with `ForAllValues:StringLike` on
 * `dynamodb:LeadingKeys`: every partition key a request touches must match one of the patterns.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 */
export function stateTableStatement(
  fn: StateTableFunction,
  actions: readonly string[],
  stateTableLogicalId = 'StateTable',
): IamStatement {
  const outsideItems = actions.filter((action) => !ITEM_ACTIONS.has(action));
  if (outsideItems.length > 0) {
    throw new Error(
      `${fn}: ${outsideItems.join(', ')} on the state table cannot be limited to its own partitions (dynamodb:LeadingKeys)`,
    );
  }
  return {
    Effect: 'Allow',
    Action: [...actions],
    Resource: [getAtt(stateTableLogicalId)],
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(fn) } },
  };
}

/** What a function may do on a family it only reads (shared/state/state-access.ts `readers`). */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set(['dynamodb:GetItem', 'dynamodb:Query']);

/**
 * A function's read-only statement on the state table: `actions` (GetItem, Query) on the partitions of
 * the families it reads but does not own (the in-use index, for scanFindings and tagImmutability), in a
 * statement of its own so that its write actions never reach them. Undefined when it reads none.
 */
export function stateTableReadStatement(
  fn: StateTableFunction,
  actions: readonly string[],
  stateTableLogicalId = 'StateTable',
): IamStatement | undefined {
  const writes = actions.filter((action) => !READ_ONLY_ACTIONS.has(action));
  if (writes.length > 0) {
    throw new Error(`${fn}: ${writes.join(', ')} is not a read of a family the function does not own`);
  }
  const patterns = readOnlyLeadingKeyPatterns(fn);
  if (patterns.length === 0) return undefined;
  return {
    Effect: 'Allow',
    Action: [...actions],
    Resource: [getAtt(stateTableLogicalId)],
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } },
  };
}
