/**
 * Key layouts of the state table (single-table design, see ./table-definition.ts). Every item family
 * owns a partition-key prefix, so families never collide and one Query reads one family's partition:
 *
 * | family            | pk                                 | sk                             | transient |
 * |-------------------|------------------------------------|--------------------------------|-----------|
 * | findings ledger   | `FINDINGS#<repositoryName>`        | `<imageDigest>#<findingId>`    | no        |
 * |  (another place)  | `FINDINGS#<account>#<region>#<repositoryName>` | (the same)         | no        |
 * | findings index    | `FINDINGS_REPOSITORIES`            | `<repositoryName>`, `<account>#<region>#<repositoryName>` | no |
 * | tag ledger        | `TAGS#[<account>#<region>#]<repositoryName>` | `<tag>#<observedAt ISO 8601>` | no |
 * | tag ledger heads  | `TAGS#[<account>#<region>#]<repositoryName>` | `@HEAD#<tag>`, `@SEEDED` | no      |
 * | drift ledger      | `DRIFT#[<account>#<region>#]<repositoryName>` | `<baseline>`                | no        |
 * | cleanup marks     | `CLEANUP#<repositoryName>`         | `<imageDigest>`                | yes       |
 * | cleanup runs      | `CLEANUP_RUN#<runId>`              | `<repositoryName>`             | yes       |
 * | idempotency       | `IDEMPOTENCY#<scope>%23<key>`      | `IDEMPOTENCY`                  | yes       |
 * | in-use index      | `INUSE#<registryId>#<region>#<repositoryName>` | `<imageDigest>`    | yes       |
 *
 * Which function may touch which family is ./state-access.ts (the roles' `dynamodb:LeadingKeys`).
 * The table belongs to one stack, i.e. one account and one region, so neither appears in the keys,
 * except in the in-use index: it is keyed by the repository's location as the cleanup worker matches
 * workloads against it (registry and region), so that a record can never describe another registry's
 * repository of the same name.
 * Parts are joined with `#`; a part that contains `#` or `%` has them percent-encoded, so that a
 * prefix query for `<tag>#` can never match another tag that merely starts with the same characters.
 * ISO 8601 UTC timestamps sort as strings in time order, so a tag's history reads oldest first.
 */

export const KEY_SEPARATOR = '#';

export interface StateKey {
  pk: string;
  sk: string;
}

