import type { SQSEvent } from 'aws-lambda';
import { describeKeepReason } from '../../../cli/cleanup-plan-table';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import { createCleanupWorkerDependencies } from '../../../shared/aws/cleanup-worker-dependencies';
import type { RepositoryCleanupOutcome } from '../../../shared/cleanup/clean-repository';
import type { KeepReason, WorkloadPlace } from '../../../shared/cleanup/cleanup-reasons';
import { formatBytes } from '../../../shared/cleanup/cleanup-report';
import type { PlannedDeletion } from '../../../shared/cleanup/plan-repository-cleanup';
import { loadBundledConfig } from '../../../shared/config/bundled-config';
import type { Place } from '../../../shared/inuse/in-use-ports';
import { logger } from '../../../shared/logger';
import { accountLabel } from '../../../shared/organization/governed-accounts';
import type { RegistrySimulator } from '../../registry-sim';
import { imageManifest } from '../../registry-sim/data/manifests';
import { WORKLOAD_ACCOUNT } from '../in-use-world';
import { demoLambdaContext, scheduledEvent } from '../lambda-invocation';
import { plantGovernedMemberRepository } from '../organization-world';
import { DEMO_EVENT_BUS, type DemoWorld, queueUrlFor } from '../world';
import type { DemoSection } from './section';

// The event source mapping's batchSize for the cleanup queue (serverless.yml).
const BATCH_SIZE = 5;

/**
 * Lifecycle cleanup on the sample registry, end to end: the real cleanupScheduler handler queues one
 * message per repository the demo config's cleanup rules cover (SendMessageBatch, recorded per queue
 * URL), and those messages reach cleanupWorker's batch processing as the SQS event source would
 * deliver them, 5 a batch, in dry run: nothing is deleted. The worker is built as
 * functions/cleanup-worker.ts builds it (createCleanupWorkerDependencies), with one difference: it
 * evaluates at the sample's date rather than today's, so the demo says the same thing every day.
 * Its Cleanup Report events land in world.governanceEvents for the notifications section.
 *
 * The demo deployment is an Organizations hub (issue 15): the scheduler lists the repositories of every
 * governed account through its member role, and the worker cleans payments-prod's (333333333333,
 * planted below: two repositories, one image an ECS service there runs) with that account's session
 * and its own in-use picture beside the hub's; legacy-sandbox (444444444444, no member role) is
 * reported Account Unreachable once, and nothing is done there.
 *
 * What this shows beyond the native preview above: the protections (workloads in use, protected tags,
 * keepAtLeast), the closure (an index with its children and referrers) and the caps, each keep
 * explained; and a check, made against the simulator's own model rather than the plan, that no image
 * in use, no child of a kept index and no referrer of a kept image would be deleted.
 */
