// Writes examples/snapshot/snapshot.json: a sample registry as `ecr-warden snapshot` writes it (the
// AWS CLI's own output shapes), taken 2026-11-01T06:00:00Z, formatted by the project's Biome.
// Deterministic: run it again (`node examples/snapshot/generate-snapshot.mjs`) and the file comes out
// the same.
//
// What is in it, so that `ecr-warden cleanup plan` has something to say about every keep reason:
// - payments/api: multi-arch releases (OCI index + amd64 + arm64 + a BuildKit attestation manifest),
//   each signed (cosign, an OCI 1.1 referrer of the index) and the newer ones with an SBOM referrer;
//   the two oldest releases archived; pull-request builds; untagged debris. An ECS service rolls from
//   v1.10.0 to v1.11.0 (two deployments), a one-off migration task still runs v1.3.0, the newest task
//   definition revisions name v1.11.0, v1.10.0 and (a rollback target) v1.6.0, v1.4.0 carries a protected `release-*` tag, a staging service runs a
//   pull-request build.
// - payments/worker: single-platform Lambda images, daily builds; the `live` alias (version 17) and
//   version 16 run older builds.
// - build/npm-cache: cleaned by its own ECR lifecycle policy (`native`).
// - build/go-cache: `native` too, but without a lifecycle policy: nothing is selected.
// - sandbox/experiments: no cleanup rule covers it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const TAKEN_AT = Date.parse('2026-11-01T06:00:00Z');
const DAY = 86_400_000;
const MINUTE = 60_000;

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const COSIGN_SIGNATURE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const SPDX_SBOM = 'application/spdx+json';

const digest = (seed) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', '+00:00');
const daysAgo = (days, minutes = 0) => TAKEN_AT - days * DAY + minutes * MINUTE;
const sized = (seed, base, spread) => base + (Number.parseInt(digest(seed).slice(7, 15), 16) % spread);

function repository(name, extra = {}) {
  return {
    repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
    registryId: ACCOUNT,
    repositoryName: name,
    repositoryUri: `${REGISTRY}/${name}`,
    createdAt: '2025-09-01T08:00:00+00:00',
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
    ...extra,
  };
}

/** A repository under construction: images (describe-images entries) and manifests (index texts). */
function registryRepository(name) {
  const images = [];
  const manifests = {};
  const image = (seed, fields) => {
    const entry = {
      registryId: ACCOUNT,
      repositoryName: name,
      imageDigest: digest(`${name}/${seed}`),
      imageSizeInBytes: sized(seed, 90_000_000, 80_000_000),
      imageManifestMediaType: OCI_MANIFEST,
      imageStatus: 'ACTIVE',
      ...fields,
    };
    for (const [key, value] of Object.entries(entry)) if (value === undefined) delete entry[key];
    images.push(entry);
    return entry;
  };
  return { name, images, manifests, image };
}

// ---- payments/api ----------------------------------------------------------------------------

