import {
  cleanupMarks,
  composeKey,
  composeKeyPrefix,
  driftLedger,
  findingsLedger,
  findingsRepositories,
  idempotencyRecords,
  splitKey,
  tagLedger,
} from '../../../shared/state/state-keys';

describe('state key layouts', () => {
  it("keeps the repository guard's keys of the deployment's own registry as before, and names the account and region of any other", () => {
    const member = { account: '333333333333', region: 'eu-west-1' };

    expect(tagLedger.head('payments/api', 'v1')).toEqual({ pk: 'TAGS#payments/api', sk: '@HEAD#v1' });
    expect(tagLedger.head('payments/api', 'v1', member)).toEqual({
      pk: 'TAGS#333333333333#eu-west-1#payments/api',
      sk: '@HEAD#v1',
    });
    expect(driftLedger.key('payments/api', 'encryption', member).pk).toBe(
      'DRIFT#333333333333#eu-west-1#payments/api',
    );
    // A repository name is one part, whatever it holds: no located key equals an own one.
    expect(splitKey(tagLedger.partition('333333333333#eu-west-1#payments/api'))).toEqual([
      'TAGS',
      '333333333333#eu-west-1#payments/api',
    ]);
  });

  it('joins key parts with # and splits them back', () => {
    const key = composeKey('FINDINGS', 'team-a/api');

    expect(key).toBe('FINDINGS#team-a/api');
    expect(splitKey(key)).toEqual(['FINDINGS', 'team-a/api']);
  });

  it('percent-encodes # and % inside a part so that splitting gives the part back', () => {
    const key = composeKey('a#b', '100%', 'c');

    expect(key).toBe('a%23b#100%25#c');
    expect(splitKey(key)).toEqual(['a#b', '100%', 'c']);
  });

  it('ends every prefix with the separator, so that v1 does not select v10', () => {
    const prefix = tagLedger.tagPrefix('v1');

    expect(prefix).toBe(composeKeyPrefix('v1'));
    expect(prefix).toBe('v1#');
    expect(tagLedger.key('team-a/api', 'v1', new Date('2026-06-01T00:00:00Z')).sk.startsWith(prefix)).toBe(
      true,
    );
    expect(tagLedger.key('team-a/api', 'v10', new Date('2026-06-01T00:00:00Z')).sk.startsWith(prefix)).toBe(
      false,
    );
  });

  it('orders one tag history by time through ISO 8601 sort keys', () => {
    const keys = ['2026-06-02T00:00:00Z', '2025-12-31T23:59:59Z', '2026-06-01T08:00:00Z'].map(
      (time) => tagLedger.key('team-a/api', 'latest', new Date(time)).sk,
    );

    const sorted = [...keys].sort();

    expect(sorted.map((sk) => splitKey(sk)[1])).toEqual([
      '2025-12-31T23:59:59.000Z',
      '2026-06-01T08:00:00.000Z',
      '2026-06-02T00:00:00.000Z',
    ]);
  });

  it('gives every item family its own partition prefix for the same repository', () => {
    const partitions = [
      findingsLedger.key('team-a/api', 'sha256:aa', 'CVE-2026-0001').pk,
      tagLedger.key('team-a/api', 'v1', new Date(0)).pk,
      cleanupMarks.key('team-a/api', 'sha256:aa').pk,
      idempotencyRecords.key('team-a/api').pk,
    ];

    expect(new Set(partitions).size).toBe(4);
    expect(partitions.map((pk) => splitKey(pk)[0])).toEqual(['FINDINGS', 'TAGS', 'CLEANUP', 'IDEMPOTENCY']);
  });

  it('puts the findings of one image under a common sort-key prefix', () => {
    const key = findingsLedger.key('team-a/api', 'sha256:aa', 'CVE-2026-0001');

    expect(key.sk.startsWith(findingsLedger.imagePrefix('sha256:aa'))).toBe(true);
    expect(key.sk.startsWith(findingsLedger.imagePrefix('sha256:a'))).toBe(false);
  });

  it("keys another place's findings by account and region, and keeps the own registry's keys as before", () => {
    const place = { account: '333333333333', region: 'eu-west-1' };

    expect(findingsLedger.partition('team-a/api')).toBe('FINDINGS#team-a/api');
    expect(findingsLedger.partition('team-a/api', place)).toBe('FINDINGS#333333333333#eu-west-1#team-a/api');
    // A repository named like an account id is still another partition than any place's.
    expect(findingsLedger.partition('333333333333')).not.toBe(findingsLedger.partition('x', place));
    expect(findingsRepositories.key('team-a/api')).toEqual({ pk: 'FINDINGS_REPOSITORIES', sk: 'team-a/api' });
    expect(findingsRepositories.key('team-a/api', place).sk).toBe('333333333333#eu-west-1#team-a/api');
    expect(
      findingsRepositories.key('team-a/api', place).sk.startsWith(findingsRepositories.placePrefix(place)),
    ).toBe(true);
    expect(
      findingsRepositories
        .key('team-a/api', { account: '333333333333', region: 'eu-west-10' })
        .sk.startsWith(findingsRepositories.placePrefix(place)),
    ).toBe(false);
  });
});
