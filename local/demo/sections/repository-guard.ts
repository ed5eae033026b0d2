import type { Context } from 'aws-lambda';
import type { GovernanceDetail } from '../../../shared/events/governance';
import { forwardedToHub } from '../../organization/hub-delivery';
import type { PlantedSituation } from '../../registry-sim';
import { demoEvent, demoLambdaContext, scheduledEvent } from '../lambda-invocation';
import { MEMBER_ACCOUNT, plantGovernedMemberRepository, UNREACHABLE_ACCOUNT } from '../organization-world';
import { readSampleDocument } from '../sample-document';
import { type DemoWorld, queueUrlFor } from '../world';
import { cleanupSqsEvent } from './cleanup';
import type { DemoSection } from './section';

/** The demo stack's guard role: the CloudTrail records of its own calls name it. */
const DEMO_GUARD_ROLE = 'ecr-warden-demo-tagImmutability-us-east-1-lambdaRole';

/** The guard's target queue (an Organizations hub's sweep: one message per account × region). */
const TARGET_QUEUE_URL = queueUrlFor('TagImmutabilityTargetQueue');
/** payments-prod's repository the section switches to MUTABLE there (planted below, compliant otherwise). */
const MEMBER_REPOSITORY = 'payments/ledger-events';
/** An account outside the organization, which a forged event claims. */
const FORGED_ACCOUNT = '555555555555';

/** Planted drift → the baseline it breaks: every one must be found, and nothing else. */
const PLANTED_DRIFTS: Record<string, string> = {
  'drift-mutable': 'tag-immutability',
  'drift-no-lifecycle-policy': 'lifecycle-policy',
  'drift-aes256-encryption': 'encryption',
  'drift-public-repository-policy': 'repository-policy',
};

type Drift = GovernanceDetail<'Repository Settings Drift'>;
type TagMoved = GovernanceDetail<'Tag Moved'>;

/**
 * tagImmutability (the repository guard) on the sample registry, through its real handler, with the demo
 * config (dry run: remediation is what would be applied):
 * 1. CloudTrail: a user switches payments/worker to MUTABLE (the planted drift-mutable) → one drift event
 *    naming the user; the record of the guard's own PutImageTagMutability and a failed call → ignored.
 * 2. The tag ledger: the guard saw payments/worker before `latest` moved (the planted tag-moved-mutable),
 *    then the PUSH that moved it arrives → one "Tag Moved"; the same PUSH again → nothing.
 * 3. The schedule: every repository swept → the other planted drifts, each once; nothing else.
 * The demo deployment is an Organizations hub (issue 15): a user in payments-prod switches its
 * payments/ledger-events to MUTABLE → one drift event naming that account and its alias, found through the
 * member role; an event claiming account 555555555555 is refused before anything is read; the schedule
 * queues one target per governed account, and legacy-sandbox (no member role) is reported unreachable.
 * Every drift event lands in the world's governance events (the notifications section delivers them).
 */
export const repositoryGuardSection: DemoSection = {
  title: 'Repository guard: tag immutability and the ECR baselines (dry run)',
  async run(world) {
    process.env.GUARD_ROLE_ARN ??= `arn:aws:iam::${world.account}:role/${DEMO_GUARD_ROLE}`;
    // Every function of a hub has a target queue of its own, under one variable name: set at its cold start.
    process.env.TARGET_QUEUE_URL = TARGET_QUEUE_URL;
    const { handler } = await import('../../../functions/tag-immutability');
    return runSection(world, handler);
  },
};

