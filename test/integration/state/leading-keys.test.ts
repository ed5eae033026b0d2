// The state-table requests functions really send, against their roles' dynamodb:LeadingKeys patterns:
// cleanupWorker (idempotency, run progress, grace-period marks) and scanFindings (findings ledger, its
// index, alert and digest idempotency) run through their harnesses on dynalite, which does not evaluate
// IAM; every partition key they touch must match one of their own patterns (ForAllValues:StringLike).
// test/unit/state/state-access.test.ts covers every function's key builders.
import { matchesStringLike } from '../../../deploy/template-guard/iam-rules';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import { processScanFindingsEvent } from '../../../shared/findings/scan-findings-service';
import {
  leadingKeyPatterns,
  readOnlyLeadingKeyPatterns,
  type StateTableFunction,
} from '../../../shared/state/state-access';
import { loadEventFixture } from '../../support/fixtures';
import { createLambdaContext } from '../../support/lambda-context';
import { recordLeadingKeys } from '../../support/leading-keys-recorder';
import { useStateTable } from '../../support/state-table';
import {
  cleanupConfig,
  cleanupRequest,
  createWorkerWorld,
  pushImage as pushCleanupImage,
  sqsEvent,
} from '../cleanup/cleanup-worker-harness';
import {
  basicFinding,
  ecrImageScanEvent,
  pushImage as pushScannedImage,
  REPOSITORY,
  useFindingsWorld,
} from '../findings/findings-harness';

const refusedFor = (fn: StateTableFunction, keys: readonly string[]) =>
  [...new Set(keys)].filter(
    (key) => !leadingKeyPatterns(fn).some((pattern) => matchesStringLike(pattern, key)),
  );

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

describe('cleanupWorker on the state table', () => {
  const table = useStateTable();

  it('touches only partitions its role allows, through a grace period and a deletion', async () => {
    const world = createWorkerWorld(table);
    const recorder = recordLeadingKeys();
    try {
      world.sim.addRepository('team/app');
      pushCleanupImage(world.sim, 'team/app', 'old', { daysAgo: 30 });
      const config = cleanupConfig({ gracePeriodDays: 1 });
      const context = createLambdaContext('ecr-warden-test-cleanupWorker');

      await processCleanupBatch(
        sqsEvent([cleanupRequest('team/app', 'run-1')]),
        context,
        world.dependencies(config),
      );
      world.sim.clock.advance({ days: 2 });
      await processCleanupBatch(
        sqsEvent([cleanupRequest('team/app', 'run-2')]),
        context,
        world.dependencies(config),
      );

      expect(world.reports().map((report) => report.imagesDeleted)).toEqual([0, 1]);
      expect(recorder.keys.length).toBeGreaterThan(0);
      expect(refusedFor('cleanupWorker', recorder.keys)).toEqual([]);
    } finally {
      recorder.restore();
      world.restore();
    }
  });
});

describe('scanFindings on the state table', () => {
  const world = useFindingsWorld();

  /** An image whose basic scan has one CRITICAL finding: one alert, then a digest. */
  function scannedImageWithCriticalFinding(): string {
    const digest = pushScannedImage(world.sim, 'a', ['v1']);
    world.sim.setScan(
      REPOSITORY,
      { imageDigest: digest },
      {
        status: 'COMPLETE',
        completedAt: '2026-06-01T11:58:02Z',
        findings: [basicFinding('CVE-2026-0001', 'CRITICAL')],
      },
    );
    return digest;
  }

  it('touches only partitions its role allows, for an alert and the daily digest', async () => {
    const recorder = recordLeadingKeys();
    try {
      const digest = scannedImageWithCriticalFinding();

      await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), world.dependencies());
      await processScanFindingsEvent(loadEventFixture('aws.events', 'scheduled-event'), world.dependencies());

      expect(world.details('Vulnerability Alert')).toHaveLength(1);
      expect(world.details('Vulnerability Digest')).toHaveLength(1);
      expect(refusedFor('scanFindings', recorder.keys)).toEqual([]);
    } finally {
      recorder.restore();
    }
  });

  it("reads the in-use index only under its read-only statement's patterns", async () => {
    const recorder = recordLeadingKeys();
    try {
      const digest = scannedImageWithCriticalFinding();
      const deps = world.dependencies({ inUseIndex: true });

      await processScanFindingsEvent(ecrImageScanEvent(digest, ['v1']), deps);
      await processScanFindingsEvent(loadEventFixture('aws.events', 'scheduled-event'), deps);

      const index = recorder.keys.filter((key) => key.startsWith('INUSE#'));
      expect(index.length).toBe(2); // the alert's GetItem, the digest's Query
      expect(
        refusedFor(
          'scanFindings',
          recorder.keys.filter((key) => !index.includes(key)),
        ),
      ).toEqual([]);
      expect(
        index.filter(
          (key) =>
            !readOnlyLeadingKeyPatterns('scanFindings').some((pattern) => matchesStringLike(pattern, key)),
        ),
      ).toEqual([]);
    } finally {
      recorder.restore();
    }
  });

  it('would be refused the cleanup partitions it never needs', () => {
    expect(
      refusedFor('scanFindings', ['CLEANUP#team/app', 'IDEMPOTENCY#cleanup%23run-1%23team/app']),
    ).toHaveLength(2);
  });
});
