import type { InUseReason } from '../../shared/cleanup/cleanup-reasons';

/** Container `app` of pod `name` in `namespace` of the EKS cluster prod-eks, running the image. */
export const kubernetesPodUse = (namespace: string, name: string): InUseReason => ({
  kind: 'in-use-kubernetes-pod',
  cluster: 'prod-eks',
  namespace,
  pod: name,
  container: 'app',
});

/** The ECS service payments-api of workload account 222222222222, on revision 7 of its task definition. */
export const PAYMENTS_API_SERVICE_USE: InUseReason = {
  kind: 'in-use-ecs-service',
  serviceName: 'payments-api',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:222222222222:task-definition/payments-api:7',
  account: '222222222222',
  region: 'us-east-1',
};
