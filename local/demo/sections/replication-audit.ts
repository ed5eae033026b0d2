import { createReplicationRegistryReaders } from '../../../shared/aws/replication-registry';
import { loadBundledConfig } from '../../../shared/config/bundled-config';
import type { GovernanceDetail } from '../../../shared/events/governance';
import { auditReplication } from '../../../shared/replication/audit-replication';
import { describeDrift, labelImages } from '../../../shared/replication/audit-report';
import type { AuditResult, ReplicaComparison } from '../../../shared/replication/replication-model';
import { forwardedToHub } from '../../organization/hub-delivery';
import type { SampleDocument } from '../../registry-sim';
import { imageManifest } from '../../registry-sim/data/manifests';
import { demoEvent, demoLambdaContext, scheduledEvent } from '../lambda-invocation';
import { MEMBER_ACCOUNT, plantGovernedMemberRepository, UNREACHABLE_ACCOUNT } from '../organization-world';
import { readSampleDocument } from '../sample-document';
import { type DemoWorld, queueUrlFor } from '../world';
import { cleanupSqsEvent } from './cleanup';
import type { DemoSection } from './section';

const DESTINATION = 'us-west-2';
/** The audit's target queue (an Organizations hub's audit: one message per account × region). */
const TARGET_QUEUE_URL = queueUrlFor('ReplicationAuditTargetQueue');
/** payments-prod's replicated repository, whose replication of `v1.4.0` fails (planted below). */
const MEMBER_REPOSITORY = 'payments/settlement';
const MEMBER_FAILURE_CODE = 'KMS_KEY_NOT_FOUND';

/**
 * replicationAudit on the sample registry (us-east-1 replicating payments/ and web/ to us-west-2),
 * with the demo config (remediation in dry run):
 * 1. the scheduled audit, through the real handler: its "Replication Audit Report" lands in the
 *    world's governance events (the notifications section delivers it);
 * 2. every finding checked: the planted replication-* situations must all be found, and every other
 *    finding must be true of the sample document itself (read here directly, not through the
 *    simulator), so that the audit reports nothing that is not there;
 * 3. replication events through the same handler: a FAILED replication delivered twice becomes one
 *    "Replication Failure" alert; a SUCCESS records the lag.
 * The demo deployment is an Organizations hub (issue 15): the schedule queues one audit target per
 * governed account, each audited in its account (payments-prod's report names it; legacy-sandbox is
 * reported unreachable once), and a FAILED replication forwarded from payments-prod becomes one alert
 * naming that account, with the failure code its registry reports through the member role.
 */