async function runSection(
  world: DemoWorld,
  handler: (event: unknown, context: Context) => Promise<unknown>,
): Promise<{ lines: string[]; json: unknown }> {
  const planted = readSampleDocument().planted ?? {};
  const first = world.governanceEvents.length;
  const invoke = (event: unknown) => handler(event, lambdaContext()) as Promise<Record<string, unknown>>;

  // 1. CloudTrail records of repository changes.
  const worker = plantedOne(planted, 'drift-mutable');
  const userSwitch = await invoke(
    cloudTrailEvent(world, 'demo-ct-1', {
      eventName: 'PutImageTagMutability',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${world.account}:user/jdoe`, userName: 'jdoe' },
      requestParameters: { repositoryName: worker, imageTagMutability: 'MUTABLE' },
    }),
  );
  const ownCall = await invoke(
    cloudTrailEvent(world, 'demo-ct-2', {
      eventName: 'PutImageTagMutability',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${world.account}:assumed-role/${DEMO_GUARD_ROLE}/ecr-warden-demo-tagImmutability`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: process.env.GUARD_ROLE_ARN } },
      },
      requestParameters: { repositoryName: worker, imageTagMutability: 'IMMUTABLE' },
    }),
  );
  const failedCall = await invoke(
    cloudTrailEvent(world, 'demo-ct-3', {
      eventName: 'SetRepositoryPolicy',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${world.account}:user/jdoe`, userName: 'jdoe' },
      requestParameters: null,
      errorCode: 'AccessDenied',
    }),
  );

  // 1b. The member account: payments-prod's trail records a user switching payments/ledger-events to MUTABLE.
  // payments/ledger-events, compliant but for the MUTABLE the record reports: exactly one drift there.
  plantGovernedMemberRepository(world, MEMBER_REPOSITORY, { imageTagMutability: 'MUTABLE' });
  const member = { account: MEMBER_ACCOUNT, region: world.region };
  // As payments-prod's member stack forwards it to the hub bus (its forwarding rules' patterns).
  const memberSwitch = await invoke(
    forwardedToHub(
      cloudTrailEvent(
        world,
        'demo-ct-member',
        {
          eventName: 'PutImageTagMutability',
          userIdentity: {
            type: 'IAMUser',
            arn: `arn:aws:iam::${MEMBER_ACCOUNT}:user/asmith`,
            userName: 'asmith',
          },
          requestParameters: { repositoryName: MEMBER_REPOSITORY, imageTagMutability: 'MUTABLE' },
        },
        member,
      ),
    ),
  );
  // A forged record: an account outside the organization. Refused before anything is read.
  const forged = await invoke(
    cloudTrailEvent(
      world,
      'demo-ct-forged',
      {
        eventName: 'PutImageTagMutability',
        userIdentity: {
          type: 'IAMUser',
          arn: `arn:aws:iam::${FORGED_ACCOUNT}:user/mallory`,
          userName: 'mallory',
        },
        requestParameters: { repositoryName: MEMBER_REPOSITORY, imageTagMutability: 'MUTABLE' },
      },
      { account: FORGED_ACCOUNT, region: world.region },
    ),
  ).then(
    () => 'accepted',
    // The first of the problems it names is enough for a line.
    (error: Error) => `${error.name}: ${error.message.split('; ')[0]}`,
  );

  // 2. The moved tag: the ledger first sees payments/worker as it was before the move.
  const moved = planted['tag-moved-mutable'];
  const previousDigest = moved?.details?.previousDigest;
  if (
    moved?.repositoryName === undefined ||
    moved.imageTag === undefined ||
    moved.imageDigest === undefined
  ) {
    throw new Error('the sample plants no tag-moved-mutable situation');
  }
  if (typeof previousDigest !== 'string') throw new Error('tag-moved-mutable names no previous digest');
  const { before, after } = await replayTagMove(world, invoke, {
    repositoryName: moved.repositoryName,
    tag: moved.imageTag,
    previousDigest,
    newDigest: moved.imageDigest,
  });

  // 3. The schedule: the hub queues one target per governed account × region, each swept from the queue.
  const queuedBefore = world.queueMessages(TARGET_QUEUE_URL).length;
  const beforeSweep = world.governanceEvents.length;
  const schedule = await invoke(
    scheduledEvent(
      world,
      'demo-repository-guard-sweep',
      'ecr-warden-demo-TagImmutabilityEventsRuleSchedule1',
    ),
  );
  const targets = world.queueMessages(TARGET_QUEUE_URL).slice(queuedBefore);
  const sweepBatch = await invoke(cleanupSqsEvent(targets, queuedBefore, world, 'demo-guard-target'));
  const sweepDrifts = world.governanceEvents
    .slice(beforeSweep)
    .filter((entry) => entry.DetailType === 'Repository Settings Drift').length;

  const published = world.governanceEvents.slice(first);
  const drifts = published
    .filter((entry) => entry.DetailType === 'Repository Settings Drift')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as Drift);
  const tagMoves = published
    .filter((entry) => entry.DetailType === 'Tag Moved')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as TagMoved);
  const unreachable = published
    .filter((entry) => entry.DetailType === 'Account Unreachable')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Account Unreachable'>);
  // The sample's planted drifts are the hub's own registry's; the member's are checked apart.
  const check = checkFindings(
    planted,
    drifts.filter((drift) => drift.account === world.account),
    tagMoves,
    previousDigest,
  );
  checkOrganization(check, {
    drifts: drifts.filter((drift) => drift.account !== world.account),
    unreachable,
    forged,
    batchFailures: (sweepBatch.batchItemFailures ?? []) as unknown[],
  });

  const lines = [
    `CloudTrail: jdoe set ${worker} to MUTABLE → ${describeResult(userSwitch)}; the guard's own PutImageTagMutability → ${describeResult(ownCall)}; a failed SetRepositoryPolicy → ${describeResult(failedCall)}`,
    `payments-prod (${MEMBER_ACCOUNT}): asmith set ${MEMBER_REPOSITORY} to MUTABLE → ${describeResult(memberSwitch)}, through the member role; an event claiming ${FORGED_ACCOUNT} → refused (${forged})`,
    `Sweep: ${String(schedule.targetsQueued)} targets queued (one per governed account × region), each swept from the target queue: ${sweepDrifts} new drift events; the drifts the CloudTrail events reported are not repeated`,
    ...unreachable.map((event) => `  Account Unreachable (${event.severity}): ${event.summary}`),
    `Drift events (${drifts.length}):`,
    ...drifts.map(
      (drift) =>
        `  ${drift.severity.toUpperCase()} ${drift.summary}${drift.changedBy === undefined ? '' : ` [changed by ${drift.changedBy}]`}`,
    ),
    `Tag ledger: ${moved.repositoryName}:${moved.imageTag} first seen at ${before.time} (ledger seeded from DescribeImages, ${describeResult(before.result)}); the PUSH that moved it → ${describeResult(after.first)}; the same PUSH again → ${describeResult(after.replay)}`,
    ...tagMoves.map((event) => `  Tag Moved (${event.severity}): ${event.summary}`),
    `Planted situations found: ${check.found.length} of ${check.found.length + check.missing.length}`,
    ...check.found.map((line) => `  found      ${line}`),
    ...check.missing.map((line) => `  NOT FOUND  ${line}`),
    ...check.unexpected.map((line) => `  UNEXPECTED ${line}`),
  ];
  if (check.missing.length > 0 || check.unexpected.length > 0) {
    throw new Error(`repository guard demo: unexpected findings\n${lines.join('\n')}`);
  }
  return {
    lines,
    json: {
      cloudTrail: { userSwitch, ownCall, failedCall, memberSwitch, forged },
      tagLedger: { before, ...after },
      sweep: {
        schedule,
        targets: targets.length,
        batchItemFailures: sweepBatch.batchItemFailures,
        drifts: sweepDrifts,
      },
      accountUnreachable: unreachable,
      drifts,
      tagMoves,
      planted: check.found,
    },
  };
}

type Invoke = (event: unknown) => Promise<Record<string, unknown>>;

/**
 * The hub's own findings: exactly one drift in payments-prod (from its CloudTrail record, named by
 * account and alias, not repeated by the sweep), the forged event refused, every sweep target done, and
 * legacy-sandbox reported unreachable once.
 */
function checkOrganization(
  check: { found: string[]; missing: string[]; unexpected: string[] },
  seen: {
    drifts: readonly Drift[];
    unreachable: readonly GovernanceDetail<'Account Unreachable'>[];
    forged: string;
    batchFailures: readonly unknown[];
  },
): void {
  const memberDrifts = seen.drifts.filter((drift) => drift.account === MEMBER_ACCOUNT);
  for (const drift of seen.drifts.filter((other) => other.account !== MEMBER_ACCOUNT)) {
    check.unexpected.push(`${drift.account} ${drift.repositoryName} ${drift.baseline}: ${drift.summary}`);
  }
  const named = memberDrifts.filter(
    (drift) =>
      drift.accountAlias === 'payments-prod' &&
      drift.repositoryName === MEMBER_REPOSITORY &&
      drift.baseline === 'tag-immutability',
  );
  (named.length === 1 && memberDrifts.length === 1 ? check.found : check.missing).push(
    `payments-prod: ${MEMBER_REPOSITORY} tag-immutability (${memberDrifts.length} event${memberDrifts.length === 1 ? '' : 's'}, named by alias: ${named.length})`,
  );
  (seen.forged.startsWith('UngovernedEventError') ? check.found : check.missing).push(
    `forged event of ${FORGED_ACCOUNT} refused (${seen.forged.split(':')[0]})`,
  );
  const sandbox = seen.unreachable.filter(
    (event) => event.account === UNREACHABLE_ACCOUNT && event.work === 'repository-guard',
  );
  (sandbox.length === 1 && seen.unreachable.length === 1 ? check.found : check.missing).push(
    `legacy-sandbox unreachable in the sweep (${seen.unreachable.length} Account Unreachable event${seen.unreachable.length === 1 ? '' : 's'})`,
  );
  if (seen.batchFailures.length > 0)
    check.unexpected.push(`${seen.batchFailures.length} sweep target(s) failed`);
}

/**
 * Rewinds the tag in the simulated registry to where it pointed before the planted move (directly in the
 * model: no PutImage, so no replication and no counted call), lets the guard see the repository through
 * the PUSH of that earlier image, puts the registry back exactly as it was, then delivers the PUSH that
 * moved the tag, twice.
 */
async function replayTagMove(
  world: DemoWorld,
  invoke: Invoke,
  move: { repositoryName: string; tag: string; previousDigest: string; newDigest: string },
) {
  const repository = world.sim.repository(move.repositoryName);
  const previous = world.sim.image(move.repositoryName, { imageDigest: move.previousDigest });
  const current = world.sim.image(move.repositoryName, { imageDigest: move.newDigest });
  const saved = { previous: [...previous.tags], current: [...current.tags] };
  const retag = (image: typeof previous) =>
    repository.putImage({
      manifest: image.manifest,
      mediaType: image.mediaType,
      tag: move.tag,
      now: image.pushedAt,
      maxImages: 100_000,
    });

  retag(previous);
  const beforeTime = new Date(previous.pushedAt).toISOString();
  const result = await invoke(
    pushEvent(world, 'demo-push-before', move.repositoryName, move.tag, move.previousDigest, beforeTime),
  );
  retag(current);
  previous.tags = saved.previous;
  current.tags = saved.current;

  const push = pushEvent(
    world,
    'demo-push-move',
    move.repositoryName,
    move.tag,
    move.newDigest,
    new Date(current.pushedAt).toISOString(),
  );
  const first = await invoke(push);
  const replay = await invoke(structuredClone(push)); // EventBridge delivers at least once
  return { before: { time: beforeTime, result }, after: { first, replay } };
}

function checkFindings(
  planted: Record<string, PlantedSituation>,
  drifts: readonly Drift[],
  tagMoves: readonly TagMoved[],
  previousDigest: string,
): { found: string[]; missing: string[]; unexpected: string[] } {
  const found: string[] = [];
  const missing: string[] = [];
  const expected = new Set<string>();
  for (const [key, baseline] of Object.entries(PLANTED_DRIFTS)) {
    const repositoryName = planted[key]?.repositoryName;
    if (repositoryName === undefined) continue;
    expected.add(`${repositoryName}|${baseline}`);
    const matches = drifts.filter(
      (drift) => drift.repositoryName === repositoryName && drift.baseline === baseline,
    );
    (matches.length === 1 ? found : missing).push(
      `${key}: ${repositoryName} ${baseline} (${matches.length} event${matches.length === 1 ? '' : 's'})`,
    );
  }
  const unexpected = drifts
    .filter((drift) => !expected.has(`${drift.repositoryName}|${drift.baseline}`))
    .map((drift) => `${drift.repositoryName} ${drift.baseline}: ${drift.summary}`);
  const move = planted['tag-moved-mutable'];
  const alerts = tagMoves.filter(
    (event) =>
      event.repositoryName === move?.repositoryName &&
      event.imageTag === move?.imageTag &&
      event.previousDigest === previousDigest &&
      event.newDigest === move?.imageDigest,
  );
  (alerts.length === 1 ? found : missing).push(
    `tag-moved-mutable: ${move?.repositoryName}:${move?.imageTag} alerted ${alerts.length} time${alerts.length === 1 ? '' : 's'}`,
  );
  unexpected.push(
    ...tagMoves.filter((event) => !alerts.includes(event)).map((event) => `Tag Moved: ${event.summary}`),
  );
  return { found, missing, unexpected };
}

function plantedOne(planted: Record<string, PlantedSituation>, key: string): string {
  const name = planted[key]?.repositoryName;
  if (name === undefined) throw new Error(`the sample plants no ${key} situation`);
  return name;
}

function describeResult(result: Record<string, unknown>): string {
  switch (result.status) {
    case 'checked':
      return `checked, ${String(result.drifts)} drift(s), ${String(result.eventsPublished)} event(s)`;
    case 'ignored':
      return `ignored (${String(result.reason)})`;
    case 'moved':
      return result.alerted === true ? 'moved, alerted' : 'moved';
    default:
      return String(result.status);
  }
}

function cloudTrailEvent(
  world: DemoWorld,
  id: string,
  call: {
    eventName: string;
    userIdentity: Record<string, unknown>;
    requestParameters: Record<string, unknown> | null;
    errorCode?: string;
  },
  where: { account: string; region: string } = world,
) {
  const time = new Date(world.asOf.getTime() - 3_600_000).toISOString();
  return demoEvent(where, {
    id,
    detailType: 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    time,
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: where.account, ...call.userIdentity },
      eventTime: time,
      eventSource: 'ecr.amazonaws.com',
      eventName: call.eventName,
      awsRegion: where.region,
      sourceIPAddress: '198.51.100.23',
      userAgent: 'console.amazonaws.com',
      requestParameters: call.requestParameters,
      responseElements: call.errorCode === undefined ? call.requestParameters : null,
      ...(call.errorCode === undefined ? {} : { errorCode: call.errorCode, errorMessage: 'not authorized' }),
      requestID: `${id}-request`,
      eventID: `${id}-event`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: where.account,
      eventCategory: 'Management',
    },
  });
}

function pushEvent(
  world: DemoWorld,
  id: string,
  repositoryName: string,
  tag: string,
  digest: string,
  time: string,
) {
  return demoEvent(world, {
    id,
    detailType: 'ECR Image Action',
    source: 'aws.ecr',
    time,
    detail: {
      result: 'SUCCESS',
      'repository-name': repositoryName,
      'image-digest': digest,
      'action-type': 'PUSH',
      'image-tag': tag,
    },
  });
}

function lambdaContext() {
  return demoLambdaContext('tagImmutability', { memoryLimitInMB: '256' });
}
