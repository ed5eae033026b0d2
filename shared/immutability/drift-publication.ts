import type { GovernanceEvent, GovernanceEventSink } from '../events/governance';
import type { StructuredLogger } from '../logger';
import type { Baseline, BaselineCheck } from './check-baselines';
import { buildDriftEvent, type RemediationOutcome } from './guard-events';
import type { DriftLedgerPort, DriftRecord } from './ports';

/**
 * The repository guard's drift publication for one repository check: which drifts are news, the
 * "Repository Settings Drift" events they become, and the drift ledger that keeps the sweep quiet about
 * drifts it already reported and holds the events of fixes until they are published (the outbox).
 *
 * The order is what makes it safe to retry: a fix's event is written to the outbox right after the
 * fix and before anything is published; events are published first and the ledger updated after, so
 * that a failure in between reports a drift twice, never zero times.
 */

export interface DriftPublicationPorts {
  driftLedger: DriftLedgerPort;
  publisher: GovernanceEventSink;
  logger: StructuredLogger;
}

export interface DriftPublicationContext {
  account: string;
  /** The account's alias when the hub knows one (issue 15): every governance event carries it. */
  accountAlias?: string | undefined;
  region: string;
  /** Baselines a CloudTrail event says were just changed: reported even when reported before. */
  related: readonly Baseline[];
  changedBy?: string;
  cloudTrailEventId?: string;
}

export interface RemediationResult {
  outcome: RemediationOutcome;
  /** Why remediation failed (an error name and message). */
  failure?: string;
}

type Drift = Extract<BaselineCheck, { status: 'drift' }>;

/** Reads what the drift ledger holds for the repository and starts its drift publication. */
export async function openDriftPublication(
  ports: DriftPublicationPorts,
  repositoryName: string,
  context: DriftPublicationContext,
): Promise<DriftPublication> {
  const reported = await ports.driftLedger.read(repositoryName);
  return new DriftPublication(ports, repositoryName, context, reported);
}

export class DriftPublication {
  private readonly reported: Map<Baseline, DriftRecord>;
  private readonly events: GovernanceEvent[] = [];
  private readonly records: DriftRecord[] = [];
  private readonly resolved: Baseline[] = [];

  constructor(
    private readonly ports: DriftPublicationPorts,
    private readonly repositoryName: string,
    private readonly context: DriftPublicationContext,
    reported: readonly DriftRecord[],
  ) {
    this.reported = new Map(reported.map((record) => [record.baseline, record]));
  }

  /** A baseline found compliant: a drift reported before is gone, and an event still in the outbox is owed. */
  noteCompliant(baseline: Baseline): void {
    // A fix of ours whose event an earlier run could not publish (the outbox): publish it now.
    const pending = this.reported.get(baseline)?.pendingEvent;
    if (pending !== undefined) this.events.push(JSON.parse(pending) as GovernanceEvent);
    if (this.reported.has(baseline)) this.resolved.push(baseline);
  }

  /** A drift and what remediation made of it: reported when it is news; a fix's event goes to the outbox. */
  async noteDrift(check: Drift, remediation: RemediationResult): Promise<void> {
    const { outcome, failure } = remediation;
    const name = this.repositoryName;
    const { context } = this;
    const previous = this.reported.get(check.baseline);
    const isNews =
      outcome === 'applied' ||
      context.related.includes(check.baseline) ||
      previous === undefined ||
      previous.expected !== check.expected ||
      previous.actual !== check.actual ||
      previous.remediation !== outcome;
    this.ports.logger.info('drift found', {
      repositoryName: name,
      baseline: check.baseline,
      expected: check.expected,
      actual: check.actual,
      remediation: outcome,
      reported: isNews,
    });
    if (isNews) {
      const event = buildDriftEvent({
        account: context.account,
        accountAlias: context.accountAlias,
        region: context.region,
        repositoryName: name,
        check,
        remediation: outcome,
        ...(failure === undefined ? {} : { failure }),
        ...(context.changedBy === undefined ? {} : { changedBy: context.changedBy }),
        ...(context.cloudTrailEventId === undefined ? {} : { cloudTrailEventId: context.cloudTrailEventId }),
      });
      this.events.push(event);
      if (outcome === 'applied') {
        // The fix is made: its event goes to the outbox before it is published, or a failed publish
        // would lose it (the retry finds the repository compliant and has nothing left to report).
        await this.ports.driftLedger.write(name, {
          baseline: check.baseline,
          expected: check.expected,
          actual: check.actual,
          remediation: outcome,
          reportedAt: new Date().toISOString(),
          pendingEvent: JSON.stringify(event),
        });
      }
    }
    // A fixed drift is gone (its outbox record too, once published); anything else is remembered so
    // that the next sweep stays quiet about it.
    if (outcome === 'applied') {
      this.resolved.push(check.baseline);
    } else if (isNews) {
      this.records.push({
        baseline: check.baseline,
        expected: check.expected,
        actual: check.actual,
        remediation: outcome,
        reportedAt: new Date().toISOString(),
      });
    }
  }

  /** Publishes the events, then updates the drift ledger. Returns the number of events published. */
  async publish(): Promise<number> {
    const name = this.repositoryName;
    // Published first, recorded after: a failure in between reports a drift twice, never zero times.
    if (this.events.length > 0) await this.ports.publisher.publish(this.events);
    for (const record of this.records) await this.ports.driftLedger.write(name, record);
    for (const baselineName of this.resolved) await this.ports.driftLedger.remove(name, baselineName);
    return this.events.length;
  }
}
