// A service scaled to zero whose tag moved since its deployment: ECS would start its next tasks on the
// digest its service revision recorded (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-revision.html),
// so that digest stays, and the plan says which revision keeps it. End to end on the registry
// simulator behind the real ECR and ECS clients: the live plan, the snapshot it writes, the plan of
// that snapshot, and the worker failing closed when the revisions cannot be read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchDeleteImageCommand } from '@aws-sdk/client-ecr';
import { runCleanupPlan } from '../../../cli/cleanup-command';
import { runSnapshot } from '../../../cli/snapshot-command';
import { processCleanupBatch } from '../../../functions/batch/cleanup-batch';
import { createLambdaContext } from '../../support/lambda-context';
import { useStateTable } from '../../support/state-table';
import {
  ACCOUNT,
  cleanupConfig,
  cleanupRequest,
  createWorkerWorld,
  EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS,
  holds,
  pushImage,
  REGION,
  sqsEvent,
  URI,
  type WorkerWorld,
} from './cleanup-worker-harness';

// biome-ignore lint/suspicious/noExplicitAny: the plan is read as the JSON a script would read
type Json = any;

const CONFIG = `cleanup:
  protect:
    taskDefinitionRevisions: 0
  rules:
    - repositories: ["team/**"]
      policy:
        rules:
          - rulePriority: 1
            selection: { tagStatus: untagged, countType: sinceImagePushed, countUnit: days, countNumber: 7 }
            action: { type: expire }
`;

