// `ecr-warden inuse list`: from a snapshot as a user runs it (the built CLI, a child process), and
// live in-process on the registry simulator (which stubs this process's SDK clients), with --config
// every source cleanup.protect names (the Kubernetes API stand-in behind the EKS cluster).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessDeniedException, ListClustersCommand } from '@aws-sdk/client-ecs';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CliError } from '../../../cli/errors';
import { runInUseList } from '../../../cli/inuse-command';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator } from '../../../local/registry-sim/simulator';
import { parseEcrImageReference } from '../../../shared/cleanup/image-reference';
import { buildCli, expectOneLineError, ROOT, runCli } from '../../support/cli';
import {
  arrangeInUseSources,
  CONFIG,
  type InUseSourcesWorld,
  REGION,
  URI,
  WORKLOAD_ROLE_ARN,
} from '../../support/in-use-sources-world';

const EXAMPLE_SNAPSHOT = join(ROOT, 'examples', 'snapshot', 'snapshot.json');

describe('ecr-warden inuse list --snapshot', () => {
  beforeAll(() => {
    buildCli();
  });

  it('prints the external list format: the source, the snapshot time, every image its workloads use', () => {
    const run = runCli('inuse', 'list', '--snapshot', EXAMPLE_SNAPSHOT);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const list = JSON.parse(run.stdout);
    expect(Object.keys(list)).toEqual(['source', 'generatedAt', 'images']);
    expect(list.source).toMatch(/^ecr-warden:\d{12}\/[a-z0-9-]+$/);
    expect(list.generatedAt).toBe('2026-11-01T06:00:00.000Z');
    expect(list.images.length).toBeGreaterThan(0);
    expect([...list.images].sort()).toEqual(list.images);
    expect(new Set(list.images).size).toBe(list.images.length);
    // Each one reads back as an ECR reference, as cleanup.protect.external will read it.
    for (const image of list.images) expect(parseEcrImageReference(image)).toBeDefined();
  });

  it('names the list with --source and dates it with --now', () => {
    const run = runCli(
      'inuse',
      'list',
      '--snapshot',
      EXAMPLE_SNAPSHOT,
      '--source',
      'central-registry',
      '--now',
      '2026-12-01T00:00:00Z',
    );

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      source: 'central-registry',
      generatedAt: '2026-12-01T00:00:00.000Z',
    });
  });

  it.each([
    { args: ['--snapshot', '/nonexistent/snapshot.json'], error: /snapshot file not found: \/nonexistent/ },
    {
      args: ['--snapshot', EXAMPLE_SNAPSHOT, '--source', 'has space'],
      error: /--source: "has space" must be/,
    },
    { args: ['--snapshot', EXAMPLE_SNAPSHOT, '--now', 'yesterday'], error: /--now must be an ISO 8601 date/ },
    {
      args: ['--snapshot', EXAMPLE_SNAPSHOT, '--task-definition-revisions', 'all'],
      error: /--task-definition-revisions must be a whole number/,
    },
    {
      args: ['--snapshot', EXAMPLE_SNAPSHOT, '--region', 'us-east-1'],
      error: /--snapshot and --region are exclusive/,
    },
    { args: ['--snapshot', join(ROOT, 'package.json')], error: /is not a valid snapshot/ },
    { args: ['--snapshots', EXAMPLE_SNAPSHOT], error: /Unknown option '--snapshots'/ },
  ])('exits 2 with one line for $args', ({ args, error }) => {
    expectOneLineError(runCli('inuse', 'list', ...args), error);
  });
});

