// The snapshot format: what `ecr-warden snapshot` writes and users can assemble by hand from the AWS
// CLI's output, and the plan of a whole snapshot under a config's cleanup rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planSnapshotCleanup } from '../../../shared/cleanup/plan-snapshot-cleanup';
import { readSnapshot } from '../../../shared/cleanup/snapshot';
import { parseConfig } from '../../../shared/config/load-config';
import { snapshotIssues } from '../../support/snapshot-issues';

const FIXTURE = join(__dirname, '..', '..', 'events', 'snapshots', 'shop-registry.json');
const TAKEN_AT = Date.parse('2026-11-01T06:00:00Z');

// biome-ignore lint/suspicious/noExplicitAny: a fixture is edited freely to make it wrong in one place
type Json = any;

/** The fixture, parsed anew for every test. */
function fixture(): Json {
  return JSON.parse(readFileSync(FIXTURE, 'utf8'));
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;

const untaggedAfterAWeek = {
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
};

describe('readSnapshot', () => {
  it('reads ISO and epoch-second timestamps alike, and fields it does not know', () => {
    const snapshot = readSnapshot(fixture());

    expect(snapshot).toMatchObject({ account: '123456789012', region: 'us-east-1', takenAt: TAKEN_AT });
    const [api] = snapshot.repositories;
    expect(api?.images.find((image) => image.imageDigest === digest('a'))?.pushedAt).toBe(
      Date.parse('2026-08-01T10:00:00Z'),
    );
    expect(api?.images.find((image) => image.imageDigest === digest('1'))?.pushedAt).toBe(
      Date.parse('2026-10-01T10:00:00Z'),
    );
    expect(api?.indexChildren.get(digest('a'))).toEqual([digest('b'), digest('c'), digest('e')]);
  });

  it('unwraps a whole describe-task-definition output', () => {
    const snapshot = readSnapshot(fixture());

    expect(snapshot.workloads.ecs.taskDefinitions[0]).toMatchObject({ family: 'shop-api', revision: 4 });
  });

  it('accepts a snapshot without ecs and lambda sections', () => {
    const document = fixture();
    delete document.ecs;
    delete document.lambda;

    const snapshot = readSnapshot(document);

    expect(snapshot.workloads).toEqual({
      ecs: {
        tasks: [],
        services: [],
        taskDefinitions: [],
        serviceDeployments: [],
        serviceRevisions: [],
        serviceRevisionFailures: [],
      },
      lambda: { functions: [] },
    });
  });

  it('names the path of every shape problem', () => {
    const document = fixture();
    document.snapshotVersion = 2;
    document.repositories[0].images[3].imagePushedAt = 'yesterday';
    delete document.repositories[1].repository.repositoryName;
    document.ecs.tasks[0].containers = 'app';

    expect(snapshotIssues(document)).toEqual([
      'snapshotVersion: must be 1',
      'repositories[0].images[3].imagePushedAt: expected an ISO 8601 timestamp or epoch seconds',
      'repositories[1].repository.repositoryName: is required',
      expect.stringMatching(/^ecs\.tasks\[0\]\.containers: /),
    ]);
  });

  it('refuses an impossible date and an image status that ECR does not have', () => {
    const document = fixture();
    document.repositories[0].images[1].imagePushedAt = '2026-02-30T00:00:00+00:00';
    document.repositories[0].images[2].imageStatus = 'DELETED';

    expect(snapshotIssues(document)).toEqual([
      'repositories[0].images[1].imagePushedAt: expected an ISO 8601 timestamp or epoch seconds',
      "repositories[0].images[2].imageStatus: expected ACTIVE, ARCHIVED, ACTIVATING (ECR's image statuses)",
    ]);
  });

  it('refuses an index whose manifest is missing: its children would be unknown', () => {
    const document = fixture();
    delete document.repositories[0].manifests[digest('a')];

    expect(snapshotIssues(document)).toEqual([
      `repositories[0].manifests: missing the manifest of index ${digest('a')} (images[4]): without it its children are unknown`,
    ]);
  });

  it('refuses an unreadable manifest, a repository listed twice and a digest listed twice', () => {
    const document = fixture();
    document.repositories[0].manifests[digest('1')] = '{"manifests": [';
    document.repositories[2].repository.repositoryName = 'shop/api';
    document.repositories[0].images.push({ ...document.repositories[0].images[0] });

    expect(snapshotIssues(document)).toEqual([
      'repositories[0].images[10].imageDigest: also images[0]',
      expect.stringMatching(/^repositories\[0\]\.manifests\["sha256:1{64}"\]: manifest is not valid JSON/),
      'repositories[2].repository.repositoryName: "shop/api" is also repositories[0]',
    ]);
  });
});

describe('readSnapshot: what the audits read', () => {
  it('reads a version-1 snapshot as one region whose registry settings are not recorded', () => {
    const snapshot = readSnapshot(fixture());

    expect(snapshot.registries.map((registry) => registry.region)).toEqual(['us-east-1']);
    expect(snapshot.registries[0]?.repositories).toBe(snapshot.repositories);
    expect(snapshot.registries[0]).not.toHaveProperty('replicationConfiguration');
    expect(snapshot.repositories[0]).not.toHaveProperty('repositoryPolicyText');
  });

  it('reads more regions with their registry settings, policies, scanning and replication statuses', () => {
    const document = fixture();
    const [api] = document.repositories;
    api.repositoryPolicyText = null;
    api.scanningConfiguration = { repositoryName: 'shop/api', scanFrequency: 'SCAN_ON_PUSH' };
    api.replicationStatuses = {
      [digest('1')]: [
        { region: 'us-west-2', registryId: '123456789012', status: 'FAILED', failureCode: 'X' },
      ],
    };
    document.replicationConfiguration = {
      rules: [{ destinations: [{ region: 'us-west-2', registryId: '123456789012' }] }],
    };
    document.registryScanningConfiguration = { scanType: 'ENHANCED', rules: [] };
    document.regions = [{ region: 'us-west-2', repositories: [{ ...api, replicationStatuses: undefined }] }];

    const snapshot = readSnapshot(document);

    expect(snapshot.repositories).toHaveLength(document.repositories.length);
    const [east, west] = snapshot.registries;
    expect(east?.replicationConfiguration?.rules[0]?.destinations).toEqual([
      { region: 'us-west-2', registryId: '123456789012' },
    ]);
    expect(east?.registryScanningConfiguration?.scanType).toBe('ENHANCED');
    expect(east?.repositories[0]).toMatchObject({
      repositoryPolicyText: null,
      scanningConfiguration: { scanFrequency: 'SCAN_ON_PUSH' },
      replicationStatuses: { [digest('1')]: [expect.objectContaining({ status: 'FAILED' })] },
    });
    expect(west?.region).toBe('us-west-2');
    expect(west?.repositories.map((repository) => repository.path)).toEqual(['regions[0].repositories[0]']);
    expect(west).not.toHaveProperty('replicationConfiguration');
  });

  it('names the path of problems in another region, and a region listed twice', () => {
    const document = fixture();
    const [api] = document.repositories;
    document.regions = [
      { region: 'us-west-2', repositories: [api, api] },
      { region: 'us-east-1', repositories: [] },
      { region: 'us-west', repositories: [{ ...api, repositoryPolicyText: 7 }] },
    ];

    expect(snapshotIssues(document)).toEqual([
      'regions[2].region: must be an AWS region such as us-east-1',
      'regions[2].repositories[0].repositoryPolicyText: Invalid input: expected string, received number',
    ]);
    document.regions[2] = { region: 'eu-west-1', repositories: [] };
    expect(snapshotIssues(document)).toEqual([
      'regions[0].repositories[1].repository.repositoryName: "shop/api" is also regions[0].repositories[0]',
      'regions[1].region: "us-east-1" is also region',
    ]);
  });
});

describe('planSnapshotCleanup', () => {
  const config = (rules: unknown[], extra: Record<string, unknown> = {}) =>
    parseConfig({ cleanup: { rules, ...extra } }).cleanup;

  it('plans only the repositories a rule covers, each with the first rule that covers it', () => {
    const plan = planSnapshotCleanup(
      readSnapshot(fixture()),
      config([
        { repositories: ['shop/api'], policy: untaggedAfterAWeek },
        { repositories: ['shop/**'], policy: 'native' },
      ]),
      { now: TAKEN_AT },
    );

    expect(plan.repositories.map(({ repositoryName, rule }) => ({ repositoryName, rule }))).toEqual([
      { repositoryName: 'shop/api', rule: { index: 0, policySource: 'config' } },
      { repositoryName: 'shop/npm-cache', rule: { index: 1, policySource: 'native' } },
    ]);
    expect(plan.notCovered).toEqual(['sandbox/tmp']);
    expect(plan.summary).toMatchObject({ repositoriesInSnapshot: 3, repositoriesPlanned: 2 });
  });

  it("keeps the image an ECS service runs with its children and signature, and deletes the rest's closure", () => {
    const plan = planSnapshotCleanup(
      readSnapshot(fixture()),
      config(
        [{ repositories: ['shop/api'], policy: { rules: [untaggedAfterAWeek.rules[0], tagged('v*', 2)] } }],
        { maxDeletionShare: 1 },
      ),
      { now: TAKEN_AT },
    );

    const [api] = plan.repositories;
    expect(api?.delete.map((deletion) => deletion.imageDigest)).toEqual([
      digest('9'),
      digest('a'),
      digest('b'),
      digest('c'),
      digest('e'),
      digest('f'),
    ]);
    expect(api?.keep.find((kept) => kept.imageDigest === digest('1'))?.reasons.map((r) => r.kind)).toEqual([
      'in-use-ecs-task',
      'in-use-ecs-service',
      'task-definition-revision',
    ]);
  });

  it('keeps the digest a service revision recorded (describe-service-revisions as the CLI prints it), and deletes the rest as before', () => {
    const document = fixture();
    const revisionArn =
      'arn:aws:ecs:us-east-1:123456789012:service-revision/prod/shop-api/4859226373412278964';
    document.ecs.services[0].currentServiceDeployment =
      'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/shop-api/4859226373412278964';
    document.ecs.serviceDeployments = [
      {
        serviceDeploymentArn: document.ecs.services[0].currentServiceDeployment,
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/shop-api',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
        startedAt: '2026-07-15T12:05:00+00:00',
        createdAt: 1784117100,
        finishedAt: '2026-07-15T12:09:00+00:00',
        targetServiceRevisionArn: revisionArn,
        status: 'SUCCESSFUL',
      },
    ];
    // Deployed when shop/api:v1 named digest 9; v1 names digest 1 now.
    document.ecs.serviceRevisions = [
      {
        serviceRevisionArn: revisionArn,
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/shop-api',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
        taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop-api:4',
        launchType: 'FARGATE',
        containerImages: [
          {
            containerName: 'app',
            imageDigest: digest('9'),
            image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:v1',
          },
        ],
        createdAt: '2026-07-15T12:05:00+00:00',
      },
    ];

    const plan = planSnapshotCleanup(
      readSnapshot(document),
      config(
        [{ repositories: ['shop/api'], policy: { rules: [untaggedAfterAWeek.rules[0], tagged('v*', 2)] } }],
        { maxDeletionShare: 1 },
      ),
      { now: TAKEN_AT },
    );

    const [api] = plan.repositories;
    expect(api?.delete.map((deletion) => deletion.imageDigest)).toEqual([
      digest('a'),
      digest('b'),
      digest('c'),
      digest('e'),
      digest('f'),
    ]);
    expect(api?.keep.find((kept) => kept.imageDigest === digest('9'))?.reasons).toEqual([
      {
        kind: 'in-use-ecs-service',
        serviceName: 'shop-api',
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/shop-api',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop-api:4',
        containerName: 'app',
        serviceRevisionArn: revisionArn,
        serviceDeploymentArn: document.ecs.services[0].currentServiceDeployment,
        serviceDeploymentStatus: 'SUCCESSFUL',
      },
    ]);
  });

  it('names the path of a malformed service revision', () => {
    const document = fixture();
    document.ecs.serviceRevisions = [
      { serviceRevisionArn: 'x', containerImages: 'app', createdAt: 'yesterday' },
    ];
    document.ecs.serviceDeployments = 'none';

    expect(snapshotIssues(document)).toEqual([
      expect.stringMatching(/^ecs\.serviceDeployments: /),
      expect.stringMatching(
        /^ecs\.serviceRevisions\[0\]\.createdAt: expected an ISO 8601 timestamp or epoch seconds$/,
      ),
      expect.stringMatching(/^ecs\.serviceRevisions\[0\]\.containerImages: /),
    ]);
  });

  it("plans a native repository with the repository's own lifecycle policy", () => {
    const plan = planSnapshotCleanup(
      readSnapshot(fixture()),
      config([{ repositories: ['shop/npm-cache'], policy: 'native' }]),
      { now: TAKEN_AT },
    );

    expect(plan.repositories[0]?.delete.map((deletion) => deletion.imageDigest)).toEqual([digest('7')]);
  });

  it('keeps everything of a native repository that has no lifecycle policy, and says so', () => {
    const document = fixture();
    delete document.repositories[1].lifecyclePolicyText;

    const plan = planSnapshotCleanup(
      readSnapshot(document),
      config([{ repositories: ['shop/npm-cache'], policy: 'native' }]),
      { now: TAKEN_AT },
    );

    expect(plan.repositories[0]?.rule.policySource).toBe('none');
    expect(plan.repositories[0]?.delete).toEqual([]);
  });

  it("refuses a native repository whose lifecycle policy text ECR's rules reject, naming it", () => {
    const document = fixture();
    document.repositories[1].lifecyclePolicyText = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 0 },
          action: { type: 'expire' },
        },
      ],
    }).padEnd(120);

    expect(() =>
      planSnapshotCleanup(readSnapshot(document), config([{ repositories: ['**'], policy: 'native' }]), {
        now: TAKEN_AT,
      }),
    ).toThrow(
      /repositories\[1\]\.lifecyclePolicyText: not a valid lifecycle policy: rule 1 \(rules\[0\]\.selection\.countNumber\)/,
    );
  });

  it('ignores dryRun: a plan is the same with it on or off', () => {
    const rules = [{ repositories: ['**'], policy: untaggedAfterAWeek }];

    const dry = planSnapshotCleanup(readSnapshot(fixture()), config(rules, { dryRun: true }), {
      now: TAKEN_AT,
    });
    const wet = planSnapshotCleanup(readSnapshot(fixture()), config(rules, { dryRun: false }), {
      now: TAKEN_AT,
    });

    expect(wet).toEqual(dry);
  });
});

function tagged(pattern: string, days: number): unknown {
  return {
    rulePriority: 2,
    selection: {
      tagStatus: 'tagged',
      tagPatternList: [pattern],
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: days,
    },
    action: { type: 'expire' },
  };
}
