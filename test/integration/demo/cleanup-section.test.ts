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
  section = JSON.parse(report).sections.find((entry: Json) => entry.title === TITLE)?.result;
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
      messages: 8,
      failedMessages: 0,
      reports: 8,
      deleteCalls: 0,
      violations: [],
    });
  });

  it('deletes the untagged debris of web/frontend', () => {
    const deleted = repository('web/frontend').delete;

    expect(deleted.length).toBeGreaterThan(0);
    for (const entry of deleted)
      expect(entry).toMatchObject({ imageTags: [], reason: { kind: 'expired-by-policy' } });
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

  it('deletes an expired release index together with its children', () => {
    const deleted = repository('payments/api').delete;
    const indexes = deleted.filter((entry: Json) => entry.role === 'index');

    expect(indexes.length).toBeGreaterThan(0);
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
