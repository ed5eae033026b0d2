import { findBlockKitViolation } from '../../../local/slack-receiver';
import { mapWithConcurrency } from '../../../shared/concurrency/map-with-concurrency';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import type { GovernanceEvent } from '../../../shared/events/governance';
import { processScanFindingsEvent } from '../../../shared/findings/scan-findings-service';
import { renderSlackMessage } from '../../../shared/notify/render-slack-message';
import { loadEventFixture } from '../../support/fixtures';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts';
import {
  basicFinding,
  ecrImageScanEvent,
  enhancedFinding,
  type Fixture,
  inspectorFindingEvent,
  pushImage,
  REPOSITORY,
  useFindingsWorld,
} from './findings-harness';

const world = useFindingsWorld();

type Alert = {
  severity: string;
  summary: string;
  imageDigest: string;
  imageTags: string[];
  inUse: boolean | null;
  findingCount: number;
  severityCounts: Record<string, number>;
  findings: { vulnerabilityId: string; severity: string; change: string; fixedInVersion?: string }[];
};
const alerts = () => world.details('Vulnerability Alert') as unknown as Alert[];

function setBasicScan(
  digest: string,
  findings: ReturnType<typeof basicFinding>[],
  completedAt = '2026-06-01T11:58:02Z',
) {
  world.sim.setScan(REPOSITORY, { imageDigest: digest }, { status: 'COMPLETE', completedAt, findings });
}