const api = registryRepository('payments/api');
const apiIndex = new Map();
for (let i = 0; i <= 11; i++) {
  const version = `v1.${i}.0`;
  const pushed = daysAgo(4 + (11 - i) * 14);
  const archived = i <= 1;
  const status = archived
    ? { imageStatus: 'ARCHIVED', lastArchivedAt: iso(daysAgo(120 - i * 5)) }
    : { imageStatus: 'ACTIVE' };
  const pulled = archived ? {} : { lastRecordedPullTime: iso(Math.min(TAKEN_AT - DAY, pushed + 20 * DAY)) };
  const children = [
    { seed: `${version}/linux-amd64`, platform: { architecture: 'amd64', os: 'linux' } },
    { seed: `${version}/linux-arm64`, platform: { architecture: 'arm64', os: 'linux' } },
  ].map(({ seed, platform }) => ({
    platform,
    entry: api.image(seed, {
      imagePushedAt: iso(pushed - MINUTE),
      imageSizeInBytes: sized(seed, 140_000_000, 30_000_000),
      ...status,
      ...pulled,
    }),
  }));
  // BuildKit stores provenance as a manifest in the index, tagged by an annotation, not a referrer.
  const attestation = api.image(`${version}/attestation`, {
    imagePushedAt: iso(pushed - MINUTE),
    imageSizeInBytes: sized(`${version}/attestation`, 1_200, 600),
    artifactMediaType: 'application/vnd.oci.image.config.v1+json',
    ...status,
  });
  const tags = [version];
  if (i === 4) tags.push('release-2026.06');
  if (i === 11) tags.push('latest');
  const indexManifest = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      ...children.map(({ entry, platform }) => ({
        mediaType: OCI_MANIFEST,
        digest: entry.imageDigest,
        size: 1_612,
        platform,
      })),
      {
        mediaType: OCI_MANIFEST,
        digest: attestation.imageDigest,
        size: 839,
        annotations: {
          'vnd.docker.reference.digest': children[0].entry.imageDigest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  };
  const index = api.image(`${version}/index`, {
    imageTags: tags,
    imagePushedAt: iso(pushed),
    // DescribeImages reports an index's size as that of its largest child.
    imageSizeInBytes: Math.max(...children.map(({ entry }) => entry.imageSizeInBytes)),
    imageManifestMediaType: OCI_INDEX,
    ...status,
    ...pulled,
  });
  api.manifests[index.imageDigest] = JSON.stringify(indexManifest);
  apiIndex.set(version, index.imageDigest);

  api.image(`${version}/cosign-signature`, {
    imagePushedAt: iso(pushed + 2 * MINUTE),
    imageSizeInBytes: sized(`${version}/sig`, 700, 200),
    artifactMediaType: COSIGN_SIGNATURE,
    subjectManifestDigest: index.imageDigest,
    ...status,
  });
  if (i >= 6) {
    api.image(`${version}/sbom`, {
      imagePushedAt: iso(pushed + 3 * MINUTE),
      imageSizeInBytes: sized(`${version}/sbom`, 250_000, 90_000),
      artifactMediaType: SPDX_SBOM,
      subjectManifestDigest: index.imageDigest,
      ...status,
    });
  }
}
// Pull-request builds, single platform, one every other day for the last 50 days.
for (let pr = 112; pr <= 136; pr++) {
  api.image(`pr-${pr}`, {
    imageTags: [`pr-${pr}`],
    imagePushedAt: iso(daysAgo(2 * (136 - pr) + 1, 30)),
  });
}
// Debris: single-platform builds whose tags moved on.
for (let n = 0; n < 5; n++) {
  api.image(`debris-${n}`, {
    imagePushedAt: iso(daysAgo(150 - n * 25, 12)),
    imageManifestMediaType: DOCKER_MANIFEST,
  });
}

// ---- payments/worker -------------------------------------------------------------------------

const worker = registryRepository('payments/worker');
const workerBuild = new Map();
for (let build = 101; build <= 130; build++) {
  const entry = worker.image(`build-${build}`, {
    imageTags: [`build-${build}`],
    imagePushedAt: iso(daysAgo(130 - build + 1, 45)),
    imageManifestMediaType: DOCKER_MANIFEST,
    imageSizeInBytes: sized(`build-${build}`, 210_000_000, 20_000_000),
  });
  workerBuild.set(build, entry.imageDigest);
}

// ---- build/npm-cache (native) and build/go-cache (native, no policy) --------------------------

const npmCache = registryRepository('build/npm-cache');
for (let n = 0; n < 10; n++) {
  npmCache.image(`cache-${n}`, {
    imageTags: [`cache-${digest(`lock-${n}`).slice(7, 19)}`],
    imagePushedAt: iso(daysAgo(3 * (10 - n), 5)),
    imageSizeInBytes: sized(`npm-${n}`, 400_000_000, 200_000_000),
  });
}
for (let n = 0; n < 6; n++) {
  npmCache.image(`cache-untagged-${n}`, { imagePushedAt: iso(daysAgo(1 + n * 2, 7)) });
}
const npmCachePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'Untagged layers go after 3 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'Keep the 5 newest caches',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['cache-*'],
        countType: 'imageCountMoreThan',
        countNumber: 5,
      },
      action: { type: 'expire' },
    },
  ],
};

