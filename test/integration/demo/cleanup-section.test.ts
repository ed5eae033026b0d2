// The demo's cleanup section, from the demo bundle's JSON report: what it finds on the sample registry
// (its planted situations), and what it must never do.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../support/cli';

// biome-ignore lint/suspicious/noExplicitAny: the demo's JSON report, read as a script would read it
type Json = any;

const TITLE = 'Lifecycle cleanup (cleanupScheduler → cleanup queue → cleanupWorker, dry run)';
let section: Json;
let failClosed: Json;
const planted: Record<string, { repositoryName?: string; imageDigest?: string }> = JSON.parse(
  readFileSync(join(ROOT, 'local', 'sample-data', 'sample-registry.json'), 'utf8'),
).planted;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-demo.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const run = spawnSync(
    process.execPath,
    ['--disable-warning=NodeVersionSupportWarning', 'dist/demo.js', '--json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (run.status !== 0) throw new Error(`npm run demo failed: ${run.stderr}`);
  // The report is the pretty-printed document that starts on a line of its own; handler log lines
  // (one JSON object each) may come before it.
  const report = run.stdout.slice(run.stdout.search(/^\{$/m));
  const sections = JSON.parse(report).sections;
  section = sections.find((entry: Json) => entry.title === TITLE)?.result;
  failClosed = sections.find((entry: Json) => entry.title.startsWith('In-use sources fail closed'))?.result;
});

function repository(name: string): Json {
  return section.repositories.find((entry: Json) => entry.repositoryName === name);
}

function keptFor(name: string, digest: string | undefined): string[] {
  const kept = repository(name).keep.find((entry: Json) => entry.imageDigest === digest);
  return (kept?.reasons ?? []).map((reason: Json) => reason.kind);
}

describe('npm run demo: lifecycle cleanup', () => {
  it('schedules every covered repository and plans each in dry run, with no delete call and a report each', () => {
    expect(section).toMatchObject({
      messages: 10,
      failedMessages: 0,
      reports: 10,
      deleteCalls: 0,
      violations: [],
    });
  });

  it("cleans payments-prod's repositories through its member role, keeping what its ECS service runs, and reports legacy-sandbox unreachable", () => {
    const ledger = section.repositories.find(
      (entry: Json) => entry.repositoryName === 'payments/ledger' && entry.account === '333333333333',
    );
    const v2 = ledger.keep.find((entry: Json) => entry.imageTags.includes('v2.0.0'));

    expect(ledger.delete.map((entry: Json) => entry.imageTags)).toEqual([['v1.0.0'], []]);
    expect(v2.reasons.find((reason: Json) => reason.kind === 'in-use-ecs-service')).toMatchObject({
      serviceName: 'ledger',
      account: '333333333333',
      region: 'us-east-1',
    });
    expect(
      section.repositories
        .filter((entry: Json) => entry.account === '333333333333')
        .map((e: Json) => e.repositoryName),
    ).toEqual(['payments/ledger', 'web/storefront']);
    expect(section.unreachable).toEqual([{ account: '444444444444', region: 'us-east-1' }]);
  });

  it('keeps the untagged web/frontend builds a Deployment scaled to zero, its old ReplicaSet and another account run', () => {
    const frontend = repository('web/frontend');
    const untagged = frontend.keep.filter((entry: Json) => entry.imageTags.length === 0);
    const ciBuild = planted['scan-untagged-with-findings']?.imageDigest;

    expect(frontend.delete).toEqual([]);
    expect(untagged).toHaveLength(3);
    const workloads = untagged.flatMap((entry: Json) =>
      entry.reasons
        .filter((reason: Json) => reason.kind === 'in-use-kubernetes-workload')
        .map((reason: Json) => [reason.cluster, reason.namespace, reason.workloadKind, reason.name]),
    );
    expect(workloads.sort()).toEqual([
      ['demo-eks', 'web', 'Deployment', 'frontend-canary'],
      ['demo-eks', 'web', 'ReplicaSet', 'frontend-canary-6b7f9c8d5'],
    ]);
    const ecsElsewhere = frontend.keep
      .find((entry: Json) => entry.imageDigest === ciBuild)
      .reasons.find((reason: Json) => reason.kind === 'in-use-ecs-task');
    expect(ecsElsewhere).toMatchObject({ account: '222222222222', region: 'us-east-1' });
  });

  it('keeps the image a pod pulled before its tag moved, and what the external list and a CronJob name', () => {
    const v110 = repository('payments/api').keep.find((entry: Json) => entry.imageTags.includes('v1.1.0'));
    const pod = v110.reasons.find((reason: Json) => reason.kind === 'in-use-kubernetes-pod');
    const cronJobs = repository('payments/worker').keep.flatMap((entry: Json) =>
      entry.reasons.filter(
        (reason: Json) => reason.kind === 'in-use-kubernetes-workload' && reason.workloadKind === 'CronJob',
      ),
    );

    // The pod's spec names payments/api:latest (now on v1.4.0); its status imageID is v1.1.0.
    expect(pod).toMatchObject({ cluster: 'demo-eks', namespace: 'payments', pod: 'checkout-legacy-0' });
    expect(v110.reasons.map((reason: Json) => reason.kind)).toContain('in-use-external');
    expect(repository('payments/worker').delete).toEqual([]);
    expect(cronJobs).toHaveLength(1);
  });

  it('keeps the image a service scaled to zero in another account was deployed with, after its tag moved (its service revision)', () => {
    const v120 = repository('payments/api').keep.find((entry: Json) => entry.imageTags.includes('v1.2.0'));
    const revision = v120.reasons.find((reason: Json) => reason.kind === 'in-use-ecs-service');

    // checkout-replay's task definition names payments/api:latest, which now names v1.4.0.
    expect(revision).toMatchObject({
      serviceName: 'checkout-replay',
      serviceRevisionArn: expect.stringMatching(
        /^arn:aws:ecs:us-east-1:222222222222:service-revision\/preview\/checkout-replay\/\d+$/,
      ),
      serviceDeploymentStatus: 'SUCCESSFUL',
      account: '222222222222',
    });
    expect(v120.reasons[0].kind).toBe('in-use-ecs-service');
  });

  it('keeps the untagged images that an ECS task and a Lambda function still run', () => {
    const task = planted['ecs-running-task-untagged-image'];
    const lambda = planted['lambda-pinned-untagged-digest'];

    expect(keptFor(task?.repositoryName ?? '', task?.imageDigest)).toContain('in-use-ecs-task');
    expect(keptFor(lambda?.repositoryName ?? '', lambda?.imageDigest)).toContain('in-use-lambda');
  });

  it('keeps the multi-arch index in use with its children, attestations, signature and SBOM', () => {
    const index = planted['multi-arch-index'];
    const attestation = planted['buildkit-attestation'];
    const signature = planted['cosign-signature'];
    const sbom = planted['sbom-referrer'];

    expect(keptFor('payments/api', index?.imageDigest)).toContain('in-use-ecs-service');
    expect(keptFor('payments/api', attestation?.imageDigest)).toContain('child-of-kept-index');
    expect(keptFor('payments/api', signature?.imageDigest)).toContain('referrer-of-kept-image');
    expect(keptFor('payments/api', sbom?.imageDigest)).toContain('referrer-of-kept-image');
  });

  it('deletes an expired release index (v1.0.0, which nothing runs) together with its children', () => {
    const deleted = repository('payments/api').delete;
    const indexes = deleted.filter((entry: Json) => entry.role === 'index');

    expect(indexes.map((entry: Json) => entry.imageTags)).toEqual([['v1.0.0']]);
    for (const index of indexes) {
      expect(
        deleted.some(
          (entry: Json) =>
            entry.reason.kind === 'child-of-deleted-index' && entry.reason.indexDigest === index.imageDigest,
        ),
      ).toBe(true);
    }
  });
});

describe('npm run demo: an in-use source that cannot be read fails closed', () => {
  it('holds payments/api when ops-eks answers 403: the report names the source and why, nothing is deleted', () => {
    expect(failClosed).toMatchObject({
      repositoryName: 'payments/api',
      deleteCalls: 0,
      failedMessages: 0,
      report: { held: true, imagesDeleted: 0, severity: 'warning' },
    });
    // What the main run would delete there (v1.0.0 and its children) waits.
    expect(failClosed.report.imagesHeld).toBe(repository('payments/api').delete.length);
    expect(failClosed.imagesAfter).toBe(failClosed.imagesBefore);
    expect(failClosed.report.inUseSourceFailures).toEqual([
      {
        source: 'kubernetes:ops-eks',
        reason: expect.stringMatching(/HTTP 403: the role's access entry does not allow this read/),
        errorName: 'KubernetesApiError',
      },
    ]);
  });
});