describe('basic scanning: ECR Image Scan', () => {
  it('publishes one alert for the image with the findings at or above the threshold, most urgent first', async () => {
    const digest = pushImage(world.sim, 'a', ['v1.4.0']);
    setBasicScan(digest, [
      basicFinding('CVE-2026-0002', 'HIGH', 'zlib1g'),
      basicFinding('CVE-2026-0001', 'CRITICAL', 'libssl3'),
      basicFinding('CVE-2026-0003', 'MEDIUM', 'tar'),
      basicFinding('CVE-2026-0004', 'LOW', 'bash'),
    ]);

    const { outcome } = await processScanFindingsEvent(
      ecrImageScanEvent(digest, ['v1.4.0']),
      world.dependencies(),
    );

    expect(outcome).toMatchObject({ action: 'recorded', alerted: 2, written: 4 });
    expect(alerts()).toHaveLength(1);
    const [alert] = alerts();
    expect(alert).toMatchObject({
      severity: 'critical',
      imageDigest: digest,
      imageTags: ['v1.4.0'],
      inUse: null,
      findingCount: 2,
      severityCounts: { CRITICAL: 1, HIGH: 1 },
    });
    expect(alert?.findings.map((f) => [f.vulnerabilityId, f.change])).toEqual([
      ['CVE-2026-0001', 'new'],
      ['CVE-2026-0002', 'new'],
    ]);
    expect(world.env.calls.count('DescribeImageScanFindings')).toBe(1);
  });

  it('publishes nothing when the same event is delivered again', async () => {
    const digest = pushImage(world.sim, 'a', ['v1.4.0']);
    setBasicScan(digest, [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    const deps = world.dependencies();
    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1.4.0']), deps);

    const { outcome } = await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1.4.0']), deps);

    expect(outcome).toMatchObject({ action: 'recorded', alerted: 0, written: 0 });
    expect(alerts()).toHaveLength(1);
  });

  it('alerts on an untagged image with an empty tag list', async () => {
    const digest = pushImage(world.sim, 'untagged');
    setBasicScan(digest, [basicFinding('CVE-2026-0101', 'HIGH', 'zlib1g')]);
    const event = loadEventFixture<Fixture>('aws.ecr', 'ecr-image-scan-untagged');
    event.detail['image-digest'] = digest;

    await processScanFindingsEvent(event, world.dependencies());

    expect(alerts()).toEqual([
      expect.objectContaining({ imageTags: [], summary: expect.stringContaining('(untagged)') }),
    ]);
  });

  it('alerts only the new finding of a rescan and closes what the rescan no longer reports', async () => {
    const digest = pushImage(world.sim, 'a', ['v1']);
    const deps = world.dependencies({ scanning: { alertOnClosed: true } });
    setBasicScan(digest, [basicFinding('CVE-2026-0001', 'HIGH'), basicFinding('CVE-2026-0002', 'HIGH')]);
    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), deps);
    setBasicScan(
      digest,
      [basicFinding('CVE-2026-0002', 'HIGH'), basicFinding('CVE-2026-0003', 'CRITICAL')],
      '2026-06-02T11:58:02Z',
    );

    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), deps);

    expect(alerts()).toHaveLength(2);
    expect(alerts()[1]?.findings.map((f) => [f.vulnerabilityId, f.change])).toEqual([
      ['CVE-2026-0003', 'new'],
      ['CVE-2026-0001', 'closed'],
    ]);
  });

  it('lists 100 of a 500-finding image in one alert that Slack accepts, with the total count', async () => {
    const digest = pushImage(world.sim, 'big', ['v9']);
    setBasicScan(
      digest,
      Array.from({ length: 500 }, (_, n) =>
        basicFinding(`CVE-2026-${String(10_000 + n)}`, n % 5 === 0 ? 'CRITICAL' : 'HIGH', `pkg-${n}`),
      ),
    );

    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v9']), world.dependencies());

    expect(alerts()).toHaveLength(1);
    const [alert] = alerts();
    expect(alert?.findings).toHaveLength(100);
    expect(alert?.findingCount).toBe(500);
    expect(alert?.severityCounts).toEqual({ CRITICAL: 100, HIGH: 400 });
    expect(world.env.calls.count('DescribeImageScanFindings')).toBe(1);
    const message = renderSlackMessage({
      detailType: 'Vulnerability Alert',
      detail: alert,
    } as unknown as GovernanceEvent);
    expect(findBlockKitViolation(message.blocks)).toBeUndefined();
    expect(JSON.stringify(message)).toContain('400 more');
  });

  it('skips the event when the image has no scan any more (ScanNotFoundException)', async () => {
    const digest = pushImage(world.sim, 'a', ['v1']);

    const { outcome } = await processScanFindingsEvent(
      ecrImageScanEvent(digest, ['v1']),
      world.dependencies(),
    );

    expect(outcome).toEqual({ action: 'skipped', reason: expect.stringMatching(/^scan-not-found: /) });
    expect(world.published).toHaveLength(0);
  });

  it('skips the event while a newer scan of the image is IN_PROGRESS', async () => {
    const digest = pushImage(world.sim, 'a', ['v1']);
    world.sim.setScan(REPOSITORY, { imageDigest: digest }, { status: 'IN_PROGRESS' });

    const { outcome } = await processScanFindingsEvent(
      ecrImageScanEvent(digest, ['v1']),
      world.dependencies(),
    );

    expect(outcome).toEqual({ action: 'skipped', reason: 'scan IN_PROGRESS: a newer scan is running' });
    expect(world.published).toHaveLength(0);
  });

  it('reads nothing for a FAILED scan event', async () => {
    const event = loadEventFixture('aws.ecr', 'ecr-image-scan-failed');

    const { outcome } = await processScanFindingsEvent(event, world.dependencies());

    expect(outcome).toEqual({ action: 'skipped', reason: 'scan-status FAILED: no findings to read' });
    expect(world.env.calls.count('DescribeImageScanFindings')).toBe(0);
  });

  it('does not alert a finding an unexpired suppression covers, and alerts it once the suppression expires', async () => {
    const digest = pushImage(world.sim, 'a', ['v1']);
    setBasicScan(digest, [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    const scanning = {
      suppressions: [
        {
          vulnerability: 'cve-2026-0001',
          repositories: ['team-a/**'],
          reason: 'not reachable',
          owner: 'sec',
          expires: '2026-06-10',
        },
      ],
    };
    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), world.dependencies({ scanning }));
    expect(alerts()).toHaveLength(0);

    await processScanFindingsEvent(
      ecrImageScanEvent(digest, ['v1']),
      world.dependencies({ scanning, now: () => new Date('2026-06-10T00:00:00Z') }),
    );

    expect(alerts().map((a) => a.findings.map((f) => f.change))).toEqual([['new']]);
  });
});

