import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../../../shared/zod';
import { MS_PER_DAY } from '../model/clock';
import { deepCopy } from '../model/deep-copy';
import type { EcsTaskDefinition } from '../model/ecs';
import { inspectManifest } from '../model/manifest';
import type { BasicFinding, EnhancedFinding, ImageScan } from '../model/scan';
import type { World } from '../model/world';

/**
 * The sample registry file format (schemaVersion 1), documented in local/registry-sim/README.md.
 * Times are ISO 8601 or relative to the document's `asOf`: `asOf`, `asOf-30d`, `asOf-2d6h30m`,
 * `asOf+1h` (units d, h, m, s), so that a sample can be replayed at another date.
 */
export const DEFAULT_SAMPLE_PATH = join(__dirname, '..', '..', 'sample-data', 'sample-registry.json');

const time = z.string().check(z.minLength(1));
const json = z.union([z.string(), z.record(z.string(), z.unknown())]);

const isObject = (value: unknown) => typeof value === 'object' && value !== null;
const scanSchema = z.object({
  status: z.enum([
    'IN_PROGRESS',
    'COMPLETE',
    'FAILED',
    'UNSUPPORTED_IMAGE',
    'ACTIVE',
    'PENDING',
    'SCAN_ELIGIBILITY_EXPIRED',
    'FINDINGS_UNAVAILABLE',
    'LIMIT_EXCEEDED',
    'IMAGE_ARCHIVED',
  ]),
  description: z.optional(z.string()),
  completedAt: z.optional(time),
  vulnerabilitySourceUpdatedAt: z.optional(time),
  /** DescribeImageScanFindings' `findings[]` entries (basic scanning). */
  findings: z.optional(z.array(z.custom<BasicFinding>(isObject))),
  /** `enhancedFindings[]` entries (Amazon Inspector), times as sample times. */
  enhancedFindings: z.optional(z.array(z.custom<EnhancedFinding>(isObject))),
});

const imageSchema = z.object({
  imageDigest: z.string().check(z.regex(/^sha256:[a-f0-9]{64}$/)),
  imageManifestMediaType: z.string(),
  /** The manifest: exact text, or a JSON object whose text is its compact JSON (JSON.stringify(object)). */
  imageManifest: json,
  imageTags: z._default(z.array(z.string()), []),
  imagePushedAt: time,
  lastRecordedPullTime: z.optional(time),
  imageStatus: z._default(z.enum(['ACTIVE', 'ARCHIVED', 'ACTIVATING']), 'ACTIVE'),
  lastArchivedAt: z.optional(time),
  lastActivatedAt: z.optional(time),
  replicationStatuses: z.optional(
    z.array(
      z.object({
        region: z.string(),
        registryId: z.string(),
        status: z.enum(['IN_PROGRESS', 'COMPLETE', 'FAILED']),
        failureCode: z.optional(z.string()),
      }),
    ),
  ),
  scan: z.optional(scanSchema),
});

const repositorySchema = z.object({
  repositoryName: z.string(),
  createdAt: time,
  imageTagMutability: z.enum(['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION']),
  imageTagMutabilityExclusionFilters: z.optional(
    z.array(z.object({ filterType: z.literal('WILDCARD'), filter: z.string() })),
  ),
  scanOnPush: z._default(z.boolean(), false),
  encryptionConfiguration: z.object({
    encryptionType: z.enum(['AES256', 'KMS', 'KMS_DSSE']),
    kmsKey: z.optional(z.string()),
  }),
  lifecyclePolicyText: z.optional(z.string()),
  repositoryPolicyText: z.optional(z.string()),
  /** Images in push order; an index comes after its children. */
  images: z.array(imageSchema),
});