const goCache = registryRepository('build/go-cache');
for (let n = 0; n < 4; n++) {
  goCache.image(`go-${n}`, { imageTags: [`go-${n}`], imagePushedAt: iso(daysAgo(40 - n * 10)) });
}

// ---- sandbox/experiments (no rule covers it) ---------------------------------------------------

const sandbox = registryRepository('sandbox/experiments');
for (let n = 0; n < 3; n++) {
  sandbox.image(`try-${n}`, { imageTags: [`try-${n}`], imagePushedAt: iso(daysAgo(200 - n)) });
}

// ---- ECS ---------------------------------------------------------------------------------------

const cluster = (name) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
const taskDefinitionArn = (family, revision) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
const apiImage = (reference) => `${REGISTRY}/payments/api${reference}`;
const sidecar = {
  name: 'otel-collector',
  image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
  essential: false,
};

function taskDefinition(family, revision, image, status = 'ACTIVE') {
  return {
    taskDefinitionArn: taskDefinitionArn(family, revision),
    family,
    revision,
    status,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    containerDefinitions: [
      { name: 'app', image, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] },
      sidecar,
    ],
    registeredAt: iso(daysAgo(200 - revision * 10)),
  };
}

const taskDefinitions = [
  taskDefinition('payments-api', 7, apiImage(':v1.5.0'), 'INACTIVE'),
  taskDefinition('payments-api', 8, apiImage(':v1.7.0')),
  taskDefinition('payments-api', 9, apiImage(':v1.8.0')),
  taskDefinition('payments-api', 10, apiImage(':v1.9.0')),
  // A rollback target registered by hand, pinning an older release by tag.
  taskDefinition('payments-api', 11, apiImage(':v1.6.0')),
  taskDefinition('payments-api', 12, apiImage(':v1.10.0')),
  taskDefinition('payments-api', 13, apiImage(':v1.11.0')),
  taskDefinition('payments-migrate', 4, apiImage(`@${apiIndex.get('v1.3.0')}`)),
  taskDefinition('payments-api-staging', 5, apiImage(':pr-118')),
];

const services = [
  {
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/payments-api`,
    serviceName: 'payments-api',
    clusterArn: cluster('prod'),
    status: 'ACTIVE',
    desiredCount: 4,
    runningCount: 4,
    launchType: 'FARGATE',
    taskDefinition: taskDefinitionArn('payments-api', 13),
    deployments: [
      {
        id: 'ecs-svc/4721853907234659012',
        status: 'PRIMARY',
        taskDefinition: taskDefinitionArn('payments-api', 13),
        desiredCount: 4,
        runningCount: 2,
        rolloutState: 'IN_PROGRESS',
        createdAt: iso(TAKEN_AT - 20 * MINUTE),
      },
      {
        id: 'ecs-svc/9034417205562181194',
        status: 'ACTIVE',
        taskDefinition: taskDefinitionArn('payments-api', 12),
        desiredCount: 2,
        runningCount: 2,
        rolloutState: 'COMPLETED',
        createdAt: iso(daysAgo(18)),
      },
    ],
  },
  {
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/staging/payments-api-staging`,
    serviceName: 'payments-api-staging',
    clusterArn: cluster('staging'),
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    launchType: 'FARGATE',
    taskDefinition: taskDefinitionArn('payments-api-staging', 5),
    deployments: [
      {
        id: 'ecs-svc/1188203345590412876',
        status: 'PRIMARY',
        taskDefinition: taskDefinitionArn('payments-api-staging', 5),
        desiredCount: 1,
        runningCount: 1,
        rolloutState: 'COMPLETED',
        createdAt: iso(daysAgo(37)),
      },
    ],
  },
];

function task(clusterName, id, group, definition, version, lastStatus = 'RUNNING') {
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterName}/${id}`,
    clusterArn: cluster(clusterName),
    taskDefinitionArn: definition,
    group,
    lastStatus,
    desiredStatus: lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    launchType: 'FARGATE',
    containers: [
      {
        containerArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:container/${clusterName}/${id}/app`,
        name: 'app',
        image: apiImage(`:${version}`),
        imageDigest: apiIndex.get(version),
        lastStatus,
      },
      { name: sidecar.name, image: sidecar.image, lastStatus },
    ],
  };
}

