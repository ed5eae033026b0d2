import type { GovernanceEvent, GovernanceEventSink } from '../events/governance';
import type { StructuredLogger } from '../logger';
import { applyRemediation, type RemediationReport } from './apply-remediation';
import { type AuditSettings, auditReplication } from './audit-replication';
import { buildAuditReport, type ReplicationAuditReport } from './audit-report';
import type { RegistryReaderFactory, ReplicationRemediator } from './registry-reader';
import { planRemediation, type RemediationSettings } from './remediation-plan';
import type { AuditResult } from './replication-model';

export interface ScheduledAuditInput {
  account: string;
  /** The account's alias, when an Organizations hub knows one: the report carries it. */
  accountAlias?: string | undefined;
  sourceRegion: string;
  now: Date;
  settings: AuditSettings & { remediate?: RemediationSettings | undefined };
  timeLeft?: () => number;
}

export interface ScheduledAuditDependencies {
  readerFor: RegistryReaderFactory;
  remediator: ReplicationRemediator;
  publisher: GovernanceEventSink;
  concurrency?: number;
  log?: Pick<StructuredLogger, 'warn'>;
}

export interface ScheduledAuditOutcome {
  result: AuditResult;
  remediation: RemediationReport | undefined;
  report: ReplicationAuditReport;
}

/**
 * One scheduled run: audit, remediate when replication.remediate asks for it (dry run unless it says
 * `dryRun: false`), then publish one "Replication Audit Report".
 */
export async function runScheduledAudit(
  input: ScheduledAuditInput,
  dependencies: ScheduledAuditDependencies,
): Promise<ScheduledAuditOutcome> {
  const result = await auditReplication(
    {
      account: input.account,
      sourceRegion: input.sourceRegion,
      settings: input.settings,
      now: input.now,
      ...(input.timeLeft === undefined ? {} : { timeLeft: input.timeLeft }),
    },
    {
      readerFor: dependencies.readerFor,
      ...(dependencies.concurrency === undefined ? {} : { concurrency: dependencies.concurrency }),
      ...(dependencies.log === undefined ? {} : { log: dependencies.log }),
    },
  );
  const remediate = input.settings.remediate;
  const remediation =
    remediate === undefined
      ? undefined
      : await applyRemediation(
          planRemediation(result, remediate),
          { dryRun: remediate.dryRun, sourceRegion: input.sourceRegion },
          {
            remediator: dependencies.remediator,
            ...(dependencies.log === undefined ? {} : { log: dependencies.log }),
          },
        );
  const report = buildAuditReport({
    result,
    remediation,
    expectedDestinationRegions: input.settings.destinationRegions ?? [],
    accountAlias: input.accountAlias,
  });
  const event: GovernanceEvent = { detailType: 'Replication Audit Report', detail: report };
  await dependencies.publisher.publish([event]);
  return { result, remediation, report };
}
