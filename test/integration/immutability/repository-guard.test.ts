import {
  ECRClient,
  ImageTagAlreadyExistsException,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { generateRepositories, imageManifest } from '../../../local/registry-sim';
import { STANDARD_POLICY } from '../../support/lifecycle-policies';
import { apiCallEvent, scheduledEvent } from '../../support/repository-guard-events';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts';
import { PAYMENTS_RULE, useGuardWorld } from './guard-harness';

// The repository guard on CloudTrail events and on its schedule, against the registry simulator (the
// real ECR client) and a dynalite state table.

const world = useGuardWorld();
const ecr = new ECRClient({ region: 'us-east-1' });

const PAYMENTS_GUARD = { dryRun: false, rules: [PAYMENTS_RULE] };

/** The inputs of the calls of one ECR command that reached the simulator's client stub. */
function putCalls(command: Parameters<typeof world.env.mocks.ecr.commandCalls>[0]): unknown[] {
  return world.env.mocks.ecr.commandCalls(command).map((call) => call.args[0].input);
}

describe('repository guard on CloudTrail events', () => {
  it('makes a repository created MUTABLE immutable and reports who created it', async () => {
    world.sim.addRepository('team-a/api');
    const guard = world.guard({ dryRun: false, rules: [{ repositories: ['team-a/**'], remediate: true }] });

    const result = await guard.handleApiCall(apiCallEvent('cloudtrail-create-repository'));

    expect(result).toMatchObject({ status: 'checked', drifts: 1, applied: 1 });
    expect(world.sim.repository('team-a/api').imageTagMutability).toBe('IMMUTABLE');
    expect(putCalls(PutImageTagMutabilityCommand)).toEqual([
      { repositoryName: 'team-a/api', imageTagMutability: 'IMMUTABLE' },
    ]);
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({
        repositoryName: 'team-a/api',
        baseline: 'tag-immutability',
        expected: 'IMMUTABLE',
        actual: 'MUTABLE',
        remediation: 'applied',
        changedBy: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/mary.major (AssumedRole)',
        cloudTrailEventId: 'e3c6f4ce-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
      }),
    ]);
  });

  it('puts a switch back to MUTABLE right and names the user who made it', async () => {
    world.sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' });
    const guard = world.guard(PAYMENTS_GUARD);

    await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability'));

    const repository = world.sim.repository('payments/worker');
    expect(repository.imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(repository.exclusionFilters).toEqual([{ filterType: 'WILDCARD', filter: 'latest' }]);
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({
        baseline: 'tag-immutability',
        actual: 'MUTABLE',
        expected: 'IMMUTABLE_WITH_EXCLUSION (latest)',
        remediation: 'applied',
        changedBy: 'arn:aws:iam::123456789012:user/jdoe (IAMUser)',
        severity: 'warning',
      }),
    ]);
  });

  it('applies the exclusion filters exactly: excluded tags move, every other tag is refused', async () => {
    world.sim.addRepository('team-a/api');
    const guard = world.guard({
      dryRun: false,
      rules: [
        {
          repositories: ['team-a/**'],
          mode: 'IMMUTABLE_WITH_EXCLUSION',
          exclusions: ['latest', 'dev-*'],
          remediate: true,
        },
      ],
    });
    const push = (seed: string, tag: string) =>
      ecr.send(
        new PutImageCommand({
          repositoryName: 'team-a/api',
          imageManifest: imageManifest({ seed }).manifest,
          imageTag: tag,
        }),
      );

    await guard.handleApiCall(apiCallEvent('cloudtrail-create-repository'));

    expect(putCalls(PutImageTagMutabilityCommand)).toEqual([
      {
        repositoryName: 'team-a/api',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filter: 'latest', filterType: 'WILDCARD' },
          { filter: 'dev-*', filterType: 'WILDCARD' },
        ],
      },
    ]);
    await push('a', 'latest');
    await push('a', 'dev-42');
    await push('a', 'v1.0.0');
    await expect(push('b', 'latest')).resolves.toBeDefined();
    await expect(push('b', 'dev-42')).resolves.toBeDefined();
    await expect(push('b', 'v1.0.0')).rejects.toBeInstanceOf(ImageTagAlreadyExistsException);
  });

  it('ignores the CloudTrail record of its own remediation: no check, no call, no event', async () => {
    world.sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' });
    const guard = world.guard(PAYMENTS_GUARD);

    const result = await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability-by-guard'));

    expect(result).toEqual({
      status: 'ignored',
      reason: 'the guard made this call itself (its own remediation)',
    });
    expect(world.env.calls.count()).toBe(0);
    expect(world.published).toEqual([]);
  });

  it('ignores a failed call: ECR changed nothing, so nothing is checked', async () => {
    world.sim.addRepository('payments/api', { imageTagMutability: 'MUTABLE' });
    const guard = world.guard(PAYMENTS_GUARD);

    const result = await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability-failed'));

    expect(result).toEqual({ status: 'ignored', reason: 'the call failed (AccessDenied): nothing changed' });
    expect(world.env.calls.count()).toBe(0);
  });

  it('changes nothing the second time: remediation compares desired and actual before acting', async () => {
    world.sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' });
    const guard = world.guard(PAYMENTS_GUARD);
    await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability'));

    const second = await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability'));

    expect(second).toMatchObject({ status: 'checked', drifts: 0, applied: 0, eventsPublished: 0 });
    expect(putCalls(PutImageTagMutabilityCommand)).toHaveLength(1);
    expect(world.details('Repository Settings Drift')).toHaveLength(1);
  });

  it('retries a throttled PutImageTagMutability and then remediates', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    world.sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' });
    world.env.faults.throttle({ api: 'PutImageTagMutability', times: 2 });
    const guard = world.guard(PAYMENTS_GUARD);

    await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability'));

    expect(world.env.calls.count('PutImageTagMutability', { outcome: 'ThrottlingException' })).toBe(2);
    expect(world.env.calls.count('PutImageTagMutability', { outcome: 'ok' })).toBe(1);
    expect(world.sim.repository('payments/worker').imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({ remediation: 'applied' }),
    ]);
    jest.restoreAllMocks();
  });

  it('in dry run reports what it would apply and changes nothing', async () => {
    world.sim.addRepository('payments/worker', { imageTagMutability: 'MUTABLE' });
    const guard = world.guard({ ...PAYMENTS_GUARD, dryRun: true });

    const result = await guard.handleApiCall(apiCallEvent('cloudtrail-put-image-tag-mutability'));

    expect(result).toMatchObject({ drifts: 1, applied: 0, wouldApply: 1 });
    expect(putCalls(PutImageTagMutabilityCommand)).toEqual([]);
    expect(world.sim.repository('payments/worker').imageTagMutability).toBe('MUTABLE');
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({ remediation: 'would-apply' }),
    ]);
  });

  it('reports a repository policy that lets everyone in as critical, and never rewrites it', async () => {
    world.sim.addRepository('tools/ci-runner', {
      imageTagMutability: 'IMMUTABLE',
      repositoryPolicyText: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AnyonePulls',
            Effect: 'Allow',
            Principal: '*',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          },
        ],
      }),
    });
    const guard = world.guard({
      dryRun: false,
      rules: [
        {
          repositories: ['tools/**'],
          remediate: true,
          repositoryPolicy: { allowedAccounts: ['210987654321'] },
        },
      ],
    });

    await guard.handleApiCall(apiCallEvent('cloudtrail-set-repository-policy'));

    expect(putCalls(SetRepositoryPolicyCommand)).toEqual([]);
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({
        baseline: 'repository-policy',
        severity: 'critical',
        remediation: 'report-only',
        actual: 'statement "AnyonePulls" lets everyone ("*") ecr:BatchGetImage, ecr:GetDownloadUrlForLayer',
        changedBy: 'arn:aws:sts::123456789012:assumed-role/GitHubActionsRelease/ci-release (AssumedRole)',
      }),
    ]);
  });

  it('puts the default lifecycle policy back after DeleteLifecyclePolicy', async () => {
    world.sim.addRepository('web/admin', { imageTagMutability: 'IMMUTABLE' });
    const guard = world.guard({
      dryRun: false,
      lifecyclePolicies: { standard: STANDARD_POLICY },
      rules: [{ repositories: ['web/**'], lifecyclePolicy: { defaultPolicy: 'standard', remediate: true } }],
    });

    await guard.handleApiCall(apiCallEvent('cloudtrail-delete-lifecycle-policy'));

    expect(putCalls(PutLifecyclePolicyCommand)).toEqual([
      { repositoryName: 'web/admin', lifecyclePolicyText: JSON.stringify(STANDARD_POLICY) },
    ]);
    expect(world.sim.repository('web/admin').lifecyclePolicy?.text).toBe(JSON.stringify(STANDARD_POLICY));
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({
        baseline: 'lifecycle-policy',
        remediation: 'applied',
        actual: 'no lifecycle policy',
      }),
    ]);
  });

  it('after PutRegistryScanningConfiguration re-checks every covered repository and adds the unscanned one to the rule', async () => {
    world.sim.setScanningConfiguration('BASIC', [
      {
        scanFrequency: 'SCAN_ON_PUSH',
        repositoryFilters: [{ filter: 'payments/*', filterType: 'WILDCARD' }],
      },
    ]);
    world.sim.addRepository('payments/api', { imageTagMutability: 'IMMUTABLE' });
    world.sim.addRepository('web/frontend', { imageTagMutability: 'IMMUTABLE' });
    world.sim.addRepository('sandbox/tmp');
    const guard = world.guard({
      dryRun: false,
      rules: [
        { repositories: ['payments/**', 'web/**'], scanning: { frequency: 'SCAN_ON_PUSH', remediate: true } },
      ],
    });

    const result = await guard.handleApiCall(apiCallEvent('cloudtrail-put-registry-scanning-configuration'));

    expect(result).toMatchObject({ repositoriesChecked: 2, drifts: 1, applied: 1 });
    expect(putCalls(PutRegistryScanningConfigurationCommand)).toEqual([
      {
        scanType: 'BASIC',
        rules: [
          {
            scanFrequency: 'SCAN_ON_PUSH',
            repositoryFilters: [
              { filter: 'payments/*', filterType: 'WILDCARD' },
              { filter: 'web/frontend', filterType: 'WILDCARD' },
            ],
          },
        ],
      },
    ]);
    expect(world.details('Repository Settings Drift')).toEqual([
      expect.objectContaining({
        repositoryName: 'web/frontend',
        baseline: 'scanning',
        actual: 'no automatic scanning (MANUAL)',
        remediation: 'applied',
        changedBy: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/mary.major (AssumedRole)',
      }),
    ]);
  });

  it('answers "repository gone" when the repository was deleted before the check', async () => {
    const guard = world.guard({ rules: [{ repositories: ['team-a/**'] }] });

    const result = await guard.handleApiCall(apiCallEvent('cloudtrail-create-repository'));

    expect(result).toEqual({ status: 'repository-gone', repositoryName: 'team-a/api' });
    expect(world.published).toEqual([]);
  });
});

