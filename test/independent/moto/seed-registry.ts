import {
  CreateRepositoryCommand,
  type ECRClient,
  PutImageCommand,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { buildTinyImage, OCI_MANIFEST_MEDIA_TYPE } from '../../live/tiny-image';

/**
 * What the moto check seeds over HTTP with the real SDK clients, and what the CLI must then report.
 *
 * api (MUTABLE, no lifecycle or repository policy): an untagged image, then v0 … v4, pushed a
 * second apart (moto records push times to the second). The config keeps the newest v* image and
 * expires untagged images older than a day, so the lifecycle rules alone would expire the untagged
 * image and v0 … v3. Workloads keep three of them: an ECS service runs v1 (task definition api:1),
 * the newest revision of the family (api:2) names v2, and a Lambda function runs v3. The repository
 * name has no `/`: moto's CreateFunction looks an image up by the last segment of its URI's path.
 * team-a/web (IMMUTABLE): a repository policy that lets everyone pull, and no lifecycle policy.
 * build/go-cache (IMMUTABLE): its own ECR lifecycle policy keeps one image; the config says "native".
 */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export interface SeededRegistry {
  /** Digest by `repository:tag` (`api:untagged` for the untagged image), as moto computed it. */
  digests: Map<string, string>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function seedRegistry(
  endpoint: string,
  clients: { ecr: ECRClient; ecs: ECSClient; lambda: LambdaClient },
): Promise<SeededRegistry> {
  const { ecr, ecs, lambda } = clients;
  const digests = new Map<string, string>();
  const push = async (repositoryName: string, tag: string | undefined) => {
    const image = buildTinyImage(`${repositoryName} ${tag ?? 'untagged'}`);
    const output = await ecr.send(
      new PutImageCommand({
        repositoryName,
        imageManifest: image.manifest,
        imageManifestMediaType: OCI_MANIFEST_MEDIA_TYPE,
        ...(tag === undefined ? {} : { imageTag: tag }),
      }),
    );
    // moto derives the digest from its own serialisation of the manifest, not from the bytes sent
    // (ECR: sha256 of the manifest as pushed); the check compares with what moto answered.
    const digest = output.image?.imageId?.imageDigest;
    if (digest === undefined) throw new Error(`PutImage ${repositoryName}:${tag} returned no digest`);
    digests.set(`${repositoryName}:${tag ?? 'untagged'}`, digest);
  };

  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'api', imageTagMutability: 'MUTABLE' }));
  await push('api', undefined);
  for (const tag of ['v0', 'v1', 'v2', 'v3', 'v4']) {
    await pause(1_050);
    await push('api', tag);
  }

  await ecr.send(
    new CreateRepositoryCommand({ repositoryName: 'team-a/web', imageTagMutability: 'IMMUTABLE' }),
  );
  await push('team-a/web', 'v1');
  await ecr.send(
    new SetRepositoryPolicyCommand({
      repositoryName: 'team-a/web',
      policyText: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EveryonePulls',
            Effect: 'Allow',
            Principal: '*',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          },
        ],
      }),
    }),
  );

  await ecr.send(
    new CreateRepositoryCommand({ repositoryName: 'build/go-cache', imageTagMutability: 'IMMUTABLE' }),
  );
  await push('build/go-cache', 'c1');
  await pause(1_050);
  await push('build/go-cache', 'c2');
  await ecr.send(
    new PutLifecyclePolicyCommand({
      repositoryName: 'build/go-cache',
      lifecyclePolicyText: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Keep one build cache',
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
            action: { type: 'expire' },
          },
        ],
      }),
    }),
  );

  // Registry-wide scan on push for build/*: the guard's scanning baseline holds there only.
  await ecr.send(
    new PutRegistryScanningConfigurationCommand({
      scanType: 'BASIC',
      rules: [
        { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'build/*', filterType: 'WILDCARD' }] },
      ],
    }),
  );

  await ecs.send(new CreateClusterCommand({ clusterName: 'apps' }));
  for (const tag of ['v1', 'v2']) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        containerDefinitions: [{ name: 'api', image: `${REGISTRY}/api:${tag}`, memory: 512 }],
      }),
    );
  }
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'apps',
      serviceName: 'api',
      taskDefinition: 'api:1',
      desiredCount: 1,
    }),
  );

  await createLambdaRole(endpoint, 'api-worker');
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'api-worker',
      PackageType: 'Image',
      Code: { ImageUri: `${REGISTRY}/api:v3` },
      Role: `arn:aws:iam::${ACCOUNT}:role/api-worker`,
    }),
  );
  return { digests };
}

/**
 * moto's CreateFunction refuses a role that does not exist, so the role is created first: one IAM
 * Query API call over HTTP (the project has no IAM client; moto checks no signature, and reads the
 * service from the Authorization header's credential scope, and the account from its access key: an
 * access key moto's STS issued acts in the assumed role's account).
 */
export async function createLambdaRole(
  endpoint: string,
  roleName: string,
  accessKeyId = 'testing',
): Promise<void> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  if (!response.ok)
    throw new Error(`IAM CreateRole ${roleName}: HTTP ${response.status} ${body.slice(0, 200)}`);
}
