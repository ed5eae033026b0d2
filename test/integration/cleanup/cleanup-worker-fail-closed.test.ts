// cleanupWorker fails closed (issue 14): when an in-use source cannot be read, no repository of the
// batch loses an image, each report names the source and why, and InUseSourceFailures counts it. On
// the registry simulator with the real ECR, ECS and Lambda clients, as cleanup-worker.test.ts.

import { BatchDeleteImageCommand, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr';
import { AccessDeniedException } from '@aws-sdk/client-ecs';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import type { CleanupMetrics } from '../../../shared/cleanup/cleanup-ports';
import type { InUseReaders, Place } from '../../../shared/inuse/in-use-ports';
import { composeInUseSources } from '../../../shared/inuse/in-use-sources';
import { fakeConverters } from '../../support/in-use-fakes';
import { createLambdaContext } from '../../support/lambda-context';
import { useStateTable } from '../../support/state-table';
import {
  ACCOUNT,
  cleanupConfig,
  cleanupRequest,
  createWorkerWorld,
  holds,
  pushImage,
  REGION,
  sqsEvent,
  URI,
  type WorkerWorld,
} from './cleanup-worker-harness';

const table = useStateTable();
let world: WorkerWorld;
const context = () => createLambdaContext('ecr-warden-test-cleanupWorker');
const REPOSITORIES = ['team/a', 'team/b', 'team/c'];

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});
beforeEach(() => {
  world = createWorkerWorld(table);
  for (const name of REPOSITORIES) world.sim.addRepository(name);
});
afterEach(() => {
  world.restore();
});

/** Metrics recorded instead of written. */
function recordingMetrics() {
  const failures: { dryRun: boolean; failures: number }[] = [];
  const cleaned: number[] = [];
  const metrics: CleanupMetrics = {
    repositoryCleaned: (figures) => void cleaned.push(figures.imagesDeleted),
    inUseSourceFailures: (figures) => void failures.push(figures),
  };
  return { metrics, failures, cleaned };
}

/** Every repository gets two old images (the policy expires both) and one a running ECS task uses. */
function arrangeRepositories(): Map<string, { old: string[]; running: string }> {
  const arranged = new Map<string, { old: string[]; running: string }>();
  for (const name of REPOSITORIES) {
    const old = [
      pushImage(world.sim, name, `${name}-old-1`, { daysAgo: 40 }),
      pushImage(world.sim, name, `${name}-old-2`, { daysAgo: 50 }),
    ];
    const running = pushImage(world.sim, name, `${name}-running`, { daysAgo: 60, tags: ['live'] });
    const family = name.replace('/', '-');
    world.sim.registerTaskDefinition({ family, containers: [{ name: 'app', image: `${URI}/${name}:live` }] });
    world.sim.createService({
      cluster: 'prod',
      serviceName: family,
      taskDefinition: `${family}:1`,
      runningTasks: 1,
    });
    arranged.set(name, { old, running });
  }
  return arranged;
}

function deleteCalls(): number {
  return world.aws.mocks.ecr.commandCalls(BatchDeleteImageCommand).length;
}

/** A workload account whose sources the readers answer from memory: nothing runs there. */
function workloadAccountReaders(overrides: Partial<InUseReaders> = {}): InUseReaders {
  const empty = async () => [];
  return {
    assumeRole: async () => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'x', sessionToken: 'y' }),
    readEcsWorkloads: async () => ({ tasks: [], services: [], taskDefinitions: [] }),
    readLambdaWorkloads: async () => ({ functions: [] }),
    listClusters: empty,
    readClusterObjects: async () => ({ apiVersion: 'v1', kind: 'List', items: [] }),
    readBatchJobDefinitions: empty,
    readAppRunnerServices: empty,
    readExternalList: async () => ({
      text: JSON.stringify({ source: 'argocd-prod', generatedAt: '2026-01-01T00:00:00Z', images: [] }),
    }),
    readInspectorCoverage: empty,
    ...overrides,
  };
}

const converters = fakeConverters;

/**
 * The sources the worker composes when it also reads the payments cluster of workload account
 * 222222222222 (and what `protect` adds), through `readers`.
 */
function workloadAccountSources(
  local: Place,
  readers: ReturnType<typeof workloadAccountReaders>,
  protect: Record<string, unknown> = {},
) {
  return composeInUseSources({
    localWorkloads: false,
    protect: cleanupConfig({
      protect: {
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1'], kubernetesClusters: ['payments'] },
        ],
        ...protect,
      },
    }).protect,
    local,
    readers,
    converters,
    now: () => world.sim.clock.nowMs(),
  });
}

