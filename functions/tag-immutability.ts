import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { GovernedDirectory } from '../shared/aws/governed-directory';
import type { MemberAccountAccess } from '../shared/aws/member-account-access';
import { createRepositoryGuardDependencies } from '../shared/aws/repository-guard-dependencies';
import type { RepositoryGuardHub } from '../shared/aws/repository-guard-organization';
import { loadBundledConfig } from '../shared/config/bundled-config';
import { requireTargetQueueUrl } from '../shared/config/environment';
import { readRepositoryGuardEnvironment } from '../shared/config/repository-guard-environment';
import { assertClaimsAgreeWithEnvelope } from '../shared/events/envelope-agreement';
import { assertGoverned, envelopeClaims, ownScope } from '../shared/events/governed-scope';
import {
  parseRepositoryGuardEvent,
  repositoryGuardEventClaims,
} from '../shared/events/repository-guard-events';
import { parseTargetMessage } from '../shared/events/target-message';
import { type BaselineResolver, compileBaselines } from '../shared/immutability/desired-state';
import {
  type ApiCallResult,
  createRepositoryGuard,
  type PushResult,
  type SweepSummary,
} from '../shared/immutability/repository-guard';
import { CORRELATION_ID_PATHS, logger } from '../shared/logger';
import {
  coversAccount,
  directoryScope,
  type GovernedAccount,
  governedTargets,
  ownAccountDirectory,
} from '../shared/organization/governed-accounts';
import { runGovernedTargetWork } from '../shared/organization/governed-target-work';
import { idempotencyKey } from '../shared/state/state-keys';

// Cold start: a missing environment variable or an invalid bundled config fails the init phase with a
// message naming the variable or the config path, before any event is accepted.
const environment = readRepositoryGuardEnvironment();
const bundled = loadBundledConfig();
const config = bundled.immutability;
const organization = bundled.organization;
const targetQueueUrl = requireTargetQueueUrl(environment, organization !== undefined);
const hub = { account: environment.DEPLOYMENT_ACCOUNT_ID, region: environment.AWS_REGION };
// The deployment's own account and region: all it governs without `organization`, and where a
// schedule comes from in any case.
const ownLocation = ownScope(hub);
const ownDirectory: GovernedDirectory = {
  directory: ownAccountDirectory(hub.account),
  regions: [hub.region],
};

const dependencies = createRepositoryGuardDependencies({
  eventBusName: environment.EVENT_BUS_NAME,
  stateTableName: environment.STATE_TABLE_NAME,
  logger,
});
const { metrics } = dependencies;

/**
 * The Organizations hub's code (issue 15), loaded on first use and only when the config has
 * `organization`; it is in the bundle only then (ECR_WARDEN_BUNDLE_ORGANIZATION, deploy/bundle-defines.ts).
 */
let hubModules:
  | Promise<{ guardHub: RepositoryGuardHub; batch: typeof import('./batch/target-batch') }>
  | undefined;
