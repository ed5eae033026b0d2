// `ecr-warden cleanup plan`, run as a user runs it (the built CLI, a child process) on the bundled
// example registry and on snapshots written to a temporary directory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEEP_REASON_KINDS } from '../../../shared/cleanup/cleanup-reasons';
import { buildCli, type CliRun, expectOneLineError, ROOT, runCli } from '../../support/cli';
import { scratchDirPerTest } from '../../support/scratch-dir';

const EXAMPLE_SNAPSHOT = join(ROOT, 'examples', 'snapshot', 'snapshot.json');
const EXAMPLE_CONFIG = join(ROOT, 'examples', 'snapshot', 'ecr-warden.yml');
const SHOP_SNAPSHOT = join(ROOT, 'test', 'events', 'snapshots', 'shop-registry.json');
const KUBECTL_OUTPUT = join(ROOT, 'test', 'events', 'kubernetes', 'kubectl-get-workloads.json');

const SHOP_CONFIG = `cleanup:
  dryRun: true
  maxDeletionShare: 1
  rules:
    - repositories: ["shop/api"]
      policy:
        rules:
          - rulePriority: 1
            selection: { tagStatus: untagged, countType: sinceImagePushed, countUnit: days, countNumber: 7 }
            action: { type: expire }
          - rulePriority: 2
            selection: { tagStatus: tagged, tagPatternList: ["v*"], countType: sinceImagePushed, countUnit: days, countNumber: 30 }
            action: { type: expire }
    - repositories: ["shop/**"]
      policy: native
`;

// biome-ignore lint/suspicious/noExplicitAny: the plan is read as the JSON a script would read
type Json = any;

const scratch = scratchDirPerTest('ecr-warden-cleanup-cli-');

function plan(...args: string[]): CliRun {
  return runCli('cleanup', 'plan', ...args);
}

