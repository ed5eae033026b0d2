import { stateTableReadStatement, stateTableStatement } from '../../../deploy/iam/state-table-iam';
import { matchesStringLike as stringLike } from '../../../deploy/template-guard/iam-rules';
import { alertKey } from '../../../shared/findings/record-image-findings';
import { deliveryKey } from '../../../shared/notify/governance-notifier';
import { accountUnreachableKey } from '../../../shared/organization/account-unreachable';
import {
  KEY_FAMILY_ACCESS,
  leadingKeyPatterns,
  readOnlyLeadingKeyPatterns,
  STATE_TABLE_FUNCTIONS,
  type StateTableFunction,
} from '../../../shared/state/state-access';
import {
  cleanupMarks,
  cleanupRuns,
  driftLedger,
  findingsLedger,
  findingsRepositories,
  IDEMPOTENCY_SCOPES,
  idempotencyKey,
  idempotencyRecords,
  inUseIndex,
  tagLedger,
} from '../../../shared/state/state-keys';

/** A request is allowed when every partition key it touches matches a pattern (ForAllValues). */
const allowedFor = (fn: StateTableFunction, partitionKey: string) =>
  leadingKeyPatterns(fn).some((pattern) => stringLike(pattern, partitionKey));

// Names that stress the encoding: `#` and `%` are percent-encoded inside a key part.
const REPOSITORIES = ['team-a/api', 'web', 'a#b', '100%'];
const DIGEST = `sha256:${'ab'.repeat(32)}`;

/**
 * The partition key of every item each function's code reads or writes, built with the same builders
 * the stores and services use (shared/aws/*-store.ts, shared/aws/idempotency.ts).
 */
const UNREACHABLE = {
  runId: 'run#1',
  work: 'cleanup',
  account: { id: '333333333333' },
  region: 'eu-west-1',
} as const;

const PARTITIONS_USED: Record<StateTableFunction, string[]> = {
  cleanupScheduler: [idempotencyRecords.key(accountUnreachableKey('cleanup-schedule', UNREACHABLE)).pk],
  cleanupWorker: REPOSITORIES.flatMap((repositoryName) => [
    cleanupMarks.partition(repositoryName), // Query of a repository's marks
    cleanupMarks.key(repositoryName, DIGEST).pk, // BatchWriteItem of marks
    cleanupRuns.key('run#1', repositoryName).pk, // run progress
    inUseIndex.key({ registryId: '111111111111', region: 'us-east-1', repositoryName }, DIGEST).pk,
    idempotencyRecords.key(idempotencyKey('cleanup', 'run-1', repositoryName)).pk,
    idempotencyRecords.key(accountUnreachableKey('cleanup', UNREACHABLE)).pk,
  ]),
  tagImmutability: REPOSITORIES.flatMap((repositoryName) => [
    tagLedger.partition(repositoryName),
    tagLedger.key(repositoryName, 'v1', new Date('2026-06-01T00:00:00Z')).pk,
    tagLedger.head(repositoryName, 'latest').pk,
    tagLedger.seeded(repositoryName).pk,
    driftLedger.partition(repositoryName),
    driftLedger.key(repositoryName, 'tag-mutability').pk,
    idempotencyRecords.key(idempotencyKey('repository-guard', 'event-id#1')).pk,
  ]),
  scanFindings: REPOSITORIES.flatMap((repositoryName) => [
    findingsLedger.partition(repositoryName),
    findingsLedger.key(repositoryName, DIGEST, 'CVE-2026-0001').pk,
    findingsRepositories.key(repositoryName).pk,
    findingsRepositories.partition,
    idempotencyRecords.key(alertKey({ repositoryName, imageDigest: DIGEST, imageTags: [] }, [])).pk,
    idempotencyRecords.key(idempotencyKey('vulnerability-digest', '2026-06-01')).pk,
  ]),
  replicationAudit: [idempotencyRecords.key(idempotencyKey('replication-failure', 'event-1')).pk],
  slackNotifier: [
    idempotencyRecords.key(deliveryKey('security', 'event-1')).pk,
    idempotencyRecords.key(deliveryKey('a#b', 'event-2')).pk,
  ],
};

