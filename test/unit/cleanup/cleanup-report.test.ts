import type { RepositoryCleanupOutcome } from '../../../shared/cleanup/clean-repository';
import { buildCleanupReport, formatBytes, UPPER_BOUND_NOTE } from '../../../shared/cleanup/cleanup-report';
import { planRepositoryCleanup } from '../../../shared/cleanup/plan-repository-cleanup';
import { governanceDetailSchemas } from '../../../shared/events/governance';
import { digestOf, expireAnyAfter, NOW, policy, RepositoryBuilder } from './repository-builder';

const WHERE = { account: '123456789012', region: 'us-east-1' };
const GIB = 1024 ** 3;

/** A cleaned outcome: the plan of a small repository, with what the deletions did. */
function cleaned(overrides: Partial<Extract<RepositoryCleanupOutcome, { kind: 'cleaned' }>> = {}) {
  const builder = new RepositoryBuilder('payments/api');
  builder.image('old-1', { daysAgo: 40, sizeBytes: GIB });
  builder.image('old-2', { daysAgo: 41, sizeBytes: GIB });
  builder.image('release', { daysAgo: 40, tags: ['release-1'] });
  const plan = planRepositoryCleanup({
    repositoryName: 'payments/api',
    images: builder.images(),
    indexChildren: builder.indexChildren(),
    inUse: new Map(),
    policy: policy(expireAnyAfter(7)),
    now: NOW,
    safety: { protectTags: ['release-*'], keepAtLeast: 0, maxDeletionShare: 1 },
  });
  const outcome: RepositoryCleanupOutcome = {
    kind: 'cleaned',
    repositoryName: 'payments/api',
    dryRun: false,
    policySource: 'config',
    inventory: { imageCount: 3, indexCount: 0 },
    plan,
    deletions: {
      deleted: [digestOf('old-1'), digestOf('old-2')],
      bytesDeleted: 2 * GIB,
      alreadyGone: [],
      failures: [],
      skipped: [],
      calls: 1,
    },
    transitions: { archived: [], bytesArchived: 0, failures: [], skipped: [], calls: 0 },
    previously: undefined,
    deletionLimit: null,
    inUseSourceFailures: [],
    held: false,
    ...overrides,
  };
  return outcome;
}