export const replicationAuditSection: DemoSection = {
  title: 'Cross-region replication audit (us-east-1 to us-west-2)',
  async run(world) {
    // Every function of a hub has a target queue of its own, under one variable name: set at its cold start.
    process.env.TARGET_QUEUE_URL = TARGET_QUEUE_URL;
    const { handler } = await import('../../../functions/replication-audit');
    const config = loadBundledConfig().replication;
    const sample = readSampleDocument();
    const memberDigest = plantMemberReplication(world);

    // 1. The scheduled run, as EventBridge invokes it: one target per governed account, each audited
    //    from the target queue.
    const published = world.governanceEvents.length;
    const queuedBefore = world.queueMessages(TARGET_QUEUE_URL).length;
    const schedule = (await handler(
      scheduledEvent(world, 'demo-replication-audit-run', 'ecr-warden-demo-replication-audit'),
      lambdaContext(),
    )) as { targetsQueued?: number };
    const targets = world.queueMessages(TARGET_QUEUE_URL).slice(queuedBefore);
    const batch = (await handler(
      cleanupSqsEvent(targets, queuedBefore, world, 'demo-replication-target'),
      lambdaContext(),
    )) as { batchItemFailures: unknown[] };
    const runEvents = world.governanceEvents.slice(published);
    const reportsOf = (account: string) =>
      runEvents
        .filter((entry) => entry.DetailType === 'Replication Audit Report')
        .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Replication Audit Report'>)
        .filter((detail) => detail.account === account);
    const reports = reportsOf(world.account);
    const report = reports[0];
    if (reports.length !== 1 || report === undefined) {
      throw new Error(`expected one Replication Audit Report of the hub, got ${reports.length}`);
    }
    const memberReports = reportsOf(MEMBER_ACCOUNT);
    const unreachable = runEvents
      .filter((entry) => entry.DetailType === 'Account Unreachable')
      .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Account Unreachable'>);

    // 2. The same audit's structured findings, checked against the planted index and the sample data.
    const result = await auditReplication(
      { account: world.account, sourceRegion: world.region, settings: config, now: world.asOf },
      { readerFor: createReplicationRegistryReaders() },
    );
    const planted = checkPlanted(result, sample);
    const others = otherFindings(result, planted.claimed, sample);

    // 3. Replication events: a failure delivered twice, and a success.
    const before = world.governanceEvents.length;
    const failed = failedReplicationEvent(sample);
    await handler(failed, lambdaContext());
    await handler(structuredClone(failed), lambdaContext()); // EventBridge delivers at least once
    const alerts = world.governanceEvents
      .slice(before)
      .filter((entry) => entry.DetailType === 'Replication Failure')
      .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Replication Failure'>);
    const lag = (await handler(succeededReplicationEvent(sample), lambdaContext())) as {
      outcome: string;
      seconds?: number;
    };
    // 4. payments-prod's rule forwards its FAILED replication to the hub bus.
    const beforeMember = world.governanceEvents.length;
    await handler(memberFailedReplicationEvent(world, memberDigest), lambdaContext());
    const memberAlerts = world.governanceEvents
      .slice(beforeMember)
      .filter((entry) => entry.DetailType === 'Replication Failure')
      .map((entry) => JSON.parse(entry.Detail ?? '{}') as GovernanceDetail<'Replication Failure'>);
    const organization = checkOrganization({
      targets: targets.length,
      failures: batch.batchItemFailures.length,
      memberReports,
      unreachable,
      memberAlerts,
    });

    const lines = [
      `Scheduled audit: ${report.repositoriesAudited} replicated repositories, report published (${report.severity}):`,
      `  ${report.summary}`,
      `Planted situations found: ${planted.found.length} of ${planted.found.length + planted.notFound.length}`,
      ...planted.found.map((line) => `  found      ${line}`),
      ...planted.notFound.map((line) => `  NOT FOUND  ${line}`),
      `Other findings: ${others.confirmed.length}, each true of the sample data (replicas created by replication with default settings; web/admin v0.9.0 pushed before the rule):`,
      ...others.confirmed.map((line) => `  ${line}`),
      `Findings the sample data does not bear out: ${others.unconfirmed.length}`,
      ...others.unconfirmed.map((line) => `  UNCONFIRMED  ${line}`),
      `Worst lag: ${report.worstLagSeconds ?? 'none'} s; recommendations:`,
      ...report.recommendations.map((line) => `  - ${line}`),
      `Remediation (${report.remediation?.dryRun === false ? 'applied' : 'dry run'}): ${summarizeRemediation(report)}`,
      `Replication events: a FAILED replication of web/frontend v3.2.0 delivered twice became ${alerts.length} "Replication Failure" alert${alerts.length === 1 ? '' : 's'}${alerts[0]?.failureCode === undefined ? '' : ` (${alerts[0].failureCode})`}; a SUCCESS of payments/worker:latest recorded a lag of ${lag.seconds ?? '?'} s in ${DESTINATION}`,
      `Organization: ${schedule.targetsQueued ?? 0} audit targets queued, one per governed account; ${organization.found.length} of ${organization.found.length + organization.missing.length} expected:`,
      ...organization.found.map((line) => `  found      ${line}`),
      ...organization.missing.map((line) => `  NOT FOUND  ${line}`),
    ];
    if (
      planted.notFound.length > 0 ||
      others.unconfirmed.length > 0 ||
      alerts.length !== 1 ||
      organization.missing.length > 0
    ) {
      throw new Error(`replication audit demo: unexpected findings\n${lines.join('\n')}`);
    }
    return {
      lines,
      json: {
        report,
        planted: planted.found,
        otherFindings: others.confirmed,
        unconfirmedFindings: others.unconfirmed,
        failureAlerts: alerts,
        lag,
        organization: {
          targetsQueued: schedule.targetsQueued,
          memberReports,
          accountUnreachable: unreachable,
          memberFailureAlerts: memberAlerts,
          found: organization.found,
        },
      },
    };
  },
};

interface PlantedCheck {
  found: string[];
  notFound: string[];
  /** Findings that a planted situation explains (`<repository>|<kind>|<key>`). */
  claimed: Set<string>;
}