function planJson(...args: string[]): Json {
  const run = plan(...args, '--output', 'json');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

/** The shop fixture, parsed anew for every test. */
function shopSnapshot(): Json {
  return JSON.parse(readFileSync(SHOP_SNAPSHOT, 'utf8'));
}

beforeAll(buildCli);

describe('ecr-warden cleanup plan on the example registry', () => {
  it('prints the contract JSON: repositories with delete and keep lists, and a summary', () => {
    const result = planJson('--snapshot', EXAMPLE_SNAPSHOT, '--config', EXAMPLE_CONFIG);

    expect(Object.keys(result)).toEqual(expect.arrayContaining(['repositories', 'summary']));
    expect(result.repositories.map((r: Json) => r.repositoryName)).toEqual([
      'payments/api',
      'payments/worker',
      'build/npm-cache',
      'build/go-cache',
    ]);
    for (const repository of result.repositories) {
      for (const deletion of repository.delete) {
        expect(deletion).toEqual(
          expect.objectContaining({
            imageDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
            imageTags: expect.any(Array),
            reason: expect.objectContaining({ kind: expect.any(String) }),
            bytes: expect.any(Number),
          }),
        );
      }
      for (const kept of repository.keep) {
        expect(kept.reasons.length).toBeGreaterThan(0);
        for (const reason of kept.reasons) expect(KEEP_REASON_KINDS).toContain(reason.kind);
      }
    }
    expect(result.summary).toEqual(
      expect.objectContaining({
        imagesDeleted: expect.any(Number),
        imagesKept: expect.any(Number),
        bytesReclaimed: expect.any(Number),
        monthlySavingsUsd: expect.any(Number),
      }),
    );
  });

  it('deletes no image in use, no child of a kept index and no referrer of a kept image', () => {
    const result = planJson('--snapshot', EXAMPLE_SNAPSHOT, '--config', EXAMPLE_CONFIG);
    const snapshot = JSON.parse(readFileSync(EXAMPLE_SNAPSHOT, 'utf8'));

    for (const repository of result.repositories) {
      const entry = snapshot.repositories.find(
        (r: Json) => r.repository.repositoryName === repository.repositoryName,
      );
      const deleted = new Set(repository.delete.map((d: Json) => d.imageDigest));
      const kept = new Map(repository.keep.map((k: Json) => [k.imageDigest, k]));
      for (const k of repository.keep) {
        if (k.reasons.some((r: Json) => r.kind.startsWith('in-use-')))
          expect(deleted.has(k.imageDigest)).toBe(false);
      }
      for (const [indexDigest, manifest] of Object.entries<string>(entry.manifests)) {
        if (!kept.has(indexDigest)) continue;
        for (const child of JSON.parse(manifest).manifests) expect(deleted.has(child.digest)).toBe(false);
      }
      for (const image of entry.images) {
        if (image.subjectManifestDigest !== undefined && kept.has(image.subjectManifestDigest)) {
          expect(deleted.has(image.imageDigest)).toBe(false);
        }
      }
    }
  });

  it('keeps the release an ECS service rolls out and the build a Lambda alias runs, and says which', () => {
    const result = planJson('--snapshot', EXAMPLE_SNAPSHOT, '--config', EXAMPLE_CONFIG);
    const reasons = (repository: string) =>
      result.repositories
        .find((r: Json) => r.repositoryName === repository)
        .keep.flatMap((k: Json) => k.reasons);

    expect(reasons('payments/api')).toContainEqual(
      expect.objectContaining({
        kind: 'in-use-ecs-service',
        serviceName: 'payments-api',
        deploymentStatus: 'ACTIVE',
      }),
    );
    expect(reasons('payments/worker')).toContainEqual(
      expect.objectContaining({ kind: 'in-use-lambda', functionName: 'payments-worker', qualifier: 'live' }),
    );
    expect(result.notCovered).toEqual(['sandbox/experiments']);
  });

  it('prints a table for people: what goes and why, what stays and why, and what it saves', () => {
    const run = plan('--snapshot', EXAMPLE_SNAPSHOT, '--config', EXAMPLE_CONFIG);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^payments\/api {2}\(cleanup\.rules\[0\]: the policy in the config\)$/m);
    expect(run.stdout).toMatch(/child of deleted index [0-9a-f]{12}/);
    expect(run.stdout).toMatch(/ECS service payments-api \(PRIMARY deployment of payments-api:13\)/);
    expect(run.stdout).toMatch(/Lambda function payments-worker:live/);
    expect(run.stdout).toMatch(/tag release-2026\.06 matches protected "release-\*"/);
    expect(run.stdout).toMatch(/index [0-9a-f]{12} v1\.11\.0,latest: 3 children/);
    expect(run.stdout).toMatch(/Deletion cap reached: at most 15 deletions this run/);
    expect(run.stdout).toMatch(/Not covered by any cleanup rule, left alone: sandbox\/experiments/);
    expect(run.stdout).toMatch(/about \$\d+\.\d\d\/month at \$0\.10 per GB-month \(an upper bound/);
  });
});

describe('ecr-warden cleanup plan semantics', () => {
  it('deletes an expired multi-arch index first, then its children, then its signature', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);

    const result = planJson('--snapshot', SHOP_SNAPSHOT, '--config', config);

    const api = result.repositories[0];
    // The signature is untagged and as old as its index: the untagged rule selects it too.
    expect(api.delete.map((d: Json) => [d.imageDigest.slice(7, 8), d.role, d.reason.kind])).toEqual([
      ['9', 'image', 'expired-by-policy'],
      ['a', 'index', 'expired-by-policy'],
      ['b', 'child', 'child-of-deleted-index'],
      ['c', 'child', 'child-of-deleted-index'],
      ['e', 'child', 'child-of-deleted-index'],
      ['f', 'referrer', 'expired-by-policy'],
    ]);
  });

  it("evaluates at the snapshot's takenAt unless --now is given", () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);

    const implicit = planJson('--snapshot', SHOP_SNAPSHOT, '--config', config);
    const explicit = planJson(
      '--snapshot',
      SHOP_SNAPSHOT,
      '--config',
      config,
      '--now',
      '2026-11-01T06:00:00Z',
    );
    const earlier = planJson('--snapshot', SHOP_SNAPSHOT, '--config', config, '--now', '2026-08-05');

    expect(implicit).toEqual(explicit);
    expect(implicit.evaluatedAt).toBe('2026-11-01T06:00:00.000Z');
    expect(earlier.summary.imagesDeleted).toBeLessThan(implicit.summary.imagesDeleted);
  });

  it("keeps what a pod in kubectl's own output runs, given as the text kubectl printed", () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const before = planJson('--snapshot', SHOP_SNAPSHOT, '--config', config);
    const doomed = before.repositories[0].delete.find(
      (deletion: Json) => deletion.role !== 'child',
    ).imageDigest;
    const document = shopSnapshot();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shop-api-0', namespace: 'shop' },
      spec: {
        containers: [
          { name: 'api', image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api@${doomed}` },
        ],
      },
      status: { phase: 'Running' },
    };
    document.kubernetes = [
      { cluster: 'prod-eks', objects: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod] }) },
    ];

    const after = planJson('--snapshot', scratch.write('snapshot.json', document), '--config', config);
    const kept = after.repositories[0].keep.find((image: Json) => image.imageDigest === doomed);
    expect(kept.reasons[0]).toEqual({
      kind: 'in-use-kubernetes-pod',
      cluster: 'prod-eks',
      namespace: 'shop',
      pod: 'shop-api-0',
      container: 'api',
    });
    expect(after.repositories[0].delete.map((deletion: Json) => deletion.imageDigest)).not.toContain(doomed);
  });

  // Batch, App Runner and Inspector in a snapshot: read with the live worker's converters.
  const SHOP = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api';
  const batchDefinition = (image: string) => ({
    jobDefinitionName: 'nightly-export',
    jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/nightly-export:3',
    revision: 3,
    status: 'ACTIVE',
    type: 'container',
    containerProperties: { image },
  });
  // `aws apprunner describe-service` output, whole.
  const appRunnerOutput = (image: string) => ({
    Service: {
      ServiceName: 'storefront',
      ServiceArn:
        'arn:aws:apprunner:us-east-1:222222222222:service/storefront/8fe1e10304f84fd2b0df550fe98a71fa',
      Status: 'RUNNING',
      SourceConfiguration: { ImageRepository: { ImageIdentifier: image, ImageRepositoryType: 'ECR' } },
    },
  });
  const coveredImage = (digest: string, lastInUseAt: string) => ({
    resourceType: 'AWS_ECR_CONTAINER_IMAGE',
    resourceId: `arn:aws:ecr:us-east-1:123456789012:repository/shop/api/${digest}`,
    accountId: '123456789012',
    resourceMetadata: { ecrImage: { tags: [], lastInUseAt, inUseCount: 2 } },
  });

  // What the plan of the shop fixture alone deletes (top-level images), planned once for these tests.
  let shopDeletions: string[] | undefined;

  /** Images the plan of the shop fixture deletes, and the document to add the sources to. */
  function doomedImages() {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    if (shopDeletions === undefined) {
      shopDeletions = planJson('--snapshot', SHOP_SNAPSHOT, '--config', config)
        .repositories[0].delete.filter((deletion: Json) => deletion.role !== 'child')
        .map((deletion: Json) => deletion.imageDigest as string);
    }
    const doomed = [...(shopDeletions ?? [])];
    expect(doomed.length).toBeGreaterThanOrEqual(2);
    return { config, doomed, document: shopSnapshot() };
  }

  function keptBy(config: string, document: Json, digest: string) {
    const after = planJson('--snapshot', scratch.write('snapshot.json', document), '--config', config);
    expect(after.repositories[0].delete.map((deletion: Json) => deletion.imageDigest)).not.toContain(digest);
    return after.repositories[0].keep.find((image: Json) => image.imageDigest === digest).reasons;
  }

  it('keeps what an ACTIVE Batch job definition of the snapshot names, and not what an INACTIVE one does', () => {
    const { config, doomed, document } = doomedImages();
    const [used, deregistered] = doomed as [string, string];
    document.batch = {
      jobDefinitions: [
        batchDefinition(`${SHOP}@${used}`),
        { ...batchDefinition(`${SHOP}@${deregistered}`), revision: 2, status: 'INACTIVE' },
      ],
    };

    expect(keptBy(config, document, used)).toEqual([
      {
        kind: 'in-use-batch',
        jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/nightly-export:3',
        jobDefinitionName: 'nightly-export',
        revision: 3,
      },
    ]);
    const after = planJson('--snapshot', scratch.path('snapshot.json'), '--config', config);
    expect(after.repositories[0].delete.map((deletion: Json) => deletion.imageDigest)).toContain(
      deregistered,
    );
  });

  it('keeps what a workload account’s App Runner service of the snapshot deploys, with its account and region', () => {
    const { config, doomed, document } = doomedImages();
    const [used] = doomed as [string];
    document.workloadAccounts = [
      {
        account: '222222222222',
        region: 'us-east-1',
        appRunner: { services: [appRunnerOutput(`${SHOP}@${used}`)] },
      },
    ];

    expect(keptBy(config, document, used)).toEqual([
      {
        kind: 'in-use-app-runner',
        serviceName: 'storefront',
        serviceArn:
          'arn:aws:apprunner:us-east-1:222222222222:service/storefront/8fe1e10304f84fd2b0df550fe98a71fa',
        account: '222222222222',
        region: 'us-east-1',
      },
    ]);
  });

  it('keeps what Inspector saw in use within inspectorInUseDays of the plan’s time (14 days without it)', () => {
    const { config, doomed, document } = doomedImages();
    const [recent, older] = doomed as [string, string];
    const takenAt = Date.parse(document.takenAt);
    const daysBefore = (days: number) => new Date(takenAt - days * 86_400_000).toISOString();
    document.inspector = {
      coveredResources: [coveredImage(recent, daysBefore(10)), coveredImage(older, daysBefore(20))],
    };
    const deleted = (plan: Json) => plan.repositories[0].delete.map((deletion: Json) => deletion.imageDigest);

    // The default window, 14 days: 10 days ago counts, 20 days ago does not.
    expect(keptBy(config, document, recent)).toEqual([
      { kind: 'in-use-inspector', lastInUseAt: daysBefore(10), inUseCount: 2 },
    ]);
    const snapshot = scratch.path('snapshot.json');
    expect(deleted(planJson('--snapshot', snapshot, '--config', config))).toContain(older);
    // The config's window, 30 days: both count.
    const wide = scratch.write(
      'wide.yml',
      SHOP_CONFIG.replace(
        '  maxDeletionShare: 1\n',
        '  maxDeletionShare: 1\n  protect:\n    inspectorInUseDays: 30\n',
      ),
    );
    expect(deleted(planJson('--snapshot', snapshot, '--config', wide))).not.toContain(older);
    // Evaluated later (--now), the window ends later: 10 days before takenAt is 25 days before then.
    const later = new Date(takenAt + 15 * 86_400_000).toISOString();
    expect(deleted(planJson('--snapshot', snapshot, '--config', config, '--now', later))).toContain(recent);
  });

  it('gives the same plan whatever dryRun says: a plan never deletes', () => {
    const dry = scratch.write('dry.yml', SHOP_CONFIG);
    const wet = scratch.write('wet.yml', SHOP_CONFIG.replace('dryRun: true', 'dryRun: false'));

    expect(plan('--snapshot', SHOP_SNAPSHOT, '--config', wet, '--output', 'json').stdout).toBe(
      plan('--snapshot', SHOP_SNAPSHOT, '--config', dry, '--output', 'json').stdout,
    );
  });
});

describe('ecr-warden cleanup plan input errors: exit 2, one `ecr-warden:` line, no stack trace', () => {
  it('reports a snapshot file that does not exist', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);

    expectOneLineError(
      plan('--snapshot', scratch.path('missing.json'), '--config', config),
      /snapshot file not found: .*missing\.json/,
    );
  });

  it('reports a snapshot that is not JSON, with line and column', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const snapshot = scratch.write('snapshot.json', '{\n  "snapshotVersion": 1,\n  "account": \n}\n');

    expectOneLineError(
      plan('--snapshot', snapshot, '--config', config),
      /snapshot file .* is not valid JSON at line 4, column 1/,
    );
  });

  it('reports a snapshot of the wrong shape, naming the path', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const document = shopSnapshot();
    document.repositories[0].images[2].imagePushedAt = 'last tuesday';
    const snapshot = scratch.write('snapshot.json', document);

    expectOneLineError(
      plan('--snapshot', snapshot, '--config', config),
      /snapshot file .* is not a valid snapshot: repositories\[0\]\.images\[2\]\.imagePushedAt: expected an ISO 8601 timestamp or epoch seconds$/m,
    );
  });

  it('reports malformed kubectl output in a snapshot, naming the object', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const document = shopSnapshot();
    const kubectl = JSON.parse(readFileSync(KUBECTL_OUTPUT, 'utf8'));
    delete kubectl.items[5].spec;
    document.kubernetes = [{ cluster: 'prod-eks', objects: kubectl }];
    const snapshot = scratch.write('snapshot.json', document);

    expectOneLineError(
      plan('--snapshot', snapshot, '--config', config),
      /snapshot file .* is not a valid snapshot: kubernetes\[0\]\.objects\.items\[5\]\.spec: is required$/m,
    );
  });

  it.each([
    {
      part: 'a Batch job definition whose revision is not a number',
      edit: (document: Json) => {
        document.batch = { jobDefinitions: [{ jobDefinitionName: 'x', revision: 'three' }] };
      },
      error: /is not a valid snapshot: batch\.jobDefinitions\[0\]\.revision: must be a whole number$/m,
    },
    {
      part: 'a workload account’s App Runner services that are not a list',
      edit: (document: Json) => {
        document.workloadAccounts = [
          { account: '222222222222', region: 'us-east-1', appRunner: { services: { ServiceName: 'x' } } },
        ];
      },
      error:
        /is not a valid snapshot: workloadAccounts\[0\]\.appRunner\.services: expected a list of services \(describe-service Service\)$/m,
    },
    {
      part: 'an Inspector lastInUseAt that is no timestamp',
      edit: (document: Json) => {
        document.inspector = {
          coveredResources: [
            {
              resourceType: 'AWS_ECR_CONTAINER_IMAGE',
              resourceMetadata: { ecrImage: { lastInUseAt: 'yesterday' } },
            },
          ],
        };
      },
      error:
        /is not a valid snapshot: inspector\.coveredResources\[0\]\.resourceMetadata\.ecrImage\.lastInUseAt: expected an ISO 8601 timestamp or epoch seconds$/m,
    },
  ])('reports $part, naming the path', ({ edit, error }) => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const document = shopSnapshot();
    edit(document);

    expectOneLineError(
      plan('--snapshot', scratch.write('snapshot.json', document), '--config', config),
      error,
    );
  });

  it('reports describe-images output given where a snapshot belongs', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const snapshot = scratch.write('images.json', { imageDetails: shopSnapshot().repositories[0].images });

    expectOneLineError(
      plan('--snapshot', snapshot, '--config', config),
      /snapshotVersion: is required; account: is required/,
    );
  });

  it('reports an invalid config, naming every wrong path through the config loader', () => {
    const config = scratch.write(
      'ecr-warden.yml',
      'cleanup:\n  keepAtLeast: -1\n  maxDeletionShare: 2\n  rules:\n    - repositories: ["**"]\n      policy: native\n',
    );

    expectOneLineError(
      plan('--snapshot', SHOP_SNAPSHOT, '--config', config),
      /config file .*ecr-warden\.yml is invalid: cleanup\.keepAtLeast: must be >= 0; cleanup\.maxDeletionShare: must be <= 1/,
    );
  });

  it('reports a config file that does not exist', () => {
    expectOneLineError(
      plan('--snapshot', SHOP_SNAPSHOT, '--config', scratch.path('nope.yml')),
      /config file not found: .*nope\.yml/,
    );
  });

  it("reports a native repository's lifecycle policy text that ECR's rules reject, naming it", () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);
    const document = shopSnapshot();
    document.repositories[1].lifecyclePolicyText = '{"rules": []}'.padEnd(100);
    const snapshot = scratch.write('snapshot.json', document);

    expectOneLineError(
      plan('--snapshot', snapshot, '--config', config),
      /repositories\[1\]\.lifecyclePolicyText: not a valid lifecycle policy/,
    );
  });

  it('validates --now as lifecycle preview does', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);

    expectOneLineError(
      plan('--snapshot', SHOP_SNAPSHOT, '--config', config, '--now', '2026-02-30'),
      /--now must be an ISO 8601 date or time with an offset/,
    );
  });

  it('reports a missing --config and an unknown --output', () => {
    const config = scratch.write('ecr-warden.yml', SHOP_CONFIG);

    expectOneLineError(plan('--snapshot', SHOP_SNAPSHOT), /missing required option --config/);
    expectOneLineError(
      plan('--snapshot', SHOP_SNAPSHOT, '--config', config, '--output', 'yaml'),
      /--output must be "table" or "json"/,
    );
  });
});
