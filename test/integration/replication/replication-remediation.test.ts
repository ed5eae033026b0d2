import {
  ReplicationBackfillInProgressException,
  StartReplicationBackfillCommand,
  type StartReplicationBackfillCommandInput,
  ValidationException,
} from '@aws-sdk/client-ecr';
import {
  createRegistrySimulator,
  type InstalledSimulator,
  type RegistrySimulator,
} from '../../../local/registry-sim';
import { createRegionalEcrClients } from '../../../shared/aws/regional-ecr-clients';
import { createReplicationRegistryReaders } from '../../../shared/aws/replication-registry';
import { createReplicationRemediator } from '../../../shared/aws/replication-remediator';
import type { GovernanceEvent } from '../../../shared/events/governance';
import type { RemediationSettings } from '../../../shared/replication/remediation-plan';
import { runScheduledAudit } from '../../../shared/replication/scheduled-audit';

const WEST = { region: 'us-west-2' };
let sim: RegistrySimulator;
let aws: InstalledSimulator;
let backfills: StartReplicationBackfillCommandInput[];

/**
 * StartReplicationBackfill as ECR documents it, which registry-sim does not model: the destination must
 * be in the registry's replication configuration (ValidationException otherwise, the exception the API
 * lists for invalid requests), and one backfill per destination region runs at a time
 * (ReplicationBackfillInProgressException). A started backfill here stays in progress.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html
 */
function serveBackfills(): void {
  const inProgress = new Set<string>();
  aws.mocks.ecr
    .on(StartReplicationBackfillCommand)
    .callsFake((input: StartReplicationBackfillCommandInput) => {
      backfills.push(input);
      const destination = input.destination;
      const configured = sim.world
        .registry(sim.accountId, 'us-east-1')
        .replicationRules.some((rule) =>
          rule.destinations.some(
            (d) => d.region === destination?.region && d.registryId === destination?.registryId,
          ),
        );
      if (!configured) {
        throw new ValidationException({
          message: 'The destination is not in the replication configuration',
          $metadata: {},
        });
      }
      if (inProgress.has(destination?.region ?? '')) {
        throw new ReplicationBackfillInProgressException({
          message: `A replication backfill to ${destination?.region} is already in progress`,
          $metadata: {},
        });
      }
      inProgress.add(destination?.region ?? '');
      return {
        replicationBackfillId: `backfill-${backfills.length}`,
        registryId: sim.accountId,
        destination,
        status: 'PREPARING',
        startedAt: new Date(),
      };
    });
}

const ACT: RemediationSettings = {
  dryRun: false,
  backfill: true,
  alignSettings: ['tag-mutability', 'lifecycle-policy', 'repository-policy'],
};

async function run(remediate: RemediationSettings = ACT) {
  const events: GovernanceEvent[] = [];
  const clients = createRegionalEcrClients();
  const outcome = await runScheduledAudit(
    {
      account: sim.accountId,
      sourceRegion: 'us-east-1',
      now: sim.clock.now(),
      settings: {
        destinationRegions: ['us-west-2'],
        repositoryPrefixes: ['payments/', 'web/'],
        ruleCreatedAt: {},
        inFlightMinutes: 30,
        lagWindowHours: 168,
        statusChecksPerRepository: 100,
        remediate,
      },
    },
    {
      readerFor: createReplicationRegistryReaders(clients),
      remediator: createReplicationRemediator(clients),
      publisher: { publish: async (published) => void events.push(...published) },
    },
  );
  return { ...outcome, events };
}

beforeEach(() => {
  sim = createRegistrySimulator();
  sim.loadSample();
  aws = sim.install();
  backfills = [];
  serveBackfills();
  jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  aws.restore();
  jest.restoreAllMocks();
});

describe('replication remediation (replication.remediate with dryRun: false)', () => {
  it("sets the destination's tag mutability and policies to the source's", async () => {
    const source = sim.repository('payments/api');

    await run();

    const replica = sim.repository('payments/api', WEST);
    expect(replica.imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    const filters = (repository: typeof source) => repository.exclusionFilters.map((f) => f.filter).sort();
    expect(filters(replica)).toEqual(filters(source));
    expect(replica.lifecyclePolicy?.text).toBe(source.lifecyclePolicy?.text);
    expect(replica.repositoryPolicy).toBe(source.repositoryPolicy);
    expect(sim.repository('web/frontend', WEST).imageTagMutability).toBe('IMMUTABLE');
  });

  it('starts one replication backfill, to the destination that misses images, from the source region', async () => {
    const { report } = await run();

    expect(backfills).toEqual([{ destination: { region: 'us-west-2', registryId: sim.accountId } }]);
    expect(report.remediation?.actions).toContainEqual(
      expect.objectContaining({
        action: 'start-backfill',
        outcome: 'applied',
        detail: expect.stringContaining('backfill-1'),
      }),
    );
  });

  it('leaves encryption and scanning to people, and reports them as skipped', async () => {
    const { report } = await run();

    const skipped = report.remediation?.actions.filter((a) => a.outcome === 'skipped') ?? [];
    expect(new Set(skipped.map((a) => a.setting))).toEqual(new Set(['encryption', 'scanning']));
    expect(sim.repository('payments/api', WEST).encryptionType).toBe('AES256');
  });

  it('finds the aligned settings gone from the next report, and does not start a second backfill meanwhile', async () => {
    await run();

    const { report } = await run();

    const drift = report.repositories.flatMap((r) => r.problems.filter((p) => p.kind === 'settings-drift'));
    expect(drift.map((p) => p.detail.split(':')[0]).sort()).toEqual(
      ['encryption', 'encryption', 'encryption', 'scanning', 'scanning'].sort(),
    );
    expect(report.remediation?.actions).toContainEqual(
      expect.objectContaining({
        action: 'start-backfill',
        outcome: 'skipped',
        detail: expect.stringMatching(/already in progress/),
      }),
    );
  });

  it('reports a settings change ECR refuses as failed, and carries out the others', async () => {
    aws.faults.serverError({ service: 'ecr', api: 'PutLifecyclePolicy', region: 'us-west-2' });

    const { report } = await run();

    const lifecycle = report.remediation?.actions.filter((a) => a.setting === 'lifecycle-policy') ?? [];
    expect(lifecycle.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(lifecycle[0]?.detail).toMatch(/ServerException after 8 attempts/);
    expect(sim.repository('payments/api', WEST).imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
  });

  it('changes nothing in a dry run', async () => {
    const { report } = await run({ ...ACT, dryRun: true });

    expect(backfills).toEqual([]);
    expect(sim.repository('payments/api', WEST).imageTagMutability).toBe('MUTABLE');
    expect(new Set(report.remediation?.actions.map((a) => a.outcome))).toEqual(
      new Set(['would-apply', 'skipped']),
    );
  });
});