describe('repository guard sweep', () => {
  it(
    'lists every repository page by page and reports each drift once, not again on the next sweep',
    async () => {
      const fleet = generateRepositories(world.sim, { count: 1001, prefix: 'fleet/svc' });
      for (const repository of fleet) repository.setTagMutability('IMMUTABLE', undefined);
      fleet[7]?.setTagMutability('MUTABLE', undefined);
      fleet[1000]?.setTagMutability('MUTABLE', undefined);
      const guard = world.guard({ rules: [{ repositories: ['fleet/**'] }] });

      const first = await guard.sweep(scheduledEvent('2026-11-01T00:00:00Z'));
      const second = await guard.sweep(scheduledEvent('2026-11-02T00:00:00Z'));

      expect(world.env.calls.count('DescribeRepositories')).toBe(4);
      expect(first).toMatchObject({
        repositoriesListed: 1001,
        repositoriesChecked: 1001,
        drifts: 2,
        eventsPublished: 2,
      });
      expect(second).toMatchObject({ repositoriesListed: 1001, drifts: 2, eventsPublished: 0 });
      expect(
        world
          .details('Repository Settings Drift')
          .map((detail) => detail.repositoryName)
          .sort(),
      ).toEqual(['fleet/svc-0007', 'fleet/svc-1000']);
    },
    HEAVY_TEST_TIMEOUT_MS,
  );

  it('reports a drift again when it changes, and forgets it once fixed', async () => {
    world.sim.addRepository('team-a/api', { imageTagMutability: 'MUTABLE' });
    const guard = world.guard({ rules: [{ repositories: ['team-a/**'] }] });
    await guard.sweep(scheduledEvent('2026-11-01T00:00:00Z'));

    world.sim
      .repository('team-a/api')
      .setTagMutability('MUTABLE_WITH_EXCLUSION', [{ filterType: 'WILDCARD', filter: 'v*' }]);
    await guard.sweep(scheduledEvent('2026-11-02T00:00:00Z'));
    world.sim.repository('team-a/api').setTagMutability('IMMUTABLE', undefined);
    await guard.sweep(scheduledEvent('2026-11-03T00:00:00Z'));
    world.sim.repository('team-a/api').setTagMutability('MUTABLE', undefined);
    await guard.sweep(scheduledEvent('2026-11-04T00:00:00Z'));

    expect(world.details('Repository Settings Drift').map((detail) => detail.actual)).toEqual([
      'MUTABLE',
      'MUTABLE_WITH_EXCLUSION (v*)',
      'MUTABLE',
    ]);
  });

  it('leaves repositories no rule covers alone', async () => {
    world.sim.addRepository('sandbox/tmp');
    const guard = world.guard({ rules: [{ repositories: ['team-a/**'] }] });

    const summary = await guard.sweep(scheduledEvent('2026-11-01T00:00:00Z'));

    expect(summary).toMatchObject({ repositoriesListed: 1, repositoriesChecked: 0 });
    expect(world.env.calls.count()).toBe(1);
  });
});
