import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { createScanFindingsDependencies } from '../shared/aws/scan-findings-dependencies';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { readScanFindingsEnvironment } from '../shared/config/environment';
import { EventValidationError } from '../shared/events/event-validation-error';
import { ownScope } from '../shared/events/governed-scope';
import { processScanFindingsEvent, type ScanFindingsOutcome } from '../shared/findings/scan-findings-service';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import { createFindingsMetrics } from '../shared/metrics/findings-metrics';

// Cold start: a missing environment variable or an invalid bundled config fails the init phase with a
// message that names the variable or the config path, before any event is accepted.
const environment = readScanFindingsEnvironment();
const config = loadBundledConfig();
const metrics = createFindingsMetrics();
const dependencies = createScanFindingsDependencies({
  eventBusName: environment.EVENT_BUS_NAME,
  stateTableName: environment.STATE_TABLE_NAME,
  scanning: config.scanning,
  // Scan events of any other account or region are rejected (under a hub: any ungoverned one).
  scope: ownScope({ account: environment.DEPLOYMENT_ACCOUNT_ID, region: environment.AWS_REGION }),
  // An Organizations hub (issue 15): without the section, nothing of it is built.
  ...(config.organization === undefined
    ? {}
    : {
        organization: {
          config,
          location: environment,
          targetQueueUrl: environment.TARGET_QUEUE_URL,
        },
      }),
});

/**
 * scanFindings: `ECR Image Scan` (basic), `Inspector2 Scan` and `Inspector2 Finding` (enhanced) from
 * the default bus, and the daily digest schedule. Records findings in the ledger and publishes a
 * Vulnerability Alert per image and scan on transitions only, and the Vulnerability Digest. A failure
 * (a malformed event, or one of an account or region outside its scope, included) is logged and
 * rethrown, so that Lambda's asynchronous retries and then the on-failure destination see it.
 */
async function processScanEvent(
  event: unknown,
  context: Context,
): Promise<ScanFindingsOutcome | SQSBatchResponse> {
  // Under a hub, the digest's targets arrive from the target queue (the function's second event source);
  // the batch plumbing is only in bundles whose config has `organization` (shared/bundle-flags.d.ts).
  if (
    config.organization !== undefined &&
    (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION)
  ) {
    const batch = await import('./batch/digest-target-batch');
    if (batch.isSqsBatch(event)) {
      logger.setCorrelationId(event.Records[0]?.messageId);
      return batch.processDigestTargetBatch(event, context, dependencies, (outcome, messageId) =>
        logger.info('digest target processed', { messageId, ...describeOutcome(outcome) }),
      );
    }
  }
  try {
    const { eventId, detailType, outcome } = await processScanFindingsEvent(event, dependencies);
    logger.appendKeys({ eventId, detailType });
    if (outcome.action === 'recorded' && outcome.alerted > 0) metrics.alertPublished(outcome.alerted);
    logger.info('scan event processed', describeOutcome(outcome));
    return outcome;
  } catch (error) {
    if (error instanceof EventValidationError) {
      logger.error('malformed event', {
        eventKind: error.eventKind,
        eventId: error.eventId,
        problems: error.problems,
      });
    } else {
      logger.error('scan event failed', error as Error);
    }
    throw error;
  }
}

function describeOutcome(outcome: ScanFindingsOutcome): Record<string, unknown> {
  switch (outcome.action) {
    case 'recorded':
      return {
        action: outcome.action,
        alerted: outcome.alerted,
        written: outcome.written,
        stale: outcome.stale,
        rounds: outcome.rounds,
      };
    case 'skipped':
      return { action: outcome.action, reason: outcome.reason };
    case 'digest':
      return { action: outcome.action, published: outcome.published, repositories: outcome.repositories };
    case 'digest-targets':
      return { action: outcome.action, targets: outcome.targets };
    case 'unreachable':
      return {
        action: outcome.action,
        account: outcome.account,
        region: outcome.region,
        reported: outcome.reported,
        reason: outcome.reason,
      };
  }
}

export const handler = middy(processScanEvent).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
