// `ecr-warden snapshot --config FILE` (issue 14, section 5): the in-use sources cleanup.protect names,
// read live and recorded in the snapshot's `kubernetes`, `workloadAccounts` and `external` fields. In
// process on the registry simulator (which stubs this process's SDK clients), with the Kubernetes API
// stand-in behind the EKS cluster's endpoint, as the cleanup worker reads them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCleanupPlan } from '../../../cli/cleanup-command';
import { CliError } from '../../../cli/errors';
import { runSnapshot } from '../../../cli/snapshot-command';
import { SAMPLE_CLUSTER_NAME, sampleClusterObjects } from '../../../local/kubernetes-api/sample-cluster';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import type { RegistrySimulator } from '../../../local/registry-sim/simulator';
import { readSnapshot } from '../../../shared/cleanup/snapshot';
import { listSnapshotImageUses } from '../../../shared/inuse/snapshot-sources';
import {
  arrangeInUseSources,
  CONFIG,
  type InUseSourcesWorld,
  REGION,
  URI,
  WORKLOAD,
  WORKLOAD_ROLE_ARN,
} from '../../support/in-use-sources-world';

let dir: string;
let sim: RegistrySimulator;
let world: InUseSourcesWorld;

async function capture(run: (write: (text: string) => void) => Promise<void>): Promise<string> {
  let out = '';
  await run((text) => {
    out += text;
  });
  return out;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-warden-snapshot-in-use-'));
  world = await arrangeInUseSources(['payments-api']);
  sim = world.sim;
});

