import { IN_USE_REASON_KINDS, type InUseReason } from '../../../shared/cleanup/cleanup-reasons';
import {
  describePlace,
  MAX_RUNNING_IN_PLACES,
  runningInOf,
  runsNow,
  SUMMARY_PLACES,
  whereItRuns,
} from '../../../shared/inuse/where-it-runs';

const pod = (namespace: string, name: string, extra: Partial<InUseReason> = {}): InUseReason =>
  ({
    kind: 'in-use-kubernetes-pod',
    cluster: 'prod-eks',
    namespace,
    pod: name,
    container: 'app',
    ...extra,
  }) as InUseReason;

/** One reason of every kind, as the cleanup plan would list them for one digest. */
const EVERY_KIND: Record<InUseReason['kind'], InUseReason> = {
  'in-use-ecs-task': {
    kind: 'in-use-ecs-task',
    taskArn: 'arn:aws:ecs:us-east-1:111111111111:task/prod/abc',
    clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/prod',
    group: 'service:payments-api',
    containerName: 'app',
  },
  'in-use-kubernetes-pod': pod('payments', 'payments-api-7d9f-1'),
  'in-use-ecs-service': {
    kind: 'in-use-ecs-service',
    serviceName: 'payments-api',
    clusterArn: 'arn:aws:ecs:us-east-1:222222222222:cluster/prod',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:222222222222:task-definition/payments-api:7',
    account: '222222222222',
    region: 'us-east-1',
  },
  'in-use-lambda': { kind: 'in-use-lambda', functionName: 'fn', qualifier: '3' },
  'in-use-app-runner': { kind: 'in-use-app-runner', serviceName: 'web' },
  'in-use-kubernetes-workload': {
    kind: 'in-use-kubernetes-workload',
    cluster: 'prod-eks',
    namespace: 'batch',
    workloadKind: 'CronJob',
    name: 'nightly',
    container: 'job',
  },
  'in-use-batch': {
    kind: 'in-use-batch',
    jobDefinitionArn: 'arn:aws:batch:us-east-1:111111111111:job-definition/reindex:4',
    revision: 4,
  },
  'task-definition-revision': { kind: 'task-definition-revision', family: 'payments-api', revision: 6 },
  'in-use-external': { kind: 'in-use-external', source: 'argocd-prod' },
  'in-use-inspector': { kind: 'in-use-inspector', lastInUseAt: '2026-05-30T10:00:00Z', inUseCount: 4 },
};

