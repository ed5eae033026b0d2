import type { Context } from 'aws-lambda';
import type { GovernanceDetail } from '../../../shared/events/governance';
import type { PlantedSituation } from '../../registry-sim';
import { demoEvent, demoLambdaContext, scheduledEvent } from '../lambda-invocation';
import { readSampleDocument } from '../sample-document';
import type { DemoWorld } from '../world';
import type { DemoSection } from './section';

/** The demo stack's guard role: the CloudTrail records of its own calls name it. */
const DEMO_GUARD_ROLE = 'ecr-warden-demo-tagImmutability-us-east-1-lambdaRole';

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
 * Every drift event lands in the world's governance events (the notifications section delivers them).
 */
export const repositoryGuardSection: DemoSection = {
  title: 'Repository guard: tag immutability and the ECR baselines (dry run)',
  async run(world) {
    process.env.GUARD_ROLE_ARN ??= `arn:aws:iam::${world.account}:role/${DEMO_GUARD_ROLE}`;
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

  // 3. The schedule.
  const sweep = await invoke(
    scheduledEvent(
      world,
      'demo-repository-guard-sweep',
      'ecr-warden-demo-TagImmutabilityEventsRuleSchedule1',
    ),
  );

  const published = world.governanceEvents.slice(first);
  const drifts = published
    .filter((entry) => entry.DetailType === 'Repository Settings Drift')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as Drift);
  const tagMoves = published
    .filter((entry) => entry.DetailType === 'Tag Moved')
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as TagMoved);
  const check = checkFindings(planted, drifts, tagMoves, previousDigest);

  const lines = [
    `CloudTrail: jdoe set ${worker} to MUTABLE → ${describeResult(userSwitch)}; the guard's own PutImageTagMutability → ${describeResult(ownCall)}; a failed SetRepositoryPolicy → ${describeResult(failedCall)}`,
    `Sweep: ${String(sweep.repositoriesListed)} repositories listed, ${String(sweep.repositoriesChecked)} checked, ${String(sweep.drifts)} drifts (${String(sweep.wouldApply)} would be fixed in dry run), ${String(sweep.eventsPublished)} new events; the drift the CloudTrail event reported is not repeated`,
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
      cloudTrail: { userSwitch, ownCall, failedCall },
      tagLedger: { before, ...after },
      sweep,
      drifts,
      tagMoves,
      planted: check.found,
    },
  };
}

type Invoke = (event: unknown) => Promise<Record<string, unknown>>;

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
) {
  const time = new Date(world.asOf.getTime() - 3_600_000).toISOString();
  return demoEvent(world, {
    id,
    detailType: 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    time,
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: world.account, ...call.userIdentity },
      eventTime: time,
      eventSource: 'ecr.amazonaws.com',
      eventName: call.eventName,
      awsRegion: world.region,
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
      recipientAccountId: world.account,
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