afterEach(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

function snapshotOf(config: string) {
  const output = join(dir, 'snapshot.json');
  const configPath = join(dir, 'ecr-warden.yml');
  writeFileSync(configPath, config);
  return {
    output,
    run: () => capture((write) => runSnapshot({ output, region: REGION, config: configPath }, write)),
  };
}

describe('ecr-warden snapshot --config', () => {
  it('records each cluster as kubectl’s List, each workload account’s ECS and Lambda, each external list', async () => {
    const { output, run } = snapshotOf(CONFIG);

    const printed = await run();

    const document = JSON.parse(readFileSync(output, 'utf8'));
    expect(printed).toMatch(
      /, 1 Kubernetes clusters, 1 workload account regions, 1 external lists, 0 Batch job definitions\n$/,
    );
    // CONFIG reads Batch (none here, in either place) and neither App Runner nor Inspector.
    expect(document.batch).toEqual({ jobDefinitions: [] });
    expect(document.workloadAccounts[0].batch).toEqual({ jobDefinitions: [] });
    expect([document.appRunner, document.inspector, document.workloadAccounts[0].appRunner]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(document.kubernetes).toHaveLength(1);
    expect(document.kubernetes[0].cluster).toBe(SAMPLE_CLUSTER_NAME);
    expect(document.kubernetes[0].objects).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(document.kubernetes[0].objects.items).toHaveLength(sampleClusterObjects().length);
    const [account] = document.workloadAccounts;
    expect(document.workloadAccounts).toHaveLength(1);
    expect([account.account, account.region, account.kubernetes]).toEqual([WORKLOAD, REGION, []]);
    expect(account.ecs.services.map((service: { serviceName: string }) => service.serviceName)).toEqual([
      'checkout',
    ]);
    expect(account.lambda.functions).toHaveLength(1);
    expect(document.external).toEqual([
      expect.objectContaining({ source: 'argocd-prod', images: [`${URI}/payments-api:v9`] }),
    ]);

    // The file reads back as a snapshot whose uses name each source, as a plan reads them.
    const snapshot = readSnapshot(document);
    const { uses } = listSnapshotImageUses(snapshot, {
      taskDefinitionRevisions: 3,
      inspector: { inUseDays: 14, now: snapshot.takenAt },
    });
    const kinds = new Set(uses.map((use) => use.reason.kind));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'in-use-ecs-service',
        'in-use-external',
        'in-use-kubernetes-pod',
        'in-use-kubernetes-workload',
        'in-use-lambda',
      ]),
    );
  });

  it('records Batch, App Runner and Inspector as read, and the plan of the file keeps what they use', async () => {
    const DAY = 86_400_000;
    const push = (tag: string) =>
      sim.pushImage({
        repositoryName: 'payments-api',
        manifest: imageManifest({ seed: `snapshot-gaps/${tag}` }),
        tags: [tag],
        pushedAt: new Date(Date.now() - 60 * DAY),
      }).image.digest;
    const [batch, appRunner, recent, stale, unused] = ['v10', 'v11', 'v12', 'v13', 'v14'].map(push) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const at = sim.clock.nowMs();
    sim.services.batch(sim.accountId, REGION).registerJobDefinition({
      jobDefinitionName: 'settlement',
      image: `${URI}/payments-api:v10`,
      at,
    });
    sim.services.appRunner(WORKLOAD, REGION).createService({
      serviceName: 'storefront',
      imageIdentifier: `${URI}/payments-api:v11`,
      at,
    });
    const inspector = sim.services.inspector(sim.accountId, REGION);
    inspector.cover({
      repositoryName: 'payments-api',
      imageDigest: recent,
      imageTags: ['v12'],
      lastInUseAt: Date.now() - 3 * DAY,
      inUseCount: 1,
    });
    inspector.cover({
      repositoryName: 'payments-api',
      imageDigest: stale,
      imageTags: ['v13'],
      lastInUseAt: Date.now() - 60 * DAY,
      inUseCount: 0,
    });
    const config = `${CONFIG}    appRunner: true
    inspectorInUseDays: 30
  maxDeletionShare: 1
  rules:
    - repositories: [payments-api]
      policy:
        rules:
          - rulePriority: 1
            selection: { tagStatus: any, countType: sinceImagePushed, countUnit: days, countNumber: 7 }
            action: { type: expire }
`;
    const { output, run } = snapshotOf(config);

    const printed = await run();

    expect(printed).toMatch(/, 1 Batch job definitions, 1 App Runner services, 2 images Inspector covers\n$/);
    const document = JSON.parse(readFileSync(output, 'utf8'));
    expect(
      document.batch.jobDefinitions.map((d: { jobDefinitionName: string }) => d.jobDefinitionName),
    ).toEqual(['settlement']);
    expect(document.appRunner).toEqual({ services: [] });
    expect(document.workloadAccounts[0].appRunner.services).toHaveLength(1);
    expect(document.inspector.coveredResources).toHaveLength(2);

    // Offline, from the file alone: the plan keeps each image with the reason of the source that uses it.
    const plan = JSON.parse(
      await capture((write) =>
        runCleanupPlan({ snapshot: output, config: join(dir, 'ecr-warden.yml'), output: 'json' }, write),
      ),
    );
    const [repository] = plan.repositories;
    const kindsOf = (digest: string) =>
      repository.keep
        .find((image: { imageDigest: string }) => image.imageDigest === digest)
        ?.reasons.map((reason: { kind: string; account?: string }) => [reason.kind, reason.account]);
    expect(kindsOf(batch)).toEqual([['in-use-batch', undefined]]);
    expect(kindsOf(appRunner)).toEqual([['in-use-app-runner', WORKLOAD]]);
    expect(kindsOf(recent)).toEqual([['in-use-inspector', undefined]]);
    expect(repository.delete.map((image: { imageDigest: string }) => image.imageDigest).sort()).toEqual(
      [stale, unused].sort(),
    );
  });

  it('records no in-use fields without --config, as before', async () => {
    const output = join(dir, 'plain.json');

    await capture((write) => runSnapshot({ output, region: REGION }, write));

    const document = JSON.parse(readFileSync(output, 'utf8'));
    expect(Object.keys(document)).not.toEqual(expect.arrayContaining(['kubernetes']));
    expect(document.workloadAccounts).toBeUndefined();
  });

  it.each([
    {
      failure: 'a cluster that refuses the token (403)',
      arrange: async () => world.allowCluster(false),
      error: /^in-use source kubernetes:prod-eks could not be read: .*403/,
    },
    {
      failure: 'a workload role that cannot be assumed',
      arrange: async () => sim.services.identity.deleteRole(WORKLOAD_ROLE_ARN),
      error: /^in-use source account:222222222222\/us-east-1 could not be read: .*AccessDenied/,
    },
    {
      failure: 'an external list older than its maxAgeHours',
      arrange: async () => world.putExternalList(new Date(Date.now() - 48 * 3_600_000).toISOString()),
      error:
        /^in-use source external:argocd-prod could not be read: StaleExternalListError: .* more than its maxAgeHours 24/,
    },
    {
      failure: 'Batch refuses DescribeJobDefinitions',
      arrange: async () => world.aws.faults.denyAccess({ api: 'DescribeJobDefinitions' }),
      error: /^in-use source batch:123456789012\/us-east-1 could not be read: .*AccessDenied/,
    },
    {
      failure: 'App Runner refuses ListServices',
      arrange: async () => world.aws.faults.denyAccess({ api: 'ListServices' }),
      config: `${CONFIG}    appRunner: true\n`,
      error: /^in-use source app-runner:123456789012\/us-east-1 could not be read: .*AccessDenied/,
    },
    {
      failure: 'Inspector refuses ListCoverage',
      arrange: async () => world.aws.faults.denyAccess({ api: 'ListCoverage' }),
      config: `${CONFIG}    inspectorInUseDays: 30\n`,
      error: /^in-use source inspector:123456789012\/us-east-1 could not be read: .*AccessDenied/,
    },
  ])('fails with one line and writes no file when $failure', async ({ arrange, error, ...test }) => {
    await arrange();
    const { output, run } = snapshotOf(('config' in test ? test.config : undefined) ?? CONFIG);

    const failure = run();

    await expect(failure).rejects.toBeInstanceOf(CliError);
    await expect(failure).rejects.toThrow(error);
    await expect(failure).rejects.toThrow(/no snapshot written/);
    expect(() => readFileSync(output)).toThrow(/ENOENT/);
  });

  it('reports a config file that does not exist', async () => {
    const output = join(dir, 'x.json');
    await expect(
      capture((write) => runSnapshot({ output, region: REGION, config: join(dir, 'missing.yml') }, write)),
    ).rejects.toThrow(/^config file not found: .*missing\.yml$/);
  });
});

