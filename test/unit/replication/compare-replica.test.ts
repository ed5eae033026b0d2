import { canonicalJson, compareReplica, compareSettings } from '../../../shared/replication/compare-replica';
import type { ImageReplicationStatus } from '../../../shared/replication/replication-model';
import { DAY, image, NOW, repository, settings, WINDOWS } from './replication-builders';

const WEST = { region: 'us-west-2', registryId: '123456789012' };
const status = (state: string, failureCode?: string): ImageReplicationStatus[] => [
  { ...WEST, status: state, ...(failureCode === undefined ? {} : { failureCode }) },
];

function compare(input: Partial<Parameters<typeof compareReplica>[0]> = {}) {
  return compareReplica({
    repositoryName: 'payments/api',
    sourceRegion: 'us-east-1',
    destination: WEST,
    source: repository([]),
    replica: repository([]),
    statuses: new Map(),
    windows: WINDOWS,
    ...input,
  });
}

describe('compareReplica: images', () => {
  it('does not count an image pushed within the in-flight window as missing', () => {
    const fresh = { ...image('fresh', 0), pushedAt: NOW - 5 * 60_000 };

    const result = compare({ source: repository([fresh]), replica: repository([]) });

    expect(result.missing).toEqual([]);
    expect(result.inFlight).toBe(1);
  });

  it('calls an image with no replication status for the destination pushed before the rule', () => {
    const old = image('v1', 300, ['v1.0.0']);

    const result = compare({
      source: repository([old]),
      statuses: new Map([[old.digest, []]]),
    });

    expect(result.missing).toEqual([{ ...old, preRule: true, reason: 'never-replicated' }]);
  });

  it('calls an image whose status is COMPLETE but that is absent from the destination deleted there', () => {
    const gone = image('v31', 30, ['v3.1.0']);

    const result = compare({
      source: repository([gone]),
      statuses: new Map([[gone.digest, status('COMPLETE')]]),
    });

    expect(result.missing).toEqual([{ ...gone, preRule: false, reason: 'deleted-from-destination' }]);
  });

  it('reports a FAILED replication with its failure code, not as a missing image', () => {
    const failed = image('v32', 6, ['v3.2.0']);

    const result = compare({
      source: repository([failed]),
      statuses: new Map([[failed.digest, status('FAILED', 'KMS_KEY_NOT_FOUND')]]),
    });

    expect(result.failed).toEqual([{ ...failed, failureCode: 'KMS_KEY_NOT_FOUND' }]);
    expect(result.missing).toEqual([]);
  });

  it('reports a replication still IN_PROGRESS long after the push, and counts its age as lag', () => {
    const stuck = image('stuck', 2);

    const result = compare({
      source: repository([stuck]),
      statuses: new Map([[stuck.digest, status('IN_PROGRESS')]]),
    });

    expect(result.missing).toEqual([{ ...stuck, preRule: false, reason: 'stuck-in-progress' }]);
    expect(result.worstLag).toEqual({ seconds: 2 * 86_400, imageDigest: stuck.digest, basis: 'in-progress' });
  });

  it('ignores the status entries of other destinations', () => {
    const old = image('v1', 300);
    const elsewhere = [
      { region: 'eu-west-1', registryId: '123456789012', status: 'FAILED', failureCode: 'X' },
    ];

    const result = compare({ source: repository([old]), statuses: new Map([[old.digest, elsewhere]]) });

    expect(result.missing).toEqual([{ ...old, preRule: true, reason: 'never-replicated' }]);
  });

  it('without a status, dates the rule by the earliest image that did replicate', () => {
    const before = image('before', 300);
    const first = image('first', 200);
    const after = image('after', 100);

    const result = compare({ source: repository([before, first, after]), replica: repository([first]) });

    expect(result.ruleSince).toEqual({ at: first.pushedAt, basis: 'earliest-replicated-image' });
    expect(result.missing.map((m) => [m.digest, m.preRule, m.reason])).toEqual([
      [before.digest, true, 'estimated-before-rule'],
      [after.digest, false, 'estimated-after-rule'],
    ]);
  });

  it('prefers a configured rule creation time to the estimate', () => {
    const old = image('old', 300);
    const replicated = image('replicated', 250);

    const result = compare({
      source: repository([old, replicated]),
      replica: repository([replicated]),
      ruleCreatedAt: NOW - 310 * DAY,
    });

    expect(result.ruleSince).toEqual({ at: NOW - 310 * DAY, basis: 'configured' });
    expect(result.missing[0]).toMatchObject({
      digest: old.digest,
      preRule: false,
      reason: 'estimated-after-rule',
    });
  });

  it('treats every image as missing, and compares no settings, when the repository is absent from the destination', () => {
    const a = image('a', 10, ['v1']);

    const result = compare({
      source: repository([a]),
      replica: undefined,
      statuses: new Map([[a.digest, []]]),
    });

    expect(result.replicaExists).toBe(false);
    expect(result.missing).toHaveLength(1);
    expect(result.drift).toEqual([]);
    expect(result.tagMismatches).toEqual([]);
  });

  it('measures lag as the replica push time minus the source push time, within the lag window only', () => {
    const recent = image('recent', 1);
    const ancient = image('ancient', 100);
    const replica = [
      { ...recent, pushedAt: recent.pushedAt + 42_000 },
      { ...ancient, pushedAt: ancient.pushedAt + 3_600_000 },
    ];

    const result = compare({ source: repository([recent, ancient]), replica: repository(replica) });

    expect(result.worstLag).toEqual({ seconds: 42, imageDigest: recent.digest, basis: 'replicated' });
  });
});

