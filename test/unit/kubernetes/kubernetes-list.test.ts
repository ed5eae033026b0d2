import { eksClusterArnLocation, eksClusterName } from '../../../shared/aws/eks-clusters';
import { IN_USE_RESOURCES, toInUseListItem } from '../../../shared/kubernetes/kubernetes-list';

const resource = (kind: string) => {
  const found = IN_USE_RESOURCES.find((r) => r.kind === kind);
  if (found === undefined) throw new Error(kind);
  return found;
};

describe('toInUseListItem', () => {
  it('keeps every container list of a pod and its statuses, names and images only', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'n', uid: 'u', labels: { a: 'b' }, managedFields: [{}] },
      spec: {
        containers: [{ name: 'app', image: 'r/app:1', env: [{ name: 'SECRET', value: 'x' }] }],
        initContainers: [{ name: 'init', image: 'r/init:1', command: ['sh'] }],
        ephemeralContainers: [{ name: 'debug', image: 'r/debug:1', stdin: true }],
        volumes: [{ name: 'v' }],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready' }],
        initContainerStatuses: [{ name: 'init', image: 'r/init:1', imageID: 'r/init@sha256:1', state: {} }],
        ephemeralContainerStatuses: [{ name: 'debug', image: 'r/debug:1', imageID: 'r/debug@sha256:2' }],
      },
    };

    expect(toInUseListItem(resource('Pod'), pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n', uid: 'u' },
      spec: {
        containers: [{ name: 'app', image: 'r/app:1' }],
        initContainers: [{ name: 'init', image: 'r/init:1' }],
        ephemeralContainers: [{ name: 'debug', image: 'r/debug:1' }],
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [{ name: 'init', image: 'r/init:1', imageID: 'r/init@sha256:1' }],
        ephemeralContainerStatuses: [{ name: 'debug', image: 'r/debug:1', imageID: 'r/debug@sha256:2' }],
      },
    });
  });

  it('leaves out a spec the object does not have, so that the converter can fail closed on it', () => {
    const item = toInUseListItem(resource('Deployment'), { metadata: { name: 'd', namespace: 'n' } });

    expect(item).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'n' },
    });
  });

  it('keeps an item that is not an object as an empty one of its kind, never drops it', () => {
    expect(toInUseListItem(resource('Job'), 'garbage')).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {},
    });
  });
});

describe('eksClusterName', () => {
  it('is the name of an EKS cluster ARN (any partition), and a bare name as it is', () => {
    expect(eksClusterName('arn:aws:eks:us-east-1:111111111111:cluster/ops')).toBe('ops');
    expect(eksClusterName('arn:aws-cn:eks:cn-north-1:111111111111:cluster/cn-ops')).toBe('cn-ops');
    expect(eksClusterName('prod-eks')).toBe('prod-eks');
    expect(eksClusterArnLocation('arn:aws:eks:eu-west-1:222222222222:cluster/x')).toEqual({
      account: '222222222222',
      region: 'eu-west-1',
    });
    expect(eksClusterArnLocation('prod-eks')).toBeUndefined();
  });
});