describe('state table access per function (dynamodb:LeadingKeys)', () => {
  it.each(STATE_TABLE_FUNCTIONS)('lets %s touch every partition its code uses', (fn) => {
    const refused = PARTITIONS_USED[fn].filter((partitionKey) => !allowedFor(fn, partitionKey));

    expect(PARTITIONS_USED[fn].length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
  });

  it.each(STATE_TABLE_FUNCTIONS)("keeps %s out of every other function's partitions", (fn) => {
    const others = STATE_TABLE_FUNCTIONS.filter((other) => other !== fn);

    const reachable = others.flatMap((other) =>
      PARTITIONS_USED[other].filter((partitionKey) => allowedFor(fn, partitionKey)),
    );

    expect(others.flatMap((other) => PARTITIONS_USED[other]).length).toBeGreaterThan(0);
    expect(reachable).toEqual([]);
  });

  it('gives each function exactly the families it owns, as prefix patterns', () => {
    expect(Object.fromEntries(STATE_TABLE_FUNCTIONS.map((fn) => [fn, leadingKeyPatterns(fn)]))).toEqual({
      cleanupScheduler: ['IDEMPOTENCY#cleanup-schedule%23*'],
      cleanupWorker: ['CLEANUP#*', 'CLEANUP_RUN#*', 'INUSE#*', 'IDEMPOTENCY#cleanup%23*'],
      tagImmutability: ['TAGS#*', 'DRIFT#*', 'IDEMPOTENCY#repository-guard%23*'],
      scanFindings: [
        'FINDINGS#*',
        'FINDINGS_REPOSITORIES',
        'IDEMPOTENCY#vulnerability-alert%23*',
        'IDEMPOTENCY#vulnerability-digest%23*',
      ],
      replicationAudit: ['IDEMPOTENCY#replication-failure%23*'],
      slackNotifier: ['IDEMPOTENCY#slack-notification%23*'],
    });
  });

  it('lets scanFindings and tagImmutability read the in-use index, and nothing else of other functions', () => {
    const index = REPOSITORIES.map(
      (repositoryName) =>
        inUseIndex.key({ registryId: '111111111111', region: 'eu-west-1', repositoryName }, DIGEST).pk,
    );
    const readable = (fn: StateTableFunction, key: string) =>
      readOnlyLeadingKeyPatterns(fn).some((pattern) => stringLike(pattern, key));

    expect(
      Object.fromEntries(STATE_TABLE_FUNCTIONS.map((fn) => [fn, readOnlyLeadingKeyPatterns(fn)])),
    ).toEqual({
      cleanupScheduler: [],
      cleanupWorker: [],
      tagImmutability: ['INUSE#*'],
      scanFindings: ['INUSE#*'],
      replicationAudit: [],
      slackNotifier: [],
    });
    for (const fn of ['scanFindings', 'tagImmutability'] as const) {
      expect(index.filter((key) => !readable(fn, key))).toEqual([]);
      const everyOtherKey = STATE_TABLE_FUNCTIONS.flatMap((other) => PARTITIONS_USED[other]).filter(
        (key) => !index.includes(key) && !key.startsWith('INUSE#'),
      );
      expect(everyOtherKey.filter((key) => readable(fn, key))).toEqual([]);
    }
  });

  it('gives every idempotency scope an owner, and no pattern to two functions', () => {
    const patterns = KEY_FAMILY_ACCESS.map((access) => access.leadingKeys);

    expect(new Set(patterns).size).toBe(patterns.length);
    expect(IDEMPOTENCY_SCOPES.length).toBeGreaterThan(0);
    for (const scope of IDEMPOTENCY_SCOPES) {
      expect(patterns).toContain(`${idempotencyRecords.scopePrefix(scope)}*`);
    }
  });

  it('keeps the idempotency keys written before scopes had a name', () => {
    expect(idempotencyKey('cleanup', 'run-1', 'team-a/api')).toBe('cleanup#run-1#team-a/api');
    expect(deliveryKey('security', 'e-1')).toBe('slack-notification#security#e-1');
    expect(idempotencyRecords.key(idempotencyKey('cleanup', 'run-1', 'team-a/api')).pk).toBe(
      'IDEMPOTENCY#cleanup%23run-1%23team-a/api',
    );
  });

  it('refuses to build a LeadingKeys statement with an action that names no item', () => {
    expect(() => stateTableStatement('scanFindings', ['dynamodb:GetItem', 'dynamodb:Scan'])).toThrow(
      'scanFindings: dynamodb:Scan on the state table cannot be limited to its own partitions',
    );
  });

  it('matches IAM StringLike wildcards literally otherwise', () => {
    expect(stringLike('CLEANUP#*', 'CLEANUP#')).toBe(true);
    expect(stringLike('CLEANUP#*', 'CLEANUP_RUN#x')).toBe(false);
    expect(stringLike('FINDINGS_REPOSITORIES', 'FINDINGS_REPOSITORIESX')).toBe(false);
    expect(stringLike('a?c', 'abc')).toBe(true);
  });
});

describe('stateTableReadStatement', () => {
  it('grants only reads, on the families the function reads but does not own', () => {
    expect(stateTableReadStatement('scanFindings', ['dynamodb:GetItem', 'dynamodb:Query'])).toEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INUSE#*'] } },
    });
    expect(stateTableReadStatement('slackNotifier', ['dynamodb:GetItem'])).toBeUndefined();
    expect(() => stateTableReadStatement('scanFindings', ['dynamodb:GetItem', 'dynamodb:PutItem'])).toThrow(
      'scanFindings: dynamodb:PutItem is not a read of a family the function does not own',
    );
  });
});
