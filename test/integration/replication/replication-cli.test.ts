// `ecr-warden replication audit`, run as a child process on registry snapshots of several regions.
import { join } from 'node:path';
import { createRegistrySimulator, imageManifest } from '../../../local/registry-sim';
import { takeSimulatorSnapshot } from '../../../local/registry-sim/data/sample-snapshot';
import { replicationAuditReportDetail } from '../../../shared/events/governance';
import { buildCli, expectOneLineError, ROOT, runCli } from '../../support/cli';
import { scratchDirPerTest } from '../../support/scratch-dir';

// The sample registry (local/sample-data/sample-registry.json) as `ecr-warden snapshot` writes it.
const SAMPLE = join(ROOT, 'local', 'sample-data', 'sample-snapshot.json');
const scratch = scratchDirPerTest('ecr-warden-replication-');

beforeAll(buildCli);

/** A snapshot in which us-east-1 replicates payments/ to us-west-2 and every replica matches. */
async function writeCleanSnapshot(): Promise<string> {
  const sim = createRegistrySimulator();
  for (const region of ['us-east-1', 'us-west-2']) {
    sim.addRepository('payments/api', { imageTagMutability: 'IMMUTABLE', encryptionType: 'KMS', region });
  }
  sim.setReplicationRules([
    {
      destinations: [{ region: 'us-west-2', registryId: sim.accountId }],
      repositoryFilters: [{ filter: 'payments/', filterType: 'PREFIX_MATCH' }],
    },
  ]);
  sim.pushImage({
    repositoryName: 'payments/api',
    manifest: imageManifest({ seed: 'v1' }),
    tags: ['v1.0.0'],
    pushedAt: '2026-10-01T00:00:00Z',
  });
  return scratch.write('clean.json', JSON.stringify(await takeSimulatorSnapshot(sim)));
}

describe('ecr-warden replication audit --snapshot', () => {
  it('prints one row per problem of the sample registry, then what to do, and exits 1', () => {
    const run = runCli('replication', 'audit', '--snapshot', SAMPLE);

    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      'Replication audit: 4 of 4 repositories have problems in us-west-2: 1 failed replication, 1 missing image, 1 tag on another digest, 6 pre-rule images not replicated, 12 settings drifts',
    );
    expect(run.stdout).toMatch(/^REPOSITORY\s+DESTINATION\s+PROBLEM\s+DETAIL$/m);
    expect(run.stdout).toMatch(
      /^web\/frontend\s+us-west-2\s+replication-failed\s+replication of 1 image to us-west-2 FAILED \(KMS_KEY_NOT_FOUND\): v3\.2\.0$/m,
    );
    expect(run.stdout).toMatch(/^payments\/worker\s+us-west-2\s+digest-mismatch\s+latest: /m);
    expect(run.stdout).toContain(
      'aws ecr start-replication-backfill --region us-east-1 --destination region=us-west-2',
    );
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^ecr-warden: replication is not clean: /),
    ]);
  });

  it('prints the report as the Replication Audit Report detail with --output json', () => {
    const run = runCli('replication', 'audit', '--snapshot', SAMPLE, '--output', 'json');

    const report = replicationAuditReportDetail.parse(JSON.parse(run.stdout));
    expect(report.problemCounts).toEqual({
      'missing-pre-rule-image': 6,
      'missing-image': 1,
      'replication-failed': 1,
      'digest-mismatch': 1,
      'settings-drift': 12,
    });
  });

  it('says a clean registry in one line and exits 0', async () => {
    const run = runCli('replication', 'audit', '--snapshot', await writeCleanSnapshot());

    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toBe(
      'Replication audit: the 1 replicated repository matches its replicas in us-west-2',
    );
  });

  it('audits only the prefixes given, and reports the repositories it left out', () => {
    const run = runCli(
      'replication',
      'audit',
      '--snapshot',
      SAMPLE,
      '--prefixes',
      'payments/',
      '--output',
      'json',
    );

    const report = JSON.parse(run.stdout);
    expect(report.repositoriesAudited).toBe(2);
    expect(report.notAudited).toEqual([
      expect.objectContaining({ repositories: 2, reason: expect.stringMatching(/outside the prefixes/) }),
    ]);
  });

  it('takes the destination regions and prefixes from a config file', () => {
    const config = scratch.write('ecr-warden.yml', 'replication:\n  destinationRegions: [eu-west-1]\n');

    const run = runCli('replication', 'audit', '--snapshot', SAMPLE, '--config', config, '--output', 'json');

    expect(JSON.parse(run.stdout).notAudited).toEqual([
      expect.objectContaining({
        destinationRegion: 'us-west-2',
        reason: expect.stringMatching(/replication.destinationRegions/),
      }),
    ]);
  });

  it.each([
    [['--destinations', 'us-west'], /--destinations: "us-west" is not an AWS region/],
    [['--region', 'eu-west-1'], /has no registry in eu-west-1/],
    [['--now', 'yesterday'], /--now must be an ISO 8601 date/],
    [['--output', 'yaml'], /--output must be "table" or "json"/],
  ])('refuses %j in one line', (args, message) => {
    expectOneLineError(runCli('replication', 'audit', '--snapshot', SAMPLE, ...args), message);
  });

  it('refuses a file that is not in the snapshot format (here the simulator’s), in one line', () => {
    const path = scratch.write(
      'bad.json',
      JSON.stringify({ schemaVersion: 1, asOf: 'soon', registries: [] }),
    );

    expectOneLineError(
      runCli('replication', 'audit', '--snapshot', path),
      /snapshot file .*bad\.json is not a valid snapshot: /,
    );
  });
});
