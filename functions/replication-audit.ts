import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { GovernedDirectory } from '../shared/aws/governed-directory';
import { createReplicationAuditDependencies } from '../shared/aws/replication-audit-dependencies';
import type { ReplicationAuditHub } from '../shared/aws/replication-audit-organization';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { requireTargetQueueUrl } from '../shared/config/environment';
import { readReplicationAuditEnvironment } from '../shared/config/replication-audit-environment';
import {
  assertReplicationActionGoverned,
  parseReplicationActionEvent,
  REPLICATION_ACTION_DETAIL_TYPE,
} from '../shared/events/ecr-replication-action';
import { assertClaimsAgreeWithEnvelope } from '../shared/events/envelope-agreement';
import { EventValidationError } from '../shared/events/event-validation-error';
import { assertGoverned, envelopeClaims, ownScope } from '../shared/events/governed-scope';
import { parseScheduledEvent } from '../shared/events/scheduled-event';
import { parseTargetMessage } from '../shared/events/target-message';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import {
  coversAccount,
  directoryScope,
  type GovernedAccount,
  governedTargets,
  ownAccountDirectory,
} from '../shared/organization/governed-accounts';
import { runGovernedTargetWork } from '../shared/organization/governed-target-work';
import {
  handleReplicationAction,
  type ReplicationActionOutcome,
} from '../shared/replication/replication-action';
import { runScheduledAudit } from '../shared/replication/scheduled-audit';

// Cold start: a missing variable or an invalid bundled config fails the init phase with its name or path.
const environment = readReplicationAuditEnvironment();
const bundled = loadBundledConfig();
const config = bundled.replication;
const organization = bundled.organization;
const targetQueueUrl = requireTargetQueueUrl(environment, organization !== undefined);
const hub = { account: environment.DEPLOYMENT_ACCOUNT_ID, region: environment.AWS_REGION };
// The source registry this deployment governs (without `organization`: its own account and region; a
// schedule comes from there in any case). Replication events may come from the destination regions
// too (forwarded there by examples/replication/forward-replication-events.yml); nothing else.
const ownLocation = ownScope(hub);

const ownDirectory: GovernedDirectory = {
  directory: ownAccountDirectory(hub.account),
  regions: [hub.region],
};

const dependencies = createReplicationAuditDependencies({
  eventBusName: environment.EVENT_BUS_NAME,
  stateTableName: environment.STATE_TABLE_NAME,
});

type HubModules = { auditHub: ReplicationAuditHub; batch: typeof import('./batch/target-batch') };
/**
 * The Organizations hub's code (issue 15), loaded on first use and only when the config has
 * `organization`; it is in the bundle only then (ECR_WARDEN_BUNDLE_ORGANIZATION, deploy/bundle-defines.ts).
 */
let hubModules: Promise<HubModules> | undefined;
function loadHub(): Promise<HubModules> | undefined {
  if (organization === undefined) return undefined;
  // The condition esbuild folds at package time (`false` without `organization`), dropping the imports.
  if (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION) {
    hubModules ??= Promise.all([
      import('../shared/aws/replication-audit-organization'),
      import('./batch/target-batch'),
    ]).then(([hubModule, batch]) => ({
      auditHub: hubModule.createReplicationAuditHub({
        organization,
        hub,
        targetQueueUrl,
        dependencies,
        logger,
      }),
      batch,
    }));
    return hubModules;
  }
  return undefined;
}

// The audit stops starting repositories this long before Lambda's limit, to remediate and publish.
const REPORT_MARGIN_MS = 90_000;

export interface ScheduledAuditSummary {
  repositoriesAudited: number;
  clean: boolean;
  problemCounts: Record<string, number>;
}

/**
 * replicationAudit, on two kinds of events (serverless.yml):
 * - "ECR Replication Action" (aws.ecr, default bus, emitted in the destination region): a FAILED result
 *   becomes a "Replication Failure" alert at once; a SUCCESS records the replication lag metric.
 * - "Scheduled Event" (replication.schedule): the audit of every replicated repository, remediation when
 *   replication.remediate asks for it, and one "Replication Audit Report".
 * Any other event, and a malformed one, fails with an EventValidationError; an event of an account or
 * region outside the governed scope with an UngovernedEventError. Every failure is logged and rethrown
 * so that Lambda's retries and then the on-failure queue see it.
 */
