import { findBlockKitViolation } from '../../../local/slack-receiver';
import { type GovernanceEvent, governanceDetailSchemas } from '../../../shared/events/governance';
import { processScanFindingsEvent } from '../../../shared/findings/scan-findings-service';
import { renderPlainText, renderSlackMessage } from '../../../shared/notify/render-slack-message';
import { loadEventFixture } from '../../support/fixtures';
import { kubernetesPodUse, PAYMENTS_API_SERVICE_USE } from '../../support/in-use-reasons';
import {
  ACCOUNT,
  basicFinding,
  ecrImageScanEvent,
  pushImage,
  REGION,
  REPOSITORY,
  useFindingsWorld,
} from './findings-harness';

// Issue 14 §4: a vulnerability alert and the daily digest say where the vulnerable image runs, from
// the in-use index the cleanup worker writes; without a record they say what they said before.
const world = useFindingsWorld();

const LOCATION = { registryId: ACCOUNT, region: REGION, repositoryName: REPOSITORY };
const RECORDED_AT = new Date('2026-06-01T06:00:00Z');
const pod = (name: string) => kubernetesPodUse('payments', name);
const SERVICE = PAYMENTS_API_SERVICE_USE;

type Alert = {
  summary: string;
  inUse: boolean | null;
  runningIn?: {
    summary: string;
    placeCount: number;
    asOf: string;
    places: { kind: string; count: number }[];
  };
};
const alerts = () => world.details('Vulnerability Alert') as unknown as Alert[];

async function scanWithCriticalFinding(digest: string) {
  world.sim.setScan(
    REPOSITORY,
    { imageDigest: digest },
    {
      status: 'COMPLETE',
      completedAt: '2026-06-01T11:58:02Z',
      findings: [basicFinding('CVE-2026-0001', 'CRITICAL', 'libssl3')],
    },
  );
  return processScanFindingsEvent(
    ecrImageScanEvent(digest, ['v1']),
    world.dependencies({ inUseIndex: true }),
  );
}

/** A COMPLETE basic scan of `digest` in `repository` at 11:00, with `findings`. */
function completeScanAt11(
  repository: string,
  digest: string,
  findings: ReturnType<typeof basicFinding>[],
): void {
  world.sim.setScan(
    repository,
    { imageDigest: digest },
    { status: 'COMPLETE', completedAt: '2026-06-01T11:00:00Z', findings },
  );
}

function asEvent(
  detailType: 'Vulnerability Alert' | 'Vulnerability Digest',
  detail: unknown,
): GovernanceEvent {
  return { detailType, detail: governanceDetailSchemas[detailType].parse(detail) } as GovernanceEvent;
}

describe('a Vulnerability Alert says where its image runs', () => {
  it('is in use and names the places when the in-use index has the image running', async () => {
    const digest = pushImage(world.sim, 'a', ['v1']);
    await world
      .inUseIndexWriter()
      .recordInUse(LOCATION, new Map([[digest, [pod('a'), pod('b'), pod('c'), SERVICE]]]), RECORDED_AT);

    await scanWithCriticalFinding(digest);

    const [alert] = alerts();
    expect(alert?.inUse).toBe(true);
    expect(alert?.runningIn).toMatchObject({
      summary: '3 pods in prod-eks/payments, ECS service payments-api in 222222222222',
      placeCount: 2,
      asOf: '2026-06-01T06:00:00.000Z',
      places: [
        { kind: 'in-use-kubernetes-pod', count: 3 },
        { kind: 'in-use-ecs-service', count: 1 },
      ],
    });
    expect(alert?.summary).toBe(
      `1 vulnerability in ${REPOSITORY}:v1 (in use) (1 new): CRITICAL CVE-2026-0001 in libssl3; runs in 3 pods in prod-eks/payments, ECS service payments-api in 222222222222`,
    );
    const message = renderSlackMessage(asEvent('Vulnerability Alert', alert));
    expect(findBlockKitViolation(message.blocks)).toBeUndefined();
    expect(renderPlainText(asEvent('Vulnerability Alert', alert))).toContain(
      'Runs in: 3 pods in prod-eks/payments, ECS service payments-api in 222222222222 (as of 2026-06-01 06:00 UTC)',
    );
  });

  it('names what may run it again without calling it in use', async () => {
    const digest = pushImage(world.sim, 'b', ['v1']);
    await world
      .inUseIndexWriter()
      .recordInUse(
        LOCATION,
        new Map([[digest, [{ kind: 'task-definition-revision', family: 'payments-api', revision: 6 }]]]),
        RECORDED_AT,
      );

    await scanWithCriticalFinding(digest);

    const [alert] = alerts();
    expect(alert?.inUse).toBeNull();
    expect(alert?.runningIn?.summary).toBe('task definition payments-api (1 revision)');
    expect(alert?.summary).toMatch(/; may run again: task definition payments-api \(1 revision\)$/);
  });

  it('says nothing of where without an index record: "not known", not "not in use"', async () => {
    const digest = pushImage(world.sim, 'c', ['v1']);
    const other = pushImage(world.sim, 'd', ['v2']);
    await world.inUseIndexWriter().recordInUse(LOCATION, new Map([[other, [pod('a')]]]), RECORDED_AT);

    await scanWithCriticalFinding(digest);

    const [alert] = alerts();
    expect(alert?.inUse).toBeNull();
    expect(alert).not.toHaveProperty('runningIn');
    expect(alert?.summary).not.toContain('runs in');
  });
});