describe('ecr-warden cleanup plan --config (live)', () => {
  const PLAN_CONFIG = `${CONFIG}  rules:
    - repositories: [payments-api]
      policy: native
`;

  function planOf(notes: string[]) {
    const configPath = join(dir, 'plan.yml');
    writeFileSync(configPath, PLAN_CONFIG);
    const progressStream = { isTTY: false, write: (text: string) => void notes.push(text) };
    return () =>
      capture((write) =>
        runCleanupPlan({ config: configPath, region: REGION, output: 'json', progressStream }, write),
      );
  }

  it('reads the sources cleanup.protect names, as the worker does, with no note of sources left out', async () => {
    const notes: string[] = [];

    const plan = JSON.parse(await planOf(notes)());

    expect(
      plan.repositories.map((repository: { repositoryName: string }) => repository.repositoryName),
    ).toEqual(['payments-api']);
    // Batch (which CONFIG reads) is carried into the plan now: nothing is said to be missing from it.
    expect(notes.join('')).toBe('');
  });

  it('makes no plan when a source cannot be read: one line naming it', async () => {
    world.allowCluster(false);

    await expect(planOf([])()).rejects.toThrow(
      /^in-use source kubernetes:prod-eks could not be read: .*403.*no plan made/,
    );
  });
});
