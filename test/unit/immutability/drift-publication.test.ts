import type { GovernanceEvent } from '../../../shared/events/governance';
import type { Baseline, BaselineCheck } from '../../../shared/immutability/check-baselines';
import {
  type DriftPublicationContext,
  openDriftPublication,
} from '../../../shared/immutability/drift-publication';
import type { DriftLedgerPort, DriftRecord } from '../../../shared/immutability/ports';
import type { StructuredLogger } from '../../../shared/logger';
import { createRecordingPublisher } from '../../support/recording-publisher';

/**
 * The drift publication on its own, against an in-memory drift ledger and publisher that keep one
 * journal of the calls in order: the outbox and retry paths that the integration tests reach only
 * through a whole guard.
 */

const REPOSITORY = 'payments/api';
const silentLogger: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };

type Drift = Extract<BaselineCheck, { status: 'drift' }>;

function tagImmutabilityDrift(): Drift {
  return {
    baseline: 'tag-immutability',
    status: 'drift',
    expected: 'IMMUTABLE',
    actual: 'MUTABLE',
    severity: 'warning',
    fix: {
      kind: 'put-image-tag-mutability',
      setting: { mode: 'IMMUTABLE', exclusions: [] },
      remediate: true,
    },
  };
}

/** The drift ledger's record of the drift above, reported before with remediate off. */
function reportedAsReportOnly(): DriftRecord {
  return {
    baseline: 'tag-immutability',
    expected: 'IMMUTABLE',
    actual: 'MUTABLE',
    remediation: 'report-only',
    reportedAt: '2026-12-01T00:00:00.000Z',
  };
}

function context(overrides: Partial<DriftPublicationContext> = {}): DriftPublicationContext {
  return { account: '123456789012', region: 'us-east-1', related: [], ...overrides };
}

interface Journal {
  entry: string;
  record?: DriftRecord;
}

/** A drift ledger and publisher in memory, journalling their calls in order. */
function createWorld(initial: DriftRecord[] = []) {
  const ledger = new Map<Baseline, DriftRecord>(initial.map((record) => [record.baseline, { ...record }]));
  const journal: Journal[] = [];
  const driftLedger: DriftLedgerPort = {
    async read(repositoryName) {
      journal.push({ entry: `read ${repositoryName}` });
      return [...ledger.values()].map((record) => ({ ...record }));
    },
    async write(repositoryName, record) {
      journal.push({ entry: `write ${repositoryName} ${record.baseline}`, record });
      ledger.set(record.baseline, { ...record });
    },
    async remove(repositoryName, baseline) {
      journal.push({ entry: `remove ${repositoryName} ${baseline}` });
      ledger.delete(baseline);
    },
  };
  const { publisher, published, failNextPublish } = createRecordingPublisher((events) => {
    journal.push({ entry: `publish ${events.length}` });
  });
  return {
    ledger,
    journal,
    entries: () => journal.map((item) => item.entry),
    published: () => published,
    failNextPublish,
    ports: { driftLedger, publisher, logger: silentLogger },
  };
}

