// The in-use keep reasons: every kind listed once, in the order a kept image lists them, and the
// ECS and Lambda reasons of a workload account saying which account and region.
import {
  IN_USE_REASON_KINDS,
  type InUseReasonKind,
  KEEP_REASON_KINDS,
  PROTECTION_KINDS,
} from '../../../shared/cleanup/cleanup-reasons';
import { listWorkloadImageUses } from '../../../shared/cleanup/workload-images';

const R = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

// A kind added to InUseReason and not here fails to compile; one here and not listed fails the test.
const EVERY_IN_USE_KIND: Record<InUseReasonKind, true> = {
  'in-use-ecs-task': true,
  'in-use-ecs-service': true,
  'in-use-lambda': true,
  'task-definition-revision': true,
  'in-use-kubernetes-pod': true,
  'in-use-kubernetes-workload': true,
  'in-use-batch': true,
  'in-use-app-runner': true,
  'in-use-external': true,
  'in-use-inspector': true,
};

describe('in-use reasons', () => {
  it('lists every in-use kind first, running workloads before the templates that may start them', () => {
    expect([...IN_USE_REASON_KINDS].sort()).toEqual(Object.keys(EVERY_IN_USE_KIND).sort());
    expect(KEEP_REASON_KINDS.slice(0, IN_USE_REASON_KINDS.length)).toEqual([...IN_USE_REASON_KINDS]);
    const order = (kind: InUseReasonKind) => KEEP_REASON_KINDS.indexOf(kind);
    expect(order('in-use-kubernetes-pod')).toBeLessThan(order('in-use-kubernetes-workload'));
    expect(order('in-use-ecs-task')).toBeLessThan(order('in-use-ecs-service'));
    expect(order('in-use-ecs-service')).toBeLessThan(order('task-definition-revision'));
  });

  it('makes every in-use kind a protection that also stops an archive transition', () => {
    for (const kind of IN_USE_REASON_KINDS) expect(PROTECTION_KINDS.has(kind)).toBe(true);
  });

  it("records a workload account's account and region on its ECS and Lambda reasons, and nothing for the registry's own", () => {
    const workloads = {
      ecs: {
        tasks: [
          { taskArn: 'arn:aws:ecs:us-east-1:222222222222:task/c/1', containers: [{ image: `${R}/a:v1` }] },
        ],
        services: [],
        taskDefinitions: [
          { family: 'a', revision: 1, containerDefinitions: [{ name: 'app', image: `${R}/a:v1` }] },
        ],
      },
      lambda: { functions: [{ Configuration: { FunctionName: 'f' }, Code: { ImageUri: `${R}/a:v1` } }] },
    };

    const remote = listWorkloadImageUses(
      workloads,
      { taskDefinitionRevisions: 1 },
      { account: '222222222222', region: 'eu-west-1' },
    );
    expect(remote.uses.map((use) => use.reason)).toEqual([
      expect.objectContaining({ kind: 'in-use-ecs-task', account: '222222222222', region: 'eu-west-1' }),
      expect.objectContaining({
        kind: 'task-definition-revision',
        account: '222222222222',
        region: 'eu-west-1',
      }),
      expect.objectContaining({ kind: 'in-use-lambda', account: '222222222222', region: 'eu-west-1' }),
    ]);
    const local = listWorkloadImageUses(workloads, { taskDefinitionRevisions: 1 });
    expect(local.uses.some((use) => 'account' in use.reason || 'region' in use.reason)).toBe(false);
  });
});