describe('whereItRuns', () => {
  it('counts the pods of one namespace as one place, as the issue says it', () => {
    const picture = whereItRuns([
      pod('payments', 'a'),
      pod('payments', 'b'),
      pod('payments', 'c'),
      // Two containers of one pod are one pod.
      pod('payments', 'c', { container: 'sidecar' } as Partial<InUseReason>),
      pod('web', 'w'),
    ]);

    expect(picture.places.map((place) => [place.namespace, place.count])).toEqual([
      ['payments', 3],
      ['web', 1],
    ]);
    expect(picture.summary).toBe('3 pods in prod-eks/payments, 1 pod in prod-eks/web');
  });

  it('writes the line of the issue: pods, then an ECS service of a workload account, then Lambda', () => {
    const picture = whereItRuns([
      EVERY_KIND['in-use-lambda'],
      EVERY_KIND['in-use-ecs-service'],
      pod('payments', 'a'),
      pod('payments', 'b'),
      pod('payments', 'c'),
    ]);

    expect(picture.summary).toBe(
      '3 pods in prod-eks/payments, Lambda fn:3, ECS service payments-api in 222222222222',
    );
  });

  it('places every kind, running things first and what may run again after', () => {
    const picture = whereItRuns(Object.values(EVERY_KIND).reverse());

    expect(new Set(picture.places.map((place) => place.kind))).toEqual(new Set(IN_USE_REASON_KINDS));
    expect(picture.places.map((place) => [place.kind, place.state])).toEqual([
      ['in-use-kubernetes-pod', 'running'],
      ['in-use-ecs-task', 'running'],
      ['in-use-lambda', 'running'],
      ['in-use-ecs-service', 'running'],
      ['in-use-app-runner', 'running'],
      ['in-use-external', 'running'],
      ['in-use-kubernetes-workload', 'may-run-again'],
      ['in-use-batch', 'may-run-again'],
      ['task-definition-revision', 'may-run-again'],
      ['in-use-inspector', 'ran-recently'],
    ]);
    expect(picture.places.map(describePlace)).toEqual([
      '1 pod in prod-eks/payments',
      '1 ECS task (service:payments-api in prod)',
      'Lambda fn:3',
      'ECS service payments-api in 222222222222',
      'App Runner service web',
      'listed by argocd-prod',
      'CronJob batch/nightly in prod-eks',
      'Batch job definition reindex',
      'task definition payments-api (1 revision)',
      'seen running by Amazon Inspector (4 tasks or pods)',
    ]);
  });

  it('names at most 5 places, then says how many more', () => {
    const reasons = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((namespace) => pod(namespace, `${namespace}-1`));

    const { summary, places } = whereItRuns(reasons);

    expect(SUMMARY_PLACES).toBe(5);
    expect(places).toHaveLength(7);
    expect(summary).toBe(
      '1 pod in prod-eks/a, 1 pod in prod-eks/b, 1 pod in prod-eks/c, 1 pod in prod-eks/d, 1 pod in prod-eks/e and 2 more',
    );
  });

  it('ranks the bigger group of a kind first', () => {
    const { places } = whereItRuns([pod('small', 's'), pod('big', 'b1'), pod('big', 'b2')]);

    expect(places.map((place) => place.namespace)).toEqual(['big', 'small']);
  });

  it('counts the qualifiers of one function and the revisions of one family', () => {
    const { places, summary } = whereItRuns([
      { kind: 'in-use-lambda', functionName: 'fn', qualifier: '3' },
      { kind: 'in-use-lambda', functionName: 'fn', qualifier: 'live' },
      { kind: 'task-definition-revision', family: 'api', revision: 6 },
      { kind: 'task-definition-revision', family: 'api', revision: 7 },
      // A container listed twice in one revision is still one revision.
      { kind: 'task-definition-revision', family: 'api', revision: 7, containerName: 'sidecar' },
    ]);

    expect(places.map((place) => [place.name, place.count])).toEqual([
      ['fn', 2],
      ['api', 2],
    ]);
    expect(summary).toBe('Lambda fn (2 versions or aliases), task definition api (2 revisions)');
  });

  it('keeps places of different accounts apart', () => {
    const { places } = whereItRuns([
      { ...pod('payments', 'a'), account: '222222222222', region: 'us-east-1' } as InUseReason,
      pod('payments', 'b'),
    ]);

    expect(places.map((place) => [place.account, place.count])).toEqual([
      [undefined, 1],
      ['222222222222', 1],
    ]);
    expect(places.map(describePlace)).toContain('1 pod in prod-eks/payments in 222222222222');
  });

  it('says nothing runs now when only templates and revisions name the image', () => {
    const { places } = whereItRuns([EVERY_KIND['task-definition-revision'], EVERY_KIND['in-use-batch']]);

    expect(runsNow(places)).toBe(false);
    expect(runsNow(whereItRuns([EVERY_KIND['in-use-app-runner']]).places)).toBe(true);
  });

  it('carries at most 20 places in an event and counts them all, with a summary of one event line', () => {
    const reasons = Array.from({ length: 30 }, (_, i) => pod(`namespace-${'x'.repeat(40)}-${i}`, `p-${i}`));

    const runningIn = runningInOf(whereItRuns(reasons), '2026-06-01T06:00:00.000Z');

    expect(runningIn.places).toHaveLength(MAX_RUNNING_IN_PLACES);
    expect(runningIn.placeCount).toBe(30);
    expect(runningIn.summary.length).toBeLessThanOrEqual(300);
    expect(runningIn.summary.endsWith('…')).toBe(true);
    expect(runningIn.asOf).toBe('2026-06-01T06:00:00.000Z');
  });

  it('has nothing to say for no reasons', () => {
    expect(whereItRuns([])).toEqual({ places: [], summary: '' });
  });
});