const table = useStateTable();
let world: WorkerWorld;
let dir: string;

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});
beforeEach(() => {
  world = createWorkerWorld(table);
  world.sim.addRepository('team/api');
  dir = mkdtempSync(join(tmpdir(), 'ecr-warden-service-revisions-'));
});
afterEach(() => {
  world.restore();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * `stable` is deployed to the service `api` (scaled to zero: no task runs), then rebuilt and pushed
 * again: the deployed image is now untagged and 40 days old, which the policy expires.
 */
function arrangeScaledToZeroServiceWithMovedTag(): { deployed: string; rebuilt: string } {
  const deployed = pushImage(world.sim, 'team/api', 'stable, first build', { daysAgo: 40, tags: ['stable'] });
  world.sim.registerTaskDefinition({
    family: 'api',
    containers: [{ name: 'app', image: `${URI}/team/api:stable` }],
  });
  world.sim.createService({
    cluster: 'prod',
    serviceName: 'api',
    taskDefinition: 'api:1',
    desiredCount: 0,
    runningTasks: 0,
  });
  const rebuilt = pushImage(world.sim, 'team/api', 'stable, rebuilt', { daysAgo: 1, tags: ['stable'] });
  return { deployed, rebuilt };
}

async function capture(run: (write: (text: string) => void) => Promise<void>): Promise<string> {
  let out = '';
  await run((text) => {
    out += text;
  });
  return out;
}

const quiet = { isTTY: false, columns: 100, write: () => true };

describe('a service scaled to zero whose tag moved since its deployment', () => {
  it('keeps the digest its service revision recorded, and the plan names the revision', async () => {
    const { deployed } = arrangeScaledToZeroServiceWithMovedTag();
    const config = join(dir, 'ecr-warden.yml');
    writeFileSync(config, CONFIG);
    const now = world.sim.clock.now().toISOString();

    const plan: Json = JSON.parse(
      await capture((write) =>
        runCleanupPlan({ config, now, output: 'json', region: REGION, progressStream: quiet }, write),
      ),
    );
    const table = await capture((write) =>
      runCleanupPlan({ config, now, output: 'table', region: REGION, progressStream: quiet }, write),
    );

    const [repository] = plan.repositories;
    expect(repository.delete).toEqual([]);
    const kept = repository.keep.find((entry: Json) => entry.imageDigest === deployed);
    expect(kept.reasons).toEqual([
      expect.objectContaining({
        kind: 'in-use-ecs-service',
        serviceName: 'api',
        serviceRevisionArn: expect.stringMatching(
          new RegExp(`^arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/prod/api/\\d+$`),
        ),
        serviceDeploymentStatus: 'SUCCESSFUL',
        taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api:1`,
      }),
    ]);
    expect(table).toMatch(
      /ECS service api \(revision \d+: the digest ECS resolved at its SUCCESSFUL deployment of api:1\)/,
    );
  });

  it('the snapshot carries the revision, and the plan of that snapshot keeps the same digest', async () => {
    const { deployed } = arrangeScaledToZeroServiceWithMovedTag();
    const config = join(dir, 'ecr-warden.yml');
    writeFileSync(config, CONFIG);
    const output = join(dir, 'snapshot.json');
    const now = world.sim.clock.now().toISOString();

    await capture((write) => runSnapshot({ output, region: REGION }, write));
    const document = JSON.parse(readFileSync(output, 'utf8'));
    const plan: Json = JSON.parse(
      await capture((write) => runCleanupPlan({ config, snapshot: output, now, output: 'json' }, write)),
    );

    expect(document.ecs.serviceRevisions).toEqual([
      expect.objectContaining({
        containerImages: [{ containerName: 'app', image: `${URI}/team/api:stable`, imageDigest: deployed }],
      }),
    ]);
    expect(document.ecs.serviceDeployments).toEqual([expect.objectContaining({ status: 'SUCCESSFUL' })]);
    const kept = plan.repositories[0].keep.find((entry: Json) => entry.imageDigest === deployed);
    expect(kept.reasons.map((reason: Json) => reason.kind)).toEqual(['in-use-ecs-service']);
    expect(plan.repositories[0].delete).toEqual([]);
  });

  it('would be deleted if the revision were not read: the gap this closes', async () => {
    const { deployed } = arrangeScaledToZeroServiceWithMovedTag();
    // The same registry, as a service ECS keeps no revisions for (moto, or not deployed since 2024-10-25).
    const service = world.sim.ecs().service('prod', 'api');
    service.serviceDeployments = [];

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/api')]),
      createLambdaContext('ecr-warden-test-cleanupWorker'),
      world.dependencies(cleanupConfig({}, EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS)),
    );

    expect(holds(world.sim, 'team/api', deployed)).toBe(false);
  });

  it('the worker keeps it too, and deletes nothing when DescribeServiceRevisions is denied (fail closed)', async () => {
    const { deployed } = arrangeScaledToZeroServiceWithMovedTag();
    const expendable = pushImage(world.sim, 'team/api', 'an old untagged build', { daysAgo: 30 });

    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/api')]),
      createLambdaContext('ecr-warden-test-cleanupWorker'),
      world.dependencies(cleanupConfig({}, EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS)),
    );
    expect(holds(world.sim, 'team/api', deployed)).toBe(true);
    expect(holds(world.sim, 'team/api', expendable)).toBe(false);

    const another = pushImage(world.sim, 'team/api', 'another old untagged build', { daysAgo: 30 });
    world.aws.faults.denyAccess({ api: 'DescribeServiceRevisions' });
    world.aws.mocks.ecr.resetHistory();
    await processCleanupBatch(
      sqsEvent([cleanupRequest('team/api', '7c9d5b1f-2e3a-4f4b-8c8d-1b2c3d4e5f60')]),
      createLambdaContext('ecr-warden-test-cleanupWorker'),
      world.dependencies(cleanupConfig({}, EXPIRE_UNTAGGED_OLDER_THAN_7_DAYS)),
    );

    expect(world.aws.mocks.ecr.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
    expect(holds(world.sim, 'team/api', another)).toBe(true);
    const report = world.reports().at(-1);
    expect(report).toMatchObject({ held: true, imagesDeleted: 0 });
    expect(report?.inUseSourceFailures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: `ecs:${ACCOUNT}/${REGION}`,
          reason: expect.stringMatching(/^AccessDenied/),
        }),
      ]),
    );
  });
});
