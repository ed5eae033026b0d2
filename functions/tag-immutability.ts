import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createRepositoryGuardDependencies } from '../shared/aws/repository-guard-dependencies';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { readRepositoryGuardEnvironment } from '../shared/config/repository-guard-environment';
import { assertGoverned, ownScope } from '../shared/events/governed-scope';
import {
  parseRepositoryGuardEvent,
  repositoryGuardEventClaims,
} from '../shared/events/repository-guard-events';
import { compileBaselines } from '../shared/immutability/desired-state';
import {
  type ApiCallResult,
  createRepositoryGuard,
  type PushResult,
  type SweepSummary,
} from '../shared/immutability/repository-guard';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import { idempotencyKey } from '../shared/state/state-keys';

// Cold start: a missing environment variable or an invalid bundled config fails the init phase with a
// message naming the variable or the config path, before any event is accepted.
const environment = readRepositoryGuardEnvironment();
const config = loadBundledConfig().immutability;
const resolveBaseline = compileBaselines(config);
// The account and region the guard governs: an event claiming any other is rejected.
const scope = ownScope({ account: environment.DEPLOYMENT_ACCOUNT_ID, region: environment.AWS_REGION });

const dependencies = createRepositoryGuardDependencies({
  eventBusName: environment.EVENT_BUS_NAME,
  stateTableName: environment.STATE_TABLE_NAME,
  logger,
});
const { metrics } = dependencies;

// A CloudTrail record or a schedule run is handled once per event id: EventBridge may deliver an event
// twice, and Lambda retries a failed asynchronous invocation (twice, within hours). A claim outlives the
// function's timeout (900 s) so that a live invocation never loses it.
const ONCE = { ttlSeconds: 2 * 24 * 3600, inProgressTimeoutSeconds: 960 };

export type RepositoryGuardResult =
  | PushResult
  | ApiCallResult
  | SweepSummary
  | { status: 'duplicate'; completedAt: string };

/**
 * tagImmutability, the repository guard, on three kinds of events (serverless.yml):
 * - "AWS API Call via CloudTrail" (aws.ecr, default bus) for CreateRepository, PutImageTagMutability,
 *   SetRepositoryPolicy, DeleteLifecyclePolicy and PutRegistryScanningConfiguration: the repository (or,
 *   for the registry's scanning, every covered repository) is checked at once;
 * - "ECR Image Action" PUSH SUCCESS (aws.ecr, default bus): the tag ledger, and "Tag Moved";
 * - "Scheduled Event" (immutability.schedule): every repository swept for drift.
 * A malformed event fails with an EventValidationError, an event of an account or region the guard does
 * not govern with an UngovernedEventError; every failure is logged and rethrown so that Lambda's
 * retries and then the on-failure queue see it.
 */
async function guardRepositories(event: unknown): Promise<RepositoryGuardResult> {
  try {
    const parsed = parseRepositoryGuardEvent(event);
    const { account, region, id } = parsed.event;
    logger.appendKeys({ eventId: id, eventKind: parsed.kind });
    // Before any read, claim or write: the guard fixes and reports on the account and region it is given.
    assertGoverned(scope, { kind: parsed.event['detail-type'], id }, repositoryGuardEventClaims(parsed));
    const guard = createRepositoryGuard(
      {
        account,
        region,
        dryRun: config.dryRun,
        ownRoleArn: environment.GUARD_ROLE_ARN,
        resolveBaseline,
      },
      { ...dependencies, usage: dependencies.usageFor(account, region), logger },
    );
    if (parsed.kind === 'image-action') {
      // The ledger's conditional writes make a redelivered push a no-op: no claim needed.
      const result = await guard.recordPush(parsed.event);
      if (result.status === 'moved' && result.alerted) metrics.tagsMoved('push', 1);
      logger.info('push recorded', { ...result });
      return result;
    }
    const run = await dependencies.once.runOnce<ApiCallResult | SweepSummary>(
      idempotencyKey('repository-guard', id),
      ONCE,
      () => (parsed.kind === 'api-call' ? guard.handleApiCall(parsed.event) : guard.sweep(parsed.event)),
    );
    if (run.status === 'duplicate') {
      logger.info('event already handled', { completedAt: run.completedAt });
      return { status: 'duplicate', completedAt: run.completedAt };
    }
    if ('drifts' in run.result) {
      metrics.checked(parsed.kind === 'api-call' ? 'api-call' : 'sweep', run.result);
      if ('tagMoves' in run.result) metrics.tagsMoved('sweep', run.result.tagMoves);
    }
    logger.info('event handled', { ...run.result });
    return run.result;
  } catch (error) {
    logger.error('repository guard failed', error as Error);
    throw error;
  }
}

export const handler = middy(guardRepositories).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
