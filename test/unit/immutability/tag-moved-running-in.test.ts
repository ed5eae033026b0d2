import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { combineUsage, createWorkloadDigestUsage } from '../../../shared/aws/workload-digest-usage';
import type { InUseReason } from '../../../shared/cleanup/cleanup-reasons';
import { tagMovedDetail } from '../../../shared/events/governance';
import { buildTagMovedEvent } from '../../../shared/immutability/guard-events';
import type { InUseIndexReader } from '../../../shared/inuse/in-use-index';
import { type RunningIn, runningInOf, whereItRuns } from '../../../shared/inuse/where-it-runs';
import type { StructuredLogger } from '../../../shared/logger';
import { renderPlainText } from '../../../shared/notify/render-slack-message';

// Issue 14 §4: "Tag Moved" says whether the previous image still runs anywhere. The guard's live read
// sees the ECS tasks and Lambda functions of its own account; the cleanup worker's in-use index sees
// the rest (Kubernetes, workload accounts, ...).

const NOW = '2026-06-02T09:00:00.000Z';
const INDEX_AS_OF = '2026-06-02T06:00:00.000Z';
const silentLogger: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };
const pods = (n: number): InUseReason[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'in-use-kubernetes-pod',
    cluster: 'prod-eks',
    namespace: 'payments',
    pod: `api-${i}`,
    container: 'app',
  }));
const task = (taskArn: string): InUseReason => ({
  kind: 'in-use-ecs-task',
  taskArn,
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
  group: 'service:api',
});
const indexed = (reasons: InUseReason[]): RunningIn => runningInOf(whereItRuns(reasons), INDEX_AS_OF);

describe('combineUsage: the live read and the in-use index', () => {
  it('is in use where the index has it running though the live read sees nothing', () => {
    expect(combineUsage([], indexed(pods(3)), NOW)).toEqual({
      inUse: true,
      runningIn: expect.objectContaining({ summary: '3 pods in prod-eks/payments', asOf: INDEX_AS_OF }),
    });
  });

  it('is in use where the index has it running though the live read failed', () => {
    expect(combineUsage(null, indexed(pods(1)), NOW).inUse).toBe(true);
  });

  it('stays unknown when the live read failed and the index has no record', () => {
    expect(combineUsage(null, undefined, NOW)).toEqual({ inUse: null });
  });

  it('is not in use when the live read found nothing and the index has nothing running', () => {
    expect(combineUsage([], undefined, NOW)).toEqual({ inUse: false });
    const revision = indexed([{ kind: 'task-definition-revision', family: 'api', revision: 3 }]);
    expect(combineUsage([], revision, NOW)).toEqual({
      inUse: false,
      runningIn: expect.objectContaining({ summary: 'task definition api (1 revision)' }),
    });
  });

  it("replaces the index's own-account ECS tasks with the live read's, and keeps what only the index sees", () => {
    const index = indexed([task('arn:aws:ecs:us-east-1:123456789012:task/prod/old'), ...pods(2)]);

    const usage = combineUsage(
      [
        task('arn:aws:ecs:us-east-1:123456789012:task/prod/t1'),
        task('arn:aws:ecs:us-east-1:123456789012:task/prod/t2'),
      ],
      index,
      NOW,
    );

    expect(usage.inUse).toBe(true);
    expect(usage.runningIn?.summary).toBe('2 pods in prod-eks/payments, 2 ECS tasks (service:api in prod)');
    // The pods come from the index: the picture is as old as its record.
    expect(usage.runningIn?.asOf).toBe(INDEX_AS_OF);
  });

  it('dates a picture of the live read alone now', () => {
    expect(
      combineUsage([task('arn:aws:ecs:us-east-1:123456789012:task/prod/t1')], undefined, NOW).runningIn?.asOf,
    ).toBe(NOW);
  });
});

describe('createWorkloadDigestUsage with the in-use index', () => {
  const ecs = mockClient(ECSClient);
  const lambda = mockClient(LambdaClient);
  beforeEach(() => {
    ecs.reset();
    lambda.reset();
    ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
    lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  });

  it("asks the index for the previous digest in the guard's own registry and region", async () => {
    const asked: unknown[] = [];
    const inUseIndex: InUseIndexReader = {
      async lookUpInUse(location, digest) {
        asked.push([location, digest]);
        return indexed(pods(3));
      },
      async lookUpRepository() {
        return new Map();
      },
    };
    const usage = createWorkloadDigestUsage({
      account: '123456789012',
      region: 'us-east-1',
      logger: silentLogger,
      ecs: new ECSClient({ region: 'us-east-1' }),
      lambda: new LambdaClient({ region: 'us-east-1' }),
      inUseIndex,
      now: () => Date.parse(NOW),
    });

    const where = await usage.whereInUse?.('payments/api', `sha256:${'a'.repeat(64)}`);

    expect(asked).toEqual([
      [
        { registryId: '123456789012', region: 'us-east-1', repositoryName: 'payments/api' },
        `sha256:${'a'.repeat(64)}`,
      ],
    ]);
    expect(where?.inUse).toBe(true);
    expect(where?.runningIn?.summary).toBe('3 pods in prod-eks/payments');
    // The live read alone still answers isInUse as before.
    expect(await usage.isInUse('payments/api', `sha256:${'a'.repeat(64)}`)).toBe(false);
  });
});

describe('the Tag Moved event', () => {
  const base = {
    account: '123456789012',
    region: 'us-east-1',
    repositoryName: 'payments/api',
    imageTag: 'prod',
    previousDigest: `sha256:${'a'.repeat(64)}`,
    newDigest: `sha256:${'b'.repeat(64)}`,
    pushedAt: '2026-06-02T08:59:00.000Z',
  };

  it('says where the previous image still runs, in its summary and its detail', () => {
    const runningIn = indexed(pods(3));

    const event = buildTagMovedEvent({
      ...base,
      previousDigestInUse: true,
      previousDigestRunningIn: runningIn,
    });

    expect(event.detail.summary).toBe(
      'payments/api:prod moved from sha256:aaaaaaaaaaaa… to sha256:bbbbbbbbbbbb…; the previous image still runs in 3 pods in prod-eks/payments',
    );
    expect(tagMovedDetail.parse(event.detail).previousDigestRunningIn).toEqual(runningIn);
    expect(renderPlainText(event)).toContain(
      'Previous image runs in: 3 pods in prod-eks/payments (as of 2026-06-02 06:00 UTC)',
    );
  });

  it('is the event it was without a picture', () => {
    const event = buildTagMovedEvent({ ...base, previousDigestInUse: null });

    expect(event.detail).not.toHaveProperty('previousDigestRunningIn');
    expect(event.detail.summary).toBe(
      'payments/api:prod moved from sha256:aaaaaaaaaaaa… to sha256:bbbbbbbbbbbb…',
    );
  });
});