export const cleanupSection: DemoSection = {
  title: 'Lifecycle cleanup (cleanupScheduler → cleanup queue → cleanupWorker, dry run)',
  async run(world) {
    // The world asks for POWERTOOLS_LOG_LEVEL=SILENT, but the one logger was built when the bundle
    // loaded, before the world set it: apply it, so that handler logs do not mix with the report.
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    if (level === 'SILENT') logger.setLogLevel(level);
    const queueUrl = queueUrlFor('cleanup');
    process.env.CLEANUP_QUEUE_URL = queueUrl;
    // Imported here, once the world's environment is set: the handler reads it at load, as at a cold start.
    const { handler: scheduleCleanup } = await import('../../../functions/cleanup-scheduler');
    const config = loadBundledConfig();
    const eventsBefore = world.governanceEvents.length;
    const member = plantMemberRepositories(world);

    const scheduled = await scheduleCleanup(
      // EventBridge writes the time without milliseconds.
      scheduledEvent(
        world,
        'demo-cleanup-run',
        'ecr-warden-demo-cleanup',
        world.asOf.toISOString().replace('.000Z', 'Z'),
      ),
      cleanupLambdaContext('cleanupScheduler'),
    );
    const messages = world.queueMessages(queueUrl);

    const outcomes: PlacedOutcome[] = [];
    const dependencies = createCleanupWorkerDependencies({
      cleanup: config.cleanup,
      eventBusName: DEMO_EVENT_BUS,
      tableName: world.stateTableName,
      logger,
      now: () => world.asOf.getTime(),
      ...(config.organization === undefined
        ? {}
        : {
            organization: { config: config.organization, hubAccount: world.account, hubRegion: world.region },
          }),
    });
    const aliases = config.organization?.accountAliases ?? {};
    let failedMessages = 0;
    for (let start = 0; start < messages.length; start += BATCH_SIZE) {
      const response = await processCleanupBatch(
        cleanupSqsEvent(messages.slice(start, start + BATCH_SIZE), start, world),
        cleanupLambdaContext('cleanupWorker'),
        { ...dependencies, onRepositoryCleaned: (outcome, where) => outcomes.push({ outcome, where }) },
      );
      failedMessages += response.batchItemFailures.length;
    }

    const violations = checkInvariants(world, outcomes);
    const published = world.governanceEvents.slice(eventsBefore);
    const reports = published.filter((e) => e.DetailType === 'Cleanup Report');
    const unreachable = published
      .filter((e) => e.DetailType === 'Account Unreachable')
      .map((e) => JSON.parse(e.Detail ?? '{}') as { account: string; region: string; summary: string });
    const accounts = new Set(outcomes.map(({ where }) => where.account));
    const lines = [
      `cleanupScheduler: ${scheduled.repositoriesListed} repositories listed in ${accounts.size} accounts, ${scheduled.repositoriesSelected} covered by a rule, ${messages.length} messages queued`,
      ...unreachable.map((event) => `  Account Unreachable: ${event.summary}`),
      `cleanupWorker: ${outcomes.length} repositories planned in ${Math.ceil(messages.length / BATCH_SIZE)} batches, ${failedMessages} failed messages, ` +
        `${reports.length} Cleanup Report events; dry run: ${world.aws.calls.count('BatchDeleteImage')} BatchDeleteImage calls`,
    ];
    const repositories: unknown[] = [];
    for (const placed of outcomes) {
      const own = placed.where.account === world.account;
      const label = own
        ? ''
        : ` in ${accountLabel({ id: placed.where.account, alias: aliases[placed.where.account] })}`;
      lines.push('', ...describeOutcome(placed.outcome, label));
      repositories.push({ ...(toJson(placed.outcome) as object), account: placed.where.account });
    }
    const totals = totalsOf(outcomes.map(({ outcome }) => outcome));
    const memberRunning = outcomes
      .filter(({ where }) => where.account === member.account)
      .flatMap(({ outcome }) => (outcome.kind === 'cleaned' ? outcome.plan.keep : []))
      .find((kept) => kept.imageDigest === member.running);
    if (memberRunning === undefined || !memberRunning.reasons.some((r) => r.kind === 'in-use-ecs-service')) {
      violations.push(`${member.account}: the image its ECS service runs was not kept as in use`);
    }
    lines.push(
      '',
      `In all: ${totals.deleted} images would be deleted, up to ${formatBytes(totals.bytes)} ($${totals.dollars.toFixed(2)}/month); ` +
        'sizes are an upper bound, as layers shared between images are stored once.',
      violations.length === 0
        ? 'Checked against the simulator and the planted sources: no image in use (ECS and Lambda here, in 222222222222 and in payments-prod, ' +
            'a pod, a Kubernetes workload template or the external list), no child of a kept index and no referrer of a kept image would be deleted.'
        : `VIOLATIONS: ${violations.join('; ')}`,
    );
    return {
      lines,
      json: {
        scheduled,
        messages: messages.length,
        failedMessages,
        reports: reports.length,
        unreachable: unreachable.map(({ account, region }) => ({ account, region })),
        deleteCalls: world.aws.calls.count('BatchDeleteImage'),
        repositories,
        totals,
        violations,
      },
    };
  },
};

/** A repository's outcome and the account × region it was cleaned in. */
interface PlacedOutcome {
  outcome: RepositoryCleanupOutcome;
  where: Place;
}

const DAY_MS = 86_400_000;

/**
 * payments-prod's registry (the member account): payments/ledger with five releases, the second of
 * which its ECS service `ledger` still runs, and an old untagged build; web/storefront with old untagged
 * builds and a protected `latest`. The demo's rules (payments/**, web/**) cover both.
 */