const registrySchema = z.object({
  accountId: z.string().check(z.regex(/^\d{12}$/)),
  region: z.string(),
  replicationConfiguration: z._default(
    z.object({
      rules: z.array(
        z.object({
          destinations: z.array(z.object({ region: z.string(), registryId: z.string() })),
          repositoryFilters: z.optional(
            z.array(z.object({ filter: z.string(), filterType: z.literal('PREFIX_MATCH') })),
          ),
        }),
      ),
    }),
    { rules: [] },
  ),
  scanningConfiguration: z._default(
    z.object({
      scanType: z.enum(['BASIC', 'ENHANCED']),
      rules: z.array(
        z.object({
          scanFrequency: z.enum(['SCAN_ON_PUSH', 'CONTINUOUS_SCAN', 'MANUAL']),
          repositoryFilters: z.array(z.object({ filter: z.string(), filterType: z.literal('WILDCARD') })),
        }),
      ),
    }),
    { scanType: 'BASIC', rules: [] },
  ),
  repositories: z.array(repositorySchema),
});

const ecsSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  taskDefinitions: z.array(
    z.object({
      family: z.string(),
      revision: z.number().check(z.int(), z.positive()),
      status: z.enum(['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']),
      registeredAt: time,
      deregisteredAt: z.optional(time),
      containerDefinitions: z.array(
        z.object({ name: z.string(), image: z.string(), essential: z.optional(z.boolean()) }),
      ),
    }),
  ),
  clusters: z.array(
    z.object({
      clusterName: z.string(),
      services: z.array(
        z.object({
          serviceName: z.string(),
          status: z._default(z.enum(['ACTIVE', 'DRAINING', 'INACTIVE']), 'ACTIVE'),
          taskDefinition: z.string(),
          desiredCount: z.number().check(z.int()),
          launchType: z._default(z.enum(['FARGATE', 'EC2', 'EXTERNAL']), 'FARGATE'),
          createdAt: time,
          deployments: z.array(
            z.object({
              id: z.string(),
              status: z.enum(['PRIMARY', 'ACTIVE', 'INACTIVE']),
              taskDefinition: z.string(),
              desiredCount: z.number().check(z.int()),
              rolloutState: z.enum(['COMPLETED', 'IN_PROGRESS', 'FAILED']),
              createdAt: time,
              updatedAt: time,
            }),
          ),
        }),
      ),
      tasks: z.array(
        z.object({
          taskId: z.string(),
          taskDefinition: z.string(),
          group: z.string(),
          startedBy: z.optional(z.string()),
          lastStatus: z.enum(['RUNNING', 'STOPPED', 'PENDING']),
          desiredStatus: z.enum(['RUNNING', 'STOPPED']),
          launchType: z._default(z.enum(['FARGATE', 'EC2', 'EXTERNAL']), 'FARGATE'),
          createdAt: time,
          startedAt: z.optional(time),
          stoppedAt: z.optional(time),
          containers: z.array(
            z.object({
              containerId: z.string(),
              name: z.string(),
              image: z.string(),
              imageDigest: z.optional(z.string()),
              lastStatus: z.enum(['RUNNING', 'STOPPED', 'PENDING']),
            }),
          ),
        }),
      ),
    }),
  ),
});

const lambdaSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  functions: z.array(
    z.object({
      functionName: z.string(),
      versions: z.array(
        z.object({
          version: z.string(),
          imageUri: z.string(),
          resolvedImageUri: z.optional(z.string()),
          lastModified: time,
          description: z._default(z.string(), ''),
          memorySize: z._default(z.number().check(z.int()), 512),
          timeout: z._default(z.number().check(z.int()), 30),
          architectures: z._default(z.array(z.enum(['x86_64', 'arm64'])), ['x86_64']),
          revisionId: z.string(),
        }),
      ),
      aliases: z._default(
        z.array(
          z.object({
            name: z.string(),
            functionVersion: z.string(),
            description: z._default(z.string(), ''),
            additionalVersionWeights: z.optional(z.record(z.string(), z.number())),
            revisionId: z.string(),
          }),
        ),
        [],
      ),
    }),
  ),
});

