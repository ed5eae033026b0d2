import { eksAccessEntryResources } from '../../../deploy/in-use-resources';

describe('eksAccessEntryResources', () => {
  it('gives each cluster named by name one access entry for the worker role, with the view policy over the cluster', () => {
    const resources = eksAccessEntryResources(['prod-eks'], 'CleanupWorkerIamRoleLambdaExecution');

    expect(Object.values(resources)).toEqual([
      {
        Type: 'AWS::EKS::AccessEntry',
        Properties: {
          ClusterName: 'prod-eks',
          PrincipalArn: { 'Fn::GetAtt': ['CleanupWorkerIamRoleLambdaExecution', 'Arn'] },
          Type: 'STANDARD',
          AccessPolicies: [
            {
              PolicyArn: {
                'Fn::Sub': `arn:\${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy`,
              },
              AccessScope: { Type: 'cluster' },
            },
          ],
        },
      },
    ]);
    expect(Object.keys(resources)[0]).toMatch(/^CleanupWorkerAccessEntryProdEks[0-9a-f]{8}$/);
  });

  it('creates none for clusters named by ARN, for `all`, or without clusters', () => {
    expect(eksAccessEntryResources(['arn:aws:eks:eu-west-1:111111111111:cluster/ops'], 'Role')).toEqual({});
    expect(eksAccessEntryResources('all', 'Role')).toEqual({});
    expect(eksAccessEntryResources(undefined, 'Role')).toEqual({});
  });

  it('keeps clusters whose names differ only in punctuation apart, and lists a cluster named twice once', () => {
    const ids = Object.keys(eksAccessEntryResources(['prod-eks', 'prod_eks', 'prod-eks'], 'Role'));

    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^[A-Za-z0-9]+$/.test(id))).toBe(true);
  });
});