/** `#` and `%` inside a part would break prefix queries and decoding; everything else stays readable. */
export function encodeKeyPart(part: string): string {
  return part.replace(/%/g, '%25').replace(/#/g, '%23');
}

export function decodeKeyPart(part: string): string {
  return part.replace(/%23/g, '#').replace(/%25/g, '%');
}

/** `composeKey('TAGS', 'team-a/api')` → `TAGS#team-a/api`. */
export function composeKey(...parts: readonly string[]): string {
  return parts.map(encodeKeyPart).join(KEY_SEPARATOR);
}

/** A sort-key prefix for "everything under these parts": always ends with the separator. */
export function composeKeyPrefix(...parts: readonly string[]): string {
  return `${composeKey(...parts)}${KEY_SEPARATOR}`;
}

/** Inverse of composeKey. */
export function splitKey(key: string): string[] {
  return key.split(KEY_SEPARATOR).map(decodeKeyPart);
}

/**
 * A registry of an Organizations hub other than the deployment's own (issue 15): another account, or
 * the hub's account in another region. Its findings ledger and index keys name it, so that the same
 * repository name and digest in two accounts are two images. The deployment's own registry keeps the
 * keys it always had (no place), so that adding `organization` loses no ledger history. A repository
 * name never contains `#` (and composeKey would encode one), so `FINDINGS#<repository>` and
 * `FINDINGS#<account>#<region>#<repository>` can never be the same partition.
 */
export interface RegistryPlace {
  readonly account: string;
  readonly region: string;
}

export const findingsLedger = {
  partition: (repositoryName: string, place?: RegistryPlace): string =>
    place === undefined
      ? composeKey('FINDINGS', repositoryName)
      : composeKey('FINDINGS', place.account, place.region, repositoryName),
  key: (repositoryName: string, imageDigest: string, findingId: string, place?: RegistryPlace): StateKey => ({
    pk: findingsLedger.partition(repositoryName, place),
    sk: composeKey(imageDigest, findingId),
  }),
  /** Sort-key prefix of one image's findings. */
  imagePrefix: (imageDigest: string): string => composeKeyPrefix(imageDigest),
};

/**
 * The repositories that have findings ledger entries: the daily digest reads their partitions. The
 * deployment's own repositories are `<repositoryName>` (no `#`), another place's
 * `<account>#<region>#<repositoryName>`, so that a place's digest reads its own with a prefix query.
 */
export const findingsRepositories = {
  partition: 'FINDINGS_REPOSITORIES',
  key: (repositoryName: string, place?: RegistryPlace): StateKey => ({
    pk: findingsRepositories.partition,
    sk:
      place === undefined
        ? composeKey(repositoryName)
        : composeKey(place.account, place.region, repositoryName),
  }),
  /** The sort-key prefix of one place's repositories. */
  placePrefix: (place: RegistryPlace): string => composeKeyPrefix(place.account, place.region),
};

/**
 * The account and region of a repository guard ledger's repositories when they are not the
 * deployment's own (an Organizations hub's member account, or another governed region); undefined for
 * the deployment's own account and region, whose keys stay as they were before issue 15.
 */
export type LedgerLocation = RegistryPlace;

function ledgerPartition(family: string, repositoryName: string, at: LedgerLocation | undefined): string {
  return at === undefined
    ? composeKey(family, repositoryName)
    : composeKey(family, at.account, at.region, repositoryName);
}

export const tagLedger = {
  partition: (repositoryName: string, at?: LedgerLocation): string =>
    ledgerPartition('TAGS', repositoryName, at),
  key: (repositoryName: string, tag: string, observedAt: Date, at?: LedgerLocation): StateKey => ({
    pk: tagLedger.partition(repositoryName, at),
    sk: composeKey(tag, observedAt.toISOString()),
  }),
  /** Sort-key prefix of one tag's history. */
  tagPrefix: (tag: string): string => composeKeyPrefix(tag),
  /**
   * Where a tag points now (the repository guard's optimistic-concurrency head). Tags cannot start with
   * `@` (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`), so no history prefix query ever reads a head.
   */
  head: (repositoryName: string, tag: string, at?: LedgerLocation): StateKey => ({
    pk: tagLedger.partition(repositoryName, at),
    sk: composeKey('@HEAD', tag),
  }),
  /** Present once the repository's heads were seeded from DescribeImages. */
  seeded: (repositoryName: string, at?: LedgerLocation): StateKey => ({
    pk: tagLedger.partition(repositoryName, at),
    sk: '@SEEDED',
  }),
};

/** Drifts the repository guard reported, one item per baseline, so that a sweep repeats none. */
export const driftLedger = {
  partition: (repositoryName: string, at?: LedgerLocation): string =>
    ledgerPartition('DRIFT', repositoryName, at),
  key: (repositoryName: string, baseline: string, at?: LedgerLocation): StateKey => ({
    pk: driftLedger.partition(repositoryName, at),
    sk: composeKey(baseline),
  }),
};

export const cleanupMarks = {
  partition: (repositoryName: string): string => composeKey('CLEANUP', repositoryName),
  key: (repositoryName: string, imageDigest: string): StateKey => ({
    pk: cleanupMarks.partition(repositoryName),
    sk: composeKey(imageDigest),
  }),
};

/** What one cleanup run did to one repository so far: a redelivered message resumes from it (caps, report). */
export const cleanupRuns = {
  partition: (runId: string): string => composeKey('CLEANUP_RUN', runId),
  key: (runId: string, repositoryName: string): StateKey => ({
    pk: cleanupRuns.partition(runId),
    sk: composeKey(repositoryName),
  }),
};

/**
 * Where each in-use digest of a repository runs, as the cleanup worker's last plan of it saw
 * (shared/inuse/in-use-index.ts): written by cleanupWorker, read by scanFindings and tagImmutability.
 * Items expire after IN_USE_INDEX_TTL_DAYS.
 */
export const inUseIndex = {
  partition: (location: { registryId: string; region: string; repositoryName: string }): string =>
    composeKey('INUSE', location.registryId, location.region, location.repositoryName),
  key: (
    location: { registryId: string; region: string; repositoryName: string },
    imageDigest: string,
  ): StateKey => ({ pk: inUseIndex.partition(location), sk: composeKey(imageDigest) }),
  /** The prefix of every partition of the index (its LeadingKeys pattern is this and `*`). */
  prefix: composeKeyPrefix('INUSE'),
};

/**
 * Every idempotency key starts with the scope of the function that claims it, `<scope>#<parts>`, so that
 * each function's records lie under a partition-key prefix of their own (`IDEMPOTENCY#<scope>%23`, the
 * whole key being one encoded part) and its role can be limited to it (./state-access.ts).
 */
export const IDEMPOTENCY_SCOPES = [
  'cleanup', // cleanupWorker: (runId, repository); Account Unreachable of a member account, per run
  'cleanup-schedule', // cleanupScheduler: Account Unreachable found while listing, per run
  'repository-guard', // tagImmutability: a CloudTrail event or a sweep, by event id
  'vulnerability-alert', // scanFindings: one alert per set of finding transitions
  'vulnerability-digest', // scanFindings: one digest per day
  'replication-failure', // replicationAudit: one alert per failed replication event
  'slack-notification', // slackNotifier: one post per (route, event)
] as const;
export type IdempotencyScope = (typeof IDEMPOTENCY_SCOPES)[number];

/**
 * `idempotencyKey('cleanup', runId, repositoryName)` → `cleanup#<runId>#<repositoryName>`: the parts
 * joined as they are, exactly as the keys were written before scopes had a name, so that records already
 * in the table keep their meaning.
 */
export function idempotencyKey(scope: IdempotencyScope, ...parts: readonly string[]): string {
  return [scope, ...parts].join(KEY_SEPARATOR);
}

export const idempotencyRecords = {
  key: (idempotencyKey: string): StateKey => ({
    pk: composeKey('IDEMPOTENCY', idempotencyKey),
    sk: 'IDEMPOTENCY',
  }),
  /** The partition-key prefix of every record of one scope: `IDEMPOTENCY#cleanup%23`. */
  scopePrefix: (scope: IdempotencyScope): string => idempotencyRecords.key(idempotencyKey(scope, '')).pk,
};
