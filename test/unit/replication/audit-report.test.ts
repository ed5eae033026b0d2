import { replicationAuditReportDetail } from '../../../shared/events/governance';
import { buildAuditReport } from '../../../shared/replication/audit-report';
import { auditResult, comparison, digest, image } from './replication-builders';

const build = (result: Parameters<typeof buildAuditReport>[0]['result'], expected = ['us-west-2']) =>
  buildAuditReport({ result, expectedDestinationRegions: expected });

describe('buildAuditReport', () => {
  it('says a clean run in one line, with no repository listed, at info severity', () => {
    const report = build(auditResult({ repositoriesSelected: 14, repositoriesAudited: 14 }));

    expect(report).toMatchObject({
      clean: true,
      severity: 'info',
      summary: 'Replication audit: all 14 replicated repositories match their replicas in us-west-2',
      repositories: [],
      problemCounts: {},
      recommendations: [],
    });
    expect(replicationAuditReportDetail.safeParse(report).success).toBe(true);
  });

  it('counts images, tags, settings and regions, and is critical when images are missing or failed', () => {
    const missing = {
      ...image('gone', 30, ['v3.1.0']),
      preRule: false,
      reason: 'deleted-from-destination' as const,
    };
    const preRule = { ...image('old', 300, ['v1.0.0']), preRule: true, reason: 'never-replicated' as const };
    const report = build(
      auditResult({
        comparisons: [
          comparison({
            missing: [missing, preRule],
            failed: [{ ...image('failed', 6, ['v3.2.0']), failureCode: 'KMS_KEY_NOT_FOUND' }],
            tagMismatches: [{ tag: 'latest', sourceDigest: digest('a'), replicaDigest: digest('b') }],
            drift: [{ setting: 'encryption', source: 'KMS', replica: 'AES256' }],
          }),
        ],
        unreachableRegions: ['eu-west-1'],
        notAudited: [
          {
            kind: 'unreachable',
            destinationRegion: 'eu-west-1',
            repositories: 3,
            reason: 'eu-west-1 unreachable: ECONNREFUSED',
          },
        ],
      }),
    );

    expect(report.severity).toBe('critical');
    expect(report.clean).toBe(false);
    expect(report.problemCounts).toEqual({
      'missing-image': 1,
      'missing-pre-rule-image': 1,
      'replication-failed': 1,
      'digest-mismatch': 1,
      'settings-drift': 1,
      'region-unreachable': 1,
    });
    expect(report.repositories[0]?.problems.map((p) => p.kind)).toEqual([
      'missing-pre-rule-image',
      'missing-image',
      'replication-failed',
      'digest-mismatch',
      'settings-drift',
    ]);
    expect(replicationAuditReportDetail.safeParse(report).success).toBe(true);
  });

  it('recommends a backfill with the command to run, and says when remediation would do it', () => {
    const preRule = { ...image('old', 300, ['v1.0.0']), preRule: true, reason: 'never-replicated' as const };
    const report = buildAuditReport({
      result: auditResult({ comparisons: [comparison({ missing: [preRule] })] }),
      expectedDestinationRegions: ['us-west-2'],
      remediation: {
        dryRun: true,
        outcomes: [
          {
            action: 'start-backfill',
            destinationRegion: 'us-west-2',
            outcome: 'would-apply',
            detail: 'would start',
          },
        ],
      },
    });

    expect(report.severity).toBe('warning');
    expect(report.recommendations).toEqual([
      expect.stringContaining(
        'aws ecr start-replication-backfill --region us-east-1 --destination region=us-west-2,registryId=123456789012 (replication.remediate would do this; it is in dry run)',
      ),
    ]);
    expect(report.remediation).toEqual({
      dryRun: true,
      actionCount: 1,
      actions: [
        {
          action: 'start-backfill',
          destinationRegion: 'us-west-2',
          outcome: 'would-apply',
          detail: 'would start',
        },
      ],
    });
  });

  it('warns that a registry without rules replicates nothing when destinations are expected', () => {
    const report = build(
      auditResult({ ruleCount: 0, destinationRegions: [], repositoriesSelected: 0, repositoriesAudited: 0 }),
    );

    expect(report).toMatchObject({ clean: false, severity: 'warning' });
    expect(report.summary).toMatch(/has no replication rule, so nothing is replicated/);
  });

  it('is not clean when part of the registry could not be audited, and says what to do', () => {
    const report = build(
      auditResult({
        notAudited: [
          {
            kind: 'region-out-of-scope',
            destinationRegion: 'eu-west-1',
            repositories: 2,
            reason: 'not readable',
          },
        ],
      }),
    );

    expect(report.clean).toBe(false);
    expect(report.notAudited).toEqual([
      { destinationRegion: 'eu-west-1', repositories: 2, reason: 'not readable' },
    ]);
    expect(report.recommendations).toEqual([
      'Add eu-west-1 to replication.destinationRegions in ecr-warden.yml so that it is audited.',
    ]);
  });

  it('lists at most 100 repositories, most urgent first, within the size PutEvents accepts', () => {
    const noisy = Array.from({ length: 400 }, (_, n) =>
      comparison({
        repositoryName: `team/service-${String(n).padStart(3, '0')}-${'x'.repeat(180)}`,
        drift: [
          { setting: 'lifecycle-policy', source: '2 rules', replica: 'none' },
          { setting: 'tag-mutability', source: 'IMMUTABLE', replica: 'MUTABLE' },
        ],
      }),
    );
    const urgent = comparison({
      repositoryName: 'zzz/last-by-name',
      failed: [{ ...image('f', 6), failureCode: 'ACCESS_DENIED' }],
    });

    const report = build(auditResult({ comparisons: [...noisy, urgent], repositoriesAudited: 401 }));

    expect(report.repositories.length).toBeLessThanOrEqual(100);
    expect(report.repositories[0]?.repositoryName).toBe('zzz/last-by-name');
    expect(report.repositoriesWithProblems).toBe(401);
    expect(report.problemCounts['settings-drift']).toBe(800);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(256 * 1024);
    expect(replicationAuditReportDetail.safeParse(report).success).toBe(true);
  });
});