describe('enhanced scanning: Inspector2 Scan and Inspector2 Finding', () => {
  it('reads the findings of the image named by the repository ARN and alerts once', async () => {
    const digest = pushImage(world.sim, 'e', ['latest']);
    world.sim.setScan(
      REPOSITORY,
      { imageDigest: digest },
      {
        status: 'ACTIVE',
        completedAt: '2026-06-01T11:58:02Z',
        enhancedFindings: [
          enhancedFinding({ id: 'CVE-2026-31337', severity: 'CRITICAL', exploitAvailable: 'YES' }),
          enhancedFinding({ id: 'CVE-2026-24601', severity: 'HIGH' }),
          enhancedFinding({ id: 'CVE-2025-45582', severity: 'MEDIUM', fixAvailable: 'NO' }),
        ],
      },
    );
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-scan');
    event.detail['image-digest'] = digest;

    await processScanFindingsEvent(event, world.dependencies());

    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ imageTags: ['latest'], findingCount: 2, severity: 'critical' });
    expect(alerts()[0]?.findings[0]).toMatchObject({
      vulnerabilityId: 'CVE-2026-31337',
      fixedInVersion: '2.0.0',
    });
  });

  it(
    'turns a burst of 1,000 replayed Inspector2 Finding events for one image into exactly one alert',
    async () => {
      const digest = pushImage(world.sim, 'burst', ['v2']);
      world.sim.setScan(
        REPOSITORY,
        { imageDigest: digest },
        {
          status: 'ACTIVE',
          completedAt: '2026-06-01T11:58:02Z',
          enhancedFindings: [enhancedFinding({ id: 'CVE-2026-31337', severity: 'CRITICAL' })],
        },
      );
      const deps = world.dependencies();

      await mapWithConcurrency(
        Array.from({ length: 1000 }, (_, n) => n),
        25,
        (n) =>
          processScanFindingsEvent(
            inspectorFindingEvent(digest, {
              id: 'CVE-2026-31337',
              severity: 'CRITICAL',
              eventId: `replay-${n}`,
            }),
            deps,
          ),
      );

      expect(alerts()).toHaveLength(1);
      expect(alerts()[0]?.findings.map((f) => f.vulnerabilityId)).toEqual(['CVE-2026-31337']);
    },
    HEAVY_TEST_TIMEOUT_MS,
  );

  it('groups the finding events of an image first scan into one alert for the image', async () => {
    const digest = pushImage(world.sim, 'first', ['v3']);
    const ids = ['CVE-2026-1001', 'CVE-2026-1002', 'CVE-2026-1003', 'CVE-2026-1004', 'CVE-2026-1005'];
    world.sim.setScan(
      REPOSITORY,
      { imageDigest: digest },
      {
        status: 'ACTIVE',
        completedAt: '2026-06-01T11:58:02Z',
        enhancedFindings: ids.map((id) => enhancedFinding({ id })),
      },
    );
    const deps = world.dependencies();

    for (const id of ids) {
      await processScanFindingsEvent(inspectorFindingEvent(digest, { id, imageTags: ['v3'] }), deps);
    }

    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]?.findingCount).toBe(5);
    expect(world.env.calls.count('DescribeImageScanFindings')).toBe(1);
  });

  it('alerts each transition once: fix available, exploit available, severity raised; never a re-observation', async () => {
    const digest = pushImage(world.sim, 't', ['v4']);
    const deps = world.dependencies();
    const send = (options: Parameters<typeof inspectorFindingEvent>[1]) =>
      processScanFindingsEvent(inspectorFindingEvent(digest, options), deps);

    await send({ id: 'CVE-1', severity: 'HIGH', fixAvailable: 'NO', updatedAt: '2026-06-01T10:00:00Z' });
    await send({ id: 'CVE-1', severity: 'HIGH', fixAvailable: 'NO', updatedAt: '2026-06-01T10:30:00Z' });
    await send({ id: 'CVE-1', severity: 'HIGH', fixAvailable: 'YES', updatedAt: '2026-06-01T11:00:00Z' });
    await send({
      id: 'CVE-1',
      severity: 'HIGH',
      fixAvailable: 'YES',
      exploitAvailable: 'YES',
      updatedAt: '2026-06-01T11:10:00Z',
    });
    await send({
      id: 'CVE-1',
      severity: 'CRITICAL',
      fixAvailable: 'YES',
      exploitAvailable: 'YES',
      updatedAt: '2026-06-01T11:20:00Z',
    });
    // Late replays of older states change nothing and alert nothing.
    await send({ id: 'CVE-1', severity: 'HIGH', fixAvailable: 'NO', updatedAt: '2026-06-01T10:00:00Z' });
    await send({ id: 'CVE-1', severity: 'HIGH', fixAvailable: 'YES', updatedAt: '2026-06-01T11:00:00Z' });

    expect(alerts().map((a) => a.findings.map((f) => f.change))).toEqual([
      ['new'],
      ['fix-available'],
      ['exploit-available'],
      ['severity-raised'],
    ]);
  });

  it('closes a finding silently unless alertOnClosed, and then tells once', async () => {
    const digest = pushImage(world.sim, 'c', ['v5']);
    const quiet = world.dependencies();
    await processScanFindingsEvent(
      inspectorFindingEvent(digest, { id: 'CVE-9', updatedAt: '2026-06-01T10:00:00Z' }),
      quiet,
    );
    await processScanFindingsEvent(
      inspectorFindingEvent(digest, { id: 'CVE-9', status: 'CLOSED', updatedAt: '2026-06-02T10:00:00Z' }),
      quiet,
    );
    const told = world.dependencies({ scanning: { alertOnClosed: true } });
    await processScanFindingsEvent(
      inspectorFindingEvent(digest, { id: 'CVE-8', updatedAt: '2026-06-01T10:00:00Z' }),
      told,
    );
    const closed = inspectorFindingEvent(digest, {
      id: 'CVE-8',
      status: 'CLOSED',
      updatedAt: '2026-06-02T10:00:00Z',
    });

    await processScanFindingsEvent(closed, told);
    await processScanFindingsEvent(closed, told);

    expect(alerts().map((a) => a.findings.map((f) => [f.vulnerabilityId, f.change]))).toEqual([
      [['CVE-9', 'new']],
      [['CVE-8', 'new']],
      [['CVE-8', 'closed']],
    ]);
  });

  it('skips an Inspector finding that is not about an ECR container image', async () => {
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-finding');
    event.detail.resources = [{ id: 'i-0c2a343f1948d5205', type: 'AWS_EC2_INSTANCE', details: {} }];

    const { outcome } = await processScanFindingsEvent(event, world.dependencies());

    expect(outcome).toEqual({ action: 'skipped', reason: 'not an Amazon ECR container image finding' });
  });

  it('rejects a finding event whose timestamp is in no format AWS writes, naming the field', async () => {
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-finding');
    event.detail.updatedAt = 'yesterday';

    const failure = processScanFindingsEvent(event, world.dependencies());

    await expect(failure).rejects.toBeInstanceOf(EventValidationError);
    await expect(failure).rejects.toThrow(/detail\.updatedAt: "yesterday" is not a timestamp AWS writes/);
  });
});