const tasks = [
  task(
    'prod',
    '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    'service:payments-api',
    taskDefinitionArn('payments-api', 13),
    'v1.11.0',
  ),
  task(
    'prod',
    '1a2b3c4d5e6f70819203a4b5c6d7e8f9',
    'service:payments-api',
    taskDefinitionArn('payments-api', 13),
    'v1.11.0',
  ),
  task(
    'prod',
    '2b3c4d5e6f708192a3b4c5d6e7f80910',
    'service:payments-api',
    taskDefinitionArn('payments-api', 12),
    'v1.10.0',
  ),
  task(
    'prod',
    '3c4d5e6f708192a3b4c5d6e7f8091021',
    'service:payments-api',
    taskDefinitionArn('payments-api', 12),
    'v1.10.0',
  ),
  // A long migration started from an old revision pinned by digest: it still runs.
  task(
    'prod',
    '4d5e6f708192a3b4c5d6e7f809102132',
    'family:payments-migrate',
    taskDefinitionArn('payments-migrate', 4),
    'v1.3.0',
  ),
  // Stopped tasks hold nothing back.
  task(
    'prod',
    '5e6f708192a3b4c5d6e7f80910213243',
    'service:payments-api',
    taskDefinitionArn('payments-api', 11),
    'v1.9.0',
    'STOPPED',
  ),
];
// The staging service's task runs a pull-request build, resolved by ECS to its digest.
tasks.push({
  ...task(
    'staging',
    '6f708192a3b4c5d6e7f8091021324354',
    'service:payments-api-staging',
    taskDefinitionArn('payments-api-staging', 5),
    'v1.11.0',
  ),
  containers: [
    {
      name: 'app',
      image: apiImage(':pr-118'),
      imageDigest: api.images.find((image) => image.imageTags?.includes('pr-118')).imageDigest,
      lastStatus: 'RUNNING',
    },
  ],
});

// ---- Lambda ------------------------------------------------------------------------------------

function getFunction(qualifier, version, build) {
  const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments-worker`;
  return {
    Configuration: {
      FunctionName: 'payments-worker',
      FunctionArn: qualifier === undefined ? functionArn : `${functionArn}:${qualifier}`,
      Role: `arn:aws:iam::${ACCOUNT}:role/payments-worker`,
      CodeSize: 0,
      Timeout: 60,
      MemorySize: 1024,
      Version: version,
      PackageType: 'Image',
      Architectures: ['arm64'],
      LastModified: '2026-10-20T09:12:44.000+0000',
      State: 'Active',
    },
    Code: {
      RepositoryType: 'ECR',
      ImageUri: `${REGISTRY}/payments/worker:build-${build}`,
      ResolvedImageUri: `${REGISTRY}/payments/worker@${workerBuild.get(build)}`,
    },
    Tags: { team: 'payments' },
  };
}

const functions = [
  getFunction(undefined, '$LATEST', 130),
  getFunction('live', '17', 118),
  getFunction('16', '16', 112),
];

// ---- the snapshot ------------------------------------------------------------------------------

const entry = (repo, extra = {}, repositoryExtra = {}) => ({
  repository: repository(repo.name, repositoryExtra),
  ...extra,
  images: repo.images,
  manifests: repo.manifests,
});

const snapshot = {
  snapshotVersion: 1,
  account: ACCOUNT,
  region: REGION,
  takenAt: iso(TAKEN_AT),
  repositories: [
    entry(api),
    entry(worker),
    entry(
      npmCache,
      { lifecyclePolicyText: JSON.stringify(npmCachePolicy) },
      { imageTagMutability: 'MUTABLE' },
    ),
    entry(goCache, {}, { imageTagMutability: 'MUTABLE' }),
    entry(sandbox),
  ],
  ecs: { tasks, services, taskDefinitions },
  lambda: { functions },
};

const output = join(import.meta.dirname, 'snapshot.json');
writeFileSync(output, `${JSON.stringify(snapshot, null, 2)}\n`);
execFileSync('npx', ['--no-install', 'biome', 'format', '--write', output], { stdio: 'ignore' });
