// `ecr-warden snapshot` and `ecr-warden cleanup plan` without --snapshot: the live, read-only paths,
// run in-process (the registry simulator stubs the SDK clients of this process) on the sample registry.
// The offline paths are tested as a user runs them, in a child process (cleanup-cli.test.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { runCleanupPlan } from '../../../cli/cleanup-command';
import { CliError } from '../../../cli/errors';
import { describeAwsFailure } from '../../../cli/live-options';
import { createProgressBar } from '../../../cli/progress-bar';
import { runSnapshot } from '../../../cli/snapshot-command';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { generateRepositories } from '../../../local/registry-sim/data/generators';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { readSnapshot } from '../../../shared/cleanup/snapshot';

const CONFIG = `cleanup:
  protect:
    tags: ["v1.4.*"]
  rules:
    - repositories: ["payments/**"]
      policy:
        rules:
          - rulePriority: 1
            selection: { tagStatus: untagged, countType: sinceImagePushed, countUnit: days, countNumber: 14 }
            action: { type: expire }
    - repositories: ["data/*"]
      policy: native
`;

// biome-ignore lint/suspicious/noExplicitAny: the plan is read as the JSON a script would read
type Json = any;

let dir: string;
let sim: RegistrySimulator;
let aws: InstalledSimulator;
let asOf: string;

/** A stderr stand-in: a terminal or not, recording what is written. */
function stderr(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 100, writes, write: (text: string) => writes.push(text) };
}

async function capture(run: (write: (text: string) => void) => Promise<void>): Promise<string> {
  let out = '';
  await run((text) => {
    out += text;
  });
  return out;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-warden-live-cli-'));
  sim = createRegistrySimulator();
  sim.loadSample();
  aws = sim.install();
  asOf = sim.clock.now().toISOString();
});
afterEach(() => {
  aws.restore();
  rmSync(dir, { recursive: true, force: true });
});

describe('ecr-warden snapshot', () => {
  it('writes the snapshot contract from the live registry: every repository, index manifests and workloads', async () => {
    const output = join(dir, 'snapshot.json');

    const printed = await capture((write) => runSnapshot({ output, region: 'us-east-1' }, write));

    const document = JSON.parse(readFileSync(output, 'utf8'));
    const snapshot = readSnapshot(document);
    expect(printed).toMatch(
      /^wrote .*snapshot\.json: account 123456789012, us-east-1, 8 repositories, \d+ images/,
    );
    expect(document).toMatchObject({ snapshotVersion: 1, account: '123456789012', region: 'us-east-1' });
    expect(snapshot.repositories.map((entry) => entry.repository.repositoryName).sort()).toEqual([
      'data/etl-jobs',
      'ml/inference',
      'payments/api',
      'payments/worker',
      'platform/base-images',
      'tools/ci-runner',
      'web/admin',
      'web/frontend',
    ]);
    const api = snapshot.repositories.find((entry) => entry.repository.repositoryName === 'payments/api');
    expect(api?.indexChildren.size).toBeGreaterThan(0);
    expect(api?.lifecyclePolicyText).toEqual(expect.any(String));
    // Every storage class: the archived and restoring images of ml/inference are there.
    const inference = document.repositories.find(
      (entry: Json) => entry.repository.repositoryName === 'ml/inference',
    );
    expect(inference.images.map((image: Json) => image.imageStatus).sort()).toEqual([
      'ACTIVATING',
      'ACTIVE',
      'ARCHIVED',
      'ARCHIVED',
    ]);
    expect(document.ecs.services.map((service: Json) => service.serviceName).sort()).toEqual([
      'payments-api',
      'payments-worker',
    ]);
    expect(document.ecs.tasks.length).toBeGreaterThan(0);
    expect(
      document.lambda.functions.map((fn: Json) => fn.Configuration.FunctionArn.split(':').slice(6).join(':')),
    ).toEqual(expect.arrayContaining(['etl-nightly:live', 'etl-nightly:1', 'report-builder:$LATEST']));
    expect(aws.calls.count('BatchDeleteImage')).toBe(0);
  });
});