async function replicationAudit(
  event: unknown,
  context: Context,
): Promise<ReplicationActionOutcome | ScheduledAuditSummary | TargetsQueued | SQSBatchResponse> {
  const hubModules = loadHub();
  const loaded = hubModules === undefined ? undefined : await hubModules;
  if (loaded?.batch.isSqsEvent(event)) return auditTargets(event, context, loaded);
  try {
    const eventId = typeof event === 'object' && event !== null ? Reflect.get(event, 'id') : undefined;
    const detailType =
      typeof event === 'object' && event !== null ? Reflect.get(event, 'detail-type') : undefined;
    if (detailType === REPLICATION_ACTION_DETAIL_TYPE) {
      const action = parseReplicationActionEvent(event);
      const governed = loaded === undefined ? ownDirectory : await loaded.auditHub.governed();
      assertReplicationActionGoverned(
        action,
        directoryScope(governed.directory, governed.regions),
        config.destinationRegions,
      );
      // A hub's member forwards the events of its own registry: the source it names is its own account.
      assertClaimsAgreeWithEnvelope(
        {
          kind: REPLICATION_ACTION_DETAIL_TYPE,
          id: action.id,
          account: action.account,
          region: action.region,
        },
        [
          ...envelopeClaims(action).filter((claim) => 'account' in claim),
          { field: 'detail.source-account', account: action.detail['source-account'] },
        ],
      );
      const account = governed.directory.get(action.account) ?? { id: action.account, parents: [] };
      logger.appendKeys({
        repositoryName: action.detail['repository-name'],
        imageDigest: action.detail['image-digest'],
        destinationRegion: action.region,
      });
      const outcome = await handleReplicationAction(action, {
        // The governed source registry (assertReplicationActionGoverned: the event's source is this one;
        // in a hub, the member account it comes from, read through its member role).
        account: account.id,
        accountAlias: account.alias,
        region: loaded === undefined ? environment.AWS_REGION : action.detail['source-region'],
        ...dependencies,
        ...(loaded === undefined ? {} : loaded.auditHub.inAccount(loaded.auditHub.openAccess(), account.id)),
        log: logger,
      });
      logger.info('replication action handled', { ...outcome });
      return outcome;
    }
    if (detailType !== 'Scheduled Event') {
      throw new EventValidationError('replicationAudit', typeof eventId === 'string' ? eventId : undefined, [
        `detail-type ${JSON.stringify(detailType ?? null)} is neither "${REPLICATION_ACTION_DETAIL_TYPE}" nor "Scheduled Event"`,
      ]);
    }
    const scheduled = parseScheduledEvent(event);
    assertGoverned(ownLocation, { kind: 'Scheduled Event', id: scheduled.id }, envelopeClaims(scheduled));
    logger.appendKeys({ runId: scheduled.id });
    if (loaded !== undefined) return await queueAudit(scheduled.id, loaded.auditHub);
    const { report } = await runScheduledAudit(
      {
        account: environment.DEPLOYMENT_ACCOUNT_ID,
        sourceRegion: environment.AWS_REGION,
        // The event's time, not the clock: a retried run judges "in flight" as the first attempt did.
        now: new Date(scheduled.time),
        settings: config,
        timeLeft: () => context.getRemainingTimeInMillis() - REPORT_MARGIN_MS,
      },
      { ...dependencies, log: logger },
    );
    const summary = {
      repositoriesAudited: report.repositoriesAudited,
      clean: report.clean,
      problemCounts: { ...report.problemCounts },
    };
    logger.info('replication audit published', { ...summary, summary: report.summary });
    return summary;
  } catch (error) {
    logger.error('replication audit failed', error as Error);
    throw error;
  }
}

export interface TargetsQueued {
  status: 'queued';
  targetsQueued: number;
}

/**
 * A hub's schedule: one target message per governed account × region that `replication.accounts`
 * covers. Not run-once, as the single-account audit is not: a retried run queues (and reports) again.
 */
async function queueAudit(runId: string, auditHub: ReplicationAuditHub): Promise<TargetsQueued> {
  const governed = await auditHub.governed();
  const targets = governedTargets(governed.directory, governed.regions).filter(({ account }) =>
    coversAccount(config.accounts, account),
  );
  const queued = await auditHub.queueTargets('replication-audit', targets, runId);
  logger.info('replication audit queued', { ...queued });
  return { status: 'queued', ...queued };
}

/** The target queue: each message audits the replication of one governed account × region. */
async function auditTargets(
  event: SQSEvent,
  context: Context,
  { auditHub, batch }: HubModules,
): Promise<SQSBatchResponse> {
  const governed = await auditHub.governed();
  const scope = directoryScope(governed.directory, governed.regions);
  const access = auditHub.openAccess();
  return batch.processTargetBatch(event, context, async (record) => {
    try {
      const message = parseTargetMessage(record, 'replication-audit');
      logger.appendKeys({ messageId: record.messageId, runId: message.runId });
      assertGoverned(scope, { kind: 'replication-audit target message', id: record.messageId }, [
        { field: 'account', account: message.account },
        { field: 'region', region: message.region },
      ]);
      const account = governed.directory.get(message.account) as GovernedAccount;
      const outcome = await runGovernedTargetWork(
        { message, account },
        { access, reporter: auditHub.unreachable },
        {
          firstAction: 'ecr:DescribeRegistry',
          run: async () => {
            const { report } = await runScheduledAudit(
              {
                account: account.id,
                accountAlias: account.alias,
                sourceRegion: message.region,
                // When the schedule queued it: a redelivered message judges "in flight" as the first did.
                now: record.sentAt,
                settings: config,
                timeLeft: () => context.getRemainingTimeInMillis() - REPORT_MARGIN_MS,
              },
              { ...dependencies, ...auditHub.inAccount(access, account.id), log: logger },
            );
            return {
              repositoriesAudited: report.repositoriesAudited,
              clean: report.clean,
              problemCounts: { ...report.problemCounts },
            };
          },
        },
      );
      logger.info('replication target audited', { account: account.id, region: message.region, ...outcome });
      return outcome;
    } catch (error) {
      logger.error('replication audit target failed', error as Error);
      throw error;
    }
  });
}

export const handler = middy(replicationAudit).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
