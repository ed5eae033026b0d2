import { AppRunnerClient, ListServicesCommand } from '@aws-sdk/client-apprunner';
import { BatchClient, DescribeJobDefinitionsCommand } from '@aws-sdk/client-batch';
import { Inspector2Client, ListCoverageCommand } from '@aws-sdk/client-inspector2';
import { S3Client } from '@aws-sdk/client-s3';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { blobDigest } from '../../../local/registry-sim/data/manifests';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { readAppRunnerServices } from '../../../shared/aws/app-runner-services';
import { readActiveJobDefinitions } from '../../../shared/aws/batch-job-definitions';
import {
  ExternalListAccessDeniedError,
  ExternalListNotFoundError,
  ExternalListTooLargeError,
  readExternalList,
} from '../../../shared/aws/external-image-list';
import { readEcrImageCoverage } from '../../../shared/aws/inspector-coverage';
import { rejection } from '../../support/rejection';

const HUB = '123456789012';
const REGION = 'us-east-1';
const IMAGE = `${HUB}.dkr.ecr.${REGION}.amazonaws.com/team/app:v1`;

let sim: RegistrySimulator;
let env: InstalledSimulator;

beforeEach(() => {
  sim = createRegistrySimulator({ accountId: HUB });
  env = sim.install();
});

afterEach(() => env.restore());

describe('readActiveJobDefinitions', () => {
  it('reads every ACTIVE revision in pages of 100 to the end, in the SDK shape, and leaves INACTIVE ones out', async () => {
    const batch = sim.services.batch(HUB, REGION);
    for (let n = 0; n < 230; n++) {
      batch.registerJobDefinition({
        jobDefinitionName: `job-${n % 23}`,
        image: IMAGE,
        at: sim.clock.nowMs(),
      });
    }
    batch.deregisterJobDefinition('job-0', 1);

    const definitions = await readActiveJobDefinitions(new BatchClient({ region: REGION }));

    expect(definitions).toHaveLength(229);
    expect(definitions.every((definition) => definition.status === 'ACTIVE')).toBe(true);
    expect(definitions.find((d) => d.jobDefinitionName === 'job-0' && d.revision === 1)).toBeUndefined();
    expect(definitions[0]?.containerProperties?.image).toBe(IMAGE);
    const requests = env.mocks.batch
      .commandCalls(DescribeJobDefinitionsCommand)
      .map((call) => call.args[0].input);
    expect(requests).toHaveLength(3);
    expect(requests.every((input) => input.status === 'ACTIVE' && input.maxResults === 100)).toBe(true);
  });

  it('keeps the images of a multinode definition in its node ranges', async () => {
    sim.services.batch(HUB, REGION).registerJobDefinition({
      jobDefinitionName: 'mpi',
      nodeImages: [IMAGE, `${HUB}.dkr.ecr.${REGION}.amazonaws.com/team/worker:v2`],
      at: sim.clock.nowMs(),
    });

    const [definition] = await readActiveJobDefinitions(new BatchClient({ region: REGION }));

    expect(definition?.nodeProperties?.nodeRangeProperties?.map((range) => range.container?.image)).toEqual([
      IMAGE,
      `${HUB}.dkr.ecr.${REGION}.amazonaws.com/team/worker:v2`,
    ]);
  });

  it('fails, never answers a partial list, when Batch refuses', async () => {
    env.faults.denyAccess({ service: 'batch' });

    const error = await rejection(readActiveJobDefinitions(new BatchClient({ region: REGION })));

    expect(error.name).toBe('AccessDeniedException');
  });
});

describe('readAppRunnerServices', () => {
  it('lists in pages of 20 and describes each service, giving its image repository', async () => {
    const appRunner = sim.services.appRunner(HUB, REGION);
    for (let n = 0; n < 45; n++) {
      appRunner.createService({ serviceName: `web-${n}`, imageIdentifier: IMAGE, at: sim.clock.nowMs() });
    }

    const services = await readAppRunnerServices(new AppRunnerClient({ region: REGION }));

    expect(services).toHaveLength(45);
    expect(services[0]?.SourceConfiguration?.ImageRepository).toMatchObject({
      ImageIdentifier: IMAGE,
      ImageRepositoryType: 'ECR',
    });
    expect(env.calls.byApi({ service: 'apprunner' })).toEqual({ ListServices: 3, DescribeService: 45 });
    expect(
      env.mocks.appRunner
        .commandCalls(ListServicesCommand)
        .every((call) => call.args[0].input.MaxResults === 20),
    ).toBe(true);
  });

  it('leaves out a service deleted between the listing and its describe', async () => {
    const appRunner = sim.services.appRunner(HUB, REGION);
    const gone = appRunner.createService({
      serviceName: 'gone',
      imageIdentifier: IMAGE,
      at: sim.clock.nowMs(),
    });
    appRunner.createService({ serviceName: 'stays', imageIdentifier: IMAGE, at: sim.clock.nowMs() });
    const client = new AppRunnerClient({ region: REGION });
    const send = client.send.bind(client);
    let deleted = false;
    client.send = ((command: unknown) => {
      if (!deleted && command instanceof ListServicesCommand) {
        deleted = true;
        return send(command as never).then((output) => {
          appRunner.deleteService(gone.serviceArn);
          return output;
        });
      }
      return send(command as never);
    }) as typeof client.send;

    const services = await readAppRunnerServices(client);

    expect(services.map((service) => service.ServiceName)).toEqual(['stays']);
  });
});