function plantMemberRepositories(world: DemoWorld): { account: string; running: string } {
  const { sim } = world;
  const at = { accountId: world.organization.memberAccount, region: world.region };
  const push = (repositoryName: string, seed: string, daysAgo: number, tags: string[]) =>
    sim.pushImage({
      repositoryName,
      manifest: imageManifest({ seed }),
      tags,
      pushedAt: new Date(world.asOf.getTime() - daysAgo * DAY_MS),
      ...at,
    }).image.digest;
  // Compliant with the guard's rules for payments/** and web/**, so that the guard section finds in
  // payments-prod only the drift it plants there.
  plantGovernedMemberRepository(world, 'payments/ledger', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    imageTagMutabilityExclusionFilters: [
      { filterType: 'WILDCARD', filter: 'latest' },
      { filterType: 'WILDCARD', filter: 'dev-*' },
    ],
  });
  plantGovernedMemberRepository(world, 'web/storefront', { imageTagMutability: 'IMMUTABLE' });
  push('payments/ledger', 'ledger-build', 45, []);
  let running = '';
  for (const [index, daysAgo] of [60, 50, 40, 30, 20].entries()) {
    const digest = push('payments/ledger', `ledger-v${index + 1}`, daysAgo, [`v${index + 1}.0.0`]);
    if (index === 1) running = digest;
  }
  for (const daysAgo of [40, 30, 20]) push('web/storefront', `storefront-${daysAgo}`, daysAgo, []);
  push('web/storefront', 'storefront-latest', 5, ['latest']);
  const registry = `${at.accountId}.dkr.ecr.${at.region}.amazonaws.com`;
  sim.registerTaskDefinition({
    family: 'ledger',
    containers: [{ name: 'app', image: `${registry}/payments/ledger:v2.0.0` }],
    ...at,
  });
  sim.createService({
    cluster: 'payments',
    serviceName: 'ledger',
    taskDefinition: 'ledger:1',
    runningTasks: 2,
    ...at,
  });
  return { account: at.accountId, running };
}

function describeOutcome(outcome: RepositoryCleanupOutcome, where = ''): string[] {
  if (outcome.kind === 'repository-not-found')
    return [`${outcome.repositoryName}${where}: deleted before the run`];
  const { plan } = outcome;
  const source = {
    config: 'the rule in ecr-warden.yml',
    native: "the repository's own lifecycle policy",
    none: 'none (native, no lifecycle policy)',
  }[outcome.policySource];
  const lines = [
    `${plan.repositoryName}${where} (policy: ${source}): ${plan.delete.length} of ${plan.summary.imagesEvaluated} images would be deleted` +
      (plan.delete.length > 0
        ? `, up to ${formatBytes(plan.summary.bytesReclaimed)} ($${plan.summary.monthlySavingsUsd.toFixed(2)}/month)`
        : '') +
      (plan.summary.deletionCapReached ? `; cap of ${plan.summary.deletionLimit} reached` : ''),
  ];
  for (const deletion of plan.delete) {
    lines.push(
      `  - delete ${image(deletion.imageDigest, deletion.imageTags)} (${deletion.role}): ${deleteWhy(deletion)}`,
    );
  }
  for (const kept of plan.keep) {
    const [primary, ...others] = kept.reasons;
    if (primary === undefined) continue;
    const otherKinds = [...new Set(others.map((reason) => reason.kind))].filter(
      (kind) => kind !== primary.kind,
    );
    const more = others.filter((reason) => reason.kind === primary.kind).length;
    const also = [...(more > 0 ? [`${more} more ${primary.kind}`] : []), ...otherKinds];
    const alsoText = also.length > 0 ? ` (also: ${also.join(', ')})` : '';
    lines.push(
      `  + keep   ${image(kept.imageDigest, kept.imageTags)} (${kept.role}): ${keepWhy(primary)}${alsoText}`,
    );
  }
  return lines;
}

function deleteWhy(deletion: PlannedDeletion): string {
  const reason = deletion.reason;
  switch (reason.kind) {
    case 'expired-by-policy':
      return `expired by rule ${reason.rulePriority}`;
    case 'child-of-deleted-index':
      return `child of the deleted index ${short(reason.indexDigest)}`;
    case 'referrer-of-deleted-image':
      return `referrer of the deleted image ${short(reason.subjectDigest)}`;
  }
}