describe('the daily Vulnerability Digest', () => {
  it('reports open findings per repository, new and resolved since yesterday, and expiring suppressions, once a day', async () => {
    const digest = pushImage(world.sim, 'd', ['v1']);
    const other = pushImage(world.sim, 'o', ['v1'], 'web/frontend');
    const scanning = {
      suppressions: [
        {
          vulnerability: 'CVE-2026-0009',
          repositories: ['**'],
          reason: 'accepted',
          owner: 'sec',
          expires: '2026-06-05',
        },
        {
          package: 'bash',
          repositories: ['**'],
          reason: 'no shell access',
          owner: 'sec',
          expires: '2026-05-01',
        },
      ],
    };
    const day1 = world.dependencies({ scanning, now: () => new Date('2026-06-01T12:00:00Z') });
    setBasicScan(
      digest,
      [basicFinding('CVE-2026-0001', 'CRITICAL'), basicFinding('CVE-2026-0002', 'HIGH')],
      '2026-06-01T11:00:00Z',
    );
    world.sim.setScan(
      'web/frontend',
      { imageDigest: other },
      {
        status: 'COMPLETE',
        completedAt: '2026-06-01T11:00:00Z',
        findings: [basicFinding('CVE-2026-0009', 'HIGH')],
      },
    );
    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), day1);
    const webEvent = ecrImageScanEvent(other, ['v1']);
    webEvent.detail['repository-name'] = 'web/frontend';
    await processScanFindingsEvent(webEvent, day1);
    const day2 = world.dependencies({ scanning, now: () => new Date('2026-06-02T08:00:00Z') });
    setBasicScan(digest, [basicFinding('CVE-2026-0001', 'CRITICAL')], '2026-06-02T07:00:00Z');
    await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), day2);
    const schedule = loadEventFixture('aws.events', 'scheduled-event');

    await processScanFindingsEvent(schedule, day2);
    const again = await processScanFindingsEvent(schedule, day2);

    const digests = world.details('Vulnerability Digest');
    expect(digests).toHaveLength(1);
    expect(again.outcome).toMatchObject({ action: 'digest', published: false });
    expect(digests[0]).toMatchObject({
      date: '2026-06-02',
      severity: 'critical',
      repositoryCount: 1,
      repositories: [
        {
          repositoryName: 'team-a/api',
          open: { CRITICAL: 1 },
          newSinceYesterday: 1,
          resolvedSinceYesterday: 1,
        },
      ],
      expiringSuppressions: [
        {
          vulnerability: 'package bash',
          expired: true,
          expires: '2026-05-01',
          owner: 'sec',
          repositories: ['**'],
        },
        {
          vulnerability: 'CVE-2026-0009',
          expired: false,
          expires: '2026-06-05',
          owner: 'sec',
          repositories: ['**'],
        },
      ],
    });
  });
});
