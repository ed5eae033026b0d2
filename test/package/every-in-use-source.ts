import type { CleanupProtectIamInput } from '../../deploy/iam/cleanup-worker-iam';
import { regionalArn } from '../../deploy/iam/iam-statement';
import { inUseSourceStatements } from '../../deploy/iam/workload-read-iam';
import { eksAccessEntryResources } from '../../deploy/in-use-resources';
import type { CloudFormationTemplate } from '../../deploy/template-guard/cloudformation';

/**
 * The packaged template as a config that turns every in-use source of `cleanup.protect` on would
 * package it: the cleanup worker's role gains the statements deploy/iam/ builds for them, and the stack
 * the EKS access entry of a cluster named by name. The committed ecr-warden.yml reads no such source (a
 * cluster it named would not exist in a new account, and cleanup would hold every repository), so the
 * package tests check this variant beside the real template rather than packaging twice.
 */
export const EVERY_IN_USE_SOURCE: CleanupProtectIamInput = {
  kubernetes: { clusters: ['prod-eks', 'arn:aws:eks:us-west-2:123456789012:cluster/ops'] },
  workloadAccounts: [{ account: '222222222222' }, { account: '333333333333' }],
  workloadRoleName: 'ecr-warden-workload-reader',
  batch: true,
  appRunner: true,
  external: [{ bucket: 'gitops-lists', key: 'prod/in-use.json' }],
  inspectorInUseDays: 30,
};

const WORKER_ROLE = 'CleanupWorkerIamRoleLambdaExecution';

export function withEveryInUseSource(template: CloudFormationTemplate): CloudFormationTemplate {
  const copy = structuredClone(template) as CloudFormationTemplate & {
    Resources: Record<
      string,
      { Type: string; Properties: { Policies: { PolicyDocument: { Statement: unknown[] } }[] } }
    >;
  };
  const role = copy.Resources[WORKER_ROLE];
  const policy = role?.Properties.Policies[0];
  if (policy === undefined) throw new Error(`${WORKER_ROLE} has no inline policy in the packaged template`);
  const { kubernetes, inspectorInUseDays, ...rest } = EVERY_IN_USE_SOURCE;
  policy.PolicyDocument.Statement.push(
    ...inUseSourceStatements(
      {
        ...rest,
        kubernetesClusters: kubernetes?.clusters,
        inspector: inspectorInUseDays !== undefined,
      },
      (service, resource) => [regionalArn(service, resource)],
    ),
  );
  Object.assign(copy.Resources, eksAccessEntryResources(kubernetes?.clusters, WORKER_ROLE));
  return copy;
}
