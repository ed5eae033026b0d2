import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  ACCOUNT_REACHABILITY_METRICS,
  createAccountReachabilityMetrics,
} from '../../../shared/metrics/account-reachability-metrics';
import { CLEANUP_METRICS, createCleanupMetrics } from '../../../shared/metrics/cleanup-metrics';
import { createFindingsMetrics, FINDINGS_METRICS } from '../../../shared/metrics/findings-metrics';
import {
  createRepositoryGuardMetrics,
  REPOSITORY_GUARD_METRICS,
} from '../../../shared/metrics/repository-guard-metrics';

/**
 * The domain figures operators alarm on and graph, as the Embedded Metric Format lines Powertools writes
 * (namespace ecr-warden, `service` dimension). The CleanupDeletionShareAlarm of serverless.yml reads
 * DeletionShare with exactly the dimensions service and DryRun: a dimension more or less would be
 * another metric, and the alarm would never see a value.
 */
interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

let lines: EmfLine[];
let metrics: Metrics;

beforeEach(() => {
  lines = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(JSON.parse(String(chunk)) as EmfLine);
    return true;
  });
  metrics = new Metrics({ namespace: 'ecr-warden', serviceName: 'ecr-warden' });
});
afterEach(() => jest.restoreAllMocks());

const metric = (name: string) => {
  const line = lines.find((entry) => entry[name] !== undefined);
  const definition = line?._aws.CloudWatchMetrics[0];
  return {
    value: line?.[name],
    unit: definition?.Metrics.find((m) => m.Name === name)?.Unit,
    namespace: definition?.Namespace,
    dimensions: definition?.Dimensions[0],
    dimensionValues: Object.fromEntries((definition?.Dimensions[0] ?? []).map((d) => [d, line?.[d]])),
  };
};

describe('cleanupWorker metrics', () => {
  it('writes images deleted, bytes reclaimed, and the share of the repository deleted in percent', () => {
    createCleanupMetrics(metrics).repositoryCleaned({
      dryRun: false,
      imagesDeleted: 3,
      bytesReclaimed: 1_024,
      imagesFailed: 0,
      imagesEvaluated: 12,
    });

    expect(metric(CLEANUP_METRICS.imagesDeleted)).toMatchObject({
      value: 3,
      unit: 'Count',
      namespace: 'ecr-warden',
    });
    expect(metric(CLEANUP_METRICS.bytesReclaimed)).toMatchObject({ value: 1_024, unit: 'Bytes' });
    expect(metric(CLEANUP_METRICS.deletionShare)).toEqual({
      value: 25,
      unit: 'Percent',
      namespace: 'ecr-warden',
      dimensions: ['service', 'DryRun'],
      dimensionValues: { service: 'ecr-warden', DryRun: 'false' },
    });
  });

  it('writes no share for an empty repository', () => {
    createCleanupMetrics(metrics).repositoryCleaned({
      dryRun: true,
      imagesDeleted: 0,
      bytesReclaimed: 0,
      imagesFailed: 0,
      imagesEvaluated: 0,
    });

    expect(metric(CLEANUP_METRICS.deletionShare).value).toBeUndefined();
    expect(metric(CLEANUP_METRICS.imagesDeleted).dimensionValues).toEqual({
      service: 'ecr-warden',
      DryRun: 'true',
    });
  });
  it('counts failed in-use sources on the service dimension alone, which InUseSourceFailuresAlarm reads, dry run or not', () => {
    createCleanupMetrics(metrics).inUseSourceFailures({ dryRun: true, failures: 2 });

    expect(metric(CLEANUP_METRICS.inUseSourceFailures)).toEqual({
      value: 2,
      unit: 'Count',
      namespace: 'ecr-warden',
      dimensions: ['service'],
      dimensionValues: { service: 'ecr-warden' },
    });
  });
});

describe('Organizations hub metrics', () => {
  it('counts an unreachable account × region on the service dimension alone, which AccountsUnreachableAlarm reads', () => {
    createAccountReachabilityMetrics(metrics).accountUnreachable();

    expect(metric(ACCOUNT_REACHABILITY_METRICS.accountsUnreachable)).toEqual({
      value: 1,
      unit: 'Count',
      namespace: 'ecr-warden',
      dimensions: ['service'],
      dimensionValues: { service: 'ecr-warden' },
    });
  });
});

describe('scanFindings metrics', () => {
  it('counts the alert and the findings it covers', () => {
    createFindingsMetrics(metrics).alertPublished(4);

    expect(metric(FINDINGS_METRICS.alerts)).toMatchObject({
      value: 1,
      unit: 'Count',
      dimensions: ['service'],
    });
    expect(metric(FINDINGS_METRICS.findingsAlerted)).toMatchObject({ value: 4, unit: 'Count' });
  });
});

describe('repository guard metrics', () => {
  it('counts drift found, fixed and failed by trigger, and writes nothing for zero fixes', () => {
    const guard = createRepositoryGuardMetrics(metrics);

    guard.checked('sweep', { drifts: 2, applied: 0, failed: 1 });
    guard.tagsMoved('push', 1);

    expect(metric(REPOSITORY_GUARD_METRICS.driftFound)).toMatchObject({
      value: 2,
      dimensionValues: { service: 'ecr-warden', Trigger: 'sweep' },
    });
    expect(metric(REPOSITORY_GUARD_METRICS.driftRemediated).value).toBeUndefined();
    expect(metric(REPOSITORY_GUARD_METRICS.remediationFailed).value).toBe(1);
    expect(metric(REPOSITORY_GUARD_METRICS.tagMoved).dimensionValues).toEqual({
      service: 'ecr-warden',
      Trigger: 'push',
    });
  });
});
