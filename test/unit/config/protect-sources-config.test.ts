import { ConfigError, type ConfigIssue } from '../../../shared/config/config-error';
import { parseConfig, parseConfigText } from '../../../shared/config/load-config';

/** The issues a `cleanup.protect` section is refused with. */
function issuesOf(protect: Record<string, unknown>): ConfigIssue[] {
  try {
    parseConfig({ cleanup: { protect } });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('the config was accepted');
}

describe("cleanup.protect's in-use sources (issue 14)", () => {
  it('reads the documented example', () => {
    const config = parseConfigText(`
cleanup:
  protect:
    kubernetes:
      clusters: [prod-eks, "arn:aws:eks:us-east-1:111111111111:cluster/ops"]
      vpc: { subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-0123abcd] }
    workloadAccounts:
      - { account: "222222222222", regions: [us-east-1, eu-west-1], kubernetesClusters: all }
    workloadRoleExternalId: ecr-warden-prod
    batch: true
    appRunner: true
    external: [{ source: argocd-prod, bucket: gitops-lists, key: prod/images.json, maxAgeHours: 12 }]
    inspectorInUseDays: 30
`);

    expect(config.cleanup.protect).toEqual({
      tags: [],
      taskDefinitionRevisions: 3,
      kubernetes: {
        clusters: ['prod-eks', 'arn:aws:eks:us-east-1:111111111111:cluster/ops'],
        vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123abcd'] },
      },
      workloadAccounts: [
        { account: '222222222222', regions: ['us-east-1', 'eu-west-1'], kubernetesClusters: 'all' },
      ],
      workloadRoleName: 'ecr-warden-workload-reader',
      workloadRoleExternalId: 'ecr-warden-prod',
      batch: true,
      appRunner: true,
      external: [{ source: 'argocd-prod', bucket: 'gitops-lists', key: 'prod/images.json', maxAgeHours: 12 }],
      inspectorInUseDays: 30,
    });
  });

  it('gives an external list 24 hours when maxAgeHours is left out', () => {
    const { protect } = parseConfig({
      cleanup: { protect: { external: [{ source: 'helm', bucket: 'lists', key: 'helm.json' }] } },
    }).cleanup;

    expect(protect.external).toEqual([
      { source: 'helm', bucket: 'lists', key: 'helm.json', maxAgeHours: 24 },
    ]);
  });

  it.each([
    {
      what: 'an account id that is not 12 digits (YAML read an unquoted one as a number)',
      protect: { workloadAccounts: [{ account: 22222222222, regions: ['us-east-1'] }] },
      issue: {
        path: 'cleanup.protect.workloadAccounts[0].account',
        message: 'must be a 12-digit AWS account id (quoted, e.g. "222222222222")',
      },
    },
    {
      what: 'a region that is not a region name',
      protect: { workloadAccounts: [{ account: '222222222222', regions: ['us-east'] }] },
      issue: {
        path: 'cleanup.protect.workloadAccounts[0].regions[0]',
        message: 'must be an AWS region such as us-east-1',
      },
    },
    {
      what: 'an account listed twice',
      protect: {
        workloadAccounts: [
          { account: '222222222222', regions: ['us-east-1'] },
          { account: '222222222222', regions: ['eu-west-1'] },
        ],
      },
      issue: {
        path: 'cleanup.protect.workloadAccounts[1]',
        message: 'account "222222222222" is already listed at [0]',
      },
    },
    {
      what: 'a region listed twice for one account',
      protect: { workloadAccounts: [{ account: '222222222222', regions: ['us-east-1', 'us-east-1'] }] },
      issue: {
        path: 'cleanup.protect.workloadAccounts[0].regions[1]',
        message: 'region "us-east-1" is already listed at [0]',
      },
    },
    {
      what: 'a cluster ARN of another service',
      protect: { kubernetes: { clusters: ['arn:aws:ecs:us-east-1:111111111111:cluster/ops'] } },
      issue: {
        path: 'cleanup.protect.kubernetes.clusters[0]',
        message: expect.stringMatching(
          /^must be an EKS cluster ARN such as arn:aws:eks:us-east-1:111111111111:cluster\/prod/,
        ),
      },
    },
    {
      what: 'a cluster ARN without an account',
      protect: { kubernetes: { clusters: ['arn:aws:eks:us-east-1::cluster/ops'] } },
      issue: {
        path: 'cleanup.protect.kubernetes.clusters[0]',
        message: expect.stringMatching(/^must be an EKS cluster ARN/),
      },
    },
    {
      what: 'a cluster name EKS would refuse',
      protect: { kubernetes: { clusters: ['-prod'] } },
      issue: {
        path: 'cleanup.protect.kubernetes.clusters[0]',
        message: expect.stringMatching(/^must be an EKS cluster name \(1-100 of/),
      },
    },
    {
      what: 'an empty cluster list',
      protect: { kubernetes: { clusters: [] } },
      issue: {
        path: 'cleanup.protect.kubernetes.clusters',
        message: 'must list at least one cluster, or be "all"',
      },
    },
    {
      what: 'a role name with a slash',
      protect: { workloadRoleName: 'team/reader' },
      issue: {
        path: 'cleanup.protect.workloadRoleName',
        message: 'must be an IAM role name: 1-64 of A-Z a-z 0-9 _ + = , . @ -',
      },
    },
    {
      what: 'an external id with a space',
      protect: { workloadRoleExternalId: 'not allowed' },
      issue: {
        path: 'cleanup.protect.workloadRoleExternalId',
        message: 'must be 2-1224 of A-Z a-z 0-9 _ + = , . @ : / - (no spaces)',
      },
    },
    {
      what: 'an external list in a bucket S3 would not name so',
      protect: { external: [{ source: 'argocd', bucket: 'Gitops_Lists', key: 'k' }] },
      issue: {
        path: 'cleanup.protect.external[0].bucket',
        message: 'must be an S3 bucket name: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit',
      },
    },
    {
      what: 'two external lists of one source name',
      protect: {
        external: [
          { source: 'argocd', bucket: 'lists', key: 'a.json' },
          { source: 'argocd', bucket: 'lists', key: 'b.json' },
        ],
      },
      issue: { path: 'cleanup.protect.external[1]', message: 'source "argocd" is already listed at [0]' },
    },
    {
      what: 'an Inspector window of 0 days',
      protect: { inspectorInUseDays: 0 },
      issue: { path: 'cleanup.protect.inspectorInUseDays', message: 'must be >= 1' },
    },
    {
      what: 'a misspelt key',
      protect: { workloadAccount: [] },
      issue: { path: 'cleanup.protect.workloadAccount', message: 'unknown key' },
    },
  ])('refuses $what, naming the field', ({ protect, issue }) => {
    expect(issuesOf(protect)).toEqual([issue]);
  });
});