// EKS clusters with their access entries and the Kubernetes objects their API holds; a local
// Kubernetes API stand-in serves them (local/kubernetes-api/simulated-clusters.ts).
// https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
const eksSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  clusters: z.array(
    z.object({
      name: z.string(),
      createdAt: time,
      version: z.optional(z.string()),
      authenticationMode: z.optional(z.enum(['API', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'])),
      accessEntries: z._default(
        z.array(
          z.object({
            principalArn: z.string(),
            createdAt: time,
            accessPolicies: z.array(
              z.object({
                policyArn: z.string(),
                accessScope: z.object({
                  type: z.enum(['cluster', 'namespace']),
                  namespaces: z.optional(z.array(z.string())),
                }),
              }),
            ),
          }),
        ),
        [],
      ),
      /** As the Kubernetes API returns them (each with its kind), in namespace/name order. */
      objects: z._default(
        z.array(
          z.looseObject({
            kind: z.string(),
            metadata: z.looseObject({ name: z.string(), namespace: z.optional(z.string()) }),
          }),
        ),
        [],
      ),
    }),
  ),
});

const plantedSchema = z.object({
  description: z.string(),
  region: z.string(),
  repositoryName: z.optional(z.string()),
  imageDigest: z.optional(z.string()),
  imageTag: z.optional(z.string()),
  details: z.optional(z.record(z.string(), z.unknown())),
});

export const sampleDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  asOf: z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time')),
  seed: z.number().check(z.int()),
  description: z._default(z.string(), ''),
  /** Named situations the sample plants, for tests and demos to find. */
  planted: z._default(z.record(z.string(), plantedSchema), {}),
  registries: z.array(registrySchema),
  ecs: z._default(z.array(ecsSchema), []),
  lambda: z._default(z.array(lambdaSchema), []),
  eks: z._default(z.array(eksSchema), []),
});

export type SampleDocument = z.input<typeof sampleDocumentSchema>;
export type PlantedSituation = z.infer<typeof plantedSchema>;
export type SampleIndex = Record<string, PlantedSituation>;