function loadHub() {
  if (organization === undefined) return undefined;
  // The condition esbuild folds at package time (`false` without `organization`), dropping the imports.
  if (typeof ECR_WARDEN_BUNDLE_ORGANIZATION === 'undefined' || ECR_WARDEN_BUNDLE_ORGANIZATION) {
    hubModules ??= Promise.all([
      import('../shared/aws/repository-guard-organization'),
      import('./batch/target-batch'),
    ]).then(([hubModule, batch]) => ({
      guardHub: hubModule.createRepositoryGuardHub({
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

// Rules apply by their globs and their `accounts`: one resolver per governed account, compiled once.
const baselinesByAccount = new Map<string, BaselineResolver>();
function baselinesFor(account: GovernedAccount): BaselineResolver {
  let resolver = baselinesByAccount.get(account.id);
  if (resolver === undefined) {
    resolver = compileBaselines(config, account);
    baselinesByAccount.set(account.id, resolver);
  }
  return resolver;
}

// A CloudTrail record or a schedule run is handled once per event id: EventBridge may deliver an event
// twice, and Lambda retries a failed asynchronous invocation (twice, within hours). A claim outlives the
// function's timeout (900 s) so that a live invocation never loses it.
const ONCE = { ttlSeconds: 2 * 24 * 3600, inProgressTimeoutSeconds: 960 };

export type RepositoryGuardResult =
  | PushResult
  | ApiCallResult
  | SweepSummary
  | { status: 'queued'; targetsQueued: number }
  | { status: 'duplicate'; completedAt: string };

/** The guard of one governed account × region: the hub's ports of that place, or the own ones. */
function guardAt(
  account: GovernedAccount,
  region: string,
  member?: { guardHub: RepositoryGuardHub; access: MemberAccountAccess },
) {
  return createRepositoryGuard(
    {
      account: account.id,
      accountAlias: account.alias,
      region,
      dryRun: config.dryRun,
      // The guard's calls show up in CloudTrail as its own role's, or in a member account as the member
      // role's session: either way they must not trigger it again.
      ownRoleArn:
        member === undefined || account.id === hub.account
          ? environment.GUARD_ROLE_ARN
          : member.access.roleArn(account.id),
      resolveBaseline: baselinesFor(account),
    },
    {
      ...dependencies,
      ...(member === undefined
        ? { usage: dependencies.usageFor(account.id, region) }
        : member.guardHub.portsAt(member.access, account.id, region)),
      logger,
    },
  );
}

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
 *
 * As an Organizations hub (`organization`, issue 15): the CloudTrail and push events of every governed
 * account × region arrive on the hub bus (the member stacks forward them); each is checked against the
 * governed accounts and regions, the claims inside must agree with its envelope (a forged account is
 * an EnvelopeMismatchError, an UngovernedEventError), and the guard acts in that account × region
 * through the member role. The schedule queues one target message per governed account × region that
 * some rule covers, and the target queue (a second event source, SQS) sweeps each.
 */
async function guardRepositories(
  event: unknown,
  context: Context,
): Promise<RepositoryGuardResult | SQSBatchResponse> {
  const hubModules = loadHub();
  const loaded = hubModules === undefined ? undefined : await hubModules;
  if (loaded?.batch.isSqsEvent(event)) return sweepTargets(event, context, loaded);
  try {
    const parsed = parseRepositoryGuardEvent(event);
    const { account, region, id } = parsed.event;
    const kind = parsed.event['detail-type'];
    logger.appendKeys({ eventId: id, eventKind: parsed.kind });
    // Before any read, claim or write: the guard fixes and reports on the account and region it is given.
    if (parsed.kind === 'schedule' && loaded !== undefined) {
      assertGoverned(ownLocation, { kind, id }, envelopeClaims(parsed.event));
      return await queueSweep(parsed.event.id, loaded.guardHub);
    }
    const governed = loaded === undefined ? ownDirectory : await loaded.guardHub.governed();
    const claims = repositoryGuardEventClaims(parsed);
    assertGoverned(directoryScope(governed.directory, governed.regions), { kind, id }, claims);
    assertClaimsAgreeWithEnvelope({ kind, id, account, region }, claims);
    const governedAccount = governed.directory.get(account) ?? { id: account, parents: [] };
    let member: { guardHub: RepositoryGuardHub; access: MemberAccountAccess } | undefined;
    if (loaded !== undefined) {
      member = { guardHub: loaded.guardHub, access: loaded.guardHub.openAccess() };
      await loaded.guardHub.checkEventAccount(member.access, governedAccount, region, id);
    }
    const guard = guardAt(governedAccount, region, member);
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

/** The hub's schedule: one target message per governed account × region that some rule covers. */
async function queueSweep(runId: string, guardHub: RepositoryGuardHub): Promise<RepositoryGuardResult> {
  const governed = await guardHub.governed();
  const run = await dependencies.once.runOnce(idempotencyKey('repository-guard', runId), ONCE, () =>
    guardHub.queueTargets(
      'repository-guard',
      // An account no rule covers has nothing to sweep: no message, no AssumeRole.
      governedTargets(governed.directory, governed.regions).filter(({ account }) =>
        config.rules.some((rule) => coversAccount(rule.accounts, account)),
      ),
      runId,
    ),
  );
  if (run.status === 'duplicate') {
    logger.info('event already handled', { completedAt: run.completedAt });
    return { status: 'duplicate', completedAt: run.completedAt };
  }
  logger.info('sweep queued', { ...run.result });
  return { status: 'queued', ...run.result };
}

/** The target queue: each message sweeps one governed account × region. */
async function sweepTargets(
  event: SQSEvent,
  context: Context,
  { guardHub, batch }: { guardHub: RepositoryGuardHub; batch: typeof import('./batch/target-batch') },
): Promise<SQSBatchResponse> {
  const governed = await guardHub.governed();
  const scope = directoryScope(governed.directory, governed.regions);
  const access = guardHub.openAccess();
  return batch.processTargetBatch(event, context, async (record) => {
    try {
      const message = parseTargetMessage(record, 'repository-guard');
      logger.appendKeys({ messageId: record.messageId, runId: message.runId });
      assertGoverned(scope, { kind: 'repository-guard target message', id: record.messageId }, [
        { field: 'account', account: message.account },
        { field: 'region', region: message.region },
      ]);
      const account = governed.directory.get(message.account) as GovernedAccount;
      const outcome = await runGovernedTargetWork(
        { message, account },
        { access, reporter: guardHub.unreachable },
        {
          firstAction: 'ecr:DescribeRepositories',
          run: async () => {
            const run = await dependencies.once.runOnce<SweepSummary>(
              idempotencyKey('repository-guard', message.runId, message.account, message.region),
              ONCE,
              () =>
                guardAt(account, message.region, { guardHub, access }).sweep({
                  id: `${message.runId}/${message.account}/${message.region}`,
                  time: record.sentAt.toISOString(),
                }),
            );
            if (run.status === 'duplicate') return { status: 'duplicate' };
            metrics.checked('sweep', run.result);
            metrics.tagsMoved('sweep', run.result.tagMoves);
            return run.result;
          },
        },
      );
      logger.info('target swept', { account: message.account, region: message.region, ...outcome });
      return outcome;
    } catch (error) {
      logger.error('repository guard target failed', error as Error);
      throw error;
    }
  });
}

export const handler = middy(guardRepositories).use(
  injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATHS.eventBridge, resetKeys: true }),
);
