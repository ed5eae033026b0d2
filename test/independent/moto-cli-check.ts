import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckResults } from './check-results';
import { ACCOUNT, REGION, seedRegistry } from './moto/seed-registry';
import { startMotoServer } from './moto-server';
import { runCommand } from './run-command';

/**
 * The read-only live CLI commands (`snapshot`, `cleanup plan`, `repositories audit`) against moto_server,
 * an AWS emulator written independently of ecr-warden and of its registry simulator, over real HTTP:
 * the built CLI (`node bin/ecr-warden.js`) with AWS_ENDPOINT_URL pointing at moto, which the SDK's
 * shared config resolver honours for every client. moto is seeded over HTTP with the real SDK clients
 * (./moto/seed-registry.ts says what, and what the CLI must then report).
 *
 * Nothing leaves loopback: fake credentials, a fixed region, no AWS profile or config file, and the
 * instance metadata service turned off, so that no credential or region lookup reaches out either.
 *
 * What moto does not cover, so this check does not either (checked against moto 5.2.1):
 * - digests: moto's PutImage digests the manifest's layer digests, not the manifest bytes as ECR does,
 *   so digests are compared with what moto answered, never computed here;
 * - ECS tasks: RunTask needs registered container instances, so the in-use picture has services and
 *   task definitions but no running task (the fault and simulator suites cover tasks);
 * - ListTaskDefinitions ignores `sort` (the inventory ranks revisions by number, so the result is the
 *   same);
 * - Lambda: CreateFunction finds an image by the last segment of its repository path, so the Lambda
 *   image lives in a repository without `/`; started with MOTO_LAMBDA_STUB_ECR=false so that
 *   ResolvedImageUri carries the ECR image's digest;
 * - push times are whole seconds (the seed pushes a second apart); no image indexes, archived images,
 *   replication or enhanced scanning; no IAM: every call is allowed.
 */
const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, 'test/independent/moto/ecr-warden.moto.yml');
const COMMAND_TIMEOUT_MS = 60_000;

interface PlanJson {
  repositories: {
    repositoryName: string;
    delete: { imageDigest: string }[];
    keep: { imageDigest: string }[];
  }[];
}
interface AuditJson {
  repositories: { repositoryName: string; checks: { baseline: string; status: string }[] }[];
}