const RELATIVE = /^asOf(?:([+-])(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?$/;

/** A sample time as epoch milliseconds. */
export function resolveSampleTime(value: string, asOf: number): number {
  const match = RELATIVE.exec(value);
  if (match !== null) {
    const [, sign, d, h, m, s] = match;
    const offset =
      Number(d ?? 0) * MS_PER_DAY +
      Number(h ?? 0) * 3_600_000 +
      Number(m ?? 0) * 60_000 +
      Number(s ?? 0) * 1000;
    return sign === '-' ? asOf - offset : asOf + offset;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`not a sample time: ${value} (ISO 8601 or asOf±NdNhNmNs)`);
  return ms;
}

/** A time relative to `asOf`, to the second, as the sample stores it. */
export function relativeSampleTime(ms: number, asOf: number): string {
  let delta = Math.round((ms - asOf) / 1000);
  if (delta === 0) return 'asOf';
  const sign = delta < 0 ? '-' : '+';
  delta = Math.abs(delta);
  const parts: [number, string][] = [
    [Math.floor(delta / 86_400), 'd'],
    [Math.floor((delta % 86_400) / 3600), 'h'],
    [Math.floor((delta % 3600) / 60), 'm'],
    [delta % 60, 's'],
  ];
  return `asOf${sign}${parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('')}`;
}

export class SampleFormatError extends Error {
  override name = 'SampleFormatError';
}

/**
 * Loads a sample document into the world and sets the clock to its `asOf` (or `options.asOf`, which
 * moves every relative time with it). Digests are checked against the manifests.
 */
export function loadSampleDocument(
  world: World,
  document?: SampleDocument,
  options: { asOf?: Date | string } = {},
): SampleIndex {
  const raw = document ?? (JSON.parse(readFileSync(DEFAULT_SAMPLE_PATH, 'utf8')) as unknown);
  const parsed = sampleDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SampleFormatError(
      `sample document: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const sample = parsed.data;
  const asOf = options.asOf === undefined ? Date.parse(sample.asOf) : new Date(options.asOf).getTime();
  const at = (value: string) => resolveSampleTime(value, asOf);
  const atOptional = (value: string | undefined) => (value === undefined ? undefined : at(value));
  world.clock.set(asOf);

  for (const entry of sample.registries) {
    const registry = world.registry(entry.accountId, entry.region);
    registry.setReplicationRules(entry.replicationConfiguration.rules);
    registry.scanning = deepCopy(entry.scanningConfiguration);
    for (const repo of entry.repositories) {
      const repository = registry.createRepository(
        repo.repositoryName,
        {
          imageTagMutability: repo.imageTagMutability,
          imageTagMutabilityExclusionFilters: repo.imageTagMutabilityExclusionFilters,
          scanOnPush: repo.scanOnPush,
          encryptionType: repo.encryptionConfiguration.encryptionType,
          kmsKey: repo.encryptionConfiguration.kmsKey,
        },
        at(repo.createdAt),
      );
      if (repo.lifecyclePolicyText !== undefined) {
        repository.lifecyclePolicy = { text: repo.lifecyclePolicyText, lastEvaluatedAt: undefined };
      }
      repository.repositoryPolicy = repo.repositoryPolicyText;
      for (const image of repo.images) {
        const text =
          typeof image.imageManifest === 'string' ? image.imageManifest : JSON.stringify(image.imageManifest);
        const inspected = inspectManifest(text, image.imageManifestMediaType);
        if (inspected.digest !== image.imageDigest) {
          throw new SampleFormatError(
            `${entry.region}/${repo.repositoryName}: image ${image.imageDigest} has a manifest whose digest is ${inspected.digest}`,
          );
        }
        const missing = inspected.children.filter((child) => !repository.images.has(child));
        if (missing.length > 0) {
          throw new SampleFormatError(
            `${entry.region}/${repo.repositoryName}: index ${image.imageDigest} lists ${missing.join(', ')}, which come later or not at all`,
          );
        }
        const sizes = inspected.children.map((child) => repository.images.get(child)?.sizeBytes ?? 0);
        repository.insertImage({
          digest: inspected.digest,
          manifest: text,
          mediaType: inspected.mediaType,
          artifactMediaType: inspected.artifactMediaType,
          subjectDigest: inspected.subjectDigest,
          children: inspected.children,
          sizeBytes: inspected.children.length > 0 ? Math.max(0, ...sizes) : inspected.layersSize,
          pushedAt: at(image.imagePushedAt),
          lastPulledAt: atOptional(image.lastRecordedPullTime),
          status: image.imageStatus,
          lastArchivedAt: atOptional(image.lastArchivedAt),
          lastActivatedAt: atOptional(image.lastActivatedAt),
          tags: image.imageTags,
          scan: image.scan === undefined ? undefined : resolveScanTimes(image.scan, at),
          replication: image.replicationStatuses?.map((r) => ({ ...r })),
        });
      }
    }
  }

  for (const entry of sample.ecs) {
    const ecs = world.ecs(entry.accountId, entry.region);
    for (const td of entry.taskDefinitions) {
      const definition: EcsTaskDefinition = {
        taskDefinitionArn: `arn:aws:ecs:${entry.region}:${entry.accountId}:task-definition/${td.family}:${td.revision}`,
        family: td.family,
        revision: td.revision,
        status: td.status,
        containerDefinitions: td.containerDefinitions.map((c) => ({ ...c })),
        registeredAt: at(td.registeredAt),
        deregisteredAt: atOptional(td.deregisteredAt),
      };
      const revisions = ecs.taskDefinitions.get(td.family) ?? [];
      revisions.push(definition);
      revisions.sort((a, b) => a.revision - b.revision);
      ecs.taskDefinitions.set(td.family, revisions);
    }
    const arn = (resource: string) => `arn:aws:ecs:${entry.region}:${entry.accountId}:${resource}`;
    const taskDefinitionArn = (reference: string) =>
      reference.startsWith('arn:') ? reference : arn(`task-definition/${reference}`);
    for (const c of entry.clusters) {
      const cluster = ecs.addCluster(c.clusterName);
      for (const s of c.services) {
        cluster.services.set(s.serviceName, {
          serviceArn: arn(`service/${c.clusterName}/${s.serviceName}`),
          serviceName: s.serviceName,
          clusterArn: cluster.clusterArn,
          status: s.status,
          taskDefinition: taskDefinitionArn(s.taskDefinition),
          desiredCount: s.desiredCount,
          launchType: s.launchType,
          createdAt: at(s.createdAt),
          deployments: s.deployments.map((d) => ({
            id: d.id,
            status: d.status,
            taskDefinition: taskDefinitionArn(d.taskDefinition),
            // The sample records no service revisions: its services read as not deployed since 2024-10-25.
            serviceRevisionArn: undefined,
            desiredCount: d.desiredCount,
            runningCount: 0,
            pendingCount: 0,
            rolloutState: d.rolloutState,
            launchType: s.launchType,
            createdAt: at(d.createdAt),
            updatedAt: at(d.updatedAt),
          })),
          serviceDeployments: [],
        });
      }
      for (const t of c.tasks) {
        const taskArn = arn(`task/${c.clusterName}/${t.taskId}`);
        cluster.tasks.set(taskArn, {
          taskArn,
          clusterArn: cluster.clusterArn,
          taskDefinitionArn: taskDefinitionArn(t.taskDefinition),
          group: t.group,
          startedBy: t.startedBy,
          lastStatus: t.lastStatus,
          desiredStatus: t.desiredStatus,
          launchType: t.launchType,
          createdAt: at(t.createdAt),
          startedAt: atOptional(t.startedAt),
          stoppedAt: atOptional(t.stoppedAt),
          containers: t.containers.map((container) => ({
            containerArn: arn(`container/${c.clusterName}/${t.taskId}/${container.containerId}`),
            name: container.name,
            image: container.image,
            imageDigest: container.imageDigest,
            lastStatus: container.lastStatus,
          })),
        });
      }
    }
  }

  for (const entry of sample.lambda) {
    const lambda = world.lambda(entry.accountId, entry.region);
    for (const f of entry.functions) {
      const functionArn = `arn:aws:lambda:${entry.region}:${entry.accountId}:function:${f.functionName}`;
      lambda.functions.set(f.functionName, {
        functionName: f.functionName,
        functionArn,
        role: `arn:aws:iam::${entry.accountId}:role/${f.functionName}-role`,
        versions: f.versions.map((v) => ({
          version: v.version,
          imageUri: v.imageUri,
          resolvedImageUri: v.resolvedImageUri,
          lastModified: at(v.lastModified),
          description: v.description,
          memorySize: v.memorySize,
          timeout: v.timeout,
          architectures: [...v.architectures],
          revisionId: v.revisionId,
        })),
        aliases: new Map(
          f.aliases.map((a) => [
            a.name,
            {
              name: a.name,
              functionVersion: a.functionVersion,
              description: a.description,
              additionalVersionWeights: a.additionalVersionWeights,
              revisionId: a.revisionId,
            },
          ]),
        ),
      });
    }
  }
  for (const entry of sample.eks) {
    const eks = world.eks(entry.accountId, entry.region);
    for (const c of entry.clusters) {
      // No endpoint yet: whoever serves the objects (a Kubernetes API stand-in) sets it.
      eks.addCluster({
        name: c.name,
        createdAt: at(c.createdAt),
        objects: c.objects,
        ...(c.version === undefined ? {} : { version: c.version }),
        ...(c.authenticationMode === undefined ? {} : { authenticationMode: c.authenticationMode }),
      });
      for (const accessEntry of c.accessEntries) {
        const created = at(accessEntry.createdAt);
        eks.createAccessEntry(c.name, { principalArn: accessEntry.principalArn }, created);
        for (const policy of accessEntry.accessPolicies) {
          eks.associateAccessPolicy(
            c.name,
            accessEntry.principalArn,
            policy.policyArn,
            policy.accessScope,
            created,
          );
        }
      }
    }
  }
  return deepCopy(sample.planted);
}

function resolveScanTimes(scan: ImageScan, at: (value: string) => number): ImageScan {
  const iso = (value: string | undefined) =>
    value === undefined ? undefined : new Date(at(value)).toISOString();
  const copy = deepCopy(scan);
  const completedAt = iso(scan.completedAt);
  const sourceUpdatedAt = iso(scan.vulnerabilitySourceUpdatedAt);
  if (completedAt !== undefined) copy.completedAt = completedAt;
  if (sourceUpdatedAt !== undefined) copy.vulnerabilitySourceUpdatedAt = sourceUpdatedAt;
  for (const finding of copy.enhancedFindings ?? []) {
    finding.firstObservedAt = iso(finding.firstObservedAt) ?? finding.firstObservedAt;
    finding.lastObservedAt = iso(finding.lastObservedAt) ?? finding.lastObservedAt;
    finding.updatedAt = iso(finding.updatedAt) ?? finding.updatedAt;
    const details = finding.packageVulnerabilityDetails;
    if (details.vendorCreatedAt !== undefined) details.vendorCreatedAt = iso(details.vendorCreatedAt);
    if (details.vendorUpdatedAt !== undefined) details.vendorUpdatedAt = iso(details.vendorUpdatedAt);
  }
  return copy;
}

function relativeScanTimes(scan: ImageScan, asOf: number): ImageScan {
  const rel = (value: string | undefined) =>
    value === undefined ? undefined : relativeSampleTime(Date.parse(value), asOf);
  const copy = deepCopy(scan);
  const completedAt = rel(scan.completedAt);
  const sourceUpdatedAt = rel(scan.vulnerabilitySourceUpdatedAt);
  if (completedAt !== undefined) copy.completedAt = completedAt;
  if (sourceUpdatedAt !== undefined) copy.vulnerabilitySourceUpdatedAt = sourceUpdatedAt;
  for (const finding of copy.enhancedFindings ?? []) {
    finding.firstObservedAt = rel(finding.firstObservedAt) ?? finding.firstObservedAt;
    finding.lastObservedAt = rel(finding.lastObservedAt) ?? finding.lastObservedAt;
    finding.updatedAt = rel(finding.updatedAt) ?? finding.updatedAt;
    const details = finding.packageVulnerabilityDetails;
    if (details.vendorCreatedAt !== undefined) details.vendorCreatedAt = rel(details.vendorCreatedAt);
    if (details.vendorUpdatedAt !== undefined) details.vendorUpdatedAt = rel(details.vendorUpdatedAt);
  }
  return copy;
}

/** The world as a sample document, every time relative to the clock's now (the document's asOf). */
export function snapshotWorld(world: World, description: string, planted: SampleIndex = {}): SampleDocument {
  const asOf = world.clock.nowMs();
  const rel = (ms: number) => relativeSampleTime(ms, asOf);
  const relOptional = (ms: number | undefined) => (ms === undefined ? undefined : rel(ms));
  const manifestValue = (text: string): string | Record<string, unknown> => {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return JSON.stringify(parsed) === text ? parsed : text;
    } catch {
      return text;
    }
  };
  return strip({
    schemaVersion: 1 as const,
    asOf: new Date(asOf).toISOString(),
    seed: world.seed,
    description,
    planted,
    registries: world.registries().map((registry) => ({
      accountId: registry.accountId,
      region: registry.region,
      replicationConfiguration: { rules: deepCopy(registry.replicationRules) },
      scanningConfiguration: deepCopy(registry.scanning),
      repositories: [...registry.repositories.values()].map((repository) => ({
        repositoryName: repository.name,
        createdAt: rel(repository.createdAt),
        imageTagMutability: repository.imageTagMutability,
        imageTagMutabilityExclusionFilters:
          repository.exclusionFilters.length > 0
            ? repository.exclusionFilters.map((f) => ({ ...f }))
            : undefined,
        scanOnPush: repository.scanOnPush,
        encryptionConfiguration: { encryptionType: repository.encryptionType, kmsKey: repository.kmsKey },
        lifecyclePolicyText: repository.lifecyclePolicy?.text,
        repositoryPolicyText: repository.repositoryPolicy,
        images: repository.listImages().map((image) => ({
          imageDigest: image.digest,
          imageManifestMediaType: image.mediaType,
          imageManifest: manifestValue(image.manifest),
          imageTags: [...image.tags],
          imagePushedAt: rel(image.pushedAt),
          lastRecordedPullTime: relOptional(image.lastPulledAt),
          imageStatus: image.status,
          lastArchivedAt: relOptional(image.lastArchivedAt),
          lastActivatedAt: relOptional(image.lastActivatedAt),
          replicationStatuses: image.replication?.map((r) => ({ ...r })),
          scan: image.scan === undefined ? undefined : relativeScanTimes(image.scan, asOf),
        })),
      })),
    })),
    ecs: world.ecsStates().map((ecs) => ({
      accountId: ecs.accountId,
      region: ecs.region,
      taskDefinitions: ecs.allTaskDefinitions().map((d) => ({
        family: d.family,
        revision: d.revision,
        status: d.status,
        registeredAt: rel(d.registeredAt),
        deregisteredAt: relOptional(d.deregisteredAt),
        containerDefinitions: d.containerDefinitions.map((c) => ({ ...c })),
      })),
      clusters: [...ecs.clusters.values()].map((cluster) => ({
        clusterName: cluster.clusterName,
        services: [...cluster.services.values()].map((s) => ({
          serviceName: s.serviceName,
          status: s.status,
          taskDefinition: s.taskDefinition.split('task-definition/')[1] ?? s.taskDefinition,
          desiredCount: s.desiredCount,
          launchType: s.launchType,
          createdAt: rel(s.createdAt),
          deployments: s.deployments.map((d) => ({
            id: d.id,
            status: d.status,
            taskDefinition: d.taskDefinition.split('task-definition/')[1] ?? d.taskDefinition,
            desiredCount: d.desiredCount,
            rolloutState: d.rolloutState,
            createdAt: rel(d.createdAt),
            updatedAt: rel(d.updatedAt),
          })),
        })),
        tasks: [...cluster.tasks.values()].map((t) => ({
          taskId: t.taskArn.split('/').at(-1) ?? t.taskArn,
          taskDefinition: t.taskDefinitionArn.split('task-definition/')[1] ?? t.taskDefinitionArn,
          group: t.group,
          startedBy: t.startedBy,
          lastStatus: t.lastStatus,
          desiredStatus: t.desiredStatus,
          launchType: t.launchType,
          createdAt: rel(t.createdAt),
          startedAt: relOptional(t.startedAt),
          stoppedAt: relOptional(t.stoppedAt),
          containers: t.containers.map((container) => ({
            containerId: container.containerArn.split('/').at(-1) ?? container.containerArn,
            name: container.name,
            image: container.image,
            imageDigest: container.imageDigest,
            lastStatus: container.lastStatus,
          })),
        })),
      })),
    })),
    lambda: world.lambdaStates().map((lambda) => ({
      accountId: lambda.accountId,
      region: lambda.region,
      functions: [...lambda.functions.values()].map((fn) => ({
        functionName: fn.functionName,
        versions: fn.versions.map((v) => ({
          ...v,
          architectures: [...v.architectures],
          lastModified: rel(v.lastModified),
        })),
        aliases: [...fn.aliases.values()].map((a) => ({ ...a })),
      })),
    })),
    eks: world.eksStates().map((eks) => ({
      accountId: eks.accountId,
      region: eks.region,
      clusters: eks.clusters().map((cluster) => ({
        name: cluster.name,
        createdAt: rel(cluster.createdAt),
        version: cluster.version,
        authenticationMode: cluster.authenticationMode,
        accessEntries: [...cluster.accessEntries.values()].map((entry) => ({
          principalArn: entry.principalArn,
          createdAt: rel(entry.createdAt),
          accessPolicies: [...entry.policies.values()].map((policy) => ({
            policyArn: policy.policyArn,
            accessScope:
              policy.accessScope.type === 'cluster'
                ? { type: 'cluster' as const }
                : { type: 'namespace' as const, namespaces: [...policy.accessScope.namespaces] },
          })),
        })),
        objects: cluster.objects.map((object) => deepCopy(object)),
      })),
    })),
  });
}

/**
 * The document as the sample file stores it: 2-space JSON, each manifest object on one line (a
 * manifest is data to look at whole, and expanding them would triple the file).
 */
export function formatSampleDocument(document: SampleDocument): string {
  const manifests: string[] = [];
  const text = JSON.stringify(
    document,
    (key, value: unknown) => {
      if (key !== 'imageManifest' || typeof value !== 'object' || value === null) return value;
      manifests.push(JSON.stringify(value));
      return `\u0000manifest:${manifests.length - 1}`;
    },
    2,
  );
  return `${text.replace(/"\\u0000manifest:(\d+)"/g, (_, n: string) => manifests[Number(n)] ?? 'null')}\n`;
}

/** Drops undefined members everywhere (a JSON round trip), so that the file stays small and stable. */
function strip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