describe('ecr-warden snapshot: what the audits read', () => {
  it('records policies, scanning, replication and the destination region, with read-only calls', async () => {
    const output = join(dir, 'snapshot.json');

    const printed = await capture((write) => runSnapshot({ output, region: 'us-east-1' }, write));

    const document = JSON.parse(readFileSync(output, 'utf8'));
    const snapshot = readSnapshot(document);
    expect(printed).toMatch(/aliases; replication destinations us-west-2 \(4 repositories\)\n$/);
    expect(snapshot.registries.map((registry) => registry.region)).toEqual(['us-east-1', 'us-west-2']);
    const [east, west] = snapshot.registries;
    expect(east?.replicationConfiguration?.rules[0]?.destinations).toEqual([
      { region: 'us-west-2', registryId: '123456789012' },
    ]);
    expect(east?.registryScanningConfiguration?.scanType).toBe('ENHANCED');
    expect(west?.replicationConfiguration).toEqual({ rules: [] });
    const byName = new Map(east?.repositories.map((entry) => [entry.repository.repositoryName, entry]));
    expect(byName.get('tools/ci-runner')?.repositoryPolicyText).toEqual(expect.stringContaining('Statement'));
    expect(byName.get('ml/inference')?.repositoryPolicyText).toBeNull();
    expect(byName.get('payments/api')?.scanningConfiguration?.scanFrequency).toBe('CONTINUOUS_SCAN');
    expect(byName.get('data/etl-jobs')?.scanningConfiguration?.scanFrequency).toBe('SCAN_ON_PUSH');
    // Statuses only of the images a destination lacks, and only in the repositories a rule replicates.
    const frontend = byName.get('web/frontend');
    const replica = west?.repositories.find((entry) => entry.repository.repositoryName === 'web/frontend');
    const present = new Set(replica?.images.map((image) => image.imageDigest));
    expect(Object.keys(frontend?.replicationStatuses ?? {}).sort()).toEqual(
      frontend?.images
        .map((image) => image.imageDigest)
        .filter((imageDigest) => !present.has(imageDigest))
        .sort(),
    );
    expect(Object.values(frontend?.replicationStatuses ?? {}).flat()).toContainEqual(
      expect.objectContaining({ region: 'us-west-2', status: 'FAILED' }),
    );
    expect(byName.get('data/etl-jobs')).not.toHaveProperty('replicationStatuses');
    const apis = Object.keys(aws.calls.byApi());
    expect(apis.filter((api) => !/^(Describe|Get|List|BatchGet)/.test(api))).toEqual([]);
  });
});

describe('ecr-warden cleanup plan (live)', () => {
  it('plans the live registry exactly as it plans a snapshot of it', async () => {
    const config = join(dir, 'ecr-warden.yml');
    writeFileSync(config, CONFIG);
    const snapshotFile = join(dir, 'snapshot.json');
    await capture((write) => runSnapshot({ output: snapshotFile, region: 'us-east-1' }, write));

    const live: Json = JSON.parse(
      await capture((write) =>
        runCleanupPlan(
          { config, now: asOf, output: 'json', region: 'us-east-1', progressStream: stderr(false) },
          write,
        ),
      ),
    );
    const offline: Json = JSON.parse(
      await capture((write) =>
        runCleanupPlan({ config, snapshot: snapshotFile, now: asOf, output: 'json' }, write),
      ),
    );

    expect(live.repositories).toEqual(offline.repositories);
    expect(live.repositories.map((entry: Json) => [entry.repositoryName, entry.rule.policySource])).toEqual([
      ['data/etl-jobs', 'native'],
      ['payments/api', 'config'],
      ['payments/worker', 'config'],
    ]);
    const api = live.repositories.find((entry: Json) => entry.repositoryName === 'payments/api');
    expect(api.keep.flatMap((kept: Json) => kept.reasons.map((reason: Json) => reason.kind))).toEqual(
      expect.arrayContaining(['in-use-ecs-service', 'child-of-kept-index', 'referrer-of-kept-image']),
    );
  });

  it('reads only the repositories a rule covers, and lifecycle policies only for native rules, read-only', async () => {
    const config = join(dir, 'ecr-warden.yml');
    writeFileSync(config, CONFIG);
    aws.calls.reset();

    await capture((write) =>
      runCleanupPlan(
        { config, now: asOf, output: 'table', region: 'us-east-1', progressStream: stderr(false) },
        write,
      ),
    );

    expect(aws.calls.count('DescribeImages')).toBe(3);
    expect(aws.calls.count('GetLifecyclePolicy')).toBe(1);
    expect(aws.calls.count('BatchDeleteImage')).toBe(0);
    expect(aws.calls.count('PutImage')).toBe(0);
  });

  it('draws a progress bar on stderr for many repositories when stderr is a terminal, and erases it', async () => {
    generateRepositories(sim, { count: 30, prefix: 'payments/svc', imagesPerRepository: 2 });
    const config = join(dir, 'ecr-warden.yml');
    writeFileSync(config, CONFIG);
    const terminal = stderr(true);
    const pipe = stderr(false);

    const table = await capture((write) =>
      runCleanupPlan(
        { config, now: asOf, output: 'table', region: 'us-east-1', progressStream: terminal },
        write,
      ),
    );
    await capture((write) =>
      runCleanupPlan(
        { config, now: asOf, output: 'table', region: 'us-east-1', progressStream: pipe },
        write,
      ),
    );

    expect(terminal.writes[0]).toMatch(/^\rreading repositories \[\.+\] 0\/33 /);
    expect(terminal.writes.some((text) => /\] 33\/33 /.test(text))).toBe(true);
    expect(terminal.writes.at(-1)).toBe('\r\u001b[K');
    expect(pipe.writes).toEqual([]);
    expect(table).toContain('payments/api');
  });
});

describe('live failures', () => {
  it('turns an AWS error into one line naming the error', () => {
    const error = new RepositoryNotFoundException({
      message: 'The repository does not exist',
      $metadata: {},
    });

    const described = describeAwsFailure(error);

    expect(described).toBeInstanceOf(CliError);
    expect((described as Error).message).toBe(
      'AWS refused a read-only call (RepositoryNotFoundException): The repository does not exist',
    );
  });

  it('draws nothing for a few repositories, even on a terminal', () => {
    const terminal = stderr(true);
    const bar = createProgressBar(terminal);

    bar.start(3);
    bar.tick('a');
    bar.done();

    expect(terminal.writes).toEqual([]);
  });
});
