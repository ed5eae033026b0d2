import { BatchClient, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { readActiveJobDefinitions } from '../../shared/aws/batch-job-definitions';
import {
  ExternalListNotFoundError,
  ExternalListTooLargeError,
  readExternalList,
} from '../../shared/aws/external-image-list';
import {
  createWorkloadAccountCredentials,
  createWorkloadClients,
} from '../../shared/aws/workload-account-credentials';
import { createWorkloadInventory } from '../../shared/aws/workload-inventory';
import { listClusterArns } from '../../shared/aws/workload-reads';
import { CheckResults } from './check-results';
import { ACCOUNT, createLambdaRole, REGION, REGISTRY } from './moto/seed-registry';
import { cliEnvironment } from './moto-cli-check';
import { startMotoServer } from './moto-server';

/**
 * The workload-account adapters (shared/aws/workload-account-credentials.ts and the readers) against
 * moto_server over real HTTP, with AWS_ENDPOINT_URL pointing at moto: the production clients, built
 * without an endpoint, find moto through the SDK's shared config, as the CLI does.
 *
 * moto switches accounts on AssumeRole: the access key it issues acts in the assumed role's account,
 * so the workload account is seeded with the assumed credentials and read back with them.
 *
 * What moto does not cover (moto 5.2.1), so this check does not either: no trust check on AssumeRole
 * (any role ARN can be assumed, the external id is not compared: the simulator suite covers refusals);
 * Batch DescribeJobDefinitions ignores maxResults and pages nothing; App Runner is not implemented,
 * Inspector2 has no ListCoverage (both covered by the simulator suite only).
 */
const WORKLOAD = '222222222222';
const ROLE = 'ecr-warden-workload-reader';

export async function runMotoWorkloadAccountsCheck(log: (line: string) => void): Promise<string[]> {
  const results = new CheckResults('moto-workload', log);
  const moto = await startMotoServer();
  const saved = { ...process.env };
  // The production clients find moto as the CLI does: through AWS_ENDPOINT_URL.
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, cliEnvironment(moto.endpoint));
  try {
    const credentials = createWorkloadAccountCredentials({
      partition: 'aws',
      roleName: ROLE,
      externalId: 'ecr-warden-moto',
      functionName: 'cleanupWorker',
      sts: new STSClient({ region: REGION }),
    });
    const sessions = await Promise.all([1, 2, 3].map(() => credentials.credentialsFor(WORKLOAD)));
    results.expectEqual(credentials.assumeRoleCalls, 1, 'three concurrent callers share one AssumeRole');
    const first = sessions[0];
    const lifetime = (first?.expiration?.getTime() ?? 0) - Date.now();
    results.expect(
      lifetime > 50 * 60_000 && lifetime <= 61 * 60_000,
      'the session lasts the hour asked (DurationSeconds 3600)',
      `expires in ${Math.round(lifetime / 1000)} s`,
    );

    const clients = createWorkloadClients(credentials);
    const identity = await clients.client(STSClient, WORKLOAD, REGION).send(new GetCallerIdentityCommand({}));
    results.expectEqual(
      [identity.Account, identity.Arn],
      [WORKLOAD, `arn:aws:sts::${WORKLOAD}:assumed-role/${ROLE}/ecr-warden-cleanupWorker`],
      'the assumed clients act as the workload-reader role session in the workload account',
    );

    // The workload account's workloads, seeded with the assumed credentials; one hub service that
    // the workload read must not see.
    const ecs = clients.client(ECSClient, WORKLOAD, REGION);
    const lambda = clients.client(LambdaClient, WORKLOAD, REGION);
    await ecs.send(new CreateClusterCommand({ clusterName: 'payments' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'payments-api',
        containerDefinitions: [{ name: 'api', image: `${REGISTRY}/api:v1`, memory: 512 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'payments',
        serviceName: 'payments-api',
        taskDefinition: 'payments-api:1',
        desiredCount: 1,
      }),
    );
    await createLambdaRole(moto.endpoint, 'resizer', first?.accessKeyId);
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'resizer',
        PackageType: 'Image',
        Code: { ImageUri: `${REGISTRY}/api:v2` },
        Role: `arn:aws:iam::${WORKLOAD}:role/resizer`,
      }),
    );
    const hubEcs = new ECSClient({ region: REGION });
    await hubEcs.send(new CreateClusterCommand({ clusterName: 'hub-only' }));

    const workloads = await createWorkloadInventory({
      ecs,
      lambda,
      taskDefinitionRevisions: 1,
    }).readWorkloads();
    results.expectEqual(
      workloads.ecs.services.map((service) => service.serviceName),
      ['payments-api'],
      "the ECS read in the assumed account sees that account's service only",
    );
    results.expectEqual(
      workloads.ecs.taskDefinitions.map((definition) => definition.containerDefinitions?.[0]?.image),
      [`${REGISTRY}/api:v1`],
      "…and its task definition's image",
    );
    results.expectEqual(
      workloads.lambda.functions.map((fn) => [fn.Configuration?.FunctionName, fn.Code?.ImageUri]),
      [['resizer', `${REGISTRY}/api:v2`]],
      'the Lambda read in the assumed account sees its image function',
    );
    results.expectEqual(credentials.assumeRoleCalls, 1, 'still one AssumeRole for the whole read');

    const batch = clients.client(BatchClient, WORKLOAD, REGION);
    for (const name of ['nightly', 'nightly', 'report']) {
      await batch.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: name,
          type: 'container',
          containerProperties: { image: `${REGISTRY}/api:v3`, vcpus: 1, memory: 512 },
        }),
      );
    }
    const definitions = await readActiveJobDefinitions(batch);
    results.expectEqual(
      definitions
        .map((d) => `${d.jobDefinitionName}:${d.revision}:${d.status}:${d.containerProperties?.image}`)
        .sort(),
      [
        `nightly:1:ACTIVE:${REGISTRY}/api:v3`,
        `nightly:2:ACTIVE:${REGISTRY}/api:v3`,
        `report:1:ACTIVE:${REGISTRY}/api:v3`,
      ],
      'DescribeJobDefinitions (ACTIVE) gives every revision with its image',
    );

    // The external list lives in the hub account's bucket, read with the worker's own credentials.
    const s3 = new S3Client({ region: REGION, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'ecr-warden-lists' }));
    const text = JSON.stringify({ generatedAt: new Date().toISOString(), images: [`${REGISTRY}/api:v4`] });
    await s3.send(new PutObjectCommand({ Bucket: 'ecr-warden-lists', Key: 'argocd/prod.json', Body: text }));
    const list = await readExternalList(s3, { bucket: 'ecr-warden-lists', key: 'argocd/prod.json' });
    results.expect(
      list.text === text && list.lastModified instanceof Date,
      'GetObject gives the list text and its LastModified',
    );
    const missing = await readExternalList(s3, { bucket: 'ecr-warden-lists', key: 'nope.json' }).catch(
      (e) => e,
    );
    results.expect(
      missing instanceof ExternalListNotFoundError,
      'a missing key is ExternalListNotFoundError',
      String(missing),
    );
    const big = await readExternalList(
      s3,
      { bucket: 'ecr-warden-lists', key: 'argocd/prod.json' },
      { maxBytes: 10 },
    ).catch((e) => e);
    results.expect(
      big instanceof ExternalListTooLargeError,
      'a list above the cap is ExternalListTooLargeError',
      String(big),
    );
    const hubClusters = (await listClusterArns(hubEcs)).map((arn) => arn.split('/').at(-1));
    results.expectEqual(
      hubClusters,
      ['hub-only'],
      `the hub's own clients (account ${ACCOUNT}) do not see the workload account's`,
    );
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await moto.stop();
  }
  return results.failures;
}
