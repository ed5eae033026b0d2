import { imageManifest } from '../../../local/registry-sim';
import { UngovernedEventError } from '../../../shared/events/governed-scope';
import { PlaceUnreachableError } from '../../../shared/findings/scan-findings-hub';
import {
  processDigestTarget,
  processScanFindingsEvent,
} from '../../../shared/findings/scan-findings-service';
import { findingsLedger, findingsRepositories } from '../../../shared/state/state-keys';
import {
  ACCOUNT,
  basicFinding,
  ecrImageScanEvent,
  type Fixture,
  inspectorFindingEvent,
  MEMBER,
  plantMemberRole,
  REGION,
  REPOSITORY,
  UNREACHABLE,
  useFindingsWorld,
} from './findings-harness';

// scanFindings as an Organizations hub (issue 15) in ACCOUNT (alias demo-hub), governing MEMBER
// (payments-prod, member role planted) and UNREACHABLE (legacy-sandbox, no role), one region. Scan
// events are forwarded from the member accounts with their own `account`; the findings are read in
// that account's registry of the simulator through the simulated STS session.
const world = useFindingsWorld();

beforeEach(() => plantMemberRole(world.sim));

/** A basic scan of `digest` in `account`'s registry, and the ECR Image Scan event that account forwards. */
function memberScan(account: string, seed: string, findings: ReturnType<typeof basicFinding>[]) {
  const at = { accountId: account, region: REGION };
  try {
    world.sim.repository(REPOSITORY, at);
  } catch {
    world.sim.addRepository(REPOSITORY, at);
  }
  const digest = world.sim.pushImage({
    ...at,
    repositoryName: REPOSITORY,
    manifest: imageManifest({ seed }),
    tags: ['v1'],
  }).image.digest;
  world.sim.setScan(
    REPOSITORY,
    { imageDigest: digest },
    { status: 'COMPLETE', completedAt: '2026-06-01T11:58:02Z', findings },
    at,
  );
  const event: Fixture = ecrImageScanEvent(digest, ['v1']);
  event.account = account;
  event.resources = [`arn:aws:ecr:${REGION}:${account}:repository/${REPOSITORY}`];
  return { digest, event };
}

const alerts = () => world.details('Vulnerability Alert');