function checkPlanted(result: AuditResult, sample: SampleDocument): PlantedCheck {
  const planted = sample.planted ?? {};
  const west = (name: string) =>
    result.comparisons.find((c) => c.repositoryName === name && c.destination.region === DESTINATION);
  const found: string[] = [];
  const notFound: string[] = [];
  const claimed = new Set<string>();
  const expect = (key: string, ok: boolean, what: string, claims: string[]) => {
    if (planted[key] === undefined) return;
    (ok ? found : notFound).push(`${key}: ${what}`);
    if (ok) for (const claim of claims) claimed.add(claim);
  };

  const preRule = planted['replication-pre-rule-image'];
  const api = west(preRule?.repositoryName ?? '');
  const preRuleImages = api?.missing.filter((m) => m.preRule) ?? [];
  expect(
    'replication-pre-rule-image',
    preRuleImages.some((m) => m.digest === preRule?.imageDigest),
    `${preRule?.repositoryName} ${labelImages(preRuleImages)} pushed before the rule, never replicated`,
    preRuleImages.map((m) => `${preRule?.repositoryName}|missing|${m.digest}`),
  );

  const missing = planted['replication-image-missing'];
  const missingIn = west(missing?.repositoryName ?? '')?.missing.find(
    (m) => m.digest === missing?.imageDigest,
  );
  expect(
    'replication-image-missing',
    missingIn !== undefined && !missingIn.preRule,
    `${missing?.repositoryName} ${missing?.imageTag} replicated, then gone from ${DESTINATION}`,
    [`${missing?.repositoryName}|missing|${missing?.imageDigest}`],
  );

  const failed = planted['replication-failed'];
  const failedIn = west(failed?.repositoryName ?? '')?.failed.find((f) => f.digest === failed?.imageDigest);
  expect(
    'replication-failed',
    failedIn !== undefined,
    `${failed?.repositoryName} ${failed?.imageTag} FAILED (${failedIn?.failureCode ?? '?'})`,
    [`${failed?.repositoryName}|failed|${failed?.imageDigest}`],
  );

  const moved = planted['replication-tag-different-digest'];
  const mismatch = west(moved?.repositoryName ?? '')?.tagMismatches.find((m) => m.tag === moved?.imageTag);
  expect(
    'replication-tag-different-digest',
    mismatch?.replicaDigest === moved?.imageDigest && mismatch?.sourceDigest === moved?.details?.sourceDigest,
    `${moved?.repositoryName}:${moved?.imageTag} names another digest in ${DESTINATION}`,
    [`${moved?.repositoryName}|tag|${moved?.imageTag}`],
  );

  const drift = planted['replication-settings-drift'];
  const drifted = west(drift?.repositoryName ?? '')?.drift ?? [];
  const plantedSettings = ['tag-mutability', 'encryption', 'lifecycle-policy'];
  expect(
    'replication-settings-drift',
    plantedSettings.every((setting) => drifted.some((d) => d.setting === setting)),
    `${drift?.repositoryName} in ${DESTINATION}: ${drifted.map((d) => d.setting).join(', ')}`,
    drifted.map((d) => `${drift?.repositoryName}|drift|${d.setting}`),
  );
  return { found, notFound, claimed };
}

/**
 * Every finding no planted situation explains, checked against the sample document directly: the image
 * really is absent from the replica with the replication status the finding says, the tag really names
 * two digests, the setting really differs.
 */
function otherFindings(
  result: AuditResult,
  claimed: ReadonlySet<string>,
  sample: SampleDocument,
): { confirmed: string[]; unconfirmed: string[] } {
  const confirmed: string[] = [];
  const unconfirmed: string[] = [];
  const truth = sampleTruth(sample);
  for (const comparison of result.comparisons) {
    const name = comparison.repositoryName;
    const region = comparison.destination.region;
    const note = (ok: boolean, line: string) =>
      (ok ? confirmed : unconfirmed).push(`${name} -> ${region}: ${line}`);
    for (const image of comparison.missing) {
      if (claimed.has(`${name}|missing|${image.digest}`)) continue;
      const status = truth.statusOf(name, image.digest, region);
      const absent = !truth.inReplica(name, image.digest, region);
      note(
        absent && (image.preRule ? status === undefined : status === 'COMPLETE'),
        `${image.preRule ? 'pushed before the rule, never replicated' : 'replicated, then gone'}: ${labelImages([image])}`,
      );
    }
    for (const image of comparison.failed) {
      if (claimed.has(`${name}|failed|${image.digest}`)) continue;
      note(truth.statusOf(name, image.digest, region) === 'FAILED', `FAILED: ${labelImages([image])}`);
    }
    for (const mismatch of comparison.tagMismatches) {
      if (claimed.has(`${name}|tag|${mismatch.tag}`)) continue;
      note(
        truth.tagDigest(name, mismatch.tag, 'us-east-1') !== truth.tagDigest(name, mismatch.tag, region),
        `tag ${mismatch.tag} on another digest`,
      );
    }
    for (const drift of comparison.drift) {
      if (claimed.has(`${name}|drift|${drift.setting}`)) continue;
      note(truth.settingDiffers(name, drift.setting, region), describeDrift(drift, 'us-east-1', region));
    }
  }
  return { confirmed, unconfirmed };
}