function keepWhy(reason: KeepReason): string {
  switch (reason.kind) {
    case 'in-use-ecs-task':
      return `in use by ECS task ${reason.taskArn.split('/').pop()} (${reason.group ?? 'standalone'})${elsewhere(reason)}`;
    case 'in-use-ecs-service':
      if (reason.serviceRevisionArn !== undefined) {
        return `in use by ECS service ${reason.serviceName} (service revision ${reason.serviceRevisionArn.split('/').pop()}: the digest ECS resolved at its ${reason.serviceDeploymentStatus ?? 'current'} deployment of ${reason.taskDefinitionArn.split('/').pop()}, whatever its tag names now)${elsewhere(reason)}`;
      }
      return `in use by ECS service ${reason.serviceName} (${reason.deploymentStatus ?? 'current'} deployment, ${reason.taskDefinitionArn.split('/').pop()})${elsewhere(reason)}`;
    case 'in-use-lambda':
      return `in use by Lambda ${reason.functionName}:${reason.qualifier}${elsewhere(reason)}`;
    case 'task-definition-revision':
      return `named by task definition ${reason.family}:${reason.revision} (one of the newest revisions)${elsewhere(reason)}`;
    case 'protected-tag':
      return `protected tag ${reason.tag} (pattern ${reason.pattern})`;
    case 'keep-at-least':
      return `one of the ${reason.keepAtLeast} newest images (#${reason.rank})`;
    case 'restoring-from-archive':
      return 'being restored from archive';
    case 'child-of-kept-index':
      return `child of the kept index ${image(reason.indexDigest, reason.indexTags)}`;
    case 'child-of-archived-index':
      return `child of the archived index ${image(reason.indexDigest, reason.indexTags)}, kept so that it can be restored`;
    case 'referrer-of-kept-image':
      return `referrer${reason.artifactMediaType === undefined ? '' : ` (${reason.artifactMediaType})`} of the kept image ${short(reason.subjectDigest)}`;
    case 'subject-of-kept-referrer':
      return `subject of the kept referrer ${short(reason.referrerDigest)}`;
    case 'deletion-cap':
      return `held back by the ${reason.cap} cap (${reason.limit} this run)`;
    case 'archive-transition':
      return `archived by rule ${reason.rulePriority} instead`;
    case 'claimed-by-higher-priority-rule':
      return `rule ${reason.rulePriority} would expire it, but rule ${reason.claimedByRulePriority} claimed it first`;
    case 'not-selected-by-policy':
      return reason.noPolicy === true ? 'no lifecycle policy' : 'kept by the policy (no rule expires it)';
    default:
      // Kubernetes, Batch, App Runner, external lists, Inspector: said as the plan table says them.
      return `in use: ${describeKeepReason(reason)}`;
  }
}

/** A workload account's place (absent for the registry's own account and region). */
const elsewhere = (place: WorkloadPlace) =>
  place.account === undefined
    ? ''
    : ` in account ${place.account}${place.region === undefined ? '' : ` (${place.region})`}`;

const short = (digest: string) => `${digest.slice(0, 19)}…`;
const image = (digest: string, tags: readonly string[]) =>
  `${short(digest)}${tags.length > 0 ? ` [${tags.join(', ')}]` : ''}`;

function toJson(outcome: RepositoryCleanupOutcome): unknown {
  if (outcome.kind === 'repository-not-found') return outcome;
  const { plan } = outcome;
  return {
    repositoryName: plan.repositoryName,
    policySource: outcome.policySource,
    delete: plan.delete.map(({ imageDigest, imageTags, role, reason, bytes }) => ({
      imageDigest,
      imageTags,
      role,
      reason,
      bytes,
    })),
    keep: plan.keep.map(({ imageDigest, imageTags, role, reasons }) => ({
      imageDigest,
      imageTags,
      role,
      reasons,
    })),
    summary: plan.summary,
  };
}

function totalsOf(outcomes: readonly RepositoryCleanupOutcome[]) {
  let deleted = 0;
  let bytes = 0;
  let dollars = 0;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'cleaned') continue;
    deleted += outcome.plan.delete.length;
    bytes += outcome.plan.summary.bytesReclaimed;
    dollars += outcome.plan.summary.monthlySavingsUsd;
  }
  return { deleted, bytes, dollars };
}

/**
 * The demo's promise, checked against the simulator's model and the planted sources (not the plan's own
 * reasons): no digest a running ECS task, an active service deployment (its task definition, or
 * the digest its service revision recorded) or a Lambda version runs is deleted, in this account, the
 * workload account or the member account; none a Kubernetes pod runs (its status imageID) or
 * that a pod, workload template (Deployment, old ReplicaSet, CronJob) or the external list names; no
 * image that a kept index lists; no referrer whose subject is kept.
 */