describe('compareReplica: tags', () => {
  it('reports a tag that names another digest in the destination', () => {
    const source = image('new', 3, ['latest']);
    const hotfix = image('hotfix', 2, ['latest']);

    const result = compare({
      source: repository([source]),
      replica: repository([{ ...source, tags: [] }, hotfix]),
    });

    expect(result.tagMismatches).toEqual([
      { tag: 'latest', sourceDigest: source.digest, replicaDigest: hotfix.digest },
    ]);
  });

  it('reports a tag absent from the destination although its image is there', () => {
    const a = image('a', 3, ['v1', 'stable']);

    const result = compare({ source: repository([a]), replica: repository([{ ...a, tags: ['v1'] }]) });

    expect(result.tagMismatches).toEqual([
      { tag: 'stable', sourceDigest: a.digest, replicaDigest: undefined },
    ]);
  });

  it('does not report the tag of a missing image a second time', () => {
    const missing = image('missing', 30, ['v3.1.0']);

    const result = compare({
      source: repository([missing]),
      statuses: new Map([[missing.digest, status('COMPLETE')]]),
    });

    expect(result.tagMismatches).toEqual([]);
    expect(result.missing).toHaveLength(1);
  });
});

describe('compareSettings', () => {
  it('reports nothing when every setting matches', () => {
    expect(compareSettings(settings(), settings())).toEqual([]);
  });

  it('reports tag mutability with its exclusion filters', () => {
    const drift = compareSettings(
      settings({ tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['dev-*', 'latest'] }),
      settings({ tagMutability: 'MUTABLE' }),
    );

    expect(drift).toEqual([
      { setting: 'tag-mutability', source: 'IMMUTABLE_WITH_EXCLUSION (dev-*, latest)', replica: 'MUTABLE' },
    ]);
  });

  it('reports exclusion filters that differ under the same mode', () => {
    const drift = compareSettings(
      settings({ tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['latest'] }),
      settings({ tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['dev-*'] }),
    );

    expect(drift.map((d) => d.setting)).toEqual(['tag-mutability']);
  });

  it('reports the effective scanning, and counts any MANUAL as the same whatever the scan type', () => {
    const manual = (scanType: string) => settings({ scanning: { scanType, frequency: 'MANUAL' } });

    expect(compareSettings(settings(), manual('BASIC'))).toEqual([
      { setting: 'scanning', source: 'ENHANCED CONTINUOUS_SCAN', replica: 'MANUAL (no automatic scans)' },
    ]);
    expect(compareSettings(manual('ENHANCED'), manual('BASIC'))).toEqual([]);
  });

  it('compares lifecycle policies as JSON, so that formatting and key order do not count', () => {
    const text = '{"rules":[{"rulePriority":1,"action":{"type":"expire"}}]}';
    const reformatted = '{\n  "rules": [ { "action": { "type": "expire" }, "rulePriority": 1 } ]\n}';

    expect(
      compareSettings(
        settings({ lifecyclePolicyText: text }),
        settings({ lifecyclePolicyText: reformatted }),
      ),
    ).toEqual([]);
    expect(canonicalJson(text)).toBe(canonicalJson(reformatted));
  });

  it('reports a lifecycle policy missing in the destination, and one that differs', () => {
    const one = '{"rules":[{"rulePriority":1}]}';
    const two = '{"rules":[{"rulePriority":1},{"rulePriority":2}]}';

    expect(
      compareSettings(settings({ lifecyclePolicyText: two }), settings({ lifecyclePolicyText: undefined })),
    ).toEqual([{ setting: 'lifecycle-policy', source: '2 rules', replica: 'none' }]);
    expect(
      compareSettings(
        settings({ lifecyclePolicyText: one }),
        settings({ lifecyclePolicyText: '{"rules":[{"rulePriority":3}]}' }),
      ),
    ).toEqual([{ setting: 'lifecycle-policy', source: '1 rule', replica: '1 rule, different' }]);
  });

  it('reports a repository policy only one side has', () => {
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}';

    expect(
      compareSettings(
        settings({ repositoryPolicyText: undefined }),
        settings({ repositoryPolicyText: policy }),
      ),
    ).toEqual([{ setting: 'repository-policy', source: 'none', replica: '1 statement' }]);
  });

  it('reports the encryption type but not the (regional) KMS key', () => {
    expect(
      compareSettings(settings({ encryptionType: 'KMS' }), settings({ encryptionType: 'AES256' })),
    ).toEqual([{ setting: 'encryption', source: 'KMS', replica: 'AES256' }]);
  });
});