describe('cleanupWorker fails closed when an in-use source cannot be read', () => {
  it.each([
    {
      failure: 'AccessDenied on ECS in this account',
      source: `ecs:${ACCOUNT}/${REGION}`,
      reason: /^AccessDeniedException \(HTTP 400\): User: .* is not authorized to perform: ecs:ListClusters/,
      // The worker's own read fails: both of its sources are unknown.
      sources: undefined,
      workloads: {
        readWorkloads: async () => {
          throw new AccessDeniedException({
            message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/worker/x is not authorized to perform: ecs:ListClusters`,
            $metadata: { httpStatusCode: 400 },
          });
        },
      },
      failed: 2,
      // ECS unread, the image its task runs looks unused: the plan would delete it too.
      wouldDelete: 3,
    },
    {
      failure: 'a workload-account cluster that never answers',
      source: 'kubernetes:payments@222222222222/us-east-1',
      reason: /^InUseSourceTimeoutError: no answer after 50 ms$/,
      sources: (local: Place) =>
        workloadAccountSources(
          local,
          workloadAccountReaders({ readClusterObjects: () => new Promise(() => {}) }),
        ),
      workloads: undefined,
      failed: 1,
      wouldDelete: 2,
    },
    {
      failure: 'a stale external list',
      source: 'external:argocd-prod',
      reason:
        /^StaleExternalListError: external:argocd-prod: the list was generated at 2026-01-01T00:00:00Z, [\d.]+ hours ago, more than its maxAgeHours 24$/,
      sources: (local: Place) =>
        composeInUseSources({
          localWorkloads: false,
          protect: cleanupConfig({
            protect: { external: [{ source: 'argocd-prod', bucket: 'gitops-lists', key: 'prod.json' }] },
          }).protect,
          local,
          readers: workloadAccountReaders(),
          converters,
          now: () => world.sim.clock.nowMs(),
        }),
      workloads: undefined,
      failed: 1,
      wouldDelete: 2,
    },
  ])(
    'on $failure: deletes nothing in any repository of the batch, names $source in every report, counts it',
    async ({ source, reason, sources, workloads, failed, wouldDelete }) => {
      const arranged = arrangeRepositories();
      const recorded = recordingMetrics();
      const cleanup = cleanupConfig();

      const response = await processCleanupBatch(
        sqsEvent(REPOSITORIES.map((name) => cleanupRequest(name))),
        context(),
        world.dependencies(cleanup, {
          metrics: recorded.metrics,
          inUseSourceTimeoutMs: 50,
          ...(sources === undefined ? {} : { otherInUseSources: sources }),
          ...(workloads === undefined ? {} : { workloads }),
        }),
      );

      // Acknowledged, not retried: the report, the metric and the alarm say why (process-cleanup-batch.ts).
      expect(response.batchItemFailures).toEqual([]);
      expect(deleteCalls()).toBe(0);
      for (const [name, { old, running }] of arranged) {
        for (const digest of [...old, running]) expect(holds(world.sim, name, digest)).toBe(true);
      }
      const reports = world.reports();
      expect(reports.map((report) => report.repositoryName).sort()).toEqual(REPOSITORIES);
      for (const report of reports) {
        expect(report).toMatchObject({
          held: true,
          imagesDeleted: 0,
          imagesHeld: wouldDelete,
          severity: 'warning',
        });
        expect(report.inUseSourceFailures).toHaveLength(failed);
        expect(report.inUseSourceFailures).toEqual(
          expect.arrayContaining([
            { source, reason: expect.stringMatching(reason), errorName: expect.any(String) },
          ]),
        );
        expect(report.summary).toMatch(/held, nothing deleted/);
        expect(report.notes?.[0]).toContain(source);
      }
      expect(recorded.failures).toEqual(REPOSITORIES.map(() => ({ dryRun: false, failures: failed })));
    },
  );

  it('shows the same hold in a dry run: nothing would be deleted now, and the report says why', async () => {
    arrangeRepositories();
    const recorded = recordingMetrics();

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/a')]),
      context(),
      world.dependencies(cleanupConfig({ dryRun: true }), {
        metrics: recorded.metrics,
        workloads: {
          readWorkloads: async () => {
            throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          },
        },
      }),
    );

    const [report] = world.reports();
    expect(report).toMatchObject({ dryRun: true, held: true, imagesDeleted: 0, imagesHeld: 3 });
    expect(report?.inUseSourceFailures?.map((failure) => failure.source)).toEqual([
      `ecs:${ACCOUNT}/${REGION}`,
      `lambda:${ACCOUNT}/${REGION}`,
    ]);
    expect(recorded.failures).toEqual([{ dryRun: true, failures: 2 }]);
  });

  it('archives nothing in a held repository either', async () => {
    const old = pushImage(world.sim, 'team/a', 'archivable', { daysAgo: 60 });
    const archiveOlderThan30Days = {
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
          action: { type: 'transition', targetStorageClass: 'archive' },
        },
      ],
    };

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/a')]),
      context(),
      world.dependencies(cleanupConfig({}, archiveOlderThan30Days), {
        metrics: recordingMetrics().metrics,
        workloads: {
          readWorkloads: async () => {
            throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
          },
        },
      }),
    );

    expect(world.aws.mocks.ecr.commandCalls(UpdateImageStorageClassCommand)).toHaveLength(0);
    expect(world.sim.repository('team/a').images.get(old)?.status).not.toBe('ARCHIVED');
    expect(world.reports()[0]).toMatchObject({ held: true });
  });

  it('cleans exactly as before when every source reads: same deletions, same reports, no failure counted', async () => {
    const arranged = arrangeRepositories();
    const recorded = recordingMetrics();
    const healthy = (local: Place) =>
      workloadAccountSources(local, workloadAccountReaders(), { batch: true, appRunner: true });

    const response = await processCleanupBatch(
      sqsEvent(REPOSITORIES.map((name) => cleanupRequest(name))),
      context(),
      world.dependencies(cleanupConfig(), { metrics: recorded.metrics, otherInUseSources: healthy }),
    );

    expect(response.batchItemFailures).toEqual([]);
    for (const [name, { old, running }] of arranged) {
      for (const digest of old) expect(holds(world.sim, name, digest)).toBe(false);
      expect(holds(world.sim, name, running)).toBe(true);
    }
    for (const report of world.reports()) {
      expect(report).toMatchObject({ imagesDeleted: 2, severity: 'info' });
      expect(report).not.toHaveProperty('held');
      expect(report).not.toHaveProperty('inUseSourceFailures');
      expect(report.topKeepReasons.map((kept) => kept.kind)).toContain('in-use-ecs-task');
    }
    expect(recorded.failures).toEqual([]);
    expect(recorded.cleaned).toEqual([2, 2, 2]);
  });
});