function checkInvariants(world: DemoWorld, outcomes: readonly PlacedOutcome[]): string[] {
  const sim = world.sim;
  const inUse = new Set<string>();
  for (const accountId of [world.account, WORKLOAD_ACCOUNT, world.organization.memberAccount]) {
    addEcsImages(sim, { accountId }, inUse);
    for (const fn of sim.lambda({ accountId }).functions.values()) {
      for (const version of fn.versions) {
        const digest = version.resolvedImageUri?.split('@')[1];
        if (digest !== undefined) inUse.add(digest);
      }
    }
  }
  for (const object of world.inUse.clusterObjects) {
    for (const reference of imageFieldsOf(object)) addReference(sim, reference, inUse);
  }
  for (const reference of world.inUse.externalImages) addReference(sim, reference, inUse);

  const violations: string[] = [];
  for (const { outcome, where } of outcomes) {
    if (outcome.kind !== 'cleaned') continue;
    const repository = sim.repository(outcome.repositoryName, {
      accountId: where.account,
      region: where.region,
    });
    const deleted = new Set(outcome.plan.delete.map((deletion) => deletion.imageDigest));
    for (const digest of deleted) {
      if (inUse.has(digest)) violations.push(`${outcome.repositoryName}: ${digest} is in use`);
      const stored = repository.images.get(digest);
      if (
        stored?.subjectDigest !== undefined &&
        !deleted.has(stored.subjectDigest) &&
        repository.images.has(stored.subjectDigest)
      ) {
        violations.push(
          `${outcome.repositoryName}: ${digest} is a referrer of the kept ${stored.subjectDigest}`,
        );
      }
    }
    for (const stored of repository.images.values()) {
      if (deleted.has(stored.digest)) continue;
      for (const child of stored.children) {
        if (deleted.has(child))
          violations.push(`${outcome.repositoryName}: ${child} is a child of the kept ${stored.digest}`);
      }
    }
  }
  return violations;
}

/** An image reference (by tag or digest) or a pod's imageID: the digest it names in the sample registry. */
function addReference(sim: RegistrySimulator, reference: string, into: Set<string>): void {
  const digest = sim.world.resolveImageUri(reference) ?? /@(sha256:[0-9a-f]{64})$/.exec(reference)?.[1];
  if (digest !== undefined) into.add(digest);
}

/**
 * Every `image` and `imageID` field of a Kubernetes object, wherever it sits (containers, init
 * containers, pod templates, a CronJob's job template, container statuses): a walk of its JSON,
 * independent of how ecr-warden reads the kinds.
 */
function imageFieldsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(imageFieldsOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, field]) =>
    (key === 'image' || key === 'imageID') && typeof field === 'string' ? [field] : imageFieldsOf(field),
  );
}

function addEcsImages(sim: RegistrySimulator, at: { accountId: string }, inUse: Set<string>): void {
  const ecs = sim.ecs(at);
  for (const cluster of ecs.clusters.values()) {
    for (const task of cluster.tasks.values()) {
      if (task.lastStatus === 'STOPPED') continue;
      for (const container of task.containers)
        if (container.imageDigest !== undefined) inUse.add(container.imageDigest);
    }
    for (const service of cluster.services.values()) {
      for (const deployment of service.deployments) {
        if (deployment.status === 'INACTIVE') continue;
        for (const container of ecs.taskDefinition(deployment.taskDefinition).containerDefinitions) {
          const digest = sim.world.resolveImageUri(container.image);
          if (digest !== undefined) inUse.add(digest);
        }
        // What its service revision recorded: ECS starts the service's tasks on it after a tag moved.
        const revision =
          deployment.serviceRevisionArn === undefined
            ? undefined
            : ecs.serviceRevisions.get(deployment.serviceRevisionArn);
        for (const image of revision?.containerImages ?? []) {
          if (image.imageDigest !== undefined) inUse.add(image.imageDigest);
        }
      }
    }
  }
}

/** The cleanup queue's messages as the SQS event source delivers them to cleanupWorker. */
export function cleanupSqsEvent(
  bodies: readonly string[],
  offset: number,
  world: DemoWorld,
  idPrefix = 'demo-cleanup',
): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `${idPrefix}-${offset + i + 1}`,
      receiptHandle: `demo-receipt-${offset + i + 1}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(world.asOf.getTime()),
        SenderId: 'AROADEMO:ecr-warden-demo-cleanupScheduler',
        ApproximateFirstReceiveTimestamp: String(world.asOf.getTime()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${world.region}:${world.account}:ecr-warden-demo-cleanup`,
      awsRegion: world.region,
    })),
  };
}

export function cleanupLambdaContext(name: string) {
  return demoLambdaContext(name, {
    memoryLimitInMB: '1024',
    awsRequestId: `demo-${name}`,
    callbackWaitsForEmptyEventLoop: true,
  });
}