describe('readExternalList', () => {
  beforeEach(() => {
    sim.services.s3.createBucket({ name: 'lists', ownerAccountId: HUB, region: REGION });
  });

  it('answers the text and LastModified of the object', async () => {
    const text = JSON.stringify({ generatedAt: '2026-10-31T23:00:00Z', images: [IMAGE] });
    sim.services.s3.putObject('lists', 'argocd/prod.json', text, Date.parse('2026-10-31T23:00:01Z'));

    const list = await readExternalList(new S3Client({ region: REGION }), {
      bucket: 'lists',
      key: 'argocd/prod.json',
    });

    expect(list.text).toBe(text);
    expect(list.lastModified?.toISOString()).toBe('2026-10-31T23:00:01.000Z');
  });

  it('names a missing key, a bucket it may not read and a list above the size cap, each with its own error', async () => {
    sim.services.s3.createBucket({ name: 'private', ownerAccountId: '999999999999', region: REGION });
    sim.services.s3.putObject('private', 'list.json', '{}', sim.clock.nowMs());
    sim.services.s3.putObject('lists', 'big.json', 'x'.repeat(2048), sim.clock.nowMs());
    const s3 = new S3Client({ region: REGION });

    const missing = await rejection(readExternalList(s3, { bucket: 'lists', key: 'nope.json' }));
    const denied = await rejection(readExternalList(s3, { bucket: 'private', key: 'list.json' }));
    const big = await rejection(
      readExternalList(s3, { bucket: 'lists', key: 'big.json' }, { maxBytes: 1024 }),
    );

    expect(missing).toBeInstanceOf(ExternalListNotFoundError);
    expect(missing.message).toBe('s3://lists/nope.json: the object does not exist (NoSuchKey)');
    expect(denied).toBeInstanceOf(ExternalListAccessDeniedError);
    expect((denied as ExternalListAccessDeniedError).errorName).toBe('AccessDenied');
    expect(big).toBeInstanceOf(ExternalListTooLargeError);
    expect(big.message).toContain('2048 bytes, more than the 1024 bytes');
  });
});

describe('readEcrImageCoverage', () => {
  it("reads the registry's ECR images in pages of 200, filtered to its account and to ECR images", async () => {
    const inspector = sim.services.inspector(HUB, REGION);
    for (let n = 0; n < 450; n++) {
      inspector.cover({
        repositoryName: `team/app-${n % 15}`,
        imageDigest: blobDigest(`image-${n}`),
        imageTags: [`v${n}`],
        lastInUseAt: Date.parse('2026-10-30T00:00:00Z'),
        inUseCount: n % 3,
      });
    }
    inspector.cover({
      repositoryName: 'member',
      imageDigest: blobDigest('member'),
      imageTags: [],
      accountId: '555555555555',
    });

    const resources = await readEcrImageCoverage(new Inspector2Client({ region: REGION }), {
      accountId: HUB,
    });

    expect(resources).toHaveLength(450);
    expect(resources[0]).toMatchObject({
      resourceType: 'AWS_ECR_CONTAINER_IMAGE',
      accountId: HUB,
      resourceMetadata: { ecrImage: { lastInUseAt: new Date('2026-10-30T00:00:00Z') } },
    });
    const requests = env.mocks.inspector.commandCalls(ListCoverageCommand).map((call) => call.args[0].input);
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({
      maxResults: 200,
      filterCriteria: {
        resourceType: [{ comparison: 'EQUALS', value: 'AWS_ECR_CONTAINER_IMAGE' }],
        accountId: [{ comparison: 'EQUALS', value: HUB }],
      },
    });
  });

  it('asks for at most 10 repository names a listing', async () => {
    const inspector = sim.services.inspector(HUB, REGION);
    const names = Array.from({ length: 25 }, (_, n) => `repo-${String(n).padStart(2, '0')}`);
    for (const name of names)
      inspector.cover({ repositoryName: name, imageDigest: blobDigest(name), imageTags: [] });
    inspector.cover({ repositoryName: 'not-asked', imageDigest: blobDigest('x'), imageTags: [] });

    const resources = await readEcrImageCoverage(new Inspector2Client({ region: REGION }), {
      accountId: HUB,
      repositoryNames: names,
    });

    expect(resources).toHaveLength(25);
    expect(
      env.mocks.inspector
        .commandCalls(ListCoverageCommand)
        .map((call) => call.args[0].input.filterCriteria?.ecrRepositoryName?.length),
    ).toEqual([10, 10, 5]);
  });
});
