import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  EKSClient,
  InvalidRequestException,
  ListAccessEntriesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { SAMPLE_CLUSTER_NAME, sampleClusterObjects } from '../../../local/kubernetes-api/sample-cluster';
import {
  type KubernetesApiStandIn,
  STAND_IN_CREDENTIALS,
  startKubernetesApiStandIn,
} from '../../../local/kubernetes-api/server';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { EKS_VIEW_POLICY_ARN } from '../../../local/registry-sim/model/eks';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { eksClustersToRead, readEksClusterObjects } from '../../../shared/aws/eks-cluster-objects';
import {
  describeEksClusterEndpoint,
  eksClusterName,
  listEksClusterNames,
} from '../../../shared/aws/eks-clusters';

const WORKER_ROLE = STAND_IN_CREDENTIALS.arn as string;
let sim: RegistrySimulator;
let env: InstalledSimulator;
const eks = new EKSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

beforeEach(() => {
  sim = createRegistrySimulator();
  env = sim.install();
});

afterEach(() => env.restore());

describe('registry simulator: EKS', () => {
  it('lists every cluster of the account and region, page after page (ListClusters, 100 a page)', async () => {
    for (let i = 0; i < 150; i++) sim.addEksCluster({ name: `cluster-${String(i).padStart(3, '0')}` });
    sim.addEksCluster({ name: 'elsewhere', region: 'eu-west-1' });

    const names = await listEksClusterNames(eks);

    expect(names).toHaveLength(150);
    expect(names[0]).toBe('cluster-000');
    expect(names).not.toContain('elsewhere');
    expect(env.calls.count('ListClusters', { service: 'eks' })).toBe(2);
  });

  it('describes a cluster by name or ARN: its endpoint, CA and status', async () => {
    sim.addEksCluster({ name: 'prod-eks', endpoint: 'https://127.0.0.1:6443', caData: 'Q0E=' });

    const byArn = await describeEksClusterEndpoint(
      eks,
      'arn:aws:eks:us-east-1:123456789012:cluster/prod-eks',
    );

    expect(byArn).toEqual({
      name: 'prod-eks',
      arn: 'arn:aws:eks:us-east-1:123456789012:cluster/prod-eks',
      endpoint: 'https://127.0.0.1:6443',
      caData: 'Q0E=',
      status: 'ACTIVE',
    });
    expect(eksClusterName('prod-eks')).toBe('prod-eks');
  });

  it('answers ResourceNotFoundException for an unknown cluster, and a clear error for one still CREATING', async () => {
    sim.addEksCluster({ name: 'new-eks', status: 'CREATING' });

    await expect(describeEksClusterEndpoint(eks, 'missing')).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(describeEksClusterEndpoint(eks, 'new-eks')).rejects.toMatchObject({
      name: 'EksClusterNotReadableError',
      message: 'EKS cluster new-eks has no API endpoint or certificate authority yet (status CREATING)',
    });
  });

  it('creates access entries, associates access policies and lists the entries', async () => {
    sim.addEksCluster({ name: 'prod-eks' });

    const created = await eks.send(
      new CreateAccessEntryCommand({ clusterName: 'prod-eks', principalArn: WORKER_ROLE }),
    );
    const associated = await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: 'prod-eks',
        principalArn: WORKER_ROLE,
        policyArn: EKS_VIEW_POLICY_ARN,
        accessScope: { type: 'cluster' },
      }),
    );
    const listed = await eks.send(
      new ListAccessEntriesCommand({ clusterName: 'prod-eks', associatedPolicyArn: EKS_VIEW_POLICY_ARN }),
    );

    expect(created.accessEntry).toMatchObject({
      principalArn: WORKER_ROLE,
      type: 'STANDARD',
      username: 'arn:aws:sts::123456789012:assumed-role/ecr-warden-cleanup-worker/{{SessionName}}',
    });
    expect(associated.associatedAccessPolicy).toMatchObject({
      policyArn: EKS_VIEW_POLICY_ARN,
      accessScope: { type: 'cluster', namespaces: [] },
    });
    expect(listed.accessEntries).toEqual([WORKER_ROLE]);
    await expect(
      eks.send(new CreateAccessEntryCommand({ clusterName: 'prod-eks', principalArn: WORKER_ROLE })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
  });

  it('refuses access entries on a cluster whose authentication mode is CONFIG_MAP', async () => {
    sim.addEksCluster({ name: 'legacy-eks', authenticationMode: 'CONFIG_MAP' });

    const create = eks.send(
      new CreateAccessEntryCommand({ clusterName: 'legacy-eks', principalArn: WORKER_ROLE }),
    );

    await expect(create).rejects.toBeInstanceOf(InvalidRequestException);
  });

  describe('with a Kubernetes API stand-in behind the cluster endpoint', () => {
    let standIn: KubernetesApiStandIn;
    afterEach(async () => standIn.close());

    it('reads the cluster DescribeCluster names once its access entry allows it, and answers 403 before', async () => {
      standIn = await startKubernetesApiStandIn({
        clusterName: SAMPLE_CLUSTER_NAME,
        objects: sampleClusterObjects(),
        authorize: (principal) => sim.eks().allowsClusterWideRead(SAMPLE_CLUSTER_NAME, principal.arn ?? ''),
      });
      sim.addEksCluster({ name: SAMPLE_CLUSTER_NAME, endpoint: standIn.url, caData: standIn.caData });
      const worker = new EKSClient({ region: 'us-east-1', credentials: STAND_IN_CREDENTIALS });
      const read = () =>
        readEksClusterObjects(worker, SAMPLE_CLUSTER_NAME, { retry: { sleep: async () => {} } });

      await expect(read()).rejects.toMatchObject({ name: 'KubernetesApiError', status: 403 });
      await eks.send(
        new CreateAccessEntryCommand({ clusterName: SAMPLE_CLUSTER_NAME, principalArn: WORKER_ROLE }),
      );
      await eks.send(
        new AssociateAccessPolicyCommand({
          clusterName: SAMPLE_CLUSTER_NAME,
          principalArn: WORKER_ROLE,
          policyArn: EKS_VIEW_POLICY_ARN,
          accessScope: { type: 'cluster' },
        }),
      );
      const list = await read();

      expect(list.items).toHaveLength(sampleClusterObjects().length);
    });

    it('reads every cluster for `all`, and refuses an ARN of another region', async () => {
      standIn = await startKubernetesApiStandIn({ clusterName: 'b-eks', objects: sampleClusterObjects() });
      sim.addEksCluster({ name: 'a-eks', status: 'CREATING' });
      sim.addEksCluster({ name: 'b-eks', endpoint: standIn.url, caData: standIn.caData });
      const worker = new EKSClient({ region: 'us-east-1', credentials: STAND_IN_CREDENTIALS });

      expect(await eksClustersToRead(worker, 'all')).toEqual(['a-eks', 'b-eks']);
      expect(await eksClustersToRead(worker, ['b-eks'])).toEqual(['b-eks']);
      await expect(readEksClusterObjects(worker, 'a-eks')).rejects.toMatchObject({
        name: 'EksClusterNotReadableError',
      });
      expect(
        (await readEksClusterObjects(worker, 'arn:aws:eks:us-east-1:123456789012:cluster/b-eks')).items,
      ).toHaveLength(sampleClusterObjects().length);
      await expect(
        readEksClusterObjects(worker, 'arn:aws:eks:eu-west-1:123456789012:cluster/b-eks'),
      ).rejects.toThrow(
        'EKS cluster arn:aws:eks:eu-west-1:123456789012:cluster/b-eks is in eu-west-1; it was to be read with an EKS client of us-east-1',
      );
    });
  });
});
