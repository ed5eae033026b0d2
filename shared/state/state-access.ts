import {
  cleanupMarks,
  cleanupRuns,
  driftLedger,
  findingsLedger,
  findingsRepositories,
  type IdempotencyScope,
  idempotencyRecords,
  inUseIndex,
  tagLedger,
} from './state-keys';

/**
 * Which function may touch which items of the state table: each key family of ./state-keys.ts and each
 * idempotency scope has one owning function, and a function's role may read and write only the
 * partitions of the families it owns. The roles enforce it with the `dynamodb:LeadingKeys` condition
 * key (the partition key of every item a request touches; a Query's partition from its key condition),
 * under `ForAllValues:StringLike` so that a family is one `<prefix>*` pattern:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html#amazondynamodb-policy-keys
 * A function that runs amok can then neither read nor overwrite, say, another function's idempotency
 * records or the tag ledger. LeadingKeys constrains the partition key only: sort keys stay free within an
 * owned partition.
 *
 * The statements are built from this table (deploy/iam/state-table-iam.ts); test/unit/state/
 * state-access.test.ts proves that every key a function's code builds matches its own patterns and no
 * other function's. Add a family here, with its owner, before writing it.
 */

/**
 * The functions of serverless.yml that use the state table (cleanupScheduler only under an
 * `organization`: its Account Unreachable reports, once per run).
 */
export const STATE_TABLE_FUNCTIONS = [
  'cleanupScheduler',
  'cleanupWorker',
  'tagImmutability',
  'scanFindings',
  'replicationAudit',
  'slackNotifier',
] as const;
export type StateTableFunction = (typeof STATE_TABLE_FUNCTIONS)[number];

export interface KeyFamilyAccess {
  family: string;
  /** An IAM StringLike pattern of the family's partition keys (`*` matches any characters). */
  leadingKeys: string;
  owner: StateTableFunction;
  /**
   * Functions that may only read the family (GetItem and Query, in a statement of their own: see
   * readOnlyLeadingKeyPatterns), never write it.
   */
  readers?: readonly StateTableFunction[];
}

/** The pattern of every partition `partition(<anything>)` builds: its constant prefix, then `*`. */
const everyPartitionOf = (partition: (part: string) => string): string => `${partition('')}*`;

const IDEMPOTENCY_SCOPE_OWNERS: Readonly<Record<IdempotencyScope, StateTableFunction>> = {
  cleanup: 'cleanupWorker',
  'cleanup-schedule': 'cleanupScheduler',
  'repository-guard': 'tagImmutability',
  'vulnerability-alert': 'scanFindings',
  'vulnerability-digest': 'scanFindings',
  'replication-failure': 'replicationAudit',
  'slack-notification': 'slackNotifier',
};

export const KEY_FAMILY_ACCESS: readonly KeyFamilyAccess[] = [
  {
    family: 'findings ledger',
    leadingKeys: everyPartitionOf(findingsLedger.partition),
    owner: 'scanFindings',
  },
  // One partition, no wildcard: `FINDINGS#*` does not match it, nor it `FINDINGS#...`.
  { family: 'findings index', leadingKeys: findingsRepositories.partition, owner: 'scanFindings' },
  { family: 'tag ledger', leadingKeys: everyPartitionOf(tagLedger.partition), owner: 'tagImmutability' },
  { family: 'drift ledger', leadingKeys: everyPartitionOf(driftLedger.partition), owner: 'tagImmutability' },
  { family: 'cleanup marks', leadingKeys: everyPartitionOf(cleanupMarks.partition), owner: 'cleanupWorker' },
  // Run progress, and whatever else a run records per repository under its run partition.
  { family: 'cleanup runs', leadingKeys: everyPartitionOf(cleanupRuns.partition), owner: 'cleanupWorker' },
  // Where in-use digests run, as the worker's plans saw: alerts, the digest and Tag Moved read it.
  {
    family: 'in-use index',
    leadingKeys: `${inUseIndex.prefix}*`,
    owner: 'cleanupWorker',
    readers: ['scanFindings', 'tagImmutability'],
  },
  ...Object.entries(IDEMPOTENCY_SCOPE_OWNERS).map(([scope, owner]) => ({
    family: `idempotency records (${scope})`,
    leadingKeys: `${idempotencyRecords.scopePrefix(scope as IdempotencyScope)}*`,
    owner,
  })),
];

/** The LeadingKeys patterns of one function's role, in table order. */
export function leadingKeyPatterns(fn: StateTableFunction): string[] {
  return KEY_FAMILY_ACCESS.filter((access) => access.owner === fn).map((access) => access.leadingKeys);
}

/** The LeadingKeys patterns of the families one function may only read (empty when none). */
export function readOnlyLeadingKeyPatterns(fn: StateTableFunction): string[] {
  return KEY_FAMILY_ACCESS.filter((access) => access.readers?.includes(fn) === true).map(
    (access) => access.leadingKeys,
  );
}