type SampleRepository = SampleDocument['registries'][number]['repositories'][number];

/** Answers from the sample document itself (not from the simulator loaded with it). */
function sampleTruth(sample: SampleDocument) {
  const repository = (name: string, region: string): SampleRepository | undefined =>
    sample.registries.find((r) => r.region === region)?.repositories.find((r) => r.repositoryName === name);
  const registry = (region: string) => sample.registries.find((r) => r.region === region);
  const scanFrequency = (name: string, region: string) => {
    const rules = registry(region)?.scanningConfiguration?.rules ?? [];
    const matches = (filter: string) =>
      new RegExp(`^${filter.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name);
    return (
      rules.find((rule) => rule.repositoryFilters.some((f) => matches(f.filter)))?.scanFrequency ?? 'MANUAL'
    );
  };
  const setting = (name: string, region: string, which: ReplicaComparison['drift'][number]['setting']) => {
    const repo = repository(name, region);
    if (repo === undefined) return undefined;
    switch (which) {
      case 'tag-mutability':
        return `${repo.imageTagMutability} ${(repo.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter).join(',')}`;
      case 'encryption':
        return repo.encryptionConfiguration.encryptionType;
      case 'lifecycle-policy':
        return repo.lifecyclePolicyText ?? 'none';
      case 'repository-policy':
        return repo.repositoryPolicyText ?? 'none';
      case 'scanning':
        return scanFrequency(name, region);
    }
  };
  return {
    inReplica: (name: string, digest: string, region: string) =>
      repository(name, region)?.images.some((image) => image.imageDigest === digest) ?? false,
    statusOf: (name: string, digest: string, region: string) =>
      repository(name, 'us-east-1')
        ?.images.find((image) => image.imageDigest === digest)
        ?.replicationStatuses?.find((status) => status.region === region)?.status,
    tagDigest: (name: string, tag: string, region: string) =>
      repository(name, region)?.images.find((image) => (image.imageTags ?? []).includes(tag))?.imageDigest,
    settingDiffers: (name: string, which: ReplicaComparison['drift'][number]['setting'], region: string) =>
      setting(name, 'us-east-1', which) !== setting(name, region, which),
  };
}

function summarizeRemediation(report: GovernanceDetail<'Replication Audit Report'>): string {
  const actions = report.remediation?.actions ?? [];
  if (actions.length === 0) return 'nothing to do';
  const count = (action: string, outcome: string) =>
    actions.filter((a) => a.action === action && a.outcome === outcome).length;
  const backfills = actions.filter((a) => a.action === 'start-backfill').map((a) => a.detail);
  return [
    `${count('align-setting', 'would-apply')} settings would be aligned`,
    `${count('align-setting', 'skipped')} drifts left to people (encryption, scanning)`,
    ...backfills,
  ].join('; ');
}

/** "ECR Replication Action" as ECR emits it in us-west-2 for the planted failed replication. */
function failedReplicationEvent(sample: SampleDocument) {
  const failed = sample.planted?.['replication-failed'];
  return replicationEvent('demo-replication-failed', '2026-10-26T00:00:09Z', {
    result: 'FAILED',
    'repository-name': failed?.repositoryName ?? 'web/frontend',
    'image-digest': failed?.imageDigest ?? '',
    'image-tag': failed?.imageTag ?? 'v3.2.0',
  });
}

/** The replication of payments/worker:latest (pushed asOf-3d), 42 seconds later. */
function succeededReplicationEvent(sample: SampleDocument) {
  const moved = sample.planted?.['replication-tag-different-digest'];
  const digest = String(moved?.details?.sourceDigest ?? '');
  const pushedAt = Date.parse(sample.asOf) - 3 * 86_400_000;
  return replicationEvent('demo-replication-succeeded', new Date(pushedAt + 42_000).toISOString(), {
    result: 'SUCCESS',
    'repository-name': moved?.repositoryName ?? 'payments/worker',
    'image-digest': digest,
    'image-tag': moved?.imageTag ?? 'latest',
  });
}

function replicationEvent(id: string, time: string, detail: Record<string, string>) {
  return demoEvent(
    { account: '123456789012', region: DESTINATION },
    {
      id,
      detailType: 'ECR Replication Action',
      source: 'aws.ecr',
      time,
      detail: {
        ...detail,
        'source-account': '123456789012',
        'source-region': 'us-east-1',
        'action-type': 'REPLICATE',
      },
    },
  );
}

/**
 * payments-prod replicates payments/settlement to us-west-2 (its own registry there), and the
 * replication of v1.4.0, pushed two hours before the demo's now, failed: one failure there and nothing
 * else. Returns the image's digest.
 */
function plantMemberReplication(world: DemoWorld): string {
  const at = { accountId: MEMBER_ACCOUNT, region: world.region };
  // Compliant with the guard's payments/** rule: the guard section finds nothing here.
  plantGovernedMemberRepository(world, MEMBER_REPOSITORY, {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    imageTagMutabilityExclusionFilters: [
      { filterType: 'WILDCARD', filter: 'latest' },
      { filterType: 'WILDCARD', filter: 'dev-*' },
    ],
  });
  world.sim.addRepository(MEMBER_REPOSITORY, { accountId: MEMBER_ACCOUNT, region: DESTINATION });
  world.sim.setReplicationRules(
    [
      {
        destinations: [{ region: DESTINATION, registryId: MEMBER_ACCOUNT }],
        repositoryFilters: [{ filter: MEMBER_REPOSITORY, filterType: 'PREFIX_MATCH' }],
      },
    ],
    at,
  );
  world.aws.faults.failReplication({
    destinationAccountId: MEMBER_ACCOUNT,
    repositoryPrefix: MEMBER_REPOSITORY,
    failureCode: MEMBER_FAILURE_CODE,
  });
  return world.sim.pushImage({
    ...at,
    repositoryName: MEMBER_REPOSITORY,
    manifest: imageManifest({ seed: 'settlement-v1.4.0' }),
    tags: ['v1.4.0'],
    pushedAt: new Date(world.asOf.getTime() - 2 * 3_600_000),
  }).image.digest;
}

/** The FAILED replication of payments/settlement v1.4.0, as payments-prod's rule forwards it. */
function memberFailedReplicationEvent(world: DemoWorld, digest: string) {
  // As payments-prod's member stack forwards it to the hub bus (its forwarding rules' patterns).
  return forwardedToHub(
    demoEvent(
      { account: MEMBER_ACCOUNT, region: DESTINATION },
      {
        id: 'demo-member-replication-failed',
        detailType: 'ECR Replication Action',
        source: 'aws.ecr',
        time: new Date(world.asOf.getTime() - 2 * 3_600_000 + 9_000).toISOString(),
        detail: {
          result: 'FAILED',
          'repository-name': MEMBER_REPOSITORY,
          'image-digest': digest,
          'image-tag': 'v1.4.0',
          'source-account': MEMBER_ACCOUNT,
          'source-region': world.region,
          'action-type': 'REPLICATE',
        },
      },
    ),
  );
}

/** What the hub must find across the organization, exactly. */
function checkOrganization(seen: {
  targets: number;
  failures: number;
  memberReports: readonly GovernanceDetail<'Replication Audit Report'>[];
  unreachable: readonly GovernanceDetail<'Account Unreachable'>[];
  memberAlerts: readonly GovernanceDetail<'Replication Failure'>[];
}): { found: string[]; missing: string[] } {
  const found: string[] = [];
  const missing: string[] = [];
  const expect = (ok: boolean, line: string) => (ok ? found : missing).push(line);
  expect(seen.targets === 3 && seen.failures === 0, `3 targets audited (${seen.failures} failed)`);
  const [memberReport] = seen.memberReports;
  expect(
    seen.memberReports.length === 1 &&
      memberReport?.accountAlias === 'payments-prod' &&
      memberReport.problemCounts['replication-failed'] === 1,
    `payments-prod's report names it and finds its one failed replication (${seen.memberReports.length} report(s))`,
  );
  expect(
    seen.unreachable.length === 1 &&
      seen.unreachable[0]?.account === UNREACHABLE_ACCOUNT &&
      seen.unreachable[0].work === 'replication-audit',
    `legacy-sandbox reported unreachable once (${seen.unreachable.length} Account Unreachable event(s))`,
  );
  const [alert] = seen.memberAlerts;
  expect(
    seen.memberAlerts.length === 1 &&
      alert?.account === MEMBER_ACCOUNT &&
      alert.accountAlias === 'payments-prod' &&
      alert.failureCode === MEMBER_FAILURE_CODE,
    `payments-prod's FAILED replication of ${MEMBER_REPOSITORY} v1.4.0 → ${seen.memberAlerts.length} alert(s)${alert?.failureCode === undefined ? '' : ` (${alert.failureCode})`}`,
  );
  return { found, missing };
}

function lambdaContext() {
  return demoLambdaContext('replicationAudit', { memoryLimitInMB: '512' });
}