describe('drift publication', () => {
  it('writes the event of a fix to the outbox before it publishes it, and empties the outbox after', async () => {
    const world = createWorld();
    const publication = await openDriftPublication(world.ports, REPOSITORY, context());

    await publication.noteDrift(tagImmutabilityDrift(), { outcome: 'applied' });
    const published = await publication.publish();

    expect(published).toBe(1);
    expect(world.entries()).toEqual([
      `read ${REPOSITORY}`,
      `write ${REPOSITORY} tag-immutability`,
      'publish 1',
      `remove ${REPOSITORY} tag-immutability`,
    ]);
    const outboxEvent = JSON.parse(world.journal[1]?.record?.pendingEvent ?? 'null') as GovernanceEvent;
    expect(outboxEvent).toEqual(world.published()[0]);
    expect(outboxEvent.detail).toMatchObject({ remediation: 'applied', repositoryName: REPOSITORY });
    expect(world.ledger.size).toBe(0);
  });

  it('keeps the fix in the outbox when publishing fails, and the retry that finds the repository compliant publishes it once', async () => {
    const world = createWorld();
    const failing = await openDriftPublication(world.ports, REPOSITORY, context({ changedBy: 'alice' }));
    await failing.noteDrift(tagImmutabilityDrift(), { outcome: 'applied' });
    world.failNextPublish(new Error('EventBridge unreachable'));

    await expect(failing.publish()).rejects.toThrow('EventBridge unreachable');
    expect(world.ledger.get('tag-immutability')?.pendingEvent).toBeDefined();
    const kept = JSON.parse(world.ledger.get('tag-immutability')?.pendingEvent ?? 'null') as GovernanceEvent;

    const retry = await openDriftPublication(world.ports, REPOSITORY, context());
    retry.noteCompliant('tag-immutability');
    const published = await retry.publish();

    expect(published).toBe(1);
    expect(world.published()).toEqual([kept]);
    expect(kept.detail).toMatchObject({ remediation: 'applied', changedBy: 'alice' });
    expect(world.ledger.size).toBe(0);

    const next = await openDriftPublication(world.ports, REPOSITORY, context());
    next.noteCompliant('tag-immutability');
    expect(await next.publish()).toBe(0);
    expect(world.published()).toHaveLength(1);
  });

  it('records a drift it cannot fix only after publishing it, so that a failed publish reports it again', async () => {
    const world = createWorld();
    const failing = await openDriftPublication(world.ports, REPOSITORY, context());
    await failing.noteDrift(tagImmutabilityDrift(), { outcome: 'would-apply' });
    world.failNextPublish(new Error('EventBridge unreachable'));

    await expect(failing.publish()).rejects.toThrow('EventBridge unreachable');
    expect(world.ledger.size).toBe(0);

    const retry = await openDriftPublication(world.ports, REPOSITORY, context());
    await retry.noteDrift(tagImmutabilityDrift(), { outcome: 'would-apply' });
    expect(await retry.publish()).toBe(1);
    expect(world.entries().slice(-2)).toEqual(['publish 1', `write ${REPOSITORY} tag-immutability`]);
    expect(world.ledger.get('tag-immutability')).toMatchObject({
      remediation: 'would-apply',
      expected: 'IMMUTABLE',
      actual: 'MUTABLE',
    });
    expect(world.ledger.get('tag-immutability')?.pendingEvent).toBeUndefined();
  });

  it('stays quiet about a drift reported before with the same values and outcome', async () => {
    const world = createWorld([reportedAsReportOnly()]);
    const publication = await openDriftPublication(world.ports, REPOSITORY, context());

    await publication.noteDrift(tagImmutabilityDrift(), { outcome: 'report-only' });

    expect(await publication.publish()).toBe(0);
    expect(world.entries()).toEqual([`read ${REPOSITORY}`]);
  });

  it.each<[string, DriftPublicationContext, string]>([
    ['the remediation changed', context(), 'failed'],
    ['a CloudTrail event names the baseline', context({ related: ['tag-immutability'] }), 'report-only'],
  ])('reports a drift reported before again when %s', async (_case, publicationContext, outcome) => {
    const world = createWorld([reportedAsReportOnly()]);
    const publication = await openDriftPublication(world.ports, REPOSITORY, publicationContext);

    await publication.noteDrift(tagImmutabilityDrift(), {
      outcome: outcome as 'failed' | 'report-only',
      ...(outcome === 'failed' ? { failure: 'AccessDeniedException: no' } : {}),
    });

    expect(await publication.publish()).toBe(1);
    expect(world.published()[0]?.detail).toMatchObject({ remediation: outcome });
    expect(world.ledger.get('tag-immutability')?.remediation).toBe(outcome);
  });

  it('forgets a drift that is compliant now, publishing nothing when its outbox is empty', async () => {
    const world = createWorld([reportedAsReportOnly()]);
    const publication = await openDriftPublication(world.ports, REPOSITORY, context());

    publication.noteCompliant('tag-immutability');
    publication.noteCompliant('lifecycle-policy');

    expect(await publication.publish()).toBe(0);
    expect(world.entries()).toEqual([`read ${REPOSITORY}`, `remove ${REPOSITORY} tag-immutability`]);
  });
});