describe('buildCleanupReport', () => {
  it('reports deletions, bytes as an upper bound and $/month, in a valid Cleanup Report', () => {
    const event = buildCleanupReport(cleaned(), WHERE);

    expect(event.detailType).toBe('Cleanup Report');
    expect(governanceDetailSchemas['Cleanup Report'].safeParse(event.detail).success).toBe(true);
    expect(event.detail).toMatchObject({
      repositoryName: 'payments/api',
      severity: 'info',
      summary: 'payments/api: 2 image(s) deleted, up to 2.0 GiB ($0.20/month), 1 kept',
      imagesEvaluated: 3,
      imagesDeleted: 2,
      bytesReclaimed: 2 * GIB,
      monthlySavingsUsd: 0.2,
      imagesKept: 1,
      topKeepReasons: [{ kind: 'protected-tag', count: 1 }],
      notes: [UPPER_BOUND_NOTE],
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/ecr/repositories/private/123456789012/payments/api?region=us-east-1',
    });
  });

  it('is a warning, listing what ECR refused, when a deletion failed', () => {
    const failure = {
      imageDigest: digestOf('old-2'),
      failureCode: 'ImageReferencedByManifestList',
      failureReason: 'an image index still lists it',
    };
    const outcome = cleaned({
      deletions: {
        deleted: [digestOf('old-1')],
        bytesDeleted: GIB,
        alreadyGone: [],
        failures: [failure],
        skipped: [],
        calls: 2,
      },
    });

    const { detail } = buildCleanupReport(outcome, WHERE);

    expect(detail).toMatchObject({
      severity: 'warning',
      failures: [failure],
      imagesFailed: 1,
      imagesKept: 2,
    });
    expect(detail.summary).toContain('1 could not be deleted');
  });

  it('adds what an interrupted earlier delivery of the same run deleted', () => {
    const outcome = cleaned({
      inventory: { imageCount: 3, indexCount: 0 },
      // A record written before the run kept its inventory size.
      previously: {
        deletionLimit: 10,
        imagesInventoried: null,
        imagesDeleted: 4,
        bytesReclaimed: 4 * GIB,
        imagesAlreadyGone: 0,
        inFlight: [],
      },
    });

    const { detail } = buildCleanupReport(outcome, WHERE);

    expect(detail).toMatchObject({ imagesEvaluated: 7, imagesDeleted: 6, bytesReclaimed: 6 * GIB });
  });

  it('evaluates a resumed run against the inventory its limit came from, not the smaller repository', () => {
    const outcome = cleaned({
      inventory: { imageCount: 3, indexCount: 0 },
      previously: {
        deletionLimit: 5,
        imagesInventoried: 10,
        imagesDeleted: 4,
        bytesReclaimed: 4 * GIB,
        imagesAlreadyGone: 0,
        inFlight: [],
      },
      deletionLimit: 5,
    });

    const { detail } = buildCleanupReport(outcome, WHERE);

    expect(detail).toMatchObject({ imagesEvaluated: 10, imagesDeleted: 6, deletionLimit: 5 });
  });

  it('reports archive transitions, what ECR refused and what was not sent, as a warning', () => {
    const archived = `sha256:${'a'.repeat(64)}`;
    const refused = `sha256:${'b'.repeat(64)}`;
    const notSent = `sha256:${'c'.repeat(64)}`;
    const outcome = cleaned({
      plan: {
        ...cleaned().plan,
        transition: [archived, refused, notSent].map((imageDigest) => ({
          imageDigest,
          imageTags: [],
          rulePriority: 1,
          targetStorageClass: 'archive' as const,
          bytes: 100 * GIB,
        })),
      },
      transitions: {
        archived: [archived],
        bytesArchived: 100 * GIB,
        failures: [
          {
            imageDigest: refused,
            failureCode: 'ImageStorageClassUpdateNotSupportedException',
            failureReason: 'listed by an active manifest list',
          },
        ],
        skipped: [{ imageDigest: notSent, dependsOn: `sha256:${'d'.repeat(64)}` }],
        calls: 2,
      },
    });

    const { detail } = buildCleanupReport(outcome, WHERE);

    expect(governanceDetailSchemas['Cleanup Report'].safeParse(detail).success).toBe(true);
    expect(detail).toMatchObject({
      severity: 'warning',
      imagesArchived: 1,
      bytesArchived: 100 * GIB,
      archiveMonthlySavingsUsd: 3,
      archiveFailures: [
        { imageDigest: refused, failureCode: 'ImageStorageClassUpdateNotSupportedException' },
        { imageDigest: notSent, failureCode: 'NotSent' },
      ],
    });
    expect(detail.summary).toContain('1 archived');
  });

  it('reports a held repository as a warning that leads with the failed sources, nothing deleted', () => {
    const nothing = { deleted: [], bytesDeleted: 0, alreadyGone: [], failures: [], skipped: [], calls: 0 };
    const failures = [
      {
        source: 'kubernetes:prod-eks',
        reason: 'TimeoutError: connect ETIMEDOUT 10.0.3.7:443',
        errorName: 'TimeoutError',
      },
      { source: 'external:argocd-prod', reason: 'StaleInUseListError: generated 30 h ago' },
    ];

    const { detail } = buildCleanupReport(
      cleaned({ deletions: nothing, held: true, inUseSourceFailures: failures }),
      WHERE,
    );

    expect(governanceDetailSchemas['Cleanup Report'].safeParse(detail).success).toBe(true);
    expect(detail).toMatchObject({
      severity: 'warning',
      summary: 'payments/api: held, nothing deleted: an in-use source could not be read; 3 kept',
      imagesDeleted: 0,
      bytesReclaimed: 0,
      held: true,
      imagesHeld: 2,
      inUseSourceFailures: failures,
    });
    const report = detail as { notes: string[]; topKeepReasons: { kind: string; count: number }[] };
    expect(report.notes[0]).toBe(
      'Held: kubernetes:prod-eks could not be read (TimeoutError: connect ETIMEDOUT 10.0.3.7:443) and 1 other source(s); 2 deletion(s) wait for a run that reads every source.',
    );
    expect(report.topKeepReasons).toContainEqual({ kind: 'in-use-source-failed', count: 2 });
  });

  it('reports a repository that was deleted before the run as nothing to do', () => {
    const { detail } = buildCleanupReport(
      { kind: 'repository-not-found', repositoryName: 'payments/old', dryRun: true },
      WHERE,
    );

    expect(governanceDetailSchemas['Cleanup Report'].safeParse(detail).success).toBe(true);
    expect(detail).toMatchObject({ outcome: 'repository-not-found', imagesEvaluated: 0, severity: 'info' });
  });

  it('formats sizes in binary units', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(5 * GIB)]).toEqual([
      '512 B',
      '1.5 KiB',
      '5.0 GiB',
    ]);
  });
});
