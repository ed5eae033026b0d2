import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';

/**
 * The state table, defined once. serverless.yml builds its `AWS::DynamoDB::Table` from this module
 * (through deploy/resolve-variables.cjs), the tests create their dynalite tables from it
 * (test/support/state-table.ts), and `npm run package:check` compares the packaged template with it.
 *
 * Single-table design: every item has a string partition key `pk` and a string sort key `sk`
 * (layouts in ./state-keys.ts) and, when it is transient, a Number `expiresAt` in epoch seconds that
 * DynamoDB's TTL deletes some time after it passes. The key schema is deliberately generic: changing
 * a key schema replaces the table, and CloudFormation cannot replace a table with a fixed name, so
 * new access patterns become new pk/sk layouts (or a GSI, which is added in place), never a new key.
 *
 * No AWS SDK at run time here (types only): the serverless variable resolver loads this file.
 */

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/**
 * TTL attribute. DynamoDB deletes an item once this Number, in epoch seconds, is in the past; deletion
 * is best effort ("typically within two days"), and until then the item still shows up in reads,
 * queries and conditions, so the state store treats `expiresAt <= now` as absent.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html
 */
export const TIME_TO_LIVE_ATTRIBUTE = 'expiresAt';

export const STATE_TABLE_KEY_SCHEMA: readonly KeySchemaElement[] = [
  { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
  { AttributeName: SORT_KEY, KeyType: 'RANGE' },
];

/** Only key attributes are declared: DynamoDB refuses definitions that no key or index uses. */
export const STATE_TABLE_ATTRIBUTE_DEFINITIONS: readonly AttributeDefinition[] = [
  { AttributeName: PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: SORT_KEY, AttributeType: 'S' },
];

/** On-demand: the load is spiky (scheduled sweeps, bursts of scan findings) and small on average. */
export const STATE_TABLE_BILLING_MODE = 'PAY_PER_REQUEST';

/** Stages whose table survives `osls remove` and a replacement, and has deletion protection on. */
const PROTECTED_STAGES = new Set(['prod', 'production']);

export interface StateTableProtection {
  /** CloudFormation DeletionPolicy and UpdateReplacePolicy of the table resource. */
  deletionPolicy: 'Retain' | 'Delete';
  /** `DeletionProtectionEnabled`: DeleteTable is refused, whoever calls it. */
  deletionProtectionEnabled: boolean;
}

/**
 * A production table is retained and protected from deletion: the findings ledger is what keeps
 * ecr-warden from re-alerting every known vulnerability, and the tag ledger is the only record of
 * which digest a release tag pointed to; neither can be rebuilt from ECR. Other stages are disposable:
 * retaining their table would leave a table behind whose fixed name blocks the next deploy of the stage.
 */
export function stateTableProtection(stage: string): StateTableProtection {
  const isProtected = PROTECTED_STAGES.has(stage);
  return {
    deletionPolicy: isProtected ? 'Retain' : 'Delete',
    deletionProtectionEnabled: isProtected,
  };
}