describe('the Vulnerability Digest ranks running images first', () => {
  it('puts the repository whose vulnerable image runs before a worse one that runs nowhere, and shows where', async () => {
    const running = pushImage(world.sim, 'r', ['v1']);
    const idle = pushImage(world.sim, 'i', ['v1'], 'web/frontend');
    const day = world.dependencies({ inUseIndex: true });
    completeScanAt11(REPOSITORY, running, [basicFinding('CVE-2026-0001', 'HIGH')]);
    completeScanAt11('web/frontend', idle, [
      basicFinding('CVE-2026-0002', 'CRITICAL'),
      basicFinding('CVE-2026-0003', 'CRITICAL'),
    ]);
    await processScanFindingsEvent(ecrImageScanEvent(running, ['v1']), day);
    const webEvent = ecrImageScanEvent(idle, ['v1']);
    webEvent.detail['repository-name'] = 'web/frontend';
    await processScanFindingsEvent(webEvent, day);
    await world
      .inUseIndexWriter()
      .recordInUse(LOCATION, new Map([[running, [pod('a'), pod('b')]]]), RECORDED_AT);

    await processScanFindingsEvent(loadEventFixture('aws.events', 'scheduled-event'), day);

    const [digest] = world.details('Vulnerability Digest');
    expect(digest?.repositories).toEqual([
      {
        repositoryName: REPOSITORY,
        open: { HIGH: 1 },
        newSinceYesterday: 1,
        resolvedSinceYesterday: 0,
        runningImages: [
          {
            imageDigest: running,
            open: { HIGH: 1 },
            summary: '2 pods in prod-eks/payments',
            asOf: '2026-06-01T06:00:00.000Z',
          },
        ],
        runningImageCount: 1,
      },
      {
        repositoryName: 'web/frontend',
        open: { CRITICAL: 2 },
        newSinceYesterday: 2,
        resolvedSinceYesterday: 0,
      },
    ]);
    expect(digest?.summary).toContain('1 vulnerable image running');
    const message = renderSlackMessage(asEvent('Vulnerability Digest', digest));
    expect(findBlockKitViolation(message.blocks)).toBeUndefined();
    expect(renderPlainText(asEvent('Vulnerability Digest', digest))).toContain(
      ': 2 pods in prod-eks/payments (as of 2026-06-01 06:00 UTC)',
    );
  });

  it('ranks by open findings alone without the index, as before', async () => {
    const running = pushImage(world.sim, 'r', ['v1']);
    const idle = pushImage(world.sim, 'i', ['v1'], 'web/frontend');
    const day = world.dependencies();
    completeScanAt11(REPOSITORY, running, [basicFinding('CVE-2026-0001', 'HIGH')]);
    completeScanAt11('web/frontend', idle, [basicFinding('CVE-2026-0002', 'CRITICAL')]);
    await processScanFindingsEvent(ecrImageScanEvent(running, ['v1']), day);
    const webEvent = ecrImageScanEvent(idle, ['v1']);
    webEvent.detail['repository-name'] = 'web/frontend';
    await processScanFindingsEvent(webEvent, day);
    await world.inUseIndexWriter().recordInUse(LOCATION, new Map([[running, [pod('a')]]]), RECORDED_AT);

    await processScanFindingsEvent(loadEventFixture('aws.events', 'scheduled-event'), day);

    const [digest] = world.details('Vulnerability Digest');
    const repositories = (digest?.repositories ?? []) as { repositoryName: string }[];
    expect(repositories.map((r) => r.repositoryName)).toEqual(['web/frontend', REPOSITORY]);
    expect(JSON.stringify(digest)).not.toContain('runningImages');
  });
});
