// `repositories audit` over a snapshot: observeRegistry through the in-memory registry, as it reads live ECR.
import { readSnapshot } from '../../../shared/cleanup/snapshot';
import { parseConfig } from '../../../shared/config/load-config';
import { auditRepositories, observeRegistry } from '../../../shared/immutability/audit';
import { createSnapshotAuditRegistry } from '../../../shared/immutability/snapshot-registry';

const ACCOUNT = '123456789012';
const config = parseConfig({
  immutability: {
    rules: [
      { repositories: ['**'], scanning: {}, lifecyclePolicy: {}, repositoryPolicy: {}, encryption: {} },
    ],
  },
}).immutability;

/** The one region of a snapshot of these repository entries. */
function registryOf(repositories: Record<string, unknown>[]) {
  const [registry] = readSnapshot({
    snapshotVersion: 1,
    account: ACCOUNT,
    region: 'us-east-1',
    takenAt: '2026-11-01T00:00:00Z',
    repositories: repositories.map((extra) => ({ images: [], ...extra })),
  }).registries;
  if (registry === undefined) throw new Error('a snapshot always has its own region');
  return registry;
}

describe('the audit’s registry over a snapshot', () => {
  it('lists every repository with its ARN and registry, filled in from the snapshot when the entry lacks them', async () => {
    const registry = createSnapshotAuditRegistry(
      ACCOUNT,
      registryOf([{ repository: { repositoryName: 'team/app' } }]),
    );

    const pages = [];
    for await (const page of registry.listRepositoryPages()) pages.push(page);

    expect(pages).toEqual([
      [
        expect.objectContaining({
          repositoryName: 'team/app',
          repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/app`,
          registryId: ACCOUNT,
          tagMutabilityReported: 'MUTABLE',
        }),
      ],
    ]);
  });

  it('reads a missing lifecycle policy as none, and a missing repository policy or scanning as unknown', async () => {
    const registry = registryOf([
      { repository: { repositoryName: 'team/bare', encryptionConfiguration: { encryptionType: 'KMS' } } },
      {
        repository: { repositoryName: 'team/full', encryptionConfiguration: { encryptionType: 'KMS' } },
        lifecyclePolicyText: '{"rules":[]}',
        repositoryPolicyText: null,
        scanningConfiguration: { scanFrequency: 'SCAN_ON_PUSH' },
      },
    ]);

    const { observed } = await observeRegistry(config, createSnapshotAuditRegistry(ACCOUNT, registry));
    const audit = auditRepositories(config, observed, { ownAccount: ACCOUNT });

    const statuses = Object.fromEntries(
      audit.repositories.map((repository) => [
        repository.repositoryName,
        Object.fromEntries(repository.checks.map((check) => [check.baseline, check.status])),
      ]),
    );
    expect(statuses['team/bare']).toMatchObject({
      scanning: 'unknown',
      'lifecycle-policy': 'drift',
      'repository-policy': 'unknown',
    });
    expect(statuses['team/full']).toMatchObject({
      scanning: 'compliant',
      'lifecycle-policy': 'compliant',
      'repository-policy': 'compliant',
    });
  });
});