describe('scanFindings as an Organizations hub: scan events of member accounts', () => {
  it('reads the findings in the member account through its member role and alerts naming the account', async () => {
    const { digest, event } = memberScan(MEMBER, 'm', [basicFinding('CVE-2026-0001', 'CRITICAL')]);

    const { outcome } = await processScanFindingsEvent(event, world.hubDependencies());

    expect(outcome).toMatchObject({ action: 'recorded', alerted: 1 });
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({
      account: MEMBER,
      accountAlias: 'payments-prod',
      region: REGION,
      repositoryName: REPOSITORY,
      imageDigest: digest,
      consoleUrl: expect.stringContaining(`/private/${MEMBER}/${REPOSITORY}/`),
    });
    // The read happened in the member's registry, as the member role, after one AssumeRole.
    expect(world.sim.calls.count('DescribeImageScanFindings', { accountId: MEMBER })).toBe(1);
    expect(world.sim.calls.count('DescribeImageScanFindings', { accountId: ACCOUNT })).toBe(0);
    expect(world.sim.calls.count('AssumeRole')).toBe(1);
  });

  it('keeps the same repository and digest in two accounts apart: two images, two alerts, two ledgers', async () => {
    const hub = memberScan(ACCOUNT, 'same', [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    const member = memberScan(MEMBER, 'same', [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    expect(member.digest).toBe(hub.digest);
    const deps = world.hubDependencies();

    await processScanFindingsEvent(hub.event, deps);
    await processScanFindingsEvent(member.event, deps);
    await processScanFindingsEvent(member.event, deps);

    expect(alerts().map((alert) => [alert.account, alert.accountAlias])).toEqual([
      [ACCOUNT, 'demo-hub'],
      [MEMBER, 'payments-prod'],
    ]);
    // The hub's own registry keeps the keys it had before `organization`; the member's name the place.
    const keys = await world.stateKeys();
    const ledgerPartitions = new Set(keys.filter((k) => k.pk.startsWith('FINDINGS#')).map((k) => k.pk));
    expect([...ledgerPartitions].sort()).toEqual(
      [
        findingsLedger.partition(REPOSITORY, { account: MEMBER, region: REGION }),
        findingsLedger.partition(REPOSITORY),
      ].sort(),
    );
    expect(ledgerPartitions).toContain(`FINDINGS#${REPOSITORY}`);
    expect(keys.filter((k) => k.pk === findingsRepositories.partition).map((k) => k.sk)).toEqual([
      `${MEMBER}#${REGION}#${REPOSITORY}`,
      REPOSITORY,
    ]);
  });

  it('applies thresholds and suppressions by account: a payments-prod suppression does not suppress the hub', async () => {
    const scanning = {
      suppressions: [
        {
          vulnerability: 'CVE-2026-0001',
          repositories: ['**'],
          accounts: ['payments-prod'],
          reason: 'not reachable in payments',
          owner: 'payments-team',
          expires: '2026-12-31',
        },
      ],
      thresholds: [{ repositories: ['**'], accounts: [MEMBER], minSeverity: 'CRITICAL' }],
    };
    const hub = memberScan(ACCOUNT, 'h', [
      basicFinding('CVE-2026-0001', 'CRITICAL'),
      basicFinding('CVE-2026-0002', 'HIGH'),
    ]);
    const member = memberScan(MEMBER, 'p', [
      basicFinding('CVE-2026-0001', 'CRITICAL'),
      basicFinding('CVE-2026-0002', 'HIGH'),
      basicFinding('CVE-2026-0003', 'CRITICAL'),
    ]);
    const deps = world.hubDependencies({ scanning });

    await processScanFindingsEvent(hub.event, deps);
    await processScanFindingsEvent(member.event, deps);

    const ids = (alert: Record<string, unknown>) =>
      (alert.findings as { vulnerabilityId: string }[]).map((f) => f.vulnerabilityId).sort();
    const [hubAlert, memberAlert] = alerts();
    expect(hubAlert?.account).toBe(ACCOUNT);
    expect(ids(hubAlert ?? {})).toEqual(['CVE-2026-0001', 'CVE-2026-0002']);
    // Suppressed there, and HIGH is below payments-prod's threshold.
    expect(memberAlert?.account).toBe(MEMBER);
    expect(ids(memberAlert ?? {})).toEqual(['CVE-2026-0003']);
  });

  it('rejects an event whose resources name another governed account than its envelope, naming both, before any read', async () => {
    const { event } = memberScan(MEMBER, 'f', [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    event.resources = [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${REPOSITORY}`];

    const result = processScanFindingsEvent(event, world.hubDependencies());

    await expect(result).rejects.toThrow(UngovernedEventError);
    await expect(result).rejects.toThrow(
      `resources.0: account ${ACCOUNT} is not the event's account ${MEMBER}`,
    );
    expect(world.sim.calls.count('DescribeImageScanFindings')).toBe(0);
    expect(world.sim.calls.count('AssumeRole')).toBe(0);
    expect(world.published).toHaveLength(0);
  });

  it("rejects an Inspector2 Finding whose awsAccountId and registry are another account's", async () => {
    const event = inspectorFindingEvent(`sha256:${'a'.repeat(64)}`, { id: 'CVE-2026-0009' });
    event.account = MEMBER;
    event.resources = [];
    event.detail.awsAccountId = UNREACHABLE;
    event.detail.resources[0].id = `arn:aws:ecr:${REGION}:${MEMBER}:repository/${REPOSITORY}/sha256:${'a'.repeat(64)}`;
    event.detail.resources[0].region = REGION;
    event.detail.resources[0].details.awsEcrContainerImage.registry = UNREACHABLE;

    await expect(processScanFindingsEvent(event, world.hubDependencies())).rejects.toThrow(
      `detail.awsAccountId: account ${UNREACHABLE} is not the event's account ${MEMBER}; detail.resources.0.details.awsEcrContainerImage.registry: account ${UNREACHABLE} is not the event's account ${MEMBER}`,
    );
    expect(world.published).toHaveLength(0);
  });

  it('rejects an event of an account the hub does not govern, listing the governed ones', async () => {
    const { event } = memberScan('555555555555', 'u', [basicFinding('CVE-2026-0001', 'CRITICAL')]);

    await expect(processScanFindingsEvent(event, world.hubDependencies())).rejects.toThrow(
      `account: account 555555555555 is not governed here (${ACCOUNT}, ${MEMBER}, ${UNREACHABLE})`,
    );
    expect(world.sim.calls.count('DescribeImageScanFindings')).toBe(0);
  });

  it('fails the event of a member account whose role is denied the read (an SCP), reporting it unreachable', async () => {
    const { event } = memberScan(MEMBER, 'd', [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    world.sim.faults.denyAccess({ service: 'ecr', api: 'DescribeImageScanFindings' });

    await expect(processScanFindingsEvent(event, world.hubDependencies())).rejects.toThrow(
      PlaceUnreachableError,
    );

    expect(alerts()).toHaveLength(0);
    expect(world.details('Account Unreachable')).toEqual([
      expect.objectContaining({
        account: MEMBER,
        work: 'event',
        errorName: 'AccessDeniedException',
        reason: expect.stringContaining(`ecr:DescribeImageScanFindings denied in ${MEMBER} ${REGION}`),
      }),
    ]);
  });

  it('fails the event of an account whose member role cannot be assumed, reporting it once a day', async () => {
    const { event } = memberScan(UNREACHABLE, 'x', [basicFinding('CVE-2026-0001', 'CRITICAL')]);
    const deps = world.hubDependencies();

    await expect(processScanFindingsEvent(event, deps)).rejects.toThrow(PlaceUnreachableError);
    await expect(processScanFindingsEvent({ ...event, id: 'another' }, deps)).rejects.toThrow(
      PlaceUnreachableError,
    );

    expect(alerts()).toHaveLength(0);
    const reports = world.details('Account Unreachable');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      account: UNREACHABLE,
      accountAlias: 'legacy-sandbox',
      region: REGION,
      work: 'event',
      runId: 'events-2026-06-01',
      roleArn: `arn:aws:iam::${UNREACHABLE}:role/ecr-warden-member`,
    });
    expect(deps.unreachableCounted()).toBe(1);
    expect(world.sim.calls.count('DescribeImageScanFindings', { accountId: UNREACHABLE })).toBe(0);
  });
});

describe('the daily digest as an Organizations hub', () => {
  const schedule = () => {
    const event = ecrImageScanEvent(`sha256:${'0'.repeat(64)}`, []);
    return {
      version: '0',
      id: 'digest-run-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: '2026-06-01T08:00:00Z',
      region: event.region,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/ecr-warden-test-digest`],
      detail: {},
    };
  };
  const target = (account: string, messageId = `m-${account}`) => ({
    messageId,
    body: JSON.stringify({
      schemaVersion: 1,
      work: 'vulnerability-digest',
      account,
      region: REGION,
      runId: 'digest-run-1',
    }),
  });

  it('queues one target per governed account and region, and publishes no digest itself', async () => {
    const { outcome } = await processScanFindingsEvent(schedule(), world.hubDependencies());

    expect(outcome).toEqual({ action: 'digest-targets', targets: 3 });
    expect(world.targetMessages).toEqual(
      [ACCOUNT, MEMBER, UNREACHABLE].map((account) => ({
        schemaVersion: 1,
        work: 'vulnerability-digest',
        account,
        region: REGION,
        runId: 'digest-run-1',
      })),
    );
    expect(world.published).toHaveLength(0);
  });

  it("digests each account's own findings, once a day each; an unreachable account gets Account Unreachable instead", async () => {
    const deps = world.hubDependencies();
    await processScanFindingsEvent(
      memberScan(ACCOUNT, 'h', [basicFinding('CVE-2026-0001', 'CRITICAL')]).event,
      deps,
    );
    await processScanFindingsEvent(
      memberScan(MEMBER, 'p', [basicFinding('CVE-2026-0002', 'HIGH'), basicFinding('CVE-2026-0003', 'HIGH')])
        .event,
      deps,
    );

    const outcomes = [];
    for (const account of [ACCOUNT, MEMBER, UNREACHABLE, MEMBER]) {
      outcomes.push(await processDigestTarget(target(account), deps));
    }

    expect(outcomes.map((o) => [o.action, 'published' in o ? o.published : undefined])).toEqual([
      ['digest', true],
      ['digest', true],
      ['unreachable', undefined],
      // The same target delivered again: the day's digest of that account is already out.
      ['digest', false],
    ]);
    const digests = world.details('Vulnerability Digest') as {
      account: string;
      accountAlias?: string;
      repositories: { repositoryName: string; open: Record<string, number> }[];
    }[];
    expect(digests.map((d) => [d.account, d.accountAlias, d.repositories])).toEqual([
      [ACCOUNT, 'demo-hub', [expect.objectContaining({ repositoryName: REPOSITORY, open: { CRITICAL: 1 } })]],
      [MEMBER, 'payments-prod', [expect.objectContaining({ repositoryName: REPOSITORY, open: { HIGH: 2 } })]],
    ]);
    expect(world.details('Account Unreachable')).toEqual([
      expect.objectContaining({ account: UNREACHABLE, work: 'vulnerability-digest', runId: 'digest-run-1' }),
    ]);
  });

  it('rejects a target message of an ungoverned account or of another work, naming the problem', async () => {
    const deps = world.hubDependencies();

    await expect(processDigestTarget(target('555555555555'), deps)).rejects.toThrow(
      'account: account 555555555555 is not governed here',
    );
    await expect(
      processDigestTarget(
        {
          messageId: 'm-1',
          body: JSON.stringify({
            schemaVersion: 1,
            work: 'replication-audit',
            account: MEMBER,
            region: REGION,
            runId: 'r',
          }),
        },
        deps,
      ),
    ).rejects.toThrow('work: "replication-audit" is not this function\'s work ("vulnerability-digest")');
    expect(world.published).toHaveLength(0);
  });
});
