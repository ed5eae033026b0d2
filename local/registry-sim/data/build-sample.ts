/**
 * Builds local/sample-data/sample-registry.json: a realistic, seeded registry told as a story, in
 * the order things happened, through the simulator's own rules (pushes, tag moves, replication),
 * then snapshotted with every time relative to `asOf`. Run: npx tsx local/registry-sim/data/build-sample.ts
 * The result is deterministic: rebuilding gives the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { parseLifecyclePolicy } from '../../../shared/lifecycle';
import { MS_PER_DAY } from '../model/clock';
import type { BasicFinding, EnhancedFinding, FindingSeverity, ImageScan } from '../model/scan';
import { createSeededRandom } from '../model/seeded-random';
import { createRegistrySimulator } from '../simulator';
import {
  attestationManifest,
  type BuiltManifest,
  cosignSignature,
  imageIndex,
  imageManifest,
  legacyCosignSignature,
  sbomReferrer,
} from './manifests';
import { addSampleEksCluster } from './sample-eks';
import { DEFAULT_SAMPLE_PATH, formatSampleDocument, type SampleIndex, snapshotWorld } from './sample-format';

export const SAMPLE_AS_OF = '2026-11-01T00:00:00.000Z';
const SEED = 20261101;
const EAST = 'us-east-1';
const WEST = 'us-west-2';
const ACCOUNT = '123456789012';
const PARTNER_ACCOUNT = '210987654321';
const KMS_KEY = `arn:aws:kms:${EAST}:${ACCOUNT}:key/0b7c1d3e-8f21-4a57-9c6b-2e4f5a6b7c8d`;
const URI = `${ACCOUNT}.dkr.ecr.${EAST}.amazonaws.com`;
const OTEL_SIDECAR = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1';

const asOf = Date.parse(SAMPLE_AS_OF);
const daysAgo = (days: number, hours = 0) =>
  new Date(asOf - days * MS_PER_DAY - hours * 3_600_000).toISOString();

const LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'Expire untagged images 14 days after push',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'Keep the 20 newest releases',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['v*'],
        countType: 'imageCountMoreThan',
        countNumber: 20,
      },
      action: { type: 'expire' },
    },
  ],
});

const ARCHIVE_LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'Archive models nobody pulled for 60 days',
      selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 60 },
      action: { type: 'transition', targetStorageClass: 'archive' },
    },
  ],
});

const CROSS_ACCOUNT_PULL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PartnerAccountPull',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
    },
  ],
});

const PUBLIC_PULL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AnyonePulls',
      Effect: 'Allow',
      Principal: '*',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    },
  ],
});

for (const text of [LIFECYCLE_POLICY, ARCHIVE_LIFECYCLE_POLICY]) {
  const parsed = parseLifecyclePolicy(text);
  if (!parsed.ok) throw new Error(`sample lifecycle policy is invalid: ${JSON.stringify(parsed.violations)}`);
}

const random = createSeededRandom(SEED);
const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');

function basicFinding(
  cve: string,
  severity: FindingSeverity,
  pkg: string,
  version: string,
  score: number,
): BasicFinding {
  return {
    name: cve,
    description: `${pkg} ${version} is affected by ${cve}.`,
    uri: `https://security-tracker.debian.org/tracker/${cve}`,
    severity,
    attributes: [
      { key: 'package_version', value: version },
      { key: 'package_name', value: pkg },
      { key: 'CVSS3_SCORE', value: score.toFixed(1) },
      { key: 'CVSS3_VECTOR', value: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ],
  };
}

function enhancedFinding(options: {
  cve: string;
  severity: FindingSeverity;
  score: number;
  pkg: string;
  version: string;
  fixedIn?: string;
  manager: string;
  firstObservedAt: string;
  lastObservedAt: string;
  exploitAvailable?: 'YES' | 'NO';
}): EnhancedFinding {
  const fixable = options.fixedIn !== undefined;
  return {
    awsAccountId: ACCOUNT,
    findingArn: `arn:aws:inspector2:${EAST}:${ACCOUNT}:finding/${hex(32)}`,
    title: `${options.cve} - ${options.pkg}`,
    description: `A flaw in ${options.pkg} before ${options.fixedIn ?? 'an unreleased version'} allows remote attackers to cause harm.`,
    severity: options.severity,
    status: 'ACTIVE',
    type: 'PACKAGE_VULNERABILITY',
    score: options.score,
    fixAvailable: fixable ? 'YES' : 'NO',
    exploitAvailable: options.exploitAvailable ?? 'NO',
    firstObservedAt: options.firstObservedAt,
    lastObservedAt: options.lastObservedAt,
    updatedAt: options.lastObservedAt,
    packageVulnerabilityDetails: {
      vulnerabilityId: options.cve,
      source: 'NVD',
      sourceUrl: `https://nvd.nist.gov/vuln/detail/${options.cve}`,
      vendorSeverity: options.severity,
      vendorCreatedAt: options.firstObservedAt,
      referenceUrls: [`https://nvd.nist.gov/vuln/detail/${options.cve}`],
      cvss: [
        {
          baseScore: options.score,
          scoringVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          source: 'NVD',
          version: '3.1',
        },
      ],
      vulnerablePackages: [
        {
          name: options.pkg,
          version: options.version,
          packageManager: options.manager,
          arch: 'x86_64',
          ...(fixable ? { fixedInVersion: options.fixedIn } : {}),
        },
      ],
    },
    remediation: {
      recommendation: {
        text: fixable ? `Upgrade ${options.pkg} to ${options.fixedIn}.` : 'None provided',
        url: `https://nvd.nist.gov/vuln/detail/${options.cve}`,
      },
    },
    scoreDetails: {
      cvss: {
        score: options.score,
        scoreSource: 'NVD',
        scoringVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        version: '3.1',
      },
    },
  };
}

export function buildSample() {
  const sim = createRegistrySimulator({ asOf: daysAgo(410), seed: SEED, accountId: ACCOUNT, region: EAST });
  const planted: SampleIndex = {};
  const now = (days: number, hours = 0) => sim.clock.set(daysAgo(days, hours));
  const push = (repositoryName: string, manifest: BuiltManifest, tags: string[] = [], region = EAST) =>
    sim.pushImage({ repositoryName, manifest, tags, region }).image.digest;

  /** A multi-arch release: platform images and their attestations (untagged), then the tagged index. */
  const pushRelease = (
    repositoryName: string,
    seed: string,
    tags: string[],
    format: 'oci' | 'docker' = 'oci',
  ) => {
    const amd64 = imageManifest({
      seed: `${seed}/amd64`,
      layers: [29_123_456, 9_876_543, 2_345_678],
      format,
    });
    const arm64 = imageManifest({
      seed: `${seed}/arm64`,
      layers: [27_654_321, 9_765_432, 2_234_567],
      format,
    });
    const attestations = format === 'oci';
    const amd64Attestation = attestations ? attestationManifest({ seed: `${seed}/amd64` }) : undefined;
    const arm64Attestation = attestations ? attestationManifest({ seed: `${seed}/arm64` }) : undefined;
    for (const manifest of [amd64, arm64, amd64Attestation, arm64Attestation]) {
      if (manifest !== undefined) push(repositoryName, manifest);
    }
    const index = imageIndex({
      format,
      entries: [
        {
          image: amd64,
          platform: { architecture: 'amd64', os: 'linux' },
          ...(amd64Attestation ? { attestation: amd64Attestation } : {}),
        },
        {
          image: arm64,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
          ...(arm64Attestation ? { attestation: arm64Attestation } : {}),
        },
      ],
    });
    push(repositoryName, index, tags);
    return { index, amd64, arm64, amd64Attestation, arm64Attestation };
  };

  // ---- Registry settings ---------------------------------------------------------------------
  now(405);
  sim.setScanningConfiguration('ENHANCED', [
    {
      scanFrequency: 'CONTINUOUS_SCAN',
      repositoryFilters: [{ filter: 'payments/*', filterType: 'WILDCARD' }],
    },
    { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'data/*', filterType: 'WILDCARD' }] },
  ]);
  const kms = { encryptionType: 'KMS' as const, kmsKey: KMS_KEY };
  sim.addRepository('payments/api', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    imageTagMutabilityExclusionFilters: [
      { filterType: 'WILDCARD', filter: 'latest' },
      { filterType: 'WILDCARD', filter: 'dev-*' },
    ],
    ...kms,
    lifecyclePolicyText: LIFECYCLE_POLICY,
    repositoryPolicyText: CROSS_ACCOUNT_PULL_POLICY,
  });
  sim.addRepository('platform/base-images', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    imageTagMutabilityExclusionFilters: [
      { filterType: 'WILDCARD', filter: 'latest' },
      { filterType: 'WILDCARD', filter: 'debian-12' },
      { filterType: 'WILDCARD', filter: '*-nightly' },
    ],
    ...kms,
    lifecyclePolicyText: LIFECYCLE_POLICY,
  });
  now(390);
  sim.addRepository('payments/worker', {
    imageTagMutability: 'MUTABLE',
    ...kms,
    lifecyclePolicyText: LIFECYCLE_POLICY,
  });
  sim.addRepository('ml/inference', {
    imageTagMutability: 'IMMUTABLE',
    ...kms,
    lifecyclePolicyText: ARCHIVE_LIFECYCLE_POLICY,
  });
  now(360);
  sim.addRepository('web/frontend', {
    imageTagMutability: 'IMMUTABLE',
    encryptionType: 'AES256',
    scanOnPush: true,
    lifecyclePolicyText: LIFECYCLE_POLICY,
  });
  now(340);
  sim.addRepository('web/admin', { imageTagMutability: 'IMMUTABLE', ...kms });
  now(300);
  sim.addRepository('data/etl-jobs', {
    imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
    imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'v*' }],
    ...kms,
    lifecyclePolicyText: LIFECYCLE_POLICY,
  });
  now(260);
  sim.addRepository('tools/ci-runner', {
    imageTagMutability: 'IMMUTABLE',
    ...kms,
    lifecyclePolicyText: LIFECYCLE_POLICY,
    repositoryPolicyText: PUBLIC_PULL_POLICY,
  });

  // ---- Before the replication rule --------------------------------------------------------------
  now(370);
  push('ml/inference', imageManifest({ seed: 'ml/v0.1.0', layers: [812_345_678, 45_678_901] }), ['v0.1.0']);
  now(300);
  const api100 = pushRelease('payments/api', 'payments-api/v1.0.0', ['v1.0.0', 'latest']);
  push('ml/inference', imageManifest({ seed: 'ml/v0.2.0', layers: [934_567_890, 45_678_901] }), ['v0.2.0']);
  planted['replication-pre-rule-image'] = {
    description:
      'payments/api v1.0.0 was pushed before the replication rule existed: it is not in us-west-2 and has no replication status',
    region: EAST,
    repositoryName: 'payments/api',
    imageTag: 'v1.0.0',
    imageDigest: api100.index.digest,
  };
  now(280);
  push('web/admin', imageManifest({ seed: 'admin/v0.9.0' }), ['v0.9.0']);

  // ---- Replication rule: payments/ and web/ to us-west-2 --------------------------------------
  now(250);
  sim.setReplicationRules([
    {
      destinations: [{ region: WEST, registryId: ACCOUNT }],
      repositoryFilters: [
        { filter: 'payments/', filterType: 'PREFIX_MATCH' },
        { filter: 'web/', filterType: 'PREFIX_MATCH' },
      ],
    },
  ]);

  // ---- payments/api releases --------------------------------------------------------------------
  now(200);
  const api110 = pushRelease('payments/api', 'payments-api/v1.1.0', ['v1.1.0']);
  now(120);
  const api120 = pushRelease('payments/api', 'payments-api/v1.2.0', ['v1.2.0']);
  push('payments/api', cosignSignature(api120.index, daysAgo(120)));
  now(60);
  const api130 = pushRelease('payments/api', 'payments-api/v1.3.0', ['v1.3.0', 'latest']);
  push('payments/api', cosignSignature(api130.index, daysAgo(60)));
  push('payments/api', sbomReferrer(api130.index, daysAgo(60)));
  now(10);
  const api140 = pushRelease('payments/api', 'payments-api/v1.4.0', ['v1.4.0', 'latest']);
  const api140Signature = push('payments/api', cosignSignature(api140.index, daysAgo(10)));
  const api140Sbom = push('payments/api', sbomReferrer(api140.index, daysAgo(10)));
  now(4);
  const devBuild = push('payments/api', imageManifest({ seed: 'payments-api/dev-4f2a1c9' }), ['dev-4f2a1c9']);
  planted['multi-arch-index'] = {
    description:
      'payments/api v1.4.0 is an OCI image index of linux/amd64 and linux/arm64 images (untagged children)',
    region: EAST,
    repositoryName: 'payments/api',
    imageTag: 'v1.4.0',
    imageDigest: api140.index.digest,
    details: { children: [api140.amd64.digest, api140.arm64.digest] },
  };
  planted['buildkit-attestation'] = {
    description:
      'BuildKit attestation manifests (in-toto provenance and SPDX), listed in the v1.4.0 index with platform unknown/unknown',
    region: EAST,
    repositoryName: 'payments/api',
    imageDigest: api140.amd64Attestation?.digest ?? '',
    details: {
      attestations: [api140.amd64Attestation?.digest, api140.arm64Attestation?.digest],
      index: api140.index.digest,
    },
  };
  planted['cosign-signature'] = {
    description: 'A cosign signature of the v1.4.0 index, stored as an OCI referrer (subjectManifestDigest)',
    region: EAST,
    repositoryName: 'payments/api',
    imageDigest: api140Signature,
    details: { subject: api140.index.digest, signedReleases: ['v1.2.0', 'v1.3.0', 'v1.4.0'] },
  };
  planted['sbom-referrer'] = {
    description: 'An SPDX SBOM attached to the v1.4.0 index as an OCI referrer',
    region: EAST,
    repositoryName: 'payments/api',
    imageDigest: api140Sbom,
    details: { subject: api140.index.digest },
  };
  planted['semver-and-latest'] = {
    description:
      'payments/api carries semver release tags v1.0.0..v1.4.0, latest on the newest, and a dev- build tag',
    region: EAST,
    repositoryName: 'payments/api',
    imageTag: 'latest',
    imageDigest: api140.index.digest,
    details: { releases: ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0'], devBuild },
  };
  planted['replication-settings-drift'] = {
    description:
      'us-west-2 payments/api was created by replication with default settings (MUTABLE, AES256, no lifecycle policy) while us-east-1 is IMMUTABLE_WITH_EXCLUSION with KMS',
    region: WEST,
    repositoryName: 'payments/api',
  };

  // Enhanced (Inspector) findings on the platform images: CRITICAL and HIGH with fixes available.
  const enhancedScan = (findings: EnhancedFinding[], completedDaysAgo: number): ImageScan => ({
    status: 'ACTIVE',
    description: 'Continuous scan is selected for image.',
    completedAt: daysAgo(completedDaysAgo),
    vulnerabilitySourceUpdatedAt: daysAgo(0, 6),
    enhancedFindings: findings,
  });
  const observed = { firstObservedAt: daysAgo(9), lastObservedAt: daysAgo(0, 6) };
  sim.setScan(
    'payments/api',
    { imageDigest: api140.amd64.digest },
    enhancedScan(
      [
        enhancedFinding({
          cve: 'CVE-2026-31337',
          severity: 'CRITICAL',
          score: 9.8,
          pkg: 'openssl',
          version: '3.0.13-1~deb12u1',
          fixedIn: '3.0.15-1~deb12u1',
          manager: 'OS',
          exploitAvailable: 'YES',
          ...observed,
        }),
        enhancedFinding({
          cve: 'CVE-2026-24601',
          severity: 'HIGH',
          score: 7.5,
          pkg: 'libexpat1',
          version: '2.5.0-1',
          fixedIn: '2.5.0-1+deb12u1',
          manager: 'OS',
          ...observed,
        }),
        enhancedFinding({
          cve: 'CVE-2026-11872',
          severity: 'HIGH',
          score: 8.1,
          pkg: 'jackson-databind',
          version: '2.15.2',
          fixedIn: '2.15.4',
          manager: 'JAR',
          ...observed,
        }),
        enhancedFinding({
          cve: 'CVE-2025-45582',
          severity: 'MEDIUM',
          score: 5.3,
          pkg: 'tar',
          version: '1.34+dfsg-1.2',
          manager: 'OS',
          ...observed,
        }),
        enhancedFinding({
          cve: 'CVE-2025-0395',
          severity: 'LOW',
          score: 3.3,
          pkg: 'libc6',
          version: '2.36-9',
          manager: 'OS',
          ...observed,
        }),
      ],
      0,
    ),
  );
  sim.setScan(
    'payments/api',
    { imageDigest: api140.arm64.digest },
    enhancedScan(
      [
        enhancedFinding({
          cve: 'CVE-2026-31337',
          severity: 'CRITICAL',
          score: 9.8,
          pkg: 'openssl',
          version: '3.0.13-1~deb12u1',
          fixedIn: '3.0.15-1~deb12u1',
          manager: 'OS',
          exploitAvailable: 'YES',
          ...observed,
        }),
        enhancedFinding({
          cve: 'CVE-2025-45582',
          severity: 'MEDIUM',
          score: 5.3,
          pkg: 'tar',
          version: '1.34+dfsg-1.2',
          manager: 'OS',
          ...observed,
        }),
      ],
      0,
    ),
  );
  sim.setScan(
    'payments/api',
    { imageDigest: api130.amd64.digest },
    enhancedScan(
      [
        enhancedFinding({
          cve: 'CVE-2026-24601',
          severity: 'HIGH',
          score: 7.5,
          pkg: 'libexpat1',
          version: '2.5.0-1',
          fixedIn: '2.5.0-1+deb12u1',
          manager: 'OS',
          firstObservedAt: daysAgo(59),
          lastObservedAt: daysAgo(0, 6),
        }),
      ],
      0,
    ),
  );
  planted['scan-enhanced'] = {
    description:
      'Enhanced (Inspector) findings on the linux/amd64 image of payments/api v1.4.0: CRITICAL and HIGH with fixes available (status ACTIVE)',
    region: EAST,
    repositoryName: 'payments/api',
    imageDigest: api140.amd64.digest,
    details: { critical: 1, high: 2, medium: 1, low: 1, index: api140.index.digest },
  };

  // ---- payments/worker: MUTABLE, latest moves ----------------------------------------------------
  now(150);
  push('payments/worker', imageManifest({ seed: 'worker/build-1187', format: 'docker' }), ['latest']);
  now(120);
  const workerU2 = push('payments/worker', imageManifest({ seed: 'worker/build-1243', format: 'docker' }), [
    'latest',
  ]);
  now(119);
  sim.registerTaskDefinition({
    family: 'payments-worker-migrate',
    containers: [{ name: 'migrate', image: `${URI}/payments/worker:latest`, essential: true }],
  });
  sim.ecs().addCluster('prod');
  const migrateTask = sim.ecs().runTask({
    cluster: 'prod',
    taskDefinition: 'payments-worker-migrate:1',
    startedAt: sim.clock.nowMs(),
    startedBy: 'ops/ledger-backfill',
    resolveImage: (image) => sim.resolveTaskImage(image),
  });
  now(90);
  sim.registerTaskDefinition({
    family: 'payments-worker',
    containers: [{ name: 'worker', image: `${URI}/payments/worker:v2.0.0`, essential: true }],
  });
  const workerW0 = push('payments/worker', imageManifest({ seed: 'worker/v2.0.0', format: 'docker' }), [
    'v2.0.0',
    'latest',
  ]);
  now(40);
  const workerW1 = push('payments/worker', imageManifest({ seed: 'worker/v2.1.0', format: 'docker' }), [
    'v2.1.0',
    'latest',
  ]);
  now(20);
  sim.registerTaskDefinition({
    family: 'payments-worker',
    containers: [{ name: 'worker', image: `${URI}/payments/worker:latest`, essential: true }],
  });
  sim.createService({
    cluster: 'prod',
    serviceName: 'payments-worker',
    taskDefinition: 'payments-worker:2',
    runningTasks: 2,
  });
  now(3);
  const workerW2 = push('payments/worker', imageManifest({ seed: 'worker/build-1502', format: 'docker' }), [
    'latest',
  ]);
  planted['tag-moved-mutable'] = {
    description:
      'In the MUTABLE payments/worker, latest moved from the v2.1.0 image to a new build three days ago',
    region: EAST,
    repositoryName: 'payments/worker',
    imageTag: 'latest',
    imageDigest: workerW2,
    details: { previousDigest: workerW1, previousDigestKeeps: ['v2.1.0'] },
  };
  planted['drift-mutable'] = {
    description: 'payments/worker is MUTABLE (the baseline is immutable tags)',
    region: EAST,
    repositoryName: 'payments/worker',
  };
  planted['ecs-running-task-untagged-image'] = {
    description:
      'A standalone ECS task (payments-worker-migrate) started 119 days ago still runs the image latest pointed to then, now untagged',
    region: EAST,
    repositoryName: 'payments/worker',
    imageDigest: workerU2,
    details: {
      cluster: 'prod',
      taskArn: migrateTask.taskArn,
      olderUntagged: 'the build-1187 image, untagged since day 120',
    },
  };
  now(2);
  const westHotfix = push(
    'payments/worker',
    imageManifest({ seed: 'worker/hotfix-west-1503', format: 'docker' }),
    ['latest'],
    WEST,
  );
  planted['replication-tag-different-digest'] = {
    description:
      'In us-west-2, payments/worker:latest points at a hotfix pushed there directly, not at the digest latest has in us-east-1',
    region: WEST,
    repositoryName: 'payments/worker',
    imageTag: 'latest',
    imageDigest: westHotfix,
    details: { sourceDigest: workerW2, sourceRegion: EAST, v200: workerW0 },
  };

  // ---- payments-api service: a deployment in progress --------------------------------------------
  now(200);
  sim.registerTaskDefinition({
    family: 'payments-api',
    containers: [
      { name: 'app', image: `${URI}/payments/api:v1.1.0`, essential: true },
      { name: 'otel', image: OTEL_SIDECAR, essential: false },
    ],
  });
  now(120);
  sim.registerTaskDefinition({
    family: 'payments-api',
    containers: [
      { name: 'app', image: `${URI}/payments/api:v1.2.0`, essential: true },
      { name: 'otel', image: OTEL_SIDECAR, essential: false },
    ],
  });
  sim.ecs().deregisterTaskDefinition('payments-api:1', Date.parse(daysAgo(110)));
  now(60);
  sim.registerTaskDefinition({
    family: 'payments-api',
    containers: [
      { name: 'app', image: `${URI}/payments/api:v1.3.0`, essential: true },
      { name: 'otel', image: OTEL_SIDECAR, essential: false },
    ],
  });
  sim.ecs().deregisterTaskDefinition('payments-api:2', Date.parse(daysAgo(55)));
  sim.createService({
    cluster: 'prod',
    serviceName: 'payments-api',
    taskDefinition: 'payments-api:3',
    runningTasks: 3,
    desiredCount: 3,
  });
  now(10);
  sim.registerTaskDefinition({
    family: 'payments-api',
    containers: [
      { name: 'app', image: `${URI}/payments/api:v1.4.0`, essential: true },
      { name: 'otel', image: OTEL_SIDECAR, essential: false },
    ],
  });
  now(0, 2);
  sim.deployService({
    cluster: 'prod',
    serviceName: 'payments-api',
    taskDefinition: 'payments-api:4',
    runningTasks: 2,
  });
  const oldTasks = [...sim.ecs().cluster('prod').tasks.values()].filter(
    (task) => task.taskDefinitionArn.endsWith('payments-api:3') && task.lastStatus === 'RUNNING',
  );
  for (const task of oldTasks.slice(0, 2)) sim.ecs().stopTask('prod', task.taskArn, sim.clock.nowMs());
  planted['ecs-service-deployments'] = {
    description:
      'ECS service payments-api (cluster prod) is rolling out task definition payments-api:4 (v1.4.0, PRIMARY, 2 tasks) while payments-api:3 (v1.3.0, ACTIVE) still runs 1 task; revisions 1-2 are INACTIVE',
    region: EAST,
    repositoryName: 'payments/api',
    details: {
      cluster: 'prod',
      service: 'payments-api',
      primaryImageDigest: api140.index.digest,
      drainingImageDigest: api130.index.digest,
      inactiveImageDigests: [api110.index.digest, api120.index.digest],
    },
  };

  // ---- web/frontend: basic scanning, untagged debris, replication failures -----------------------
  now(100);
  const fe300 = push(
    'web/frontend',
    imageManifest({ seed: 'frontend/v3.0.0', layers: [48_123_456, 12_345_678] }),
    ['v3.0.0'],
  );
  now(80);
  const feDebris80 = push(
    'web/frontend',
    imageManifest({ seed: 'frontend/ci-8812', layers: [48_223_456, 12_445_678] }),
  );
  now(50);
  const feDebris50 = push(
    'web/frontend',
    imageManifest({ seed: 'frontend/ci-9120', layers: [48_323_456, 12_545_678] }),
  );
  now(45);
  const feDebris45 = push(
    'web/frontend',
    imageManifest({ seed: 'frontend/ci-9177', layers: [48_423_456, 12_645_678] }),
  );
  now(30);
  const fe310 = push(
    'web/frontend',
    imageManifest({ seed: 'frontend/v3.1.0', layers: [49_123_456, 12_745_678] }),
    ['v3.1.0'],
  );
  now(25);
  sim.repository('web/frontend', { region: WEST }).deleteImages([{ imageDigest: fe310 }]);
  planted['replication-image-missing'] = {
    description:
      'web/frontend v3.1.0 replicated (status COMPLETE) but the image is no longer in us-west-2 (deleted there)',
    region: EAST,
    repositoryName: 'web/frontend',
    imageTag: 'v3.1.0',
    imageDigest: fe310,
  };
  now(6);
  sim.world.replicationFailures.push({
    destinationRegion: WEST,
    repositoryPrefix: 'web/frontend',
    failureCode: 'KMS_KEY_NOT_FOUND',
  });
  const fe320 = push(
    'web/frontend',
    imageManifest({ seed: 'frontend/v3.2.0', layers: [49_223_456, 12_845_678] }),
    ['v3.2.0'],
  );
  sim.world.replicationFailures.length = 0;
  planted['replication-failed'] = {
    description: 'Replication of web/frontend v3.2.0 to us-west-2 FAILED; the image is absent there',
    region: EAST,
    repositoryName: 'web/frontend',
    imageTag: 'v3.2.0',
    imageDigest: fe320,
  };
  const cves = [
    'CVE-2026-0101',
    'CVE-2026-0202',
    'CVE-2026-0303',
    'CVE-2025-4404',
    'CVE-2025-5505',
    'CVE-2025-6606',
  ];
  const packages = ['libssl3', 'zlib1g', 'libcurl4', 'nghttp2', 'libxml2', 'busybox', 'musl', 'sqlite3'];
  const severities: FindingSeverity[] = [
    'CRITICAL',
    'HIGH',
    'HIGH',
    'MEDIUM',
    'MEDIUM',
    'MEDIUM',
    'LOW',
    'LOW',
    'INFORMATIONAL',
  ];
  const basicFindings = (count: number, salt: number) =>
    Array.from({ length: count }, (_, i) => {
      const severity = severities[(i + salt) % severities.length] ?? 'LOW';
      const score = { CRITICAL: 9.1, HIGH: 7.8, MEDIUM: 5.5, LOW: 3.1, INFORMATIONAL: 0, UNDEFINED: 0 }[
        severity
      ];
      return basicFinding(
        `${cves[i % cves.length]}${i >= cves.length ? `-${i}` : ''}`,
        severity,
        packages[(i + salt) % packages.length] ?? 'libc',
        `1.${i}.${salt}`,
        score,
      );
    });
  const basicScan = (findings: BasicFinding[], completedDaysAgo: number): ImageScan => ({
    status: 'COMPLETE',
    description: 'The scan was completed successfully.',
    completedAt: daysAgo(completedDaysAgo),
    vulnerabilitySourceUpdatedAt: daysAgo(completedDaysAgo + 1),
    findings,
  });
  sim.setScan('web/frontend', { imageDigest: fe300 }, basicScan(basicFindings(24, 0), 100));
  sim.setScan('web/frontend', { imageDigest: fe310 }, basicScan(basicFindings(6, 3), 30));
  sim.setScan('web/frontend', { imageDigest: feDebris80 }, basicScan(basicFindings(3, 1), 80));
  planted['scan-basic'] = {
    description:
      'Basic scanning findings on web/frontend v3.0.0: 24 findings (pages of DescribeImageScanFindings), status COMPLETE',
    region: EAST,
    repositoryName: 'web/frontend',
    imageTag: 'v3.0.0',
    imageDigest: fe300,
    details: { findings: 24 },
  };
  planted['scan-untagged-with-findings'] = {
    description: 'An untagged CI build of web/frontend with basic findings (HIGH included)',
    region: EAST,
    repositoryName: 'web/frontend',
    imageDigest: feDebris80,
  };
  planted['untagged-debris'] = {
    description: 'Untagged CI builds left in web/frontend',
    region: EAST,
    repositoryName: 'web/frontend',
    details: { digests: [feDebris80, feDebris50, feDebris45] },
  };
  planted['drift-aes256-encryption'] = {
    description: 'web/frontend is encrypted with AES256 instead of KMS',
    region: EAST,
    repositoryName: 'web/frontend',
  };

  // ---- web/admin: no lifecycle policy --------------------------------------------------------------
  now(70);
  push('web/admin', imageManifest({ seed: 'admin/v1.0.0' }), ['v1.0.0']);
  planted['drift-no-lifecycle-policy'] = {
    description: 'web/admin has no lifecycle policy',
    region: EAST,
    repositoryName: 'web/admin',
  };

  // ---- platform/base-images: Docker manifest lists, floating debian-12 --------------------------------
  now(60);
  const base0901 = pushRelease(
    'platform/base-images',
    'base/debian-12-20260901',
    ['debian-12-20260901', 'debian-12'],
    'docker',
  );
  now(30);
  const base1001 = pushRelease(
    'platform/base-images',
    'base/debian-12-20261001',
    ['debian-12-20261001', 'debian-12', 'latest'],
    'docker',
  );
  planted['docker-manifest-list'] = {
    description:
      'platform/base-images holds Docker manifest lists; the excluded tag debian-12 moved to the newest build',
    region: EAST,
    repositoryName: 'platform/base-images',
    imageTag: 'debian-12',
    imageDigest: base1001.index.digest,
    details: { previous: base0901.index.digest },
  };

  // ---- data/etl-jobs and the Lambda functions --------------------------------------------------------
  now(90);
  push('data/etl-jobs', imageManifest({ seed: 'etl/v3.0.0' }), ['v3.0.0']);
  sim.createFunction({ functionName: 'etl-nightly', imageUri: `${URI}/data/etl-jobs:v3.0.0` });
  sim.publishVersion({ functionName: 'etl-nightly', description: 'v3.0.0' });
  now(45);
  push('data/etl-jobs', imageManifest({ seed: 'etl/v3.1.0' }), ['v3.1.0', 'nightly']);
  sim.updateFunctionCode({ functionName: 'etl-nightly', imageUri: `${URI}/data/etl-jobs:v3.1.0` });
  sim.publishVersion({ functionName: 'etl-nightly', description: 'v3.1.0' });
  sim.lambda().setAlias({
    functionName: 'etl-nightly',
    name: 'live',
    functionVersion: '2',
    additionalVersionWeights: { '1': 0.1 },
  });
  now(25);
  const etlPinned = push('data/etl-jobs', imageManifest({ seed: 'etl/report-2026-10-07' }), ['nightly']);
  sim.createFunction({ functionName: 'report-builder', imageUri: `${URI}/data/etl-jobs@${etlPinned}` });
  sim.publishVersion({ functionName: 'report-builder', description: 'pinned build' });
  sim.lambda().setAlias({ functionName: 'report-builder', name: 'prod', functionVersion: '1' });
  now(7);
  const etl320 = push('data/etl-jobs', imageManifest({ seed: 'etl/v3.2.0' }), ['v3.2.0', 'nightly']);
  sim.updateFunctionCode({ functionName: 'etl-nightly', imageUri: `${URI}/data/etl-jobs:v3.2.0` });
  planted['lambda-version-alias'] = {
    description:
      'Lambda etl-nightly: version 1 (v3.0.0), version 2 (v3.1.0) behind alias live (10% to version 1), $LATEST on v3.2.0',
    region: EAST,
    repositoryName: 'data/etl-jobs',
    imageDigest: etl320,
    details: { functionName: 'etl-nightly', alias: 'live' },
  };
  planted['lambda-pinned-untagged-digest'] = {
    description:
      'Lambda report-builder pins a data/etl-jobs image by digest; the nightly tag has moved away, leaving it untagged',
    region: EAST,
    repositoryName: 'data/etl-jobs',
    imageDigest: etlPinned,
    details: { functionName: 'report-builder', alias: 'prod' },
  };

  // ---- tools/ci-runner: public repository policy, legacy signature tag --------------------------------
  now(200);
  const runner50 = imageManifest({ seed: 'ci-runner/v5.0.0' });
  push('tools/ci-runner', runner50, ['v5.0.0']);
  const legacy = legacyCosignSignature(runner50);
  push('tools/ci-runner', legacy.manifest, [legacy.tag]);
  now(35);
  push('tools/ci-runner', imageManifest({ seed: 'ci-runner/tmp-7781' }));
  now(15);
  push('tools/ci-runner', imageManifest({ seed: 'ci-runner/v5.1.0' }), ['v5.1.0']);
  planted['drift-public-repository-policy'] = {
    description: 'tools/ci-runner has a repository policy granting ecr:BatchGetImage to Principal "*"',
    region: EAST,
    repositoryName: 'tools/ci-runner',
  };
  planted['legacy-cosign-signature-tag'] = {
    description: 'A tag-based cosign signature (sha256-<hex>.sig) of tools/ci-runner v5.0.0',
    region: EAST,
    repositoryName: 'tools/ci-runner',
    imageTag: legacy.tag,
    imageDigest: legacy.manifest.digest,
    details: { subject: runner50.digest },
  };

  // ---- ml/inference: archive -------------------------------------------------------------------------
  now(200);
  push('ml/inference', imageManifest({ seed: 'ml/v0.3.0', layers: [998_877_665, 45_678_901] }), ['v0.3.0']);
  now(30);
  push('ml/inference', imageManifest({ seed: 'ml/v1.0.0', layers: [1_012_345_678, 45_678_901] }), ['v1.0.0']);
  const inference = sim.repository('ml/inference');
  inference.updateStorageClass({ imageTag: 'v0.1.0' }, 'ARCHIVE', Date.parse(daysAgo(180)));
  inference.updateStorageClass({ imageTag: 'v0.2.0' }, 'ARCHIVE', Date.parse(daysAgo(150)));
  inference.updateStorageClass({ imageTag: 'v0.3.0' }, 'ARCHIVE', Date.parse(daysAgo(100)));
  inference.updateStorageClass({ imageTag: 'v0.3.0' }, 'STANDARD', Date.parse(daysAgo(1)));
  planted['archived-images'] = {
    description:
      'ml/inference: v0.1.0 and v0.2.0 ARCHIVED, v0.3.0 being restored (ACTIVATING), only v1.0.0 ACTIVE',
    region: EAST,
    repositoryName: 'ml/inference',
    imageTag: 'v1.0.0',
  };

  // Pull history: what the running workloads pulled, as ECR records it.
  now(0);
  for (const [repositoryName, digest, days] of [
    ['payments/api', api140.index.digest, 0],
    ['payments/api', api130.index.digest, 1],
    ['payments/worker', workerW1, 0],
    ['payments/worker', workerU2, 2],
    ['web/frontend', fe320, 1],
    ['data/etl-jobs', etl320, 0],
  ] as const) {
    sim.image(repositoryName, { imageDigest: digest }).lastPulledAt = Date.parse(daysAgo(days, 3));
  }

  // EKS: the cluster that runs some of the images above (sample-eks.ts).
  addSampleEksCluster(sim, planted, { registry: URI, region: EAST, createdAt: daysAgo(300) });

  sim.clock.set(SAMPLE_AS_OF);
  return snapshotWorld(
    sim.world,
    'ecr-warden sample registry: account 123456789012, us-east-1 with partial replication to us-west-2. Built by local/registry-sim/data/build-sample.ts; see local/registry-sim/README.md.',
    planted,
  );
}

if (require.main === module) {
  const document = buildSample();
  const text = formatSampleDocument(document);
  writeFileSync(DEFAULT_SAMPLE_PATH, text);
  console.log(`wrote ${DEFAULT_SAMPLE_PATH} (${Math.round(text.length / 1024)} KiB)`);
}