describe('ecr-warden inuse list (live)', () => {
  let aws: InstalledSimulator;
  beforeEach(() => {
    const sim = createRegistrySimulator();
    sim.loadSample();
    aws = sim.install();
  });
  afterEach(() => {
    aws.restore();
  });

  async function list(): Promise<{ source: string; generatedAt: string; images: string[] }> {
    let out = '';
    await runInUseList({ region: 'us-east-1' }, (text) => {
      out += text;
    });
    return JSON.parse(out);
  }

  it("lists what this account's ECS tasks, services and Lambda functions run", async () => {
    const printed = await list();

    expect(printed.source).toMatch(/^ecr-warden:\d{12}\/us-east-1$/);
    expect(Date.parse(printed.generatedAt)).not.toBeNaN();
    expect(printed.images.length).toBeGreaterThan(0);
    expect(printed.images.every((image) => parseEcrImageReference(image) !== undefined)).toBe(true);
  });

  it('prints no list when a source cannot be read, and names it', async () => {
    aws.mocks.ecs
      .on(ListClustersCommand)
      .rejects(
        new AccessDeniedException({ message: 'not authorized to perform: ecs:ListClusters', $metadata: {} }),
      );

    // Lambda is refused too, so that no read is still in flight when the test ends.
    aws.mocks.lambda.on(ListFunctionsCommand).rejects(
      Object.assign(new Error('not authorized to perform: lambda:ListFunctions'), {
        name: 'AccessDeniedException',
      }),
    );

    const failure = list();

    await expect(failure).rejects.toThrow(CliError);
    await expect(failure).rejects.toThrow(
      /^in-use source ecs:\d{12}\/us-east-1 could not be read: AccessDeniedException: not authorized to perform: ecs:ListClusters \(and 1 more source\(s\)\); no list printed/,
    );
  });
});

describe('ecr-warden inuse list --config (live): every source cleanup.protect names', () => {
  let world: InUseSourcesWorld;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecr-warden-inuse-config-'));
    world = await arrangeInUseSources();
  });
  afterEach(async () => {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function listWith(config: string) {
    const path = join(dir, 'ecr-warden.yml');
    writeFileSync(path, config);
    let out = '';
    await runInUseList({ region: REGION, config: path }, (text) => {
      out += text;
    });
    return JSON.parse(out) as { images: string[] };
  }

  it('lists the cluster’s pods and workloads, the workload account’s ECS and Lambda, and the external list', async () => {
    const { images } = await listWith(CONFIG);

    // The sample cluster: a pod's tag (payments-api:v2), a CronJob's image, a Deployment scaled to zero.
    expect(images).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/payments-api[:@]/),
        expect.stringMatching(/\/report[:@]/),
        expect.stringMatching(/\/ops-tool[:@]/),
        `${URI}/payments-api:v9`,
      ]),
    );
    // The workload account's ECS service (v7) and Lambda function (v8), through the assumed role.
    expect(images.filter((image) => /payments-api:v[78]$/.test(image)).sort()).toEqual([
      `${URI}/payments-api:v7`,
      `${URI}/payments-api:v8`,
    ]);
    // Images of other registries protect nothing here, so they are not listed.
    expect(images.some((image) => image.includes('public.ecr.aws'))).toBe(false);
  });

  it('lists only this account’s ECS and Lambda without --config: none of the other sources', async () => {
    let out = '';
    await runInUseList({ region: REGION }, (text) => {
      out += text;
    });

    expect(JSON.parse(out).images).toEqual([]);
  });

  it.each([
    {
      failure: 'the cluster answers 403',
      arrange: () => world.allowCluster(false),
      error: /^in-use source kubernetes:prod-eks could not be read: .*403/,
    },
    {
      failure: 'the workload role cannot be assumed',
      arrange: () => world.sim.services.identity.deleteRole(WORKLOAD_ROLE_ARN),
      error: /^in-use source account:222222222222\/us-east-1 could not be read: .*AccessDenied/,
    },
  ])('prints no list when $failure, and names the source', async ({ arrange, error }) => {
    arrange();

    const failure = listWith(CONFIG);

    await expect(failure).rejects.toThrow(CliError);
    await expect(failure).rejects.toThrow(error);
  });
});