export async function runMotoCliCheck(log: (line: string) => void): Promise<string[]> {
  const results = new CheckResults('moto', log);
  const moto = await startMotoServer({ MOTO_LAMBDA_STUB_ECR: 'false' });
  const workDir = mkdtempSync(join(tmpdir(), 'ecr-warden-moto-'));
  try {
    const seedStarted = Date.now();
    const clientConfig = {
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
    };
    const ecr = new ECRClient(clientConfig);
    const ecs = new ECSClient(clientConfig);
    const lambda = new LambdaClient(clientConfig);
    const { digests } = await seedRegistry(moto.endpoint, { ecr, ecs, lambda }).finally(() => {
      ecr.destroy();
      ecs.destroy();
      lambda.destroy();
    });
    log(
      `     moto: seeded ${digests.size} images over HTTP in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const digest = (reference: string) => digests.get(reference) as string;

    const env = cliEnvironment(moto.endpoint);
    const cli = (...args: string[]) =>
      runCommand(process.execPath, [join(ROOT, 'bin/ecr-warden.js'), ...args], {
        env,
        cwd: workDir,
        timeoutMs: COMMAND_TIMEOUT_MS,
      });
    // Two days on: the untagged image is then more than a day old.
    const now = new Date(Date.now() + 2 * 86_400_000).toISOString();

    const snapshotPath = join(workDir, 'snapshot.json');
    const snapshot = await cli('snapshot', '--output', snapshotPath);
    results.expect(snapshot.status === 0, 'snapshot exits 0', describeFailure(snapshot));
    if (snapshot.status === 0) {
      const document = JSON.parse(readFileSync(snapshotPath, 'utf8'));
      results.expectEqual(
        [document.account, document.region],
        [ACCOUNT, REGION],
        'snapshot names moto’s account and the region',
      );
      results.expectEqual(
        document.repositories
          .map((entry: { repository: { repositoryName: string } }) => entry.repository.repositoryName)
          .sort(),
        ['api', 'build/go-cache', 'team-a/web'],
        'snapshot lists every seeded repository',
      );
      results.expectEqual(
        document.repositories.reduce(
          (sum: number, entry: { images: unknown[] }) => sum + entry.images.length,
          0,
        ),
        digests.size,
        'snapshot lists every seeded image',
      );
      results.expectEqual(
        document.ecs.services.map((service: { serviceName: string }) => service.serviceName),
        ['api'],
        'snapshot holds the ECS service',
      );
      results.expectEqual(
        document.lambda.functions.map(
          (fn: { Code?: { ResolvedImageUri?: string } }) => fn.Code?.ResolvedImageUri?.split('@')[1],
        ),
        [digest('api:v3')],
        'snapshot holds the Lambda function with the digest it runs',
      );
    }

    // What the rules alone would expire (untagged, v0 … v3) minus what workloads use (v1: the service;
    // v2: the newest task definition revision; v3: the Lambda function); the native policy of
    // build/go-cache keeps one image.
    const expectedDeletions = {
      api: [digest('api:untagged'), digest('api:v0')].sort(),
      'build/go-cache': [digest('build/go-cache:c1')],
      'team-a/web': [],
    };
    const livePlan = await cli('cleanup', 'plan', '--config', CONFIG, '--now', now, '--output', 'json');
    results.expect(livePlan.status === 0, 'cleanup plan (live) exits 0', describeFailure(livePlan));
    if (livePlan.status === 0) {
      const plan = JSON.parse(livePlan.stdout) as PlanJson;
      results.expectEqual(
        deletionsOf(plan),
        expectedDeletions,
        'cleanup plan (live) deletes exactly the expired images no workload uses',
      );
      const kept = new Set(
        plan.repositories.flatMap((repository) => repository.keep.map((image) => image.imageDigest)),
      );
      results.expect(
        ['api:v1', 'api:v2', 'api:v3', 'api:v4'].every((reference) => kept.has(digest(reference))),
        'cleanup plan (live) keeps the images of the ECS service, the newest task definition, the Lambda function and the newest v*',
      );
    }
    const snapshotPlan = await cli(
      'cleanup',
      'plan',
      '--config',
      CONFIG,
      '--snapshot',
      snapshotPath,
      '--now',
      now,
      '--output',
      'json',
    );
    results.expect(
      snapshotPlan.status === 0,
      'cleanup plan --snapshot exits 0',
      describeFailure(snapshotPlan),
    );
    if (snapshotPlan.status === 0) {
      results.expectEqual(
        deletionsOf(JSON.parse(snapshotPlan.stdout) as PlanJson),
        expectedDeletions,
        'cleanup plan on the snapshot deletes the same images as the live plan',
      );
    }

    const audit = await cli('repositories', 'audit', '--config', CONFIG, '--output', 'json');
    results.expect(audit.status === 1, 'repositories audit exits 1 (drift)', describeFailure(audit));
    if (audit.status === 1) {
      results.expectEqual(
        driftsOf(JSON.parse(audit.stdout) as AuditJson),
        {
          api: ['lifecycle-policy', 'scanning', 'tag-immutability'],
          'build/go-cache': [],
          'team-a/web': ['lifecycle-policy', 'repository-policy', 'scanning'],
        },
        'repositories audit finds the seeded drifts and nothing else',
      );
    }
    // The snapshot records what the audit reads live: the audit of the snapshot is the live one.
    const snapshotAudit = await cli(
      'repositories',
      'audit',
      '--config',
      CONFIG,
      '--snapshot',
      snapshotPath,
      '--output',
      'json',
    );
    if (audit.status === 1 && snapshotAudit.status === 1) {
      const { source: _live, ...live } = JSON.parse(audit.stdout) as { source: string };
      const { source: _file, ...fromSnapshot } = JSON.parse(snapshotAudit.stdout) as { source: string };
      results.expectEqual(
        fromSnapshot,
        live,
        'repositories audit --snapshot reports what the live audit reports',
      );
    } else {
      results.expect(false, 'repositories audit --snapshot exits 1 (drift)', describeFailure(snapshotAudit));
    }

    const wrongRegion = await cli('repositories', 'audit', '--config', CONFIG, '--region', 'nowhere');
    results.expect(
      wrongRegion.status === 2 && /^ecr-warden: [^\n]+\n$/.test(wrongRegion.stderr),
      'a bad --region exits 2 with one line',
      `exit ${wrongRegion.status}, stderr ${JSON.stringify(wrongRegion.stderr.slice(0, 300))}`,
    );
  } finally {
    await moto.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return results.failures;
}

/** The CLI's environment: moto, fake credentials, one region, and nothing that could reach AWS. */
/** This process's environment with every AWS_ setting replaced by moto's endpoint, fake credentials and nothing else. */
export function cliEnvironment(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/ecr-warden-moto-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/ecr-warden-moto-credentials',
  };
}

function deletionsOf(plan: PlanJson): Record<string, string[]> {
  return Object.fromEntries(
    plan.repositories
      .map(
        (repository) =>
          [repository.repositoryName, repository.delete.map((image) => image.imageDigest).sort()] as const,
      )
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function driftsOf(audit: AuditJson): Record<string, string[]> {
  return Object.fromEntries(
    audit.repositories
      .map(
        (repository) =>
          [
            repository.repositoryName,
            repository.checks
              .filter((check) => check.status === 'drift')
              .map((check) => check.baseline)
              .sort(),
          ] as const,
      )
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function describeFailure(run: { status: number | null; stderr: string; timedOut: boolean }): string {
  if (run.timedOut) return `timed out after ${COMMAND_TIMEOUT_MS / 1000} s`;
  return `exit ${run.status}, stderr: ${run.stderr.trim().split('\n')[0] ?? ''}`;
}