describe('ecr-warden inuse list --snapshot: everything the snapshot holds', () => {
  beforeAll(() => {
    buildCli();
  });

  it('adds the snapshot’s clusters, workload accounts and external lists to its ECS and Lambda', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-inuse-snapshot-'));
    try {
      const document = JSON.parse(readFileSync(EXAMPLE_SNAPSHOT, 'utf8'));
      const registry = `${document.account}.dkr.ecr.${document.region}.amazonaws.com`;
      const plain = JSON.parse(runCli('inuse', 'list', '--snapshot', EXAMPLE_SNAPSHOT).stdout).images;
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'api-0', namespace: 'shop' },
        spec: { containers: [{ name: 'api', image: `${registry}/shop/api:k8s` }] },
      };
      document.kubernetes = [
        { cluster: 'prod-eks', objects: { apiVersion: 'v1', kind: 'List', items: [pod] } },
      ];
      document.workloadAccounts = [
        {
          account: '222222222222',
          region: document.region,
          ecs: { tasks: [], services: [], taskDefinitions: [] },
          lambda: { functions: [] },
          kubernetes: [
            {
              cluster: 'team-eks',
              objects: {
                apiVersion: 'v1',
                kind: 'List',
                items: [
                  { ...pod, spec: { containers: [{ name: 'w', image: `${registry}/shop/worker:remote` }] } },
                ],
              },
            },
          ],
        },
      ];
      document.external = [
        { source: 'argocd-prod', generatedAt: document.takenAt, images: [`${registry}/shop/web:gitops`] },
      ];
      const path = join(dir, 'snapshot.json');
      writeFileSync(path, JSON.stringify(document));

      const run = runCli('inuse', 'list', '--snapshot', path);

      expect(run.status).toBe(0);
      const images: string[] = JSON.parse(run.stdout).images;
      expect(images).toEqual(expect.arrayContaining(plain));
      expect(images.filter((image) => !plain.includes(image)).sort()).toEqual([
        `${registry}/shop/api:k8s`,
        `${registry}/shop/web:gitops`,
        `${registry}/shop/worker:remote`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds the snapshot’s Batch, App Runner and Inspector, Inspector within its window as of --now', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-inuse-snapshot-'));
    try {
      const document = JSON.parse(readFileSync(EXAMPLE_SNAPSHOT, 'utf8'));
      const registry = `${document.account}.dkr.ecr.${document.region}.amazonaws.com`;
      const plain = JSON.parse(runCli('inuse', 'list', '--snapshot', EXAMPLE_SNAPSHOT).stdout).images;
      const takenAt = Date.parse(document.takenAt);
      const digest = `sha256:${'b'.repeat(64)}`;
      document.batch = {
        jobDefinitions: [
          {
            jobDefinitionName: 'export',
            revision: 1,
            containerProperties: { image: `${registry}/shop/export:v3` },
          },
        ],
      };
      document.workloadAccounts = [
        {
          account: '222222222222',
          region: document.region,
          appRunner: {
            services: [
              {
                ServiceName: 'storefront',
                Status: 'PAUSED',
                SourceConfiguration: {
                  ImageRepository: { ImageIdentifier: `${registry}/shop/web:v9`, ImageRepositoryType: 'ECR' },
                },
              },
            ],
          },
        },
      ];
      document.inspector = {
        coveredResources: [
          {
            resourceType: 'AWS_ECR_CONTAINER_IMAGE',
            resourceId: `arn:aws:ecr:${document.region}:${document.account}:repository/shop/api/${digest}`,
            // Ten days before takenAt: within the default 14 days then, not 20 days later.
            resourceMetadata: {
              ecrImage: { lastInUseAt: new Date(takenAt - 10 * 86_400_000).toISOString() },
            },
          },
        ],
      };
      const path = join(dir, 'snapshot.json');
      writeFileSync(path, JSON.stringify(document));
      const added = (...args: string[]) => {
        const run = runCli('inuse', 'list', '--snapshot', path, ...args);
        expect(run.status).toBe(0);
        const images: string[] = JSON.parse(run.stdout).images;
        return images.filter((image) => !plain.includes(image)).sort();
      };

      expect(added()).toEqual([
        `${registry}/shop/api@${digest}`,
        `${registry}/shop/export:v3`,
        `${registry}/shop/web:v9`,
      ]);
      expect(added('--now', new Date(takenAt + 20 * 86_400_000).toISOString())).toEqual([
        `${registry}/shop/export:v3`,
        `${registry}/shop/web:v9`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
